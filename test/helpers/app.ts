import { generateAuditSigningKey } from "../../src/core/audit-signing";
import { createClient, type Client } from "@libsql/client";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import type { Db } from "../../db/client";
import { openDatabase } from "../../db/connect";
import { migrateDatabase } from "../../db/migrate";
import { createApp, type App } from "../../src/app";
import { buildDeps } from "../../src/build-deps";
import { nodeDocsAssets } from "../../src/node-service";
import { parseEnv } from "../../src/env";
import { ensureOperatorKey } from "../../src/bootstrap/operator-key";
import { type Clock, type Deps, ManualClock, type WebhookConfig } from "../../src/deps";

export const T0 = new Date("2026-11-22T09:00:00.000Z");
/** The audit signing key of every test context (generated once per test file) */
export const TEST_AUDIT_KEY = await generateAuditSigningKey();
export const DAY = 24 * 60 * 60 * 1000;

export interface TestContext {
  app: App;
  db: Db;
  client: Client;
  clock: ManualClock;
  deps: Deps;
  operatorKey: string;
  /** a request through the real app, JSON in and out */
  call: (key: string | null, method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<TestResponse>;
}

/** What a scenario that only speaks HTTP needs: a request, and the operator's key. The in-process app and the Worker in workerd both give it. */
export type HttpApi = Pick<TestContext, "call" | "operatorKey">;

export interface TestResponse {
  status: number;
  headers: Headers;
  body: any;
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

/**
 * A fresh migrated database and the real app over it: a temporary file (several connections,
 * as in production), or memory with `file: false` or TEST_DATABASE=memory.
 */
export async function createTestContext(
  opts: {
    file?: boolean;
    now?: Date;
    testMode?: boolean;
    webhooks?: Partial<WebhookConfig>;
    requestsPerMinute?: number;
    /** a database already migrated, reached some other way (libSQL over HTTP, as on Workers); the caller closes it */
    client?: Client;
    /** real time as sessions see it; a test that moves it gives its own */
    wallClock?: Clock;
  } = {},
): Promise<TestContext> {
  let url = ":memory:";
  // a file by default, through the service's own connection code (WAL, write lock, prepared
  // reads), as the Node service runs; TEST_DATABASE=memory for libSQL's in-memory database
  if (!opts.client && (opts.file ?? process.env.TEST_DATABASE !== "memory")) {
    const path = join(tmpdir(), `registry-test-${crypto.randomUUID()}.db`);
    url = `file:${path}`;
    cleanups.push(() => {
      for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(path + suffix, { force: true });
    });
  }
  const client = opts.client ?? (url === ":memory:" ? createClient({ url }) : openDatabase(url));
  // a client passed in is the caller's to close
  if (!opts.client) cleanups.push(() => client.close());
  // WAL, as src/node-service.ts opens the file: reads do not wait for a writer
  if (url !== ":memory:") await client.execute("PRAGMA journal_mode = WAL");
  if (!opts.client) await migrateDatabase(client);
  const clock = new ManualClock(opts.now ?? T0);
  // like TEST_CLOCK=1 (the operator may move the clock over HTTP), on a file as the Node service runs
  const env = parseEnv({
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    WEBHOOK_ALLOW_INSECURE: "1",
    TEST_CLOCK: opts.testMode === false ? "0" : "1",
    RATE_LIMIT_PER_MINUTE: String(opts.requestsPerMinute ?? 100_000),
    AUDIT_SIGNING_KEY: TEST_AUDIT_KEY,
  });
  // the API reference's files as the Node service reads them, so /docs works in tests as it does there
  const built = buildDeps(env, { client, clock, wallClock: opts.wallClock, groupCommitReads: true, docsAssets: nodeDocsAssets() });
  const deps: Deps = { ...built, webhooks: { ...built.webhooks, ...opts.webhooks } };
  const operatorKey = "sk_live_test_operator_000000000000";
  await ensureOperatorKey(deps.db, deps, operatorKey);
  const app = createApp(deps);
  const call: TestContext["call"] = async (key, method, path, body, headers = {}) => {
    const init: RequestInit = { method, headers: { ...(key ? { Authorization: `Bearer ${key}` } : {}), ...headers } };
    if (body !== undefined) {
      init.body = typeof body === "string" ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)["Content-Type"] ??= "application/json";
    }
    return readResponse(await app.request(path, init));
  };
  return { app, db: deps.db, client, clock, deps, operatorKey, call };
}

/** A response as the tests read it: status, headers, and the body as JSON, or as text when it is not JSON (HTML pages). */
export async function readResponse(res: Response): Promise<TestResponse> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body };
}

/** `TestContext.call` over real HTTP: requests to a service listening at `base` (the Worker in workerd), JSON in and out. */
export function callOverHttp(base: URL | string): TestContext["call"] {
  return async (key, method, route, body, extraHeaders = {}) => {
    const headers: Record<string, string> = { ...(key ? { Authorization: `Bearer ${key}` } : {}), ...extraHeaders };
    if (body !== undefined) headers["Content-Type"] ??= "application/json";
    const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    return readResponse(await fetch(new URL(route, base), { method, headers, body: payload }));
  };
}
