/**
 * Runs the real Worker build (src/worker.ts, bundled by wrangler from wrangler.toml) in workerd, the way
 * `wrangler dev` does, with its database reached over Hrana/HTTP as Turso is reached at the edge.
 * Used by test/worker and by scripts/dev-worker.ts.
 *
 * Outbound network: Miniflare gives workerd an "internet" service that allows public *and* private
 * addresses (`allow: ["public", "private", "240.0.0.0/4"]`, "private" includes loopback), so the Worker's
 * fetch() to the Hrana server on 127.0.0.1 goes straight through; nothing has to be configured for it.
 */
import { createClient } from "@libsql/client";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import type { Binding } from "wrangler";
import { migrateDatabase } from "../../db/migrate";
import { prepareWorkerAssets } from "../../scripts/worker-assets";
import { type HranaServer, startHranaServer } from "./hrana-server";

export const WRANGLER_CONFIG = fileURLToPath(new URL("../../wrangler.toml", import.meta.url));

/** Creates (if missing) and migrates a SQLite file with the Node client, then closes the client. */
export async function migrateFile(path: string): Promise<void> {
  const client = createClient({ url: `file:${path}` });
  try {
    await migrateDatabase(client);
  } finally {
    client.close();
  }
}

export interface LocalWorkerOptions {
  /** DATABASE_URL of the Worker, e.g. a Hrana server's `http://127.0.0.1:PORT`. */
  databaseUrl: string;
  operatorKey?: string;
  /** LOG_LEVEL of the Worker ("info" | "silent"); wrangler.toml's when omitted. */
  logLevel?: string;
  /** more plain-text bindings, e.g. MAIL_API_URL */
  vars?: Record<string, string>;
  /** more secrets, e.g. MAIL_API_KEY */
  secrets?: Record<string, string>;
  /** Host and port of the dev server; port 0 (the default) picks a free one. */
  hostname?: string;
  port?: number;
  /** Rebuild and reload on source changes (as `wrangler dev` does). Default false. */
  watch?: boolean;
  /** wrangler's own log level. Default "error". */
  wranglerLogLevel?: "none" | "error" | "warn" | "info" | "log" | "debug";
  /**
   * Where wrangler writes its debug log (WRANGLER_LOG_PATH; a path ending in .log is a file). Only takes
   * effect if wrangler has not been loaded yet in this process. Default: wrangler's, ~/.config/.wrangler/logs.
   */
  wranglerLogPath?: string;
}

export type LocalWorker = Awaited<ReturnType<typeof import("wrangler").unstable_startWorker>>;

/** Starts src/worker.ts in workerd (local mode, no inspector, no persistence) and waits until it serves. */
export async function startLocalWorker(opts: LocalWorkerOptions): Promise<LocalWorker> {
  process.env.WRANGLER_SEND_METRICS = "false";
  // Request.cf is not used by the app: don't fetch it from workers.cloudflare.com (offline: a 3 s wait and a warning)
  process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";
  if (opts.wranglerLogPath) process.env.WRANGLER_LOG_PATH = opts.wranglerLogPath;
  // loaded here, not at the top: wrangler reads WRANGLER_LOG_PATH when its module is first evaluated
  const { unstable_startWorker } = await import("wrangler");
  prepareWorkerAssets();

  const bindings: Record<string, Binding> = {
    DATABASE_URL: { type: "plain_text", value: opts.databaseUrl },
  };
  if (opts.operatorKey) bindings.OPERATOR_API_KEY = { type: "secret_text", value: opts.operatorKey };
  if (opts.logLevel) bindings.LOG_LEVEL = { type: "plain_text", value: opts.logLevel };
  for (const [name, value] of Object.entries(opts.vars ?? {})) bindings[name] = { type: "plain_text", value };
  for (const [name, value] of Object.entries(opts.secrets ?? {})) bindings[name] = { type: "secret_text", value };

  const worker = await unstable_startWorker({
    config: WRANGLER_CONFIG,
    bindings,
    envFiles: [],
    sendMetrics: false,
    dev: {
      remote: false,
      persist: false,
      watch: opts.watch ?? false,
      liveReload: false,
      inspector: false,
      logLevel: opts.wranglerLogLevel ?? "error",
      server: { hostname: opts.hostname ?? "127.0.0.1", port: opts.port ?? 0 },
    },
  });
  try {
    await worker.ready;
  } catch (error) {
    await worker.dispose().catch(() => {});
    throw error;
  }
  return worker;
}

/** An HTTP e-mail API in Resend's shape (the Worker's MAIL_API_URL), recording what it is sent. */
export async function startMailApi() {
  const received: { authorization?: string; body: { to: string[]; subject: string; text: string; headers: Record<string, string> } }[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ authorization: req.headers.authorization, body: JSON.parse(body) });
      res.writeHead(200, { "content-type": "application/json" }).end('{"id":"re_1"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/emails`, received, close: () => server.close() };
}

/**
 * Waits until wrangler has finished appending to its debug log (it queues the writes and drains the queue
 * after `dispose()` resolves): the file's size unchanged for `quietMs`, at most `maxMs`. Removing the log's
 * directory before that makes wrangler recreate it.
 */
export async function waitForQuietFile(path: string, quietMs = 150, maxMs = 3_000): Promise<void> {
  const sizeOf = async () => (await stat(path).catch(() => undefined))?.size ?? -1;
  const deadline = Date.now() + maxMs;
  let last = await sizeOf();
  let quietSince = Date.now();
  while (Date.now() < deadline && Date.now() - quietSince < quietMs) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    const size = await sizeOf();
    if (size !== last) {
      last = size;
      quietSince = Date.now();
    }
  }
}

/**
 * What each Worker test starts: a new migrated SQLite file behind a Hrana server (as Turso is at the
 * edge), an HTTP e-mail API that records what it is sent, and the Worker in workerd over both.
 * `stop` undoes all of it, the file and wrangler's log included.
 */
export async function startWorkerOnFile(opts: { name: string; operatorKey: string; vars?: Record<string, string>; secrets?: Record<string, string> }) {
  const dir = await mkdtemp(join(tmpdir(), `${opts.name}-`));
  const path = join(dir, "registry.db");
  // wrangler's debug log, kept out of ~/.config/.wrangler/logs
  const wranglerLog = join(dir, "wrangler.log");
  let hrana: HranaServer | undefined;
  let mailApi: Awaited<ReturnType<typeof startMailApi>> | undefined;
  let worker: LocalWorker | undefined;
  const stop = async () => {
    try {
      await worker?.dispose();
    } finally {
      await hrana?.close();
      mailApi?.close();
      await waitForQuietFile(wranglerLog);
      await rm(dir, { recursive: true, force: true }); // the database (+ -wal/-shm) and wrangler's log
    }
  };
  try {
    await migrateFile(path);
    hrana = await startHranaServer({ path });
    mailApi = await startMailApi();
    worker = await startLocalWorker({
      databaseUrl: hrana.url,
      operatorKey: opts.operatorKey,
      logLevel: "silent",
      wranglerLogPath: wranglerLog,
      // the Worker's mail leaves through an HTTP e-mail API: here a real HTTP server that records it
      vars: { MAIL_API_URL: mailApi.url, ...opts.vars },
      secrets: { MAIL_API_KEY: "re_worker_test", ...opts.secrets },
    });
    return { path, hrana, mailApi, worker, url: await worker.url, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
