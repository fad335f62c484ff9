import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildNode, startFlags } from "../scripts/build-node";
import { freePort, ROOT } from "./helpers/node-service";

// Node in production (README, "Running on Node in production"): the built artefact and
// `npm ci --omit=dev`, nothing else — no TypeScript, no dev dependencies — serves and stops cleanly.

const dir = mkdtempSync(join(tmpdir(), "registry-production-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the built service without dev dependencies", () => {
  it("installs with npm ci --omit=dev, migrates a new database, serves, stops on SIGTERM, and its write thread writes", { timeout: 240_000 }, async () => {
    await buildNode("src/node.ts", join(dir, "build/node.mjs"));
    for (const f of ["package.json", "package-lock.json"]) copyFileSync(join(ROOT, f), join(dir, f));
    const install = spawnSync("npm", ["ci", "--omit=dev", "--no-audit", "--no-fund", "--prefer-offline"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, npm_config_loglevel: "error" },
    });
    expect(install.status, install.stderr).toBe(0);
    // no dev dependency came along
    for (const dev of ["vitest", "tsx", "esbuild", "wrangler", "typescript"]) expect(spawnSync("test", ["-e", join(dir, "node_modules", dev)]).status, dev).not.toBe(0);
    const port = await freePort();
    const operator = "sk_live_production_test_operator0";
    // what `npm run start:built` runs, started directly so the signal reaches the service itself
    const child = spawn(join(dir, "node_modules/.bin/node"), [...startFlags(), "build/node.mjs"], {
      cwd: dir,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: "127.0.0.1",
        DATABASE_URL: `file:${join(dir, "data/registry.db")}`,
        OPERATOR_API_KEY: operator,
        LOG_LEVEL: "silent",
        MAIL_DIR: join(dir, "mail"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (b) => (output += b));
    child.stderr.on("data", (b) => (output += b));
    const base = `http://127.0.0.1:${port}`;
    let up = false;
    for (let i = 0; i < 200 && !up; i++) {
      await new Promise((r) => setTimeout(r, 100));
      up = await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
    }
    expect(up, output).toBe(true);
    const orgs = await fetch(`${base}/v1/organisations`, { headers: { Authorization: `Bearer ${operator}` } });
    expect(orgs.status).toBe(200);
    expect((await fetch(`${base}/v1/audit/public-key`)).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    // the write thread, from a bundle, with the production dependencies only: it finds the driver and writes
    await buildNode("test/helpers/write-thread-entry.ts", join(dir, "build/write-thread.mjs"));
    const thread = spawnSync(join(dir, "node_modules/.bin/node"), ["build/write-thread.mjs", join(dir, "data/thread.db")], { cwd: dir, encoding: "utf8" });
    expect(thread.status, thread.stderr).toBe(0);
    expect(JSON.parse(thread.stdout)).toEqual({
      transactions: 1,
      rows: [
        [1, "rad 1 på tråden"],
        [2, "rad 2 på tråden"],
        [3, "rad 3 på tråden"],
      ],
    });
  });
});
