// The Worker's gzipped size, as `wrangler deploy --dry-run` reports it (Workers' limit is on
// the compressed upload). The baseline is the budget, so the ratio says how much of it is used.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { prepareWorkerAssets } from "../worker-assets";
import { figure } from "./figure";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const BUNDLE_BUDGET_KIB = 400;

export async function benchBundle() {
  prepareWorkerAssets();
  const out = mkdtempSync(join(tmpdir(), "registry-bench-worker-"));
  try {
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(join(ROOT, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", out], {
        cwd: ROOT,
        env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let text = "";
      child.stdout.on("data", (b) => (text += b));
      child.stderr.on("data", (b) => (text += b));
      child.on("error", reject);
      child.on("close", (code) => (code === 0 ? resolve(text) : reject(new Error(`wrangler exited ${code}:\n${text}`))));
    });
    const match = /Total Upload:\s*([\d.]+)\s*KiB\s*\/\s*gzip:\s*([\d.]+)\s*KiB/.exec(output);
    if (!match) throw new Error(`no size in wrangler's output:\n${output}`);
    return { figure: figure(Number(match[2]), BUNDLE_BUDGET_KIB, "KiB gzip", { ratio: "<=", limit: 1 }), rawKiB: Number(match[1]) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
