import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, readFileSync, rmSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, type NodeService, ROOT, startNodeService, tempDatabase } from "../helpers/node-service";
import { shellBlocks } from "../helpers/readme";

/**
 * The contract in both directions: the README's walk-through and a suite of refused requests go
 * through Prism's validating proxy (`prism proxy openapi/openapi.json <service>`) in front of the
 * real service, and every violation Prism reports in its `sl-violations` header, or any error
 * Prism answers itself, fails the test.
 *
 * - the walk-through (valid requests) goes through a Prism with `--errors`, and no violation of
 *   the request nor of the response is allowed;
 * - the refused requests are invalid on purpose, so Prism reports their request violations; they
 *   go through a Prism without `--errors` (it forwards them), and what must hold is that the
 *   service's answer is one the document declares (status, problem+json body, headers).
 */

const PRISM = createRequire(import.meta.url).resolve("@stoplight/prism-cli/dist/index.js");
const SERVICE_PROBLEMS = "https://subprocessor-registry.dev/problems/";
const OPERATOR = "sk_live_demo_operator_0000000000";

interface Violation {
  location?: string[];
  severity?: string;
  code?: string | number;
  message?: string;
}

/** One request through Prism, as the test saw it. */
interface Exchange {
  method: string;
  path: string;
  status: number;
  violations: Violation[];
  /** an answer of Prism's own (its problem types), not the service's */
  prismError?: string;
}

/** The `sl-violations` header: a JSON array, or text Prism truncated ("Too many violations! …"). */
function parseViolations(header: string | null | undefined): Violation[] {
  if (!header) return [];
  try {
    const parsed = JSON.parse(header);
    return Array.isArray(parsed) ? parsed : [{ message: header }];
  } catch {
    return [{ message: header }];
  }
}

/** A problem+json answer that is not the service's: Prism refused, or failed to forward. */
function prismError(contentType: string | null | undefined, text: string): string | undefined {
  if (!/^application\/problem\+json/.test(contentType ?? "")) return undefined;
  try {
    const body = JSON.parse(text);
    if (typeof body?.type === "string" && !body.type.startsWith(SERVICE_PROBLEMS))
      return `${body.type}: ${body.title} ${body.detail ?? ""} ${JSON.stringify(body.validation ?? "")}`;
  } catch {
    return `not JSON: ${text.slice(0, 200)}`;
  }
  return undefined;
}

const describeViolation = (v: Violation) => `[${(v.location ?? []).join(".")}] ${v.severity ?? ""} ${v.code ?? ""}: ${v.message ?? ""}`;
const report = (list: Exchange[]) =>
  list
    .map(
      (e) =>
        `${e.method} ${e.path} → ${e.status}\n${[...e.violations.map(describeViolation), ...(e.prismError ? [`Prism: ${e.prismError}`] : [])].map((l) => `    ${l}`).join("\n")}`,
    )
    .join("\n");

interface Prism {
  child: ChildProcess;
  base: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** `prism proxy` on a loopback port, resolved once it says it listens. */
async function startPrism(document: string, upstream: string, errors: boolean): Promise<Prism> {
  const port = await freePort();
  const args = [PRISM, "proxy", document, upstream, "--host", "127.0.0.1", "--port", String(port), ...(errors ? ["--errors"] : [])];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const append = (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  };
  child.stdout!.on("data", append);
  child.stderr!.on("data", append);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Prism did not listen within 40 s:\n${out}`)), 40_000);
    const check = () => {
      if (!out.includes("Prism is listening on")) return;
      clearTimeout(timer);
      resolve();
    };
    child.stdout!.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Prism exited (${code}) before listening:\n${out}`));
    });
  });
  return {
    child,
    base: `http://127.0.0.1:${port}`,
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * A pass-through in front of Prism that records each answer's status and `sl-violations`, so the
 * README's curl commands run unchanged (curl reads the answers; the test reads the headers).
 */
async function recordingProxy(target: string, exchanges: Exchange[]): Promise<{ base: string; server: Server }> {
  const { hostname, port } = new URL(target);
  const server = createServer((req, res) => {
    const upstream = httpRequest({ host: hostname, port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on("data", (c: Buffer) => chunks.push(c));
      answer.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        exchanges.push({
          method: req.method!,
          path: req.url!,
          status: answer.statusCode!,
          violations: parseViolations(answer.headers["sl-violations"] as string | undefined),
          prismError: prismError(answer.headers["content-type"], text),
        });
      });
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", (err) => {
      exchanges.push({ method: req.method!, path: req.url!, status: 502, violations: [], prismError: `no answer from Prism: ${err.message}` });
      res.writeHead(502).end();
    });
    req.pipe(upstream);
  });
  const listenPort = await freePort();
  await new Promise<void>((resolve) => server.listen(listenPort, "127.0.0.1", resolve));
  return { base: `http://127.0.0.1:${listenPort}`, server };
}

interface Answer {
  status: number;
  headers: Headers;
  body: any;
  exchange: Exchange;
}

/** One request through Prism. */
async function through(base: string, key: string | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const init: RequestInit = { method, headers: { ...(key ? { Authorization: `Bearer ${key}` } : {}), ...headers } };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)["Content-Type"] ??= "application/json";
  }
  let res: Response;
  try {
    res = await fetch(base + path, { ...init, signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    const exchange = { method, path, status: 0, violations: [], prismError: `no answer from Prism: ${String((err as Error).cause ?? err)}` };
    return { status: 0, headers: new Headers(), body: null, exchange };
  }
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  const exchange = {
    method,
    path,
    status: res.status,
    violations: parseViolations(res.headers.get("sl-violations")),
    prismError: prismError(res.headers.get("content-type"), text),
  };
  return { status: res.status, headers: res.headers, body: parsed, exchange };
}

// --- the fixtures of the refused requests: three organisations of their own, created through Prism

const address = { street: "Finlandsgade 25", postal_code: "8200", city: "Aarhus N", country: "DK" };
const orgBody = (name: string, cvr: string) => ({ name, registration: { scheme: "dk_cvr", number: cvr }, address });
const annex = {
  locations: [{ ref: "dc-aarhus", label: "Primary data centre", activities: ["hosting", "backup"], address }],
  sub_processors: [
    {
      ref: "jutland-hosting",
      legal_name: "Jutland Hosting A/S",
      registration: { scheme: "dk_cvr", number: "34567891" },
      address,
      description: "Hosting and backup of the care records",
      locations: ["dc-aarhus"],
    },
  ],
};
const agreementBody = (controllerId: string) => ({
  controller_id: controllerId,
  title: "Databehandleraftale — kontrakttest",
  authorisation: "general",
  notice_days: 30,
  third_country_transfers: "with_transfer_mechanism",
  annex,
});
const kista = { street: "Kista Allévägen 5", postal_code: "164 55", city: "Kista", country: "SE" };
const changeBody = (agreementId: string) => ({
  agreements: [agreementId],
  reason: "A second, off-site backup copy",
  operations: [
    { op: "add_location", location: { ref: "backup-kista", label: "Backup site", activities: ["backup"], address: kista } },
    {
      op: "add_sub_processor",
      sub_processor: {
        ref: "kista-backup",
        legal_name: "Kista Backup AB",
        registration: { scheme: "se_orgnr", number: "556123-4567" },
        address: kista,
        description: "Encrypted off-site backup",
        locations: ["backup-kista"],
      },
    },
  ],
});

interface Fixtures {
  processor: { id: string; key: string };
  controller: { id: string; key: string; readKey: string };
  other: { id: string; key: string; revokedKeyId: string; revokedKey: string };
  active: string;
  proposed: string;
  declined: string;
  /** an objected decision (final) and its change request (nothing pending) */
  finalDecision: string;
  finalChange: string;
  /** a pending decision and its change request */
  pendingDecision: string;
  pendingChange: string;
  event: string;
  user: string;
  slug: string;
}

async function createFixtures(base: string, exchanges: Exchange[]): Promise<Fixtures> {
  const valid = async (key: string | null, method: string, path: string, status: number, body?: unknown) => {
    const res = await through(base, key, method, path, body);
    exchanges.push(res.exchange);
    if (res.status !== status) throw new Error(`fixture ${method} ${path}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const org = async (name: string, cvr: string) => {
    const { id } = await valid(OPERATOR, "POST", "/v1/organisations", 201, orgBody(name, cvr));
    const { secret } = await valid(OPERATOR, "POST", `/v1/organisations/${id}/api-keys`, 201, { name: "contract test" });
    return { id: id as string, key: secret as string };
  };
  const processor = await org("Kontrakt Processor ApS", "31000009");
  const controller = await org("Kontrakt Kommune", "31000017");
  const other = await org("Anden Kommune", "31000025");
  const readKey = (await valid(OPERATOR, "POST", `/v1/organisations/${controller.id}/api-keys`, 201, { name: "read only", scope: "read" })).secret;
  const revoked = await valid(OPERATOR, "POST", `/v1/organisations/${other.id}/api-keys`, 201, { name: "to revoke" });
  await valid(OPERATOR, "DELETE", `/v1/organisations/${other.id}/api-keys/${revoked.id}`, 200);

  const propose = async () => (await valid(processor.key, "POST", "/v1/agreements", 201, agreementBody(controller.id))).id as string;
  const active = await propose();
  await valid(controller.key, "POST", `/v1/agreements/${active}/confirm`, 200);
  const proposed = await propose();
  const declined = await propose();
  await valid(controller.key, "POST", `/v1/agreements/${declined}/decline`, 200, { reason: "Missing a backup site" });

  const finalCr = await valid(processor.key, "POST", "/v1/change-requests", 201, changeBody(active));
  await valid(controller.key, "POST", `/v1/decisions/${finalCr.decisions[0].id}/object`, 200, { reason: "Not in Sweden" });
  const pendingCr = await valid(processor.key, "POST", "/v1/change-requests", 201, changeBody(active));
  const events = await valid(processor.key, "GET", "/v1/events?limit=1", 200);
  const user = await valid(controller.key, "POST", "/v1/users", 201, { email: "sagsbehandler@kontrakt.example", role: "decider" });
  const slug = "kontrakt-processor";
  await valid(processor.key, "PATCH", "/v1/organisations/me/public-page", 200, { enabled: true, slug, agreements: "all" });
  return {
    processor,
    controller: { ...controller, readKey },
    other: { ...other, revokedKeyId: revoked.id, revokedKey: revoked.secret },
    active,
    proposed,
    declined,
    finalDecision: finalCr.decisions[0].id,
    finalChange: finalCr.id,
    pendingDecision: pendingCr.decisions[0].id,
    pendingChange: pendingCr.id,
    event: events.data[0].id,
    user: user.id,
    slug,
  };
}

// --- the refused requests

interface ErrorCase {
  name: string;
  key: string | null;
  method: string;
  path: string;
  /** an object is sent as JSON; a string as it is */
  body?: unknown;
  headers?: Record<string, string>;
  status: number;
}

const UNKNOWN = {
  organisation: "org_00000000000000000000000000",
  key: "key_00000000000000000000000000",
  endpoint: "ep_00000000000000000000000000",
};
/** a body over the service's 256 KiB limit */
const OVERSIZED = JSON.stringify({ reason: "x".repeat(300 * 1024) });

/** The routes that take a JSON body, each with a body its caller may send (bar the cases' one change). */
function bodyRoutes(f: Fixtures): { name: string; key: string; method: string; path: string }[] {
  return [
    { name: "create an organisation", key: OPERATOR, method: "POST", path: "/v1/organisations" },
    { name: "create an API key", key: OPERATOR, method: "POST", path: `/v1/organisations/${f.processor.id}/api-keys` },
    { name: "propose an agreement", key: f.processor.key, method: "POST", path: "/v1/agreements" },
    { name: "decline an agreement", key: f.controller.key, method: "POST", path: `/v1/agreements/${f.proposed}/decline` },
    { name: "amend an agreement", key: f.controller.key, method: "POST", path: `/v1/agreements/${f.active}/amendments` },
    { name: "submit a change request", key: f.processor.key, method: "POST", path: "/v1/change-requests" },
    { name: "approve a decision", key: f.controller.key, method: "POST", path: `/v1/decisions/${f.pendingDecision}/approve` },
    { name: "object to a decision", key: f.controller.key, method: "POST", path: `/v1/decisions/${f.pendingDecision}/object` },
    { name: "create a webhook endpoint", key: f.processor.key, method: "POST", path: "/v1/webhook-endpoints" },
    { name: "invite a person", key: f.controller.key, method: "POST", path: "/v1/users" },
    { name: "change a person", key: f.controller.key, method: "PATCH", path: `/v1/users/${f.user}` },
    { name: "set up single sign-on", key: f.controller.key, method: "PUT", path: "/v1/sso-connection" },
    { name: "change the public page", key: f.processor.key, method: "PATCH", path: "/v1/organisations/me/public-page" },
    { name: "move the test clock", key: OPERATOR, method: "POST", path: "/v1/test-clock/advance" },
  ];
}

function errorCases(f: Fixtures): ErrorCase[] {
  const P = f.processor.key;
  const C = f.controller.key;
  const O = f.other.key;
  const A = f.active;
  const cases: ErrorCase[] = [];
  const add = (status: number, name: string, key: string | null, method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    cases.push({ name, key, method, path, body, headers, status });

  // 400: query and path parameters
  add(400, "limit=0", OPERATOR, "GET", "/v1/organisations?limit=0");
  add(400, "limit=101", P, "GET", "/v1/agreements?limit=101");
  add(400, "limit=ten", P, "GET", "/v1/agreements?limit=ten");
  add(400, "a cursor never issued", P, "GET", "/v1/agreements?cursor=not-a-cursor");
  add(400, "an unknown status filter", P, "GET", "/v1/agreements?status=pending");
  add(400, "as_of not an instant", C, "GET", `/v1/agreements/${A}/annex?as_of=yesterday`);
  add(400, "a diff without from", C, "GET", `/v1/agreements/${A}/annex/diff`);
  add(400, "a version that is not a number", C, "GET", `/v1/agreements/${A}/annex/versions/first`);
  add(400, "version 0", C, "GET", `/v1/agreements/${A}/annex/versions/0`);
  add(400, "an unknown document format", C, "GET", `/v1/agreements/${A}/annex/document?format=pdf`);
  add(400, "annex versions, limit=0", C, "GET", `/v1/agreements/${A}/annex/versions?limit=0`);
  add(400, "change requests, limit=0", P, "GET", "/v1/change-requests?limit=0");
  add(400, "an unknown decision state", C, "GET", "/v1/decisions?state=maybe");
  add(400, "overdue=yes", C, "GET", "/v1/decisions?overdue=yes");
  add(400, "events, an unknown order", P, "GET", "/v1/events?order=sideways");
  add(400, "events, an unknown type", P, "GET", "/v1/events?type=no.such");
  add(400, "webhook endpoints, limit=0", P, "GET", "/v1/webhook-endpoints?limit=0");
  add(400, "people, limit=0", C, "GET", "/v1/users?limit=0");
  add(400, "own API keys, limit=0", P, "GET", "/v1/api-keys?limit=0");
  add(400, "an organisation's API keys, limit=0", OPERATOR, "GET", `/v1/organisations/${f.processor.id}/api-keys?limit=0`);
  add(400, "the audit trail, limit=0", P, "GET", "/v1/audit?limit=0");
  add(400, "audit verify, full=maybe", P, "GET", "/v1/audit/verify?full=maybe");

  // 401
  add(401, "no key", null, "GET", "/v1/agreements");
  add(401, "no key for a write", null, "POST", "/v1/organisations", orgBody("Silkeborg Kommune", "31000033"));
  add(401, "no key for a decision", null, "GET", `/v1/decisions/${f.pendingDecision}`);
  add(401, "no key for a change request", null, "POST", "/v1/change-requests", changeBody(A));
  add(401, "no key for the events", null, "GET", "/v1/events");
  add(401, "no key for the audit trail", null, "GET", "/v1/audit");
  add(401, "no key for the test clock", null, "GET", "/v1/test-clock");
  add(401, "a Basic Authorization header", null, "GET", "/v1/agreements", undefined, { Authorization: "Basic c2tfbGl2ZTp4" });
  add(401, "Bearer without a token", null, "GET", "/v1/agreements", undefined, { Authorization: "Bearer " });
  add(401, "an unknown key", "sk_live_0000000000000000000000000000000", "GET", "/v1/organisations/me");
  add(401, "a revoked key", f.other.revokedKey, "GET", "/v1/organisations/me");
  add(401, "a revoked key cannot write", f.other.revokedKey, "POST", "/v1/agreements", agreementBody(f.controller.id));

  // 403
  add(403, "an organisation creates an organisation", P, "POST", "/v1/organisations", orgBody("Silkeborg Kommune", "31000033"));
  add(403, "an organisation lists the organisations", P, "GET", "/v1/organisations");
  add(403, "an organisation creates an API key by the operator's route", P, "POST", `/v1/organisations/${f.processor.id}/api-keys`, { name: "mine" });
  add(403, "the operator invites a person without naming the organisation", OPERATOR, "POST", "/v1/users", { email: "a@b.example", role: "viewer" });
  add(403, "an organisation uses the operator's invitation route", C, "POST", `/v1/organisations/${f.controller.id}/users`, { email: "a@b.example", role: "viewer" });
  add(403, "a read key declines", f.controller.readKey, "POST", `/v1/agreements/${f.proposed}/decline`, { reason: "No" });
  add(403, "a read key approves", f.controller.readKey, "POST", `/v1/decisions/${f.pendingDecision}/approve`, {});
  add(403, "a read key invites", f.controller.readKey, "POST", "/v1/users", { email: "a@b.example", role: "viewer" });
  add(403, "a read key creates a webhook endpoint", f.controller.readKey, "POST", "/v1/webhook-endpoints", { url: "https://hooks.example.com/in" });
  add(403, "a read key changes the public page", f.controller.readKey, "PATCH", "/v1/organisations/me/public-page", { enabled: false });
  add(403, "the processor confirms its own proposal", P, "POST", `/v1/agreements/${f.proposed}/confirm`);
  add(403, "the processor amends the controller's instruction", P, "POST", `/v1/agreements/${A}/amendments`, { reason: "Ours", notice_days: 60 });
  add(403, "the controller withdraws the processor's change", C, "POST", `/v1/change-requests/${f.pendingChange}/withdraw`);
  add(403, "the processor approves its own change", P, "POST", `/v1/decisions/${f.pendingDecision}/approve`, {});
  add(403, "the operator sets up single sign-on", OPERATOR, "PUT", "/v1/sso-connection", {
    issuer: "https://id.example.com",
    client_id: "x",
    client_secret: "y",
    email_domain: "example.com",
  });
  add(403, "an organisation reads the test clock", P, "GET", "/v1/test-clock");
  add(403, "an organisation moves the test clock", P, "POST", "/v1/test-clock/advance", { days: 1 });

  // 404: another organisation's records, and records that do not exist
  add(404, "another organisation's agreement", O, "GET", `/v1/agreements/${A}`);
  add(404, "another organisation's annex", O, "GET", `/v1/agreements/${A}/annex`);
  add(404, "another organisation's terms", O, "GET", `/v1/agreements/${A}/terms`);
  add(404, "another organisation's annex document", O, "GET", `/v1/agreements/${A}/annex/document`);
  add(404, "confirm another organisation's agreement", O, "POST", `/v1/agreements/${f.proposed}/confirm`);
  add(404, "another organisation's change request", O, "GET", `/v1/change-requests/${f.pendingChange}`);
  add(404, "withdraw another organisation's change request", O, "POST", `/v1/change-requests/${f.pendingChange}/withdraw`);
  add(404, "another organisation's decision", O, "GET", `/v1/decisions/${f.pendingDecision}`);
  add(404, "approve another organisation's decision", O, "POST", `/v1/decisions/${f.pendingDecision}/approve`, {});
  add(404, "object to another organisation's decision", O, "POST", `/v1/decisions/${f.pendingDecision}/object`, { reason: "No" });
  add(404, "another organisation's event", O, "GET", `/v1/events/${f.event}`);
  add(404, "another organisation's event's attempts", O, "GET", `/v1/events/${f.event}/attempts`);
  add(404, "resend another organisation's event", O, "POST", `/v1/events/${f.event}/resend`, { endpoint_id: UNKNOWN.endpoint });
  add(404, "another organisation's person", O, "GET", `/v1/users/${f.user}`);
  add(404, "change another organisation's person", O, "PATCH", `/v1/users/${f.user}`, { name: "Someone" });
  add(404, "an unknown organisation", OPERATOR, "GET", `/v1/organisations/${UNKNOWN.organisation}`);
  add(404, "revoke an unknown key of an organisation", OPERATOR, "DELETE", `/v1/organisations/${f.processor.id}/api-keys/${UNKNOWN.key}`);
  add(404, "revoke an unknown own key", P, "DELETE", `/v1/api-keys/${UNKNOWN.key}`);
  add(404, "an unknown webhook endpoint", P, "GET", `/v1/webhook-endpoints/${UNKNOWN.endpoint}`);
  add(404, "change an unknown webhook endpoint", P, "PATCH", `/v1/webhook-endpoints/${UNKNOWN.endpoint}`, { enabled: false });
  add(404, "delete an unknown webhook endpoint", P, "DELETE", `/v1/webhook-endpoints/${UNKNOWN.endpoint}`);
  add(404, "ping an unknown webhook endpoint", P, "POST", `/v1/webhook-endpoints/${UNKNOWN.endpoint}/ping`);
  add(404, "rotate an unknown webhook endpoint's secret", P, "POST", `/v1/webhook-endpoints/${UNKNOWN.endpoint}/rotate-secret`);
  add(404, "an unknown webhook endpoint's attempts", P, "GET", `/v1/webhook-endpoints/${UNKNOWN.endpoint}/attempts`);
  add(404, "an annex version that does not exist", C, "GET", `/v1/agreements/${A}/annex/versions/99`);
  add(404, "no single sign-on set up", P, "GET", "/v1/sso-connection");
  add(404, "delete single sign-on never set up", P, "DELETE", "/v1/sso-connection");
  add(404, "no public page", C, "GET", "/v1/organisations/me/public-page");
  add(404, "a country code nobody has", null, "GET", "/v1/countries/XX");

  // 409: final states are final, and what a state does not allow
  add(409, "confirm a declined agreement", C, "POST", `/v1/agreements/${f.declined}/confirm`);
  add(409, "decline an active agreement", C, "POST", `/v1/agreements/${A}/decline`, { reason: "Too late" });
  add(409, "amend a proposed agreement", C, "POST", `/v1/agreements/${f.proposed}/amendments`, { reason: "Early", notice_days: 60 });
  add(409, "the annex of a proposed agreement", C, "GET", `/v1/agreements/${f.proposed}/annex`);
  add(409, "the annex versions of a proposed agreement", C, "GET", `/v1/agreements/${f.proposed}/annex/versions`);
  add(409, "a diff of a proposed agreement", C, "GET", `/v1/agreements/${f.proposed}/annex/diff?from=1`);
  add(409, "a version of a proposed agreement's annex", C, "GET", `/v1/agreements/${f.proposed}/annex/versions/1`);
  add(409, "the annex document of a proposed agreement", C, "GET", `/v1/agreements/${f.proposed}/annex/document`);
  add(409, "approve a final decision", C, "POST", `/v1/decisions/${f.finalDecision}/approve`, {});
  add(409, "object to a final decision", C, "POST", `/v1/decisions/${f.finalDecision}/object`, { reason: "Again" });
  add(409, "withdraw a final decision", P, "POST", `/v1/decisions/${f.finalDecision}/withdraw`);
  add(409, "withdraw a change request with nothing pending", P, "POST", `/v1/change-requests/${f.finalChange}/withdraw`);
  add(409, "revoke a revoked key", OPERATOR, "DELETE", `/v1/organisations/${f.other.id}/api-keys/${f.other.revokedKeyId}`);
  add(409, "a public page slug another organisation has", C, "PATCH", "/v1/organisations/me/public-page", { enabled: true, slug: f.slug, agreements: "all" });

  // 413 and 415: every route that takes a body
  for (const r of bodyRoutes(f)) {
    add(413, `${r.name}: a body over 256 KiB`, r.key, r.method, r.path, OVERSIZED);
    add(415, `${r.name}: text/plain`, r.key, r.method, r.path, "{}", { "Content-Type": "text/plain" });
  }
  add(415, "resend an event: form-encoded", P, "POST", `/v1/events/${f.event}/resend`, "endpoint_id=x", { "Content-Type": "application/x-www-form-urlencoded" });

  // 422: bodies that break the rules
  const org = orgBody("Silkeborg Kommune", "31000033");
  add(422, "an organisation without a name", OPERATOR, "POST", "/v1/organisations", { registration: org.registration, address });
  add(422, "an organisation with an unknown field", OPERATOR, "POST", "/v1/organisations", { ...org, colour: "red" });
  add(422, "a CVR number with a wrong check digit", OPERATOR, "POST", "/v1/organisations", orgBody("Silkeborg Kommune", "29189731"));
  add(422, "a CVR number of the wrong form", OPERATOR, "POST", "/v1/organisations", orgBody("Silkeborg Kommune", "123"));
  add(422, "an API key of an unknown scope", OPERATOR, "POST", `/v1/organisations/${f.processor.id}/api-keys`, { name: "x", scope: "admin" });
  add(422, "an unknown authorisation", P, "POST", "/v1/agreements", { ...agreementBody(f.controller.id), authorisation: "sometimes" });
  add(422, "notice_days 0", P, "POST", "/v1/agreements", { ...agreementBody(f.controller.id), notice_days: 0 });
  add(422, "an unknown controller", P, "POST", "/v1/agreements", agreementBody(UNKNOWN.organisation));
  add(422, "the processor as its own controller", P, "POST", "/v1/agreements", agreementBody(f.processor.id));
  add(422, "a country code that is not ISO 3166", P, "POST", "/v1/agreements", {
    ...agreementBody(f.controller.id),
    annex: { ...annex, locations: [{ ...annex.locations[0], address: { ...address, country: "XX" } }] },
  });
  add(422, "a decline without a reason", C, "POST", `/v1/agreements/${f.proposed}/decline`, {});
  add(422, "an amendment without a reason", C, "POST", `/v1/agreements/${A}/amendments`, { notice_days: 60 });
  add(422, "an amendment of an unknown instruction", C, "POST", `/v1/agreements/${A}/amendments`, { reason: "x", third_country_transfers: "sometimes" });
  add(422, "a change of an unknown operation", P, "POST", "/v1/change-requests", { ...changeBody(A), operations: [{ op: "rename_sub_processor", target: "jutland-hosting" }] });
  add(422, "a change without a reason", P, "POST", "/v1/change-requests", { agreements: [A], operations: changeBody(A).operations });
  add(422, "an approval with an unknown field", C, "POST", `/v1/decisions/${f.pendingDecision}/approve`, { verdict: "yes" });
  add(422, "an objection without a reason", C, "POST", `/v1/decisions/${f.pendingDecision}/object`, {});
  add(422, "a webhook endpoint without a URL", P, "POST", "/v1/webhook-endpoints", { enabled: true });
  add(422, "a webhook endpoint on a loopback address", P, "POST", "/v1/webhook-endpoints", { url: "https://127.0.0.1/hooks" });
  add(422, "a webhook endpoint for an unknown event type", P, "POST", "/v1/webhook-endpoints", { url: "https://hooks.example.com/in", event_types: ["no.such"] });
  add(422, "a person without an email address", C, "POST", "/v1/users", { role: "viewer" });
  add(422, "a person of an unknown role", C, "POST", "/v1/users", { email: "a@b.example", role: "owner" });
  add(422, "a person with an address that is not one", C, "POST", "/v1/users", { email: "not an address", role: "viewer" });
  add(422, "change a person to an unknown role", C, "PATCH", `/v1/users/${f.user}`, { role: "boss" });
  add(422, "single sign-on without an issuer", C, "PUT", "/v1/sso-connection", { client_id: "x", client_secret: "y", email_domain: "example.com" });
  add(422, "a public page slug that is not one", P, "PATCH", "/v1/organisations/me/public-page", { slug: "Not A Slug!" });
  add(422, "a resend without an endpoint", P, "POST", `/v1/events/${f.event}/resend`, {});
  add(422, "move the clock back", OPERATOR, "POST", "/v1/test-clock/advance", { days: -1 });
  add(422, "a country code of three letters", null, "GET", "/v1/countries/DNK");
  return cases;
}

// --- malformed JSON: Prism 5.16.0 cannot take it (its JSON body parser fails, and the request is
// never answered), so these go to the service directly and its answer is checked against the
// document here, as Prism would: a status the operation declares, its media type, its schema.

const DOC_ID = "https://contract.test/openapi.json";
/** the document Prism reads (a copy taken at the start), and a validator over its components */
let DOC: any;
let ajv: Ajv2020;

function operationOf(method: string, path: string): { template: string; op: any } | undefined {
  // literal segments before parameters: /v1/organisations/me before /v1/organisations/{organisation_id}
  const templates = Object.entries<any>(DOC.paths).sort(([a], [b]) => a.split("{").length - b.split("{").length);
  for (const [template, item] of templates) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`);
    if (pattern.test(path) && item[method.toLowerCase()]) return { template, op: item[method.toLowerCase()] };
  }
  return undefined;
}

async function directCheck(service: NodeService, c: ErrorCase): Promise<Exchange> {
  const res = await fetch(service.base + c.path, {
    method: c.method,
    headers: { ...(c.key ? { Authorization: `Bearer ${c.key}` } : {}), "Content-Type": "application/json" },
    body: c.body as string,
  });
  const text = await res.text();
  const violations: Violation[] = [];
  const found = operationOf(c.method, c.path);
  const declared = found?.op.responses?.[String(res.status)];
  const type = res.headers.get("content-type")?.split(";")[0] ?? "";
  if (!found) violations.push({ location: ["request"], message: "no operation in the document" });
  else if (!declared) violations.push({ location: ["response"], message: `status ${res.status} is not declared for ${c.method} ${found.template}` });
  else if (!declared.content?.[type]) violations.push({ location: ["response", "headers", "content-type"], message: `${type} is not declared for ${res.status}` });
  else {
    const schema = JSON.parse(JSON.stringify(declared.content[type].schema).replaceAll('"$ref":"#/', `"$ref":"${DOC_ID}#/`));
    const validate = ajv.compile(schema);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      violations.push({ location: ["response", "body"], message: `not JSON: ${text.slice(0, 200)}` });
    }
    if (body !== undefined && !validate(body))
      for (const e of validate.errors ?? []) violations.push({ location: ["response", "body", ...e.instancePath.split("/").filter(Boolean)], message: e.message });
    for (const [name, header] of Object.entries<any>(declared.headers ?? {}))
      if (header.required && !res.headers.has(name)) violations.push({ location: ["response", "headers", name], message: "required header missing" });
  }
  return { method: c.method, path: c.path, status: res.status, violations };
}

// --- the test

let service: NodeService | undefined;
let db: ReturnType<typeof tempDatabase> | undefined;
let strict: Prism | undefined;
let lax: Prism | undefined;
let recorder: Server | undefined;
let recorderBase = "";
const documentCopy = join(tmpdir(), `registry-contract-${crypto.randomUUID()}.json`);
const walkThrough: Exchange[] = [];

beforeAll(async () => {
  db = tempDatabase("contract");
  // a copy of the document: Prism reloads (and stops answering for a while) when its file changes
  copyFileSync(join(ROOT, "openapi/openapi.json"), documentCopy);
  DOC = JSON.parse(readFileSync(documentCopy, "utf8"));
  ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema({ $id: DOC_ID, components: DOC.components });
  service = await startNodeService(db.path, { DEMO: "1", TEST_CLOCK: "1" });
  [strict, lax] = await Promise.all([startPrism(documentCopy, service.base, true), startPrism(documentCopy, service.base, false)]);
  ({ base: recorderBase, server: recorder } = await recordingProxy(strict.base, walkThrough));
}, 90_000);

afterAll(async () => {
  await new Promise((resolve) => (recorder ? recorder.close(resolve) : resolve(undefined)));
  await Promise.all([strict?.stop(), lax?.stop()]);
  await service?.stop();
  db?.remove();
  rmSync(documentCopy, { force: true });
});

describe("the contract, through Prism's validating proxy", () => {
  it("the README's curl walk-through: no request and no answer the document does not declare", async () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const script = ["set -euo pipefail", ...shellBlocks(readme, "A walk-through with curl")].join("\n");
    // spawned, not spawnSync: the recording proxy answers in this process
    const child = spawn("bash", ["-c", script], { cwd: ROOT, env: { ...process.env, BASE: recorderBase }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    clearTimeout(timer);

    const violated = walkThrough.filter((e) => e.violations.length || e.prismError);
    expect(violated.length, `${violated.length} of ${walkThrough.length} requests violate the contract:\n${report(violated)}`).toBe(0);
    expect(code, `${stdout}\n${stderr}\n${strict!.output().slice(-3000)}`).toBe(0);
    expect(stdout).toContain("instruction: with_transfer_mechanism, terms version 3");
    expect(walkThrough.length).toBeGreaterThan(25);
  }, 90_000);

  it("refused requests: every answer is one the document declares (problem+json, a declared status and headers)", async () => {
    const base = lax!.base;
    const setup: Exchange[] = [];
    const f = await createFixtures(base, setup);
    // the fixtures are valid requests: no violation either way
    const setupViolations = setup.filter((e) => e.violations.length || e.prismError);

    const cases = errorCases(f);
    const answered: Exchange[] = [];
    const wrong: string[] = [];
    // the 413s among the rest: the service closes the connection after each (Connection: close), so nothing after one fails
    for (const c of cases) {
      const res = await through(base, c.key, c.method, c.path, c.body, c.headers);
      // the requests are invalid on purpose: only what Prism says of the answer counts
      answered.push({ ...res.exchange, violations: res.exchange.violations.filter((v) => v.location?.[0] !== "request") });
      if (res.status !== c.status || !/^application\/problem\+json/.test(res.headers.get("content-type") ?? ""))
        wrong.push(
          `${c.name} (${c.method} ${c.path.slice(0, 100)}): expected ${c.status} problem+json, got ${res.status} ${res.headers.get("content-type")} ${JSON.stringify(res.body).slice(0, 300)}`,
        );
    }
    const malformed = bodyRoutes(f).map((r): ErrorCase => ({ ...r, name: `${r.name}: malformed JSON`, body: '{"reason": "unfinished', status: 400 }));
    for (const c of malformed) {
      const exchange = await directCheck(service!, c);
      answered.push(exchange);
      if (exchange.status !== 400) wrong.push(`${c.name} (${c.method} ${c.path}): expected 400, got ${exchange.status}`);
    }

    const violated = answered.filter((e) => e.violations.length || e.prismError);
    expect(setupViolations.length, `${setupViolations.length} of ${setup.length} fixture requests violate the contract:\n${report(setupViolations)}`).toBe(0);
    expect(violated.length, `${violated.length} of ${answered.length} answers violate the contract:\n${report(violated)}`).toBe(0);
    expect(wrong.length, `${wrong.length} of ${answered.length} refusals are not the ones expected:\n${wrong.join("\n")}`).toBe(0);
    expect(cases.length).toBeGreaterThanOrEqual(70);
  }, 60_000);
});
