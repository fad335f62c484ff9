import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/node-service";

/** Runs `npm run bench -- --smoke --json <file> …args` (every part, small sizes): its exit code, its output and the JSON it wrote. */
async function runBench(...args: string[]) {
  const out = join(tmpdir(), `bench-${crypto.randomUUID()}.json`);
  try {
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn("npm", ["run", "bench", "--", "--smoke", "--json", out, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      child.stdout.on("data", (b) => (output += b));
      child.stderr.on("data", (b) => (output += b));
      child.on("close", (code) => resolve({ code, output }));
    });
    expect(code, output).toBe(0);
    return { output, result: JSON.parse(readFileSync(out, "utf8")) };
  } finally {
    rmSync(out, { force: true });
  }
}

/** Every figure: a value beside its baseline from the same run, their ratio and the goal for it. */
function expectFigures(result: Record<string, { value: number; baseline: number; ratio: number }>, names: string[]) {
  for (const name of names) {
    const f = result[name]!;
    expect(f, name).toMatchObject({
      value: expect.any(Number),
      baseline: expect.any(Number),
      ratio: expect.any(Number),
      goal: expect.stringMatching(/^ratio (>=|<=) [\d.]+$/),
      unit: expect.any(String),
      met: expect.any(Boolean),
    });
    expect(f.value, name).toBeGreaterThan(0);
    expect(f.baseline, name).toBeGreaterThan(0);
    // the ratio is the product's value over the baseline measured beside it
    expect(Math.abs(f.ratio - f.value / f.baseline), name).toBeLessThan(0.01 * Math.max(1, f.ratio));
  }
}

/** The round trips counted, each against its budget (the baseline): exact counts, not timings. */
const ROUND_TRIPS = [
  "round_trips_annex_read",
  "round_trips_decision",
  "round_trips_change_request",
  "round_trips_delivery_batch",
  ...["agreements", "decisions", "events"].flatMap((list) => [`round_trips_list_${list}_20`, `round_trips_list_${list}_100`]),
  "round_trips_sweep_100",
];

/**
 * `npm run bench -- --smoke --json out.json` (issue 9: every part, at small sizes) runs on a fresh clone and writes every
 * figure with its baseline from the same run. The figures themselves are not asserted here:
 * the suite shares the machine with itself, so only the full run in the README is a measurement.
 */
describe("npm run bench -- --smoke --json", () => {
  it("counts the Worker's round trips per request at a Hrana server, each against its budget", { timeout: 60_000 }, async () => {
    const { output, result } = await runBench("--only", "round-trips");
    expectFigures(result, ROUND_TRIPS);
    for (const name of ROUND_TRIPS) {
      expect(result[name].unit, name).toBe("round trips");
      expect(result[name].goal, name).toBe("ratio <= 1");
      expect(output).toContain(name);
    }
    // counts, not timings: whole round trips (the relay's is per batch)
    for (const name of ROUND_TRIPS.filter((n) => n !== "round_trips_delivery_batch")) expect(Number.isInteger(result[name].value), name).toBe(true);
    expect(result.annex_read).toBeUndefined();
  });

  it("measures every figure against its baseline and the growth of fan-out and sweep", { timeout: 300_000 }, async () => {
    const { output, result } = await runBench();
    const figures = ["annex_read", "fan_out", "deliveries", "notice_sweep", "feeds", "audit_verify", "bundle", "memory", ...ROUND_TRIPS];
    expectFigures(result, figures);
    expect(result.fan_out.unit).toBe("ms");
    expect(result.annex_read.unit).toBe("req/s");
    expect(result.growth.fan_out.map((g: { n: number }) => g.n)).toEqual([10, 100]);
    expect(result.growth.sweep.map((g: { n: number }) => g.n)).toEqual([1000]);
    // the printed table names every figure
    for (const name of figures) expect(output).toContain(name);
  });
});
