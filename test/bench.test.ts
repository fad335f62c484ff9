import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/node-service";

/**
 * `npm run bench -- --quick --json out.json` (issue 9) runs on a fresh clone and writes every
 * figure with its baseline from the same run. The figures themselves are not asserted here:
 * the suite shares the machine with itself, so only the full run in the README is a measurement.
 */
describe("npm run bench -- --quick --json", () => {
  it("measures every figure against its baseline and the growth of fan-out and sweep", { timeout: 300_000 }, async () => {
    const out = join(tmpdir(), `bench-${crypto.randomUUID()}.json`);
    try {
      const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
        const child = spawn("npm", ["run", "bench", "--", "--quick", "--json", out], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        child.stdout.on("data", (b) => (output += b));
        child.stderr.on("data", (b) => (output += b));
        child.on("close", (code) => resolve({ code, output }));
      });
      expect(code, output).toBe(0);
      const result = JSON.parse(readFileSync(out, "utf8"));
      const figures = ["annex_read", "fan_out", "deliveries", "notice_sweep", "feeds", "audit_verify", "bundle", "memory"];
      for (const name of figures) {
        const f = result[name];
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
      expect(result.fan_out.unit).toBe("ms");
      expect(result.annex_read.unit).toBe("req/s");
      expect(result.growth.fan_out.map((g: { n: number }) => g.n)).toEqual([10, 100, 1000]);
      expect(result.growth.sweep.map((g: { n: number }) => g.n)).toEqual([100_000]);
      // the printed table names every figure
      for (const name of figures) expect(output).toContain(name);
    } finally {
      rmSync(out, { force: true });
    }
  });
});
