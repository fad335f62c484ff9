import type { Context, MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import type { Deps } from "./deps";
import { AppError } from "./domain/errors";
import { agreementsRouter } from "./features/agreements";
import { annexRouter } from "./features/annex";
import { annexDocumentRouter } from "./features/annex-document";
import { changeRequestsRouter } from "./features/change-requests";
import { decisionsRouter } from "./features/decisions";
import { eventsPublicRoutes, eventsRouter } from "./features/events";
import { organisationsRouter } from "./features/organisations";
import { publicPageRouter } from "./features/public-page";
import { advanceTestClock, getTestClock, testClockRouter } from "./features/test-clock";
import { webhookEndpointsRouter } from "./features/webhook-endpoints";
import { upstreamRouter } from "./features/upstream";
import { auditPublicRoutes, auditRouter } from "./features/audit";
import { usersRouter } from "./features/users";
import { ssoRouter } from "./features/sso";
import { consoleRouter, mailLinksRouter } from "./web/console";
import { publicPagesRouter } from "./web/public-page";
import { countriesPublicRoutes, countriesRouter } from "./features/countries";
import { registerWebhookDocs } from "./webhooks/openapi";
import { registerPublicPageDocs } from "./web/public-page/public-page.docs";
import { openApiDocument } from "./http/document";
import { authenticate } from "./http/auth";
import { bodyChecks } from "./http/content-type";
import { limitRate, logRequests } from "./http/limits";
import { idempotency } from "./http/idempotency";
import { problem } from "./http/problem";
import { settleKey } from "./core/keyed-reads";
import * as annexRoutes from "./features/annex/annex.routes";
import * as decisionRoutes from "./features/decisions/decisions.routes";
import * as changeRequestRoutes from "./features/change-requests/change-requests.routes";
import { type AppEnv, createRouter } from "./http/router";
import { docsAsset, docsPage } from "./http/docs";

export const OPENAPI_INFO = {
  openapi: "3.1.0",
  info: {
    title: "Subprocessor Registry API",
    version: "1.0.0",
    description:
      "The sub-processor and processing-location annex (Bilag 2) of GDPR data processing agreements as live, versioned, auditable data. Errors are RFC 9457 problem+json.",
    license: { name: "Proprietary: the operator's terms of service", url: "https://subprocessor-registry.dev/terms" },
    contact: { name: "The register's operator", url: "https://subprocessor-registry.dev" },
  },
  servers: [
    { url: "http://127.0.0.1:8787", description: "The embedded default (npm start, npm run demo)" },
    { url: "https://{host}", description: "A deployment: on Node, or on Cloudflare Workers with Turso", variables: { host: { default: "registry.example" } } },
  ],
  tags: [
    { name: "Organisations", description: "The operator registers organisations and issues their API keys; an organisation reads its own." },
    { name: "People", description: "Named users of an organisation with roles, invited by e-mail, and the organisation's single sign-on." },
    { name: "Agreements", description: "Data processing agreements between a processor and a controller: proposed, confirmed, and their terms (the controller's instruction)." },
    { name: "Annex", description: "The sub-processor and processing-location annex in force, its versions, diffs and the annex as a document." },
    { name: "Change requests", description: "A processor proposes a change to the annexes of its agreements: one decision per covered agreement." },
    { name: "Decisions", description: "Each controller approves, objects (with a reason) or lets the notice run out; the processor may withdraw." },
    { name: "Events", description: "The feed of what happened, the same events the webhooks deliver, and the catalogue of their types." },
    {
      name: "Upstream changes",
      description:
        "A processor's sub-processors announce changes of their own (in this register, or in a feed): each becomes a draft change request to the processor's controllers, and their objections go back up (docs/rules.md, rule 14).",
    },
    { name: "Webhooks", description: "Endpoints that receive signed events (Standard Webhooks), their deliveries and attempts." },
    { name: "Audit", description: "The hash-chained audit trail, its signed checkpoints, its export and verification." },
    { name: "Public page", description: "A processor's public sub-processor page: its settings here, the page and its feeds under /public." },
    { name: "Countries", description: "The legal reference data: which countries are in the EU/EEA, adequacy decisions and their scope. Public." },
    {
      name: "Public pages and feeds",
      description: "Open to anyone, no key: a processor's published sub-processor page (HTML), its Atom and JSON feeds, and subscribing to it by e-mail.",
    },
    {
      name: "Test clock",
      description:
        "Only in test mode (TEST_CLOCK=1): read and move the service's clock; the scheduler runs at every instant on the way. Without test mode these routes answer 404 `route_not_found`.",
    },
  ],
};

/** The operations anyone may call without an API key: the legal reference data. */
const PUBLIC_ROUTES = [...countriesPublicRoutes, ...eventsPublicRoutes, ...auditPublicRoutes];

/**
 * The hot routes that, at the edge, read the request's key with their own first reads (one round
 * trip for both; src/core/keyed-reads.ts): the annex read, the decision verbs and a change request.
 */
const KEY_READ_WITH_ROUTE = [
  annexRoutes.getAnnex,
  decisionRoutes.approveDecision,
  decisionRoutes.objectToDecision,
  decisionRoutes.withdrawDecision,
  changeRequestRoutes.submitChangeRequest,
];

/** Matches a request to one of the routes, by method and path (`{param}` is one path segment; a trailing slash is allowed, as the router allows it). */
function routeMatcher(routes: readonly { method: string; path: string }[]) {
  const compiled = routes.map((r) => ({
    methods: r.method === "get" ? ["GET", "HEAD"] : [r.method.toUpperCase()],
    path: new RegExp(`^${r.path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}/?$`),
  }));
  return (c: Context) => compiled.some((r) => r.methods.includes(c.req.method) && r.path.test(c.req.path));
}

/**
 * Middlewares that do not run for the public routes (they carry no key, so nothing keyed applies
 * to them), each inside the one before, as Hono would run them: one test of the route for all.
 */
function exceptPublic(isPublic: (c: Context) => boolean, chain: MiddlewareHandler<AppEnv>[]): MiddlewareHandler<AppEnv> {
  return (c, next) => {
    if (isPublic(c)) return next();
    const run = async (i: number): Promise<void> => {
      if (i === chain.length) return next();
      // a middleware may answer itself (an Idempotency-Key replayed): its response is the request's
      const res = await chain[i]!(c, () => run(i + 1));
      if (res && !c.finalized) c.res = res;
    };
    return run(0);
  };
}

/** The whole HTTP API, built from injected dependencies; the Node and Worker entries only wire it. */
export function createApp(deps: Deps) {
  const app = createRouter();

  // test mode on Workers: the test clock another isolate moved, before anything reads the clock
  const { testClock } = deps;
  if (testClock)
    app.use("*", async (_c, next) => {
      await testClock.sync();
      await next();
    });
  // our own id on every request, never one a client sends (audit records and logs carry it), and
  // the dependencies; a middleware each costs every request a turn of Hono's chain, so one
  app.use("*", async (c, next) => {
    const id = deps.newId("request");
    c.set("requestId", id);
    c.set("deps", deps);
    c.header("X-Request-Id", id);
    await next();
    // a write has committed by now: let the webhook relay look for what it queued
    if (c.req.method !== "GET" && c.res.status < 400) deps.webhooks.outbox.ring();
  });
  app.use("*", secureHeaders());
  if (!deps.logger.quiet) app.use("*", logRequests);
  app.use("/v1/*", bodyChecks);
  // authentication, the per-key rate limit and Idempotency-Key all need a key: the public routes skip them
  const isPublic = routeMatcher(PUBLIC_ROUTES);
  app.use(
    "/v1/*",
    exceptPublic(isPublic, [
      authenticate(routeMatcher(KEY_READ_WITH_ROUTE)),
      limitRate({ perMinute: deps.limits?.requestsPerMinute ?? 600, binding: deps.limits?.binding }),
      idempotency,
    ]),
  );

  app.route("/", organisationsRouter);
  app.route("/", agreementsRouter);
  app.route("/", annexRouter);
  app.route("/", annexDocumentRouter);
  app.route("/", changeRequestsRouter);
  app.route("/", decisionsRouter);
  app.route("/", upstreamRouter);
  app.route("/", eventsRouter);
  app.route("/", webhookEndpointsRouter);
  app.route("/", usersRouter);
  app.route("/", ssoRouter);
  app.route("/", auditRouter);
  app.route("/", publicPageRouter);
  app.route("/", publicPagesRouter);
  app.route("/", consoleRouter);
  app.route("/", mailLinksRouter);
  app.route("/", countriesRouter);
  // the test clock exists only in test mode; elsewhere its routes are 404 like any unknown route,
  // and the document still describes them (marked test mode only), so a client generated from it can drive the clock
  if (deps.testClock) app.route("/", testClockRouter);
  else for (const route of [getTestClock, advanceTestClock]) app.openAPIRegistry.registerPath(route);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "An API key: `Authorization: Bearer sk_live_…`",
  });
  registerWebhookDocs(app.openAPIRegistry);
  registerPublicPageDocs(app.openAPIRegistry);
  let document: ReturnType<typeof openApiDocument> | undefined;
  app.get("/openapi.json", (c) => {
    document ??= openApiDocument(app, OPENAPI_INFO);
    return c.json(document);
  });
  app.get("/docs", docsPage);
  app.get("/docs/assets/:name", async (c) => (await docsAsset(c, deps.docsAssets, c.req.param("name"))) ?? c.notFound());
  app.get("/", (c) => c.json({ name: OPENAPI_INFO.info.title, openapi: "/openapi.json", docs: "/docs" }));
  app.get("/healthz", (c) => c.json({ ok: true }));

  app.notFound((c) => problem(c, "route_not_found", `No route ${c.req.method} ${new URL(c.req.url).pathname}.`));
  app.onError(async (thrown, c) => {
    let err: unknown = thrown;
    // a request refused before its route read its key (at the edge): a bad key is answered first
    const key = c.get("deferredKey");
    if (key && !key.settled)
      err = await settleKey(key).then(
        () => thrown,
        (refusal: unknown) => refusal,
      );
    if (err instanceof AppError) return problem(c, err.code, err.message, err.errors, err.extra);
    if (err instanceof HTTPException && err.status === 400)
      return problem(c, "malformed_json", "The request body is not valid JSON.", [{ in: "json", pointer: "", rule: "json", detail: err.message }]);
    if (err instanceof HTTPException && err.status === 413) return problem(c, "payload_too_large", "The request body is too large.");
    if (err instanceof HTTPException && err.status === 415) return problem(c, "unsupported_media_type", "Send the body as application/json.");
    // any other refusal by the framework is still the client's: a problem, never a 500
    if (err instanceof HTTPException && err.status < 500) return problem(c, "invalid_request", err.message || "The request is not valid.");
    deps.logger.error("unhandled error", { request_id: c.get("requestId"), error: String(err), stack: err instanceof Error ? err.stack : undefined });
    // never leak a stack trace or SQL to the client
    return problem(c, "internal_error", "Something went wrong on our side; the request id identifies it in our logs.");
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
