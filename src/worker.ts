import { createClient } from "@libsql/client/web";
import { createDb } from "../db/client";
import { type App, createApp } from "./app";
import { ensureOperatorKey } from "./bootstrap/operator-key";
import { type Deps, jsonLogger, silentLogger, systemClock } from "./deps";
import { createIdGenerator } from "./domain/ids";
import { type Env, parseEnv } from "./env";
import { runDue } from "./jobs/run-due";

/** Bindings and secrets of the Worker (wrangler.toml [vars], `wrangler secret put`). */
export interface WorkerEnv {
  DATABASE_URL: string;
  DATABASE_AUTH_TOKEN?: string;
  OPERATOR_API_KEY?: string;
  LOG_LEVEL?: string;
}

// One app per isolate, built from validated bindings on the first request and reused.
let built: { url: string; app: App; deps: Deps; ready: Promise<unknown> } | undefined;

function appFor(bindings: WorkerEnv) {
  if (built?.url === bindings.DATABASE_URL) return built;
  const env: Env = parseEnv({ ...bindings, DEMO: undefined, TEST_CLOCK: undefined });
  // Turso/libSQL over HTTP: the edge has no local file and no sockets to keep open
  const client = createClient({ url: env.DATABASE_URL, authToken: env.DATABASE_AUTH_TOKEN });
  const deps: Deps = {
    db: createDb(client),
    clock: systemClock,
    newId: createIdGenerator(() => systemClock.now(), (b) => crypto.getRandomValues(b)),
    logger: env.LOG_LEVEL === "silent" ? silentLogger : jsonLogger,
  };
  const ready = env.OPERATOR_API_KEY ? ensureOperatorKey(deps.db, deps, env.OPERATOR_API_KEY) : Promise.resolve();
  built = { url: env.DATABASE_URL, app: createApp(deps), deps, ready };
  return built;
}

export default {
  async fetch(request, env, ctx) {
    const { app, ready } = appFor(env);
    await ready;
    return app.fetch(request, env, ctx);
  },
  // the Cron Trigger of wrangler.toml: notice ends, deemed approvals, reminders, applications
  async scheduled(controller, env, ctx) {
    const { deps, ready } = appFor(env);
    await ready;
    ctx.waitUntil(runDue(deps, new Date(controller.scheduledTime)));
  },
} satisfies ExportedHandler<WorkerEnv>;
