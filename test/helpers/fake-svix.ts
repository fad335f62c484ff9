/**
 * A local stand-in for the part of the Svix API that the `svix` package calls for us: applications
 * (get-or-create), event types, endpoints (create, get, update, patch, delete, secret rotate and
 * read), messages (create, get) and a message's resend to one endpoint. It behaves as Svix does where
 * we rely on it: ids or uids in paths, 409 for a duplicate uid/eventId, 422 for unknown filter types
 * or a malformed secret, idempotency keys scoped by token and URL with only 2xx answers remembered,
 * `{ code, detail }` error bodies. Every request is recorded for assertions, and failures can be
 * injected.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  /** the path without the query */
  path: string;
  query: Record<string, string>;
  /** lower-cased names */
  headers: Record<string, string>;
  body: any;
  /** what the fake answered */
  status: number;
}

export interface FakeApp {
  id: string;
  uid: string | null;
  name: string;
  createdAt: string;
}

export interface FakeEndpoint {
  id: string;
  appId: string;
  uid: string | null;
  url: string;
  description: string;
  eventTypes: string[] | null;
  disabled: boolean;
  secret: string;
  oldSecrets: string[];
  createdAt: string;
  updatedAt: string;
}

export interface FakeMessage {
  id: string;
  appId: string;
  eventId: string | null;
  eventType: string;
  payload: any;
  timestamp: string;
}

type Answer = { status: number; body?: unknown };

interface Failure {
  method?: string;
  path?: RegExp;
  status: number;
  times: number;
  body?: any;
}

export interface FakeSvix {
  /** the base URL to give the package as serverUrl */
  url: string;
  requests: RecordedRequest[];
  apps: Map<string, FakeApp>;
  endpoints: Map<string, FakeEndpoint>;
  eventTypes: Map<string, { name: string; description: string }>;
  messages: FakeMessage[];
  /** resends to one endpoint: [message id, endpoint id] */
  resends: { messageId: string; endpointId: string }[];
  /** requests matching method/path, in order */
  requestsTo(method: string, path: RegExp): RecordedRequest[];
  /** the next `times` requests matching answer `status` (default 500) with an error body */
  failNext(f: { method?: string; path?: RegExp; status?: number; times?: number; body?: unknown }): void;
  /** the next `n` message creates answer 500 */
  failMessages(n: number, status?: number): void;
  /** forget remembered idempotency keys, as Svix does after 12 hours */
  forgetIdempotencyKeys(): void;
  app(idOrUid: string): FakeApp | undefined;
  endpoint(appIdOrUid: string, idOrUid: string): FakeEndpoint | undefined;
  close(): Promise<void>;
}

const SECRET = /^whsec_[A-Za-z0-9+/=]{32,100}$/;
const UID = /^[a-zA-Z0-9\-_.]{1,256}$/;

export async function startFakeSvix(opts: { token: string }): Promise<FakeSvix> {
  const requests: RecordedRequest[] = [];
  const apps = new Map<string, FakeApp>();
  const endpoints = new Map<string, FakeEndpoint>();
  const eventTypes = new Map<string, { name: string; description: string }>();
  const messages: FakeMessage[] = [];
  const resends: { messageId: string; endpointId: string }[] = [];
  const failures: Failure[] = [];
  const idempotent = new Map<string, Answer>();
  let seq = 0;
  const newId = (prefix: string) => `${prefix}_fake${String(++seq).padStart(8, "0")}`;
  const now = () => new Date().toISOString();

  const findApp = (key: string) => apps.get(key) ?? [...apps.values()].find((a) => a.uid === key);
  const findEndpoint = (app: FakeApp, key: string) => [...endpoints.values()].find((e) => e.appId === app.id && (e.id === key || e.uid === key));
  const appOut = (a: FakeApp) => ({ id: a.id, uid: a.uid, name: a.name, metadata: {}, rateLimit: null, createdAt: a.createdAt, updatedAt: a.createdAt });
  const endpointOut = (e: FakeEndpoint) => ({
    id: e.id,
    uid: e.uid,
    url: e.url,
    description: e.description,
    eventTypes: e.eventTypes,
    disabled: e.disabled,
    channels: null,
    metadata: {},
    rateLimit: null,
    version: 1,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  });
  const messageOut = (m: FakeMessage, withContent: boolean) => ({
    id: m.id,
    eventId: m.eventId,
    eventType: m.eventType,
    payload: withContent ? m.payload : {},
    channels: null,
    tags: null,
    timestamp: m.timestamp,
  });

  const error = (status: number, code: string, detail: string): Answer => ({ status, body: { code, detail } });
  const invalid = (loc: string[], msg: string): Answer => ({ status: 422, body: { detail: [{ loc: ["body", ...loc], msg, type: "value_error" }] } });

  function checkFilterTypes(types: unknown): Answer | null {
    if (types === undefined || types === null) return null;
    if (!Array.isArray(types) || !types.length) return invalid(["eventTypes"], "eventTypes must be null or a non-empty list");
    const unknown = types.filter((t) => !eventTypes.has(t));
    return unknown.length ? invalid(["eventTypes"], `Unknown event types: ${unknown.join(", ")}`) : null;
  }

  function route(method: string, parts: string[], query: Record<string, string>, body: any): Answer {
    // /api/v1/...
    if (parts[0] !== "api" || parts[1] !== "v1") return error(404, "not_found", "Entity not found");
    const [, , a, appKey, b, subKey, c, d, e] = parts;

    if (a === "event-type" && parts.length === 3) {
      if (method === "GET")
        return {
          status: 200,
          body: { data: [...eventTypes.values()].map((t) => ({ ...t, deprecated: false, archived: false, createdAt: now(), updatedAt: now() })), done: true, iterator: null },
        };
      if (method === "POST") {
        if (typeof body?.name !== "string" || typeof body?.description !== "string") return invalid(["name"], "name and description are required");
        if (eventTypes.has(body.name)) return error(409, "conflict", "An event type with this name already exists");
        eventTypes.set(body.name, { name: body.name, description: body.description });
        return { status: 201, body: { name: body.name, description: body.description, deprecated: false, archived: false, createdAt: now(), updatedAt: now() } };
      }
    }

    // /api/v1/auth/app-portal-access/{app_id}: a link to the app portal, creating the application when asked to
    if (a === "auth" && appKey === "app-portal-access" && b && parts.length === 5 && method === "POST") {
      let portalApp = findApp(b);
      if (!portalApp && body?.application && typeof body.application.name === "string") {
        portalApp = { id: newId("app"), uid: body.application.uid ?? null, name: body.application.name, createdAt: now() };
        apps.set(portalApp.id, portalApp);
      }
      if (!portalApp) return error(404, "not_found", "Application not found");
      const token = `appsk_${newId("tok")}`;
      return { status: 200, body: { url: `https://app.svix.com/login#key=${Buffer.from(JSON.stringify({ appId: portalApp.id, token })).toString("base64")}`, token } };
    }

    if (a !== "app") return error(404, "not_found", "Entity not found");

    if (parts.length === 3 && method === "POST") {
      if (typeof body?.name !== "string") return invalid(["name"], "field required");
      if (body.uid != null && !UID.test(body.uid)) return invalid(["uid"], "invalid uid");
      const existing = body.uid != null ? findApp(body.uid) : undefined;
      if (existing) return query.get_if_exists === "true" ? { status: 200, body: appOut(existing) } : error(409, "conflict", "An application with this uid already exists");
      const app: FakeApp = { id: newId("app"), uid: body.uid ?? null, name: body.name, createdAt: now() };
      apps.set(app.id, app);
      return { status: 201, body: appOut(app) };
    }

    let app = appKey ? findApp(appKey) : undefined;

    if (parts.length === 4 && method === "GET") return app ? { status: 200, body: appOut(app) } : error(404, "not_found", "Entity not found");

    // messages: POST /app/{app}/msg, GET /app/{app}/msg/{msg}, POST /app/{app}/msg/{msg}/endpoint/{ep}/resend
    if (b === "msg") {
      if (parts.length === 5 && method === "POST") {
        if (!app && body?.application && typeof body.application.name === "string") {
          // Svix creates the application given alongside the message, under the uid of the path
          app = { id: newId("app"), uid: body.application.uid ?? appKey ?? null, name: body.application.name, createdAt: now() };
          apps.set(app.id, app);
        }
        if (!app) return error(404, "not_found", "Application not found");
        if (typeof body?.eventType !== "string") return invalid(["eventType"], "field required");
        if (!body.payload || typeof body.payload !== "object" || Array.isArray(body.payload)) return invalid(["payload"], "Payload must be an object.");
        const appId = app.id;
        if (body.eventId != null && messages.some((m) => m.appId === appId && m.eventId === body.eventId))
          return error(409, "conflict", "A message with this eventId already exists for this application");
        const msg: FakeMessage = { id: newId("msg"), appId, eventId: body.eventId ?? null, eventType: body.eventType, payload: body.payload, timestamp: now() };
        messages.push(msg);
        return { status: 202, body: messageOut(msg, query.with_content !== "false") };
      }
      if (!app) return error(404, "not_found", "Application not found");
      const appId = app.id;
      const msg = messages.find((m) => m.appId === appId && (m.id === subKey || m.eventId === subKey));
      if (parts.length === 6 && method === "GET")
        return msg ? { status: 200, body: messageOut(msg, query.with_content !== "false") } : error(404, "not_found", "Message not found");
      if (parts.length === 9 && c === "endpoint" && e === "resend" && method === "POST") {
        if (!msg) return error(404, "not_found", "Message not found");
        const ep = findEndpoint(app, d!);
        if (!ep) return error(404, "not_found", "Endpoint not found");
        resends.push({ messageId: msg.id, endpointId: ep.id });
        return { status: 202, body: {} };
      }
    }

    if (b === "endpoint") {
      if (!app) return error(404, "not_found", "Application not found");
      const appId = app.id;
      if (parts.length === 5 && method === "POST") {
        if (typeof body?.url !== "string") return invalid(["url"], "field required");
        if (body.uid != null && !UID.test(body.uid)) return invalid(["uid"], "invalid uid");
        if (body.uid != null && findEndpoint(app, body.uid)) return error(409, "conflict", "An endpoint with this uid already exists");
        if (body.secret != null && !SECRET.test(body.secret)) return invalid(["secret"], "Secret must be whsec_ followed by base64 of 24 to 64 bytes");
        const bad = checkFilterTypes(body.eventTypes);
        if (bad) return bad;
        const ep: FakeEndpoint = {
          id: newId("ep"),
          appId,
          uid: body.uid ?? null,
          url: body.url,
          description: body.description ?? "",
          eventTypes: body.eventTypes ?? null,
          disabled: body.disabled ?? false,
          secret: body.secret ?? `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("base64")}`,
          oldSecrets: [],
          createdAt: now(),
          updatedAt: now(),
        };
        endpoints.set(ep.id, ep);
        return { status: 201, body: endpointOut(ep) };
      }
      const ep = subKey ? findEndpoint(app, subKey) : undefined;
      if (!ep) return error(404, "not_found", "Endpoint not found");
      if (parts.length === 6) {
        if (method === "GET") return { status: 200, body: endpointOut(ep) };
        if (method === "DELETE") {
          endpoints.delete(ep.id);
          return { status: 204 };
        }
        if (method === "PUT" || method === "PATCH") {
          if (method === "PUT" && typeof body?.url !== "string") return invalid(["url"], "field required");
          const bad = checkFilterTypes(body?.eventTypes);
          if (bad) return bad;
          if (method === "PUT") {
            Object.assign(ep, { url: body.url, description: body.description ?? "", eventTypes: body.eventTypes ?? null, disabled: body.disabled ?? false });
          } else {
            for (const k of ["url", "description", "eventTypes", "disabled"] as const) if (body && k in body) Object.assign(ep, { [k]: body[k] });
          }
          if (body?.uid != null) ep.uid = body.uid;
          ep.updatedAt = now();
          return { status: 200, body: endpointOut(ep) };
        }
      }
      if (parts.length === 7 && c === "secret" && method === "GET") return { status: 200, body: { key: ep.secret } };
      if (parts.length === 8 && c === "secret" && d === "rotate" && method === "POST") {
        if (body?.key != null && !SECRET.test(body.key)) return invalid(["key"], "Secret must be whsec_ followed by base64 of 24 to 64 bytes");
        ep.oldSecrets.push(ep.secret);
        ep.secret = body?.key ?? `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("base64")}`;
        ep.updatedAt = now();
        return { status: 204 };
      }
    }
    return error(404, "not_found", "Entity not found");
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://fake-svix");
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k.toLowerCase()] = v;
    const query = Object.fromEntries(url.searchParams);
    const method = (req.method ?? "GET").toUpperCase();
    let body: unknown = null;
    let answer: Answer;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      body = raw;
    }
    if (headers.authorization !== `Bearer ${opts.token}`) answer = error(401, "authentication_failed", "Invalid token");
    else if (raw && typeof body === "string") answer = error(400, "bad_request", "Body is not JSON");
    else {
      const failure = failures.find((f) => f.times > 0 && (!f.method || f.method === method) && (!f.path || f.path.test(url.pathname)));
      const idemKey = method === "POST" && headers["idempotency-key"] ? `${headers.authorization}:${headers["idempotency-key"]}:${req.url}` : null;
      const remembered = idemKey ? idempotent.get(idemKey) : undefined;
      if (failure) {
        failure.times--;
        answer = { status: failure.status, body: failure.body ?? (failure.status >= 500 ? "Internal Server Error" : { code: "injected", detail: "injected failure" }) };
      } else if (remembered) answer = remembered;
      else {
        answer = route(method, url.pathname.split("/").filter(Boolean).map(decodeURIComponent), query, body);
        // as Svix: only successful answers are remembered under the key
        if (idemKey && answer.status >= 200 && answer.status < 300) idempotent.set(idemKey, answer);
      }
    }
    requests.push({ method, path: url.pathname, query, headers, body, status: answer.status });
    if (answer.status === 204 || answer.body === undefined) {
      res.writeHead(answer.status).end();
      return;
    }
    if (typeof answer.body === "string") {
      res.writeHead(answer.status, { "content-type": "text/plain" }).end(answer.body);
      return;
    }
    res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      res.writeHead(500, { "content-type": "text/plain" }).end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    apps,
    endpoints,
    eventTypes,
    messages,
    resends,
    requestsTo: (method, path) => requests.filter((r) => r.method === method && path.test(r.path)),
    failNext: (f) => failures.push({ method: f.method?.toUpperCase(), path: f.path, status: f.status ?? 500, times: f.times ?? 1, body: f.body }),
    failMessages: (n, status = 500) => failures.push({ method: "POST", path: /^\/api\/v1\/app\/[^/]+\/msg$/, status, times: n }),
    forgetIdempotencyKeys: () => idempotent.clear(),
    app: (key) => findApp(key),
    endpoint: (appKey, key) => {
      const app = findApp(appKey);
      return app ? findEndpoint(app, key) : undefined;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
