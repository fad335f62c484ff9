/**
 * `npm run dev:worker`: the Cloudflare Worker (src/worker.ts) running locally in workerd, without Turso.
 *
 *   1. ./data/worker.db is created if missing and migrated (drizzle migrations, Node client);
 *   2. a Hrana-over-HTTP server serves that file on http://127.0.0.1:8080 (HRANA_PORT), standing in for
 *      Turso: the Worker reaches it with `@libsql/client/web`, exactly as it reaches Turso at the edge;
 *   3. wrangler's dev server runs the Worker on http://127.0.0.1:8788 (WORKER_PORT), reloading on changes,
 *      with DATABASE_URL pointing at the Hrana server.
 *
 * The operator key is OPERATOR_API_KEY when set; otherwise one is generated on the first run, kept in
 * ./data/worker.operator-key (git-ignored) and printed, so it stays the same from one run to the next.
 * Ctrl-C stops the Worker and the Hrana server.
 */
import "../src/require-supported-node";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { generateSecret } from "../src/core/crypto";
import { startHranaServer } from "../test/helpers/hrana-server";
import { migrateFile, startLocalWorker } from "../test/helpers/worker";

process.env.WRANGLER_SEND_METRICS = "false";

const HOST = "127.0.0.1";
const DATA_DIR = fileURLToPath(new URL("../data/", import.meta.url));
const DB_PATH = `${DATA_DIR}worker.db`;
const KEY_PATH = `${DATA_DIR}worker.operator-key`;

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number, got ${JSON.stringify(raw)}`);
  return n;
}

/** OPERATOR_API_KEY, or the key generated on the first run (stored next to the database). */
function operatorKey(): { key: string; source: string } {
  const fromEnv = process.env.OPERATOR_API_KEY;
  if (fromEnv) {
    // the Worker validates it on its first request (src/env.ts); say so now rather than answer 500s then
    if (!/^sk_live_[0-9A-Za-z_]{16,}$/.test(fromEnv)) throw new Error("OPERATOR_API_KEY must look like sk_live_ followed by at least 16 letters, digits or _");
    return { key: fromEnv, source: "OPERATOR_API_KEY" };
  }
  if (existsSync(KEY_PATH)) return { key: readFileSync(KEY_PATH, "utf8").trim(), source: "data/worker.operator-key" };
  const key = generateSecret();
  writeFileSync(KEY_PATH, `${key}\n`, { mode: 0o600 });
  return { key, source: "generated now, saved in data/worker.operator-key" };
}

async function main() {
  const hranaPort = port("HRANA_PORT", 8080);
  const workerPort = port("WORKER_PORT", 8788);

  mkdirSync(DATA_DIR, { recursive: true });
  const { key, source } = operatorKey();
  const fresh = !existsSync(DB_PATH);
  await migrateFile(DB_PATH);

  const hrana = await startHranaServer({ path: DB_PATH, host: HOST, port: hranaPort });
  let worker: Awaited<ReturnType<typeof startLocalWorker>> | undefined;

  let stopping: Promise<void> | undefined;
  const stop = (code: number) => {
    stopping ??= (async () => {
      console.log("\nstopping…");
      await worker?.dispose().catch((e) => console.error("worker:", e));
      await hrana.close().catch((e) => console.error("hrana server:", e));
      process.exit(code);
    })();
    return stopping;
  };
  // wrangler registers SIGINT/SIGTERM listeners when it is loaded that call process.exit() at once (a cleanup
  // for `pages dev`), which would cut our shutdown short. After it is loaded ours must be the only ones;
  // process.exit() at the end still runs the exit hooks (Miniflare's, which stop workerd).
  const takeOverSignals = () => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.removeAllListeners(signal);
      process.on(signal, () => void stop(0));
    }
  };
  takeOverSignals();

  try {
    worker = await startLocalWorker({
      databaseUrl: hrana.url,
      operatorKey: key,
      hostname: HOST,
      port: workerPort,
      watch: true,
      wranglerLogLevel: "info",
    });
  } catch (error) {
    console.error("could not start the Worker:", error);
    await stop(1);
    return;
  }
  takeOverSignals();
  const url = await worker.url;

  console.log(`
database      ${DB_PATH}${fresh ? " (created)" : ""}
hrana server  ${hrana.url}   (DATABASE_URL of the Worker, stands in for Turso)
worker        ${url.href}   (src/worker.ts in workerd, reloads on changes)
operator key  ${key}   (${source})

try:  curl ${url.origin}/healthz
      curl -H "Authorization: Bearer ${key}" ${url.origin}/v1/organisations

Ctrl-C to stop.`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
