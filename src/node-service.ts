import { serve } from "@hono/node-server";
import { mkdirSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { openDatabase } from "../db/connect";
import { migrateDatabase } from "../db/migrate";
import { createApp } from "./app";
import { DEMO_KEYS, DEMO_PEOPLE, seedDemo } from "./bootstrap/demo";
import { ensureOperatorKey } from "./bootstrap/operator-key";
import type { Deps } from "./deps";
import { buildDeps } from "./build-deps";
import type { Env } from "./env";
import { startScheduler } from "./jobs/scheduler";
import { checkLegalData } from "./features/annex/legal-data-check";
import { recountNoticeEnds } from "./features/decisions/recount";
import { parseFeedEntries } from "./features/upstream/feed-entries";
import { nodeResolveHost } from "./webhooks/guarded-fetch";
import { createWebhookRelay } from "./webhooks/create-relay";
import { createGuardedFetch } from "./webhooks/guarded-fetch";
import { startRelay } from "./webhooks/relay";
import { startLoop } from "./core/loop";
import { generateAuditSigningKey } from "./core/audit-signing";
import { createMailer } from "./mail/create-mailer";
import { createHttpMailTransport } from "./mail/http-transport";
import { drainMail } from "./mail/mailer";
import { createFileTransport, createSmtpTransport } from "./mail/nodemailer-transport";
import type { MailTransport } from "./mail/transport";

type Fetch = (request: Request) => Response | Promise<Response>;

export interface NodeServiceOptions {
  /** wraps the app's fetch: the benchmark serves a bare route beside the app on the same server */
  wrapFetch?: (appFetch: Fetch) => Fetch;
  /** called once the server listens */
  onListening?: (port: number) => void;
}

/**
 * The embedded service: the local libSQL file with migrations applied, the API, the webhook
 * relay and the scheduler, in one process. `src/node.ts` runs it from the environment.
 */
export async function startNodeService(env: Env, options: NodeServiceOptions = {}) {
  if (env.DEMO && !env.OPERATOR_API_KEY) env.OPERATOR_API_KEY = DEMO_KEYS.operator;
  const fileMatch = /^file:(.+)$/.exec(env.DATABASE_URL);
  if (fileMatch && fileMatch[1] !== ":memory:") mkdirSync(dirname(fileMatch[1]!), { recursive: true });
  const client = openDatabase(env.DATABASE_URL, env.DATABASE_AUTH_TOKEN);
  // WAL lets readers go on while one connection writes
  if (fileMatch) await client.execute("PRAGMA journal_mode = WAL");
  await migrateDatabase(client);

  const auditSigningKey = env.AUDIT_SIGNING_KEY ? undefined : await auditKeyFile(env.AUDIT_KEY_FILE);
  // one guarded fetch for webhooks and upstream feeds: the same address policy (docs/rules.md, rules 9 and 14)
  const guardedFetch = createGuardedFetch({ allowInsecure: env.WEBHOOK_ALLOW_INSECURE });
  const feeds = { fetch: guardedFetch, parse: parseFeedEntries };
  const deps = buildDeps(env, { client, groupCommitReads: !!fileMatch, docsAssets: nodeDocsAssets(), resolveHost: nodeResolveHost, auditSigningKey, feeds });
  const publicKey = await deps.auditSigner!.publicKey();
  console.log(`\nAudit checkpoints are signed with key ${publicKey.key_id}; its public key (also at GET /v1/audit/public-key):\n${publicKey.pem}`);
  const testClock = deps.testClock;

  // a new release of the legal reference data: tell the parties whose annex it reclassifies, once
  await checkLegalData(deps);
  // notices counted before they ran to 24:00 local time on their last day are counted again (rule 4)
  await recountNoticeEnds(deps);
  const created = await ensureOperatorKey(deps.db, deps, env.OPERATOR_API_KEY);
  if (created) console.log(`\nOperator API key (shown once, store it now):\n  ${created.secret}\n`);
  if (env.DEMO) {
    const demo = await seedDemo(deps);
    console.log(`\nDemo data ${demo.seeded ? "seeded" : "already present"}. Keys (demo only):`);
    for (const [who, key] of Object.entries(DEMO_KEYS)) console.log(`  ${who.padEnd(12)} ${key}`);
    console.log("");
  }

  const app = createApp(deps);
  const fetch = options.wrapFetch ? options.wrapFetch(app.fetch) : app.fetch;
  const server = serve({ fetch, hostname: env.HOST, port: env.PORT }, (info) => {
    deps.logger.info("listening", { url: `http://${env.HOST}:${info.port}`, node: process.version, database: env.DATABASE_URL.replace(/\?.*$/, ""), test_clock: !!testClock });
    if (env.DEMO) {
      const base = `http://${env.HOST === "0.0.0.0" ? "localhost" : env.HOST}:${info.port}`;
      console.log(`\nDecision console: ${base}/console/sign-in — enter one of these addresses:`);
      for (const p of Object.values(DEMO_PEOPLE)) console.log(`  ${p.email.padEnd(36)} ${p.name}, ${p.who}`);
      console.log(`No mail server is needed: the sign-in link is printed in this log ("mail written") and saved under ${env.SMTP_URL ? "your SMTP server" : env.MAIL_DIR}.`);
      console.log(`Public sub-processor page: ${base}/public/omsorgspartner\n`);
    }
    options.onListening?.(info.port);
  });

  const relay = await createWebhookRelay(deps, env, { fetch: guardedFetch });
  const poller = startRelay(relay, 1000, deps.webhooks.outbox);
  const transport = nodeMailTransport(env, deps);
  const mailer = startLoop("mailer", () => drainMail(createMailer(deps, transport)), deps.logger, 1000, deps.webhooks.outbox);
  const scheduler = startScheduler(deps, env.SCHEDULER_INTERVAL_SECONDS * 1000);

  /**
   * A clean stop, within `graceMs`: no new connections, idle keep-alive ones closed, requests in
   * flight answered; the scheduler's run and the relay's drain finish; then the database closes.
   * libSQL closes a connection only once its prepared statements are collected, so they are
   * collected here (`npm start` runs Node with --expose-gc): the -wal and -shm files go with it.
   */
  const stop = async (graceMs = STOP_GRACE_MS) => {
    scheduler.stop();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), graceMs);
    });
    const ended = await Promise.race([Promise.all([closed, scheduler.idle(), poller.stop(), mailer.stop()]), late]);
    (transport as { close?: () => void }).close?.();
    clearTimeout(timer);
    if (ended === "late") (server as { closeAllConnections?: () => void }).closeAllConnections?.();
    client.close();
    // two collections with a turn between: the statements' finalizers run, and the connections close
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc) {
      gc();
      await new Promise((r) => setTimeout(r, 50));
      gc();
    }
    deps.logger.info("stopped", { within_grace: ended !== "late" });
  };
  return { deps, app, server, stop, mailer };
}

/**
 * The audit signing key of the embedded default: read from its file, or generated into it on the
 * first start (readable by this user only). The file sits beside the database, never in it.
 */
async function auditKeyFile(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if ((err as { code?: string }).code !== "ENOENT") throw err;
  }
  mkdirSync(dirname(path), { recursive: true });
  const pem = await generateAuditSigningKey();
  await writeFile(path, pem, { mode: 0o600, flag: "wx" });
  return pem;
}

/** How long a stop waits for requests in flight, the scheduler and the relay before it closes anyway. */
const STOP_GRACE_MS = 10_000;

/**
 * Where mail goes on Node: SMTP (SMTP_URL), an HTTP e-mail API (MAIL_API_URL), or, configured with
 * neither (the embedded default), `.eml` files under MAIL_DIR with their links in the log.
 */
export function nodeMailTransport(env: Env, deps: Pick<Deps, "logger">): MailTransport {
  if (env.SMTP_URL) return createSmtpTransport(env.SMTP_URL, env.MAIL_FROM);
  if (env.MAIL_API_URL && env.MAIL_API_KEY) return createHttpMailTransport({ url: env.MAIL_API_URL, apiKey: env.MAIL_API_KEY, from: env.MAIL_FROM });
  return createFileTransport(env.MAIL_DIR, env.MAIL_FROM, (msg, fields) => deps.logger.info(msg, fields));
}

/** Swagger UI's files, read from the pinned `swagger-ui-dist` package in node_modules. */
export function nodeDocsAssets(): Deps["docsAssets"] {
  const dir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  return (name) => readFile(join(dir, name));
}
