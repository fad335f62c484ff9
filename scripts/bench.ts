// Every hot path as a ratio against its physical limit, measured side by side in one run on
// this machine (shared and noisy: the ratio is the figure, the absolute numbers context), and the
// round trips per request the Worker makes to its database, counted (exact, not timed).
//   npm run bench -- [--quick] [--json out.json] [--only annex,fan-out,deliveries,sweep,feeds,audit,round-trips,handoff,bundle]
// Loopback only. --quick: under a minute on 2 cores; the full run: under ten minutes.
import "../src/require-supported-node";
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { benchAnnexRead } from "./bench/annex-read";
import { benchAuditVerify } from "./bench/audit-verify";
import { benchFeeds } from "./bench/feeds";
import { benchBundle } from "./bench/bundle";
import { benchDeliveries } from "./bench/deliveries";
import { benchFanOut } from "./bench/fan-out";
import { type Figure, round } from "./bench/figure";
import { benchRoundTrips } from "./bench/round-trips";
import { benchHandoff } from "./bench/handoff";
import { benchSweep } from "./bench/sweep";

const PARTS = ["annex", "fan-out", "deliveries", "sweep", "feeds", "audit", "round-trips", "handoff", "bundle"] as const;
const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    smoke: { type: "boolean", default: false },
    json: { type: "string" },
    only: { type: "string" },
    // internal: the file a part run in its own process writes its figures to
    "part-out": { type: "string" },
  },
});
const only = new Set(values.only ? values.only.split(",") : PARTS);
for (const part of only) if (!(PARTS as readonly string[]).includes(part)) throw new Error(`--only: unknown part ${part}; one of ${PARTS.join(", ")}`);
// --smoke: every part and every figure at small sizes, to prove the bench runs (the test suite); no measurement
const smoke = values.smoke;
const quick = values.quick || smoke;

/**
 * How much each part does: --quick trades repetitions for time, never the sizes the goals name;
 * --smoke shrinks the sizes too. Each growth series' last size is the one its figure is taken at.
 */
const plan = smoke
  ? {
      annex: { connections: 4, seconds: 1, rounds: 1 },
      fanOut: [10, 100],
      fanOutIterations: 1,
      deliveries: { events: 100, concurrency: 8, iterations: 1 },
      sweep: [1000],
      sweepIterations: 1,
      bareUpdate: false,
      feedRows: [100, 1000],
      auditRecords: 1000,
      handoff: { events: 16, receiverMs: 100, concurrency: 16 },
    }
  : quick
    ? {
        annex: { connections: 10, seconds: 3, rounds: 1 },
        fanOut: [10, 100, 1000],
        fanOutIterations: 2,
        deliveries: { events: 500, concurrency: 16, iterations: 2 },
        sweep: [100_000],
        sweepIterations: 1,
        bareUpdate: false,
        feedRows: [1000, 100_000],
        auditRecords: 100_000,
        handoff: { events: 100, receiverMs: 1000, concurrency: 16 },
      }
    : {
        annex: { connections: 10, seconds: 10, rounds: 3 },
        fanOut: [10, 100, 1000, 10_000],
        fanOutIterations: 5,
        deliveries: { events: 1000, concurrency: 16, iterations: 5 },
        sweep: [1000, 10_000, 100_000],
        sweepIterations: 2,
        bareUpdate: true,
        feedRows: [1000, 100_000],
        auditRecords: 100_000,
        handoff: { events: 100, receiverMs: 1000, concurrency: 16 },
      };
/** the size a growth series' figure is taken at: the goals name 1,000 agreements and 100,000 decisions */
const figureAt = (series: number[], named: number) => (series.includes(named) ? named : series.at(-1)!);

const figures: Record<string, Figure> = {};
const growth: Record<string, { n: number; ms: number; baselineMs: number; perItemUs: number; bareUpdateMs?: number }[]> = {};
const notes: string[] = [];
const started = performance.now();
const step = (what: string) => console.error(`[${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${what}`);

/**
 * Several parts: each runs in a process of its own, so that no figure depends on what ran before
 * it in the same process (the product's code optimised by V8 for another part's shapes, its
 * heap). In one process, the relay measured 0.65 and 0.71 of raw fetch after fan-out's 10,000
 * agreements, and 1.08 to 1.11 on its own.
 */
const selected = PARTS.filter((part) => only.has(part));
const inProcess = selected.length === 1 || values["part-out"] !== undefined;
if (!inProcess)
  for (const part of selected) {
    const out = join(tmpdir(), `bench-part-${crypto.randomUUID()}.json`);
    const args = [...process.execArgv, fileURLToPath(import.meta.url), "--only", part, "--part-out", out, ...(values.quick ? ["--quick"] : []), ...(smoke ? ["--smoke"] : [])];
    const run = spawnSync(process.execPath, args, { stdio: ["ignore", "ignore", "inherit"] });
    if (run.status !== 0) throw new Error(`bench: the part ${part} failed (exit ${run.status})`);
    const got = JSON.parse(readFileSync(out, "utf8")) as { figures: typeof figures; growth: typeof growth; notes: string[] };
    rmSync(out, { force: true });
    Object.assign(figures, got.figures);
    Object.assign(growth, got.growth);
    notes.push(...got.notes);
  }

if (inProcess && only.has("annex")) {
  step("annex read and memory (autocannon against the service in a child process)");
  const r = await benchAnnexRead(plan.annex);
  figures.annex_read = r.annex;
  figures.memory = r.memory;
  notes.push(`annex read: ${r.detail.connections} connections, ${r.detail.rounds} × ${r.detail.seconds} s each side; RSS before the load ${r.detail.rss_before_load_mb} MB`);
}
if (inProcess && only.has("fan-out")) {
  growth.fan_out = [];
  for (const n of plan.fanOut) {
    step(`fan-out: one change request covering ${n} agreements`);
    // 10,000 agreements take long: fewer repetitions
    const r = await benchFanOut({ agreements: n, iterations: n >= 10_000 ? Math.min(2, plan.fanOutIterations) : plan.fanOutIterations });
    if (n === figureAt(plan.fanOut, 1000)) {
      figures.fan_out = r.figure;
      notes.push(
        `fan-out: ${n.toLocaleString("en")} agreements wrote ${r.rows} rows (request, decisions, events, audit records, deliveries); the baseline reads the ${n.toLocaleString("en")} annexes and inserts those rows with ${r.statements} set-based statements, all in one transaction`,
      );
    }
    growth.fan_out.push({ n, ms: r.figure.value, baselineMs: r.figure.baseline, perItemUs: round((r.figure.value / n) * 1000, 1) });
  }
}
if (inProcess && only.has("deliveries")) {
  step("deliveries: relay vs raw fetch to a loopback receiver");
  figures.deliveries = await benchDeliveries(plan.deliveries);
}
if (inProcess && only.has("sweep")) {
  growth.sweep = [];
  for (const n of plan.sweep) {
    step(`notice sweep: runDue over ${n} pending decisions`);
    const r = await benchSweep({ decisions: n, iterations: plan.sweepIterations, bareUpdate: plan.bareUpdate });
    if (n === figureAt(plan.sweep, 100_000)) {
      figures.notice_sweep = r.figure;
      notes.push(
        `notice sweep: runDue wrote ${r.rowsWritten} rows besides the ${n.toLocaleString("en")} updates (an event, its audit record and its delivery per decision); the baseline is that update and those same rows in one raw transaction${r.bareUpdateMs ? `; the bare UPDATE alone takes ${r.bareUpdateMs} ms (runDue ${round(r.figure.value / r.bareUpdateMs, 2)}× it)` : ""}`,
      );
    }
    growth.sweep.push({
      n,
      ms: r.figure.value,
      baselineMs: r.figure.baseline,
      perItemUs: round((r.figure.value / n) * 1000, 1),
      ...(r.bareUpdateMs ? { bareUpdateMs: r.bareUpdateMs } : {}),
    });
  }
}
if (inProcess && only.has("feeds")) {
  step(`feeds: a page of events and of the audit list at ${plan.feedRows[1]!.toLocaleString("en")} rows vs ${plan.feedRows[0]!.toLocaleString("en")}`);
  const r = await benchFeeds({ iterations: smoke ? 5 : quick ? 20 : 100, rows: plan.feedRows as [number, number] });
  figures.feeds = r.figure;
  for (const s of r.series)
    notes.push(
      `feeds at ${s.n.toLocaleString("en")} rows (median ms per page of 20): ${Object.entries(s.ms)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}`,
    );
}
if (inProcess && only.has("audit")) {
  step(`audit verify: ${plan.auditRecords.toLocaleString("en")} records, from the newest checkpoint vs the whole chain`);
  const r = await benchAuditVerify({ records: plan.auditRecords, sinceCheckpoint: 100, iterations: quick ? 3 : 10 });
  figures.audit_verify = r.figure;
  notes.push(
    `audit verify at ${plan.auditRecords.toLocaleString("en")} records: ${r.incrementalMs} ms from a checkpoint 100 records back (goal: under 50 ms), ${r.fullMs} ms for the whole chain`,
  );
}
if (inProcess && only.has("round-trips")) {
  step("round trips per request, counted at a Hrana server as the Worker reaches Turso");
  const r = await benchRoundTrips();
  Object.assign(figures, r.figures);
  notes.push(...r.notes);
}
if (inProcess && only.has("handoff")) {
  step(`handoff: a Worker's work after a write of ${plan.handoff.events} events, delivering itself vs handing to Svix`);
  const r = await benchHandoff(plan.handoff);
  notes.push(
    `handoff: ${r.events} events to a receiver answering in ${r.receiverMs} ms, ${r.concurrency} at a time: ${r.embeddedMs} ms delivering them (embedded relay), ${r.svixMs} ms handing them to Svix (the tests' fake Svix on loopback); a Worker's waitUntil ends 30 s after the response`,
  );
}
if (inProcess && only.has("bundle")) {
  step("bundle: wrangler deploy --dry-run");
  const r = await benchBundle();
  figures.bundle = r.figure;
  notes.push(`bundle: ${r.rawKiB} KiB before gzip`);
}
step("done");
if (values["part-out"]) {
  writeFileSync(values["part-out"], JSON.stringify({ figures, growth, notes }));
  process.exit(0);
}

console.log(
  `\n${new Date().toISOString().slice(0, 10)} · ${cpus().length} × ${cpus()[0]?.model.trim()} · Node ${process.version} · ${quick ? "--quick" : "full run"} · ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
);
console.table(
  Object.fromEntries(
    Object.entries(figures).map(([k, f]) => [
      k,
      {
        value: f.value,
        "min / median / max": f.spread ? `${f.spread.min} / ${f.spread.median} / ${f.spread.max}` : "—",
        baseline: f.baseline,
        unit: f.unit,
        ratio: f.ratio,
        goal: f.goal,
        met: f.met ? "yes" : "NO",
      },
    ]),
  ),
);
for (const [name, series] of Object.entries(growth)) {
  console.log(`\ngrowth of ${name} (per item: product ms ÷ n)`);
  console.table(
    Object.fromEntries(
      series.map((s) => [
        s.n,
        {
          "product ms": s.ms,
          "baseline ms": s.baselineMs,
          "µs per item": s.perItemUs,
          ratio: round(s.ms / s.baselineMs, 2),
          ...(s.bareUpdateMs ? { "bare update ms": s.bareUpdateMs } : {}),
        },
      ]),
    ),
  );
}
for (const note of notes) console.log(`· ${note}`);
if (values.json) {
  writeFileSync(values.json, `${JSON.stringify({ ...figures, growth }, null, 2)}\n`);
  console.log(`\nwrote ${values.json}`);
}
