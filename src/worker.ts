import { createClient } from "@libsql/client/web";
import { createCheckedFetch } from "./webhooks/checked-fetch";
import { dohResolveHost } from "./webhooks/doh-resolver";
import { type App, createApp } from "./app";
import { buildDeps } from "./build-deps";
import { ensureOperatorKey } from "./bootstrap/operator-key";
import type { Deps, RateLimitBinding } from "./deps";
import { type Env, parseEnv } from "./env";
import { runScheduled } from "./jobs/scheduler";
import { checkLegalData } from "./features/annex/legal-data-check";
import { parseAtomOrJsonFeedEntries } from "./features/upstream/feed-entries";
import { createWebhookRelay } from "./webhooks/create-relay";
import { drainOutbox, type RelayDeps } from "./webhooks/relay";
import { createMailer } from "./mail/create-mailer";
import { createHttpMailTransport } from "./mail/http-transport";
import { drainMail, type MailerDeps } from "./mail/mailer";

/** Bindings and secrets of the Worker (wrangler.toml [vars], `wrangler secret put`). */
export interface WorkerEnv {
  DATABASE_URL: string;
  DATABASE_AUTH_TOKEN?: string;
  OPERATOR_API_KEY?: string;
  LOG_LEVEL?: string;
  SVIX_API_KEY?: string;
  SVIX_SERVER_URL?: string;
  WEBHOOK_ALLOW_INSECURE?: string;
  RATE_LIMIT_PER_MINUTE?: string;
  /** decisions the cron moves or applies per invocation (default 1000); the rest continue at the next */
  SCHEDULER_BUDGET?: string;
  /** the service's public origin, for links in e-mails */
  PUBLIC_URL?: string;
  /** the HTTP e-mail API (Resend's shape) and its key (a secret); without them no mail is sent */
  MAIL_API_URL?: string;
  MAIL_API_KEY?: string;
  MAIL_FROM?: string;
  /** the Ed25519 key that signs audit checkpoints (a secret, PKCS #8 PEM or base64); without it, no checkpoints */
  AUDIT_SIGNING_KEY?: string;
  /** "1": test mode, as on Node (the test clock and its routes); never on a production deployment */
  TEST_CLOCK?: string;
  /** optional: Cloudflare's Rate Limiting binding ([[ratelimits]] in wrangler.toml), shared by all isolates */
  RATE_LIMITER?: RateLimitBinding;
  /** the static assets of wrangler.toml [assets]: Swagger UI's files for /docs */
  ASSETS?: Fetcher;
}

// One app per isolate, built from validated bindings on the first request and reused.
let built: { url: string; app: App; deps: Deps; relay: Promise<RelayDeps>; mailer: MailerDeps | null; ready: Promise<unknown>; env: Env } | undefined;

function appFor(bindings: WorkerEnv) {
  if (built?.url === bindings.DATABASE_URL) return built;
  // TEST_CLOCK works here as on Node (a local or test deployment, never production): its instant is kept in the database
  const env: Env = parseEnv({ ...bindings, DEMO: undefined });
  // Turso/libSQL over HTTP: the edge has no local file and no sockets to keep open
  const client = createClient({ url: env.DATABASE_URL, authToken: env.DATABASE_AUTH_TOKEN });
  const resolveHost = dohResolveHost();
  // upstream feeds are fetched as webhooks are sent, every address (a redirect's too) checked as at registration (docs/rules.md, rules 9 and 14)
  const feeds = { fetch: createCheckedFetch({ allowInsecure: env.WEBHOOK_ALLOW_INSECURE }, { resolveHost }), parse: parseAtomOrJsonFeedEntries };
  const deps = buildDeps(env, {
    client,
    rateLimitBinding: bindings.RATE_LIMITER,
    docsAssets: bindings.ASSETS ? assetsFrom(bindings.ASSETS) : undefined,
    resolveHost,
    sharedTestClock: true,
    feeds,
  });
  const ready = env.OPERATOR_API_KEY ? ensureOperatorKey(deps.db, deps, env.OPERATOR_API_KEY) : Promise.resolve();
  // Workers' own fetch: Cloudflare does not let a Worker reach private addresses
  const relay = createWebhookRelay(deps, env, { fetch: (input, init) => fetch(input, init) });
  // mail leaves through an HTTP e-mail API; unconfigured, mails wait in the outbox until it is
  const mailer =
    env.MAIL_API_URL && env.MAIL_API_KEY ? createMailer(deps, createHttpMailTransport({ url: env.MAIL_API_URL, apiKey: env.MAIL_API_KEY, from: env.MAIL_FROM })) : null;
  built = { url: env.DATABASE_URL, app: createApp(deps), deps, relay, mailer, ready, env };
  return built;
}

/** Files of the assets binding by name (the asset layer answers them first; this serves a Worker-first route). */
function assetsFrom(assets: Fetcher): NonNullable<Deps["docsAssets"]> {
  return async (name) => {
    const res = await assets.fetch(`https://assets.invalid/docs/assets/${name}`);
    return res.ok ? res.body : null;
  };
}

export default {
  async fetch(request, env, ctx) {
    const { app, ready, relay, mailer } = appFor(env);
    await ready;
    const response = await app.fetch(request, env, ctx);
    // a write may have queued deliveries and mails: send them after the response, within this request's lifetime
    if (request.method !== "GET" && response.status < 400) ctx.waitUntil(Promise.all([relay.then(drainOutbox), mailer ? drainMail(mailer) : null]));
    return response;
  },
  // the Cron Trigger of wrangler.toml: notice ends, deemed approvals, reminders, applications
  async scheduled(controller, bindings, ctx) {
    const { deps, ready, relay, mailer, env } = appFor(bindings);
    await ready;
    // what the API's waitUntil did not finish (retries, a failed isolate) goes out from here
    ctx.waitUntil(
      checkLegalData(deps)
        // a bounded amount of work per invocation: what is left is still due at the next minute's cron
        // in test mode the scheduler runs at the test clock's instant, as everything else does
        .then(() => deps.testClock?.sync())
        .then(() => runScheduled(deps, deps.testClock ? deps.clock.now() : new Date(controller.scheduledTime), { budget: env.SCHEDULER_BUDGET }))
        .then(() => Promise.all([relay.then(drainOutbox), mailer ? drainMail(mailer) : null])),
    );
  },
} satisfies ExportedHandler<WorkerEnv>;
