// Round trips to the database per request, as the Worker reaches it: the real app (createApp over
// buildDeps, as src/worker.ts builds it) on `@libsql/client/web`, which speaks Hrana over HTTP,
// to the counting Hrana server of the tests (test/helpers/hrana-server.ts) on a SQLite file. At
// the edge every round trip costs 5–50 ms, so these are counts, exact and the same on every run,
// each against the budget. The isolate is warm: a key's last use is noted at most once a
// minute, so each key is used once, uncounted, before a counted request, and the audit chain's
// end is cached from an earlier write, so only the request's own work is counted.
// RT_SQL=1 prints the SQL of every round trip counted.
import { createClient } from "@libsql/client/web";
import { createServer } from "node:http";
import { startHranaServer } from "../../test/helpers/hrana-server";
import { createApp } from "../../src/app";
import { buildDeps } from "../../src/build-deps";
import { parseEnv } from "../../src/env";
import { insertApiKey } from "../../src/features/organisations/organisations.service";
import { runScheduled } from "../../src/jobs/scheduler";
import { createWebhookRelay } from "../../src/webhooks/create-relay";
import { drainOutbox } from "../../src/webhooks/relay";
import { type Figure, figure, round } from "./figure";
import { openProduct, PROCESSOR_KEY, seedAgreements, tempPath } from "./seed";

const AGREEMENTS = 100;
const CONTROLLER_KEY = "sk_live_bench_controller_0000000";
const DAY = 24 * 60 * 60 * 1000;

/** The budgets: round trips per request. */
export const ROUND_TRIP_GOALS = {
  annex_read: 2,
  list: 2,
  change_request: 2,
  /** per batch of deliveries the relay claims, sends and records */
  delivery_batch: 1,
  decision: 2,
  sweep_100: 10,
} as const;

type Step = { stmt?: { sql?: string; sql_id?: number } };
type HranaRequest = { type: string; sql?: string; sql_id?: number; stmt?: Step["stmt"]; batch?: { steps: Step[] } };

/** One pipeline (one HTTP round trip): its requests, and the SQL of each execute and batch. */
function describe(body: unknown) {
  const requests = (body as { requests?: HranaRequest[] }).requests ?? [];
  const stored = new Map<number, string>();
  for (const r of requests) if (r.type === "store_sql") stored.set(r.sql_id!, r.sql!);
  const text = (stmt: Step["stmt"]) => stmt?.sql ?? stored.get(stmt?.sql_id ?? -1) ?? "";
  const sql = requests.flatMap((r) => (r.type === "execute" ? [text(r.stmt)] : r.type === "batch" ? r.batch!.steps.map((s) => text(s.stmt)) : []));
  const kinds = requests
    .filter((r) => r.type === "execute" || r.type === "batch" || r.type === "sequence")
    .map((r) => (r.type === "batch" ? `batch of ${r.batch!.steps.length}` : r.type));
  return { sql, kinds: kinds.join(" + ") || requests.map((r) => r.type).join(" + ") };
}

/** What each round trip sent, in order; a long run as a tally of its kinds. */
function shape(sent: { kinds: string }[]) {
  if (sent.length <= 12) return sent.map((s) => s.kinds).join("; ");
  const tally = new Map<string, number>();
  for (const s of sent) tally.set(s.kinds, (tally.get(s.kinds) ?? 0) + 1);
  return [...tally].map(([kinds, n]) => `${n} × ${kinds}`).join(", ");
}

const addLocation = (ref: string) => ({
  op: "add_location",
  location: {
    ref,
    label: "Backup site",
    address: { street: "Adelgade 44", postal_code: "8660", city: "Skanderborg", country: "DK" },
    activities: ["backup"],
  },
});

export async function benchRoundTrips(): Promise<{ figures: Record<string, Figure>; notes: string[] }> {
  // acknowledges at once: the relay's deliveries go somewhere
  const receiver = createServer((req, res) => {
    req.resume().on("end", () => res.writeHead(204).end());
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const address = receiver.address();
  const hook = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/hook`;

  // seeded on the file as the service would (migrations, services, copies), then served over HTTP
  const file = tempPath("round-trips");
  const seed = await openProduct(file.path);
  const seeded = await seedAgreements(seed.client, seed.deps, AGREEMENTS, hook);
  const controllerOf = async (agreement: string) =>
    String((await seed.client.execute({ sql: "SELECT controller_id FROM agreements WHERE id = ?", args: [agreement] })).rows[0]!.controller_id);
  const first = seeded.agreementIds[0]!;
  await insertApiKey(seed.deps.db, { id: seed.deps.newId("apiKey"), organisationId: await controllerOf(first), name: "bench", secret: CONTROLLER_KEY, now: new Date() });
  await seed.client.execute("PRAGMA wal_checkpoint(TRUNCATE)");
  seed.client.close();

  const pipelines: unknown[] = [];
  const server = await startHranaServer({ path: file.path, onPipeline: (body) => pipelines.push(body) });
  const client = createClient({ url: server.url });
  try {
    // as src/worker.ts builds it: the same env parsing, dependencies, app and relay
    const env = parseEnv({ DATABASE_URL: server.url, LOG_LEVEL: "silent", WEBHOOK_ALLOW_INSECURE: "1", RATE_LIMIT_PER_MINUTE: "1000000" });
    const deps = buildDeps(env, { client });
    const app = createApp(deps);
    const relay = await createWebhookRelay(deps, env, { fetch: (input, init) => fetch(input, init) });

    const call = async (key: string, method: string, path: string, body?: unknown) => {
      const res = await app.request(path, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return JSON.parse(text) as Record<string, unknown> & { data?: { id: string }[] };
    };
    /** Runs `run` and counts the round trips that reached the Hrana server meanwhile. */
    const counted = async <T>(run: () => Promise<T>) => {
      const from = pipelines.length;
      const result = await run();
      const sent = pipelines.slice(from).map(describe);
      if (process.env.RT_SQL) for (const s of sent) console.error("RT>", s.kinds, JSON.stringify(s.sql).slice(0, 1500));
      return { result, roundTrips: sent.length, sent };
    };
    const warm = (key: string) => call(key, "GET", "/v1/agreements?limit=1");
    const request = async (key: string, method: string, path: string, body?: unknown) => {
      await warm(key);
      return counted(() => call(key, method, path, body));
    };

    const figures: Record<string, Figure> = {};
    const notes: string[] = [];
    const count = (name: string, what: string, n: { roundTrips: number; sent: { kinds: string }[] }, goal: number) => {
      figures[`round_trips_${name}`] = figure(n.roundTrips, goal, "round trips", { ratio: "<=", limit: 1 }, 0);
      notes.push(`round trips, ${what}: ${n.roundTrips} (${shape(n.sent)})`);
    };

    // a warm isolate: one read before, so the audit chain's end is cached as after any earlier write
    await call(PROCESSOR_KEY, "GET", `/v1/agreements/${seeded.agreementIds[2]}/annex`);
    count("annex_read", "annex read", await request(PROCESSOR_KEY, "GET", `/v1/agreements/${seeded.agreementIds[1]}/annex`), ROUND_TRIP_GOALS.annex_read);

    // a decision: the controller approves a change of its one agreement, applied at once
    const single = await call(PROCESSOR_KEY, "POST", "/v1/change-requests", { agreements: [first], operations: [addLocation("site-a")], reason: "A second site" });
    await drainOutbox(relay);
    const decisionId = (single.decisions as { id: string }[])[0]!.id;
    count("decision", "a decision (approve)", await request(CONTROLLER_KEY, "POST", `/v1/decisions/${decisionId}/approve`, {}), ROUND_TRIP_GOALS.decision);
    await drainOutbox(relay);

    // a change request over every agreement, then the deliveries it queued
    const submitted = new Date();
    const cr = await request(PROCESSOR_KEY, "POST", "/v1/change-requests", { agreements: "all", operations: [addLocation("site-b")], reason: "A backup site" });
    const decisions = (cr.result.decisions as unknown[]).length;
    if (decisions !== AGREEMENTS) throw new Error(`round trips: ${decisions} decisions for ${AGREEMENTS} agreements`);
    count("change_request", `a change request over ${AGREEMENTS} agreements`, cr, ROUND_TRIP_GOALS.change_request);
    const drained = await counted(() => drainOutbox(relay));
    // a batch sent is a batch whose events were read: one read of them per batch
    const batches = drained.sent.filter((p) => p.sql.some((s) => /^select .* from "events" where "events"\."id" in/i.test(s))).length;
    if (!drained.result || !batches) throw new Error(`round trips: the relay delivered ${drained.result} in ${batches} batches`);
    figures.round_trips_delivery_batch = figure(drained.roundTrips / batches, ROUND_TRIP_GOALS.delivery_batch, "round trips", { ratio: "<=", limit: 1 }, 2);
    notes.push(
      `round trips, the relay's drain after it: ${drained.roundTrips} for ${drained.result} deliveries in ${batches} batches, ${round(drained.roundTrips / batches, 2)} a batch (${shape(drained.sent)})`,
    );

    for (const list of ["agreements", "decisions", "events"])
      for (const limit of [20, 100])
        count(`list_${list}_${limit}`, `GET /v1/${list}?limit=${limit}`, await request(PROCESSOR_KEY, "GET", `/v1/${list}?limit=${limit}`), ROUND_TRIP_GOALS.list);

    // the Worker's cron a day after the notice ended: 100 decisions deemed approved and applied
    const sweep = await counted(() => runScheduled(deps, new Date(submitted.getTime() + 31 * DAY), { budget: env.SCHEDULER_BUDGET }));
    if (sweep.result.deemed_approved !== AGREEMENTS) throw new Error(`round trips: the sweep deemed ${sweep.result.deemed_approved} of ${AGREEMENTS}`);
    count(
      "sweep_100",
      `a scheduler run with ${AGREEMENTS} due decisions (deemed ${sweep.result.deemed_approved}, applied ${sweep.result.applied})`,
      sweep,
      ROUND_TRIP_GOALS.sweep_100,
    );
    return { figures, notes };
  } finally {
    client.close();
    await server.close();
    receiver.close();
    file.remove();
  }
}
