/**
 * Svix mode (SVIX_API_KEY): endpoints are mirrored into Svix and the outbox is handed to Svix through
 * the `svix` package. The package talks HTTP to a local server implementing the part of the Svix API
 * it calls (test/helpers/fake-svix.ts); the tests assert what that server received.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EVENT_TYPES } from "../../src/domain/events";
import { RETRY_DELAYS_MS } from "../../src/domain/webhooks";
import { createSvixClient, createSvixMirror } from "../../src/webhooks/svix-mirror";
import { createSvixSender } from "../../src/webhooks/svix-sender";
import { createTestContext, type TestContext } from "../helpers/app";
import { addBackupOp, createActiveAgreement, createOrg, type TestOrg } from "../helpers/factories";
import { type FakeSvix, startFakeSvix } from "../helpers/fake-svix";
import { testRelay } from "../helpers/relay";

// shaped like a self-hosted server's key (a JWT): its middle part names no region, so only serverUrl says where Svix is
const KEY = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdml4LXNlcnZlciIsInN1YiI6Im9yZ18yM3JiOFlkR3FNVDBxSXpwZ0d3ZFhmSGlyTXUifQ.c2lnbmF0dXJl";

let fake: FakeSvix;
beforeEach(async () => {
  fake = await startFakeSvix({ token: KEY });
});
afterEach(async () => {
  await fake.close();
});

/** The real app in Svix mode, its mirror and relay talking to the fake Svix. */
async function svixMode() {
  const t = await createTestContext({ webhooks: { mode: "svix", allowInsecure: true, svix: createSvixMirror(createSvixClient({ apiKey: KEY, serverUrl: `${fake.url}/` })) } });
  const relay = testRelay(t, { sender: createSvixSender({ apiKey: KEY, serverUrl: fake.url, db: t.db }) });
  return { t, relay };
}

async function subscribe(t: TestContext, org: TestOrg, body: Record<string, unknown> = {}) {
  const res = await t.call(org.key, "POST", "/v1/webhook-endpoints", { url: `https://hooks.example.com/${org.id}`, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; secret: string; url: string };
}

const MSG = /^\/api\/v1\/app\/[^/]+\/msg$/;
const endpointRows = async (t: TestContext) => Number((await t.client.execute("SELECT count(*) AS n FROM webhook_endpoints")).rows[0]!.n);

describe("endpoints are mirrored into Svix", () => {
  it("creating one: event types registered once, the organisation's application got or created, the endpoint created with our id, secret and filter", async () => {
    const { t } = await svixMode();
    const org = await createOrg(t, "Processor");
    const ep = await subscribe(t, org, { description: "ERP", event_types: ["change_request.submitted", "decision.approved"] });

    for (const r of fake.requests) expect(r.headers.authorization).toBe(`Bearer ${KEY}`);
    const types = fake.requestsTo("POST", /^\/api\/v1\/event-type$/);
    expect(types.map((r) => r.body).sort((a, b) => a.name.localeCompare(b.name))).toEqual(
      Object.entries(EVENT_TYPES)
        .map(([name, description]) => ({ name, description }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    );
    const [app] = fake.requestsTo("POST", /^\/api\/v1\/app$/);
    expect(app).toMatchObject({ query: { get_if_exists: "true" }, body: { name: org.id, uid: org.id }, status: 201 });
    const [created] = fake.requestsTo("POST", /^\/api\/v1\/app\/[^/]+\/endpoint$/);
    expect(created!.path).toBe(`/api/v1/app/${org.id}/endpoint`);
    expect(created!.body).toEqual({
      uid: ep.id,
      url: ep.url,
      description: "ERP",
      disabled: false,
      secret: ep.secret,
      eventTypes: ["change_request.submitted", "decision.approved"],
    });
    expect(created!.status).toBe(201);
    expect(fake.endpoint(org.id, ep.id)).toMatchObject({ secret: ep.secret, eventTypes: ["change_request.submitted", "decision.approved"], disabled: false });

    // a second endpoint: the types are not registered again, the application is found, no filter means every type
    const before = fake.requests.length;
    const all = await subscribe(t, org);
    const next = fake.requests.slice(before);
    expect(next.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([`POST /api/v1/app 200`, `POST /api/v1/app/${org.id}/endpoint 201`]);
    expect(next[1]!.body).toEqual({ uid: all.id, url: all.url, description: "", disabled: false, secret: all.secret });
    expect(fake.apps.size).toBe(1);
  });

  it("update, secret rotation and delete reach Svix", async () => {
    const { t } = await svixMode();
    const org = await createOrg(t);
    const ep = await subscribe(t, org, { event_types: ["decision.objected"] });

    const patched = await t.call(org.key, "PATCH", `/v1/webhook-endpoints/${ep.id}`, {
      url: "https://hooks.example.com/new",
      description: "Moved",
      event_types: null,
      enabled: false,
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const [put] = fake.requestsTo("PUT", /\/endpoint\/[^/]+$/);
    expect(put!.path).toBe(`/api/v1/app/${org.id}/endpoint/${ep.id}`);
    expect(put!.body).toEqual({ uid: ep.id, url: "https://hooks.example.com/new", description: "Moved", disabled: true, eventTypes: null });
    expect(fake.endpoint(org.id, ep.id)).toMatchObject({ url: "https://hooks.example.com/new", disabled: true, eventTypes: null });

    const enabled = await t.call(org.key, "PATCH", `/v1/webhook-endpoints/${ep.id}`, { enabled: true, event_types: ["decision.approved"] });
    expect(enabled.status).toBe(200);
    expect(fake.endpoint(org.id, ep.id)).toMatchObject({ disabled: false, eventTypes: ["decision.approved"] });

    const rotated = await t.call(org.key, "POST", `/v1/webhook-endpoints/${ep.id}/rotate-secret`);
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
    expect(rotated.body.secret).not.toBe(ep.secret);
    const [rotate] = fake.requestsTo("POST", /\/secret\/rotate$/);
    expect(rotate).toMatchObject({ path: `/api/v1/app/${org.id}/endpoint/${ep.id}/secret/rotate`, body: { key: rotated.body.secret }, status: 204 });
    expect(fake.endpoint(org.id, ep.id)).toMatchObject({ secret: rotated.body.secret, oldSecrets: [ep.secret] });

    const deleted = await t.call(org.key, "DELETE", `/v1/webhook-endpoints/${ep.id}`);
    expect(deleted.status).toBe(200);
    const [del] = fake.requestsTo("DELETE", /\/endpoint\/[^/]+$/);
    expect(del).toMatchObject({ path: `/api/v1/app/${org.id}/endpoint/${ep.id}`, status: 204 });
    expect(fake.endpoint(org.id, ep.id)).toBeUndefined();
  });

  it("an endpoint Svix does not have (made before Svix mode, or removed there) is created there on its next change, with its secret", async () => {
    const { t } = await svixMode();
    const org = await createOrg(t);
    const ep = await subscribe(t, org);
    fake.endpoints.clear();
    const res = await t.call(org.key, "PATCH", `/v1/webhook-endpoints/${ep.id}`, { description: "again" });
    expect(res.status).toBe(200);
    expect(fake.requestsTo("PUT", /\/endpoint\/[^/]+$/)[0]!.status).toBe(404);
    expect(fake.endpoint(org.id, ep.id)).toMatchObject({ secret: ep.secret, description: "again" });
    // deleting what Svix no longer has is fine too
    fake.endpoints.clear();
    expect((await t.call(org.key, "DELETE", `/v1/webhook-endpoints/${ep.id}`)).status).toBe(200);
  });

  it("when Svix refuses or fails, our API answers 502 problem+json and keeps nothing of the change", async () => {
    const { t } = await svixMode();
    const org = await createOrg(t);

    // a 5xx: the package's own two quick retries fail as well
    fake.failNext({ method: "POST", path: /\/endpoint$/, status: 500, times: 3 });
    const failed = await t.call(org.key, "POST", "/v1/webhook-endpoints", { url: "https://hooks.example.com/a" });
    expect(failed.status, JSON.stringify(failed.body)).toBe(502);
    expect(failed.headers.get("content-type")).toContain("application/problem+json");
    expect(failed.body.detail).toContain("Svix answered 500");
    expect(failed.body.detail).not.toContain("Headers");
    expect(fake.requestsTo("POST", /\/endpoint$/).map((r) => r.status)).toEqual([500, 500, 500]);
    expect(await endpointRows(t)).toBe(0);
    expect((await t.call(org.key, "GET", "/v1/webhook-endpoints")).body.data).toEqual([]);

    // a refusal (4xx) is not retried
    fake.failNext({ method: "POST", path: /\/endpoint$/, status: 422, body: { detail: [{ loc: ["body", "url"], msg: "URL is not allowed", type: "value_error" }] } });
    const refused = await t.call(org.key, "POST", "/v1/webhook-endpoints", { url: "https://hooks.example.com/b" });
    expect(refused.status).toBe(502);
    expect(refused.body.detail).toContain("URL is not allowed");
    expect(await endpointRows(t)).toBe(0);

    // Svix unreachable
    const down = await createTestContext({ webhooks: { mode: "svix", svix: createSvixMirror(createSvixClient({ apiKey: KEY, serverUrl: "http://127.0.0.1:9" })) } });
    const downOrg = await createOrg(down);
    const unreachable = await down.call(downOrg.key, "POST", "/v1/webhook-endpoints", { url: "https://hooks.example.com/c" });
    expect(unreachable.status).toBe(502);
    expect(unreachable.body.detail).toContain("could not reach Svix");
    expect(await endpointRows(down)).toBe(0);

    // update, rotation and delete: our row stays as it was
    const ep = await subscribe(t, org);
    fake.failNext({ method: "PUT", status: 503, times: 3 });
    expect((await t.call(org.key, "PATCH", `/v1/webhook-endpoints/${ep.id}`, { url: "https://hooks.example.com/moved" })).status).toBe(502);
    expect((await t.call(org.key, "GET", `/v1/webhook-endpoints/${ep.id}`)).body.url).toBe(ep.url);
    fake.failNext({ path: /\/secret\/rotate$/, status: 400 });
    expect((await t.call(org.key, "POST", `/v1/webhook-endpoints/${ep.id}/rotate-secret`)).status).toBe(502);
    expect((await t.call(org.key, "GET", `/v1/webhook-endpoints/${ep.id}`)).body.previous_secret_expires_at).toBeNull();
    fake.failNext({ method: "DELETE", status: 500, times: 3 });
    expect((await t.call(org.key, "DELETE", `/v1/webhook-endpoints/${ep.id}`)).status).toBe(502);
    expect((await t.call(org.key, "GET", `/v1/webhook-endpoints/${ep.id}`)).status).toBe(200);
    expect(fake.endpoint(org.id, ep.id)).toMatchObject({ url: ep.url, secret: ep.secret });
  });
});

async function parties() {
  const { t, relay } = await svixMode();
  const processor = await createOrg(t, "Processor");
  const controller = await createOrg(t, "Controller");
  const silent = await createOrg(t, "Controller without endpoints");
  await subscribe(t, processor);
  // Svix applies the filter; we send every event of the organisation's feed once
  await subscribe(t, controller, { event_types: ["decision.objected"] });
  await subscribe(t, controller);
  // after the endpoints: the agreements' own events (proposed, confirmed) are handed to Svix too
  const agreement = await createActiveAgreement(t, processor, controller);
  await createActiveAgreement(t, processor, silent);
  return { t, relay, processor, controller, silent, agreement };
}

const feed = async (t: TestContext, org: TestOrg) =>
  (await t.call(org.key, "GET", "/v1/events?order=asc&limit=100")).body.data as { id: string; type: string; created_at: string; data: unknown }[];

describe("events are handed to Svix", () => {
  it("one message per event and organisation with an endpoint, in its application, with the event id as eventId and idempotency key", async () => {
    const { t, relay, processor, controller, silent, agreement } = await parties();
    const cr = await t.call(processor.key, "POST", "/v1/change-requests", { agreements: "all", operations: [addBackupOp("kista")], reason: "Backup" });
    expect(cr.status, JSON.stringify(cr.body)).toBe(201);
    const decision = cr.body.decisions.find((d: { agreement: { id: string } }) => d.agreement.id === agreement.id);
    expect((await t.call(controller.key, "POST", `/v1/decisions/${decision.id}/object`, { reason: "Not without a DPIA" })).status).toBe(200);

    const attempted = await relay.drain();
    const sent = fake.requestsTo("POST", MSG);
    expect(sent).toHaveLength(attempted);

    for (const org of [processor, controller]) {
      const events = await feed(t, org);
      expect(events.length).toBeGreaterThan(0);
      const mine = sent.filter((r) => r.path === `/api/v1/app/${org.id}/msg`);
      expect(mine.map((r) => r.body.eventId).sort()).toEqual(events.map((e) => e.id).sort());
      for (const e of events) {
        const r = mine.find((m) => m.body.eventId === e.id)!;
        expect(r.status).toBe(202);
        expect(r.headers.authorization).toBe(`Bearer ${KEY}`);
        expect(r.headers["idempotency-key"]).toBe(e.id);
        expect(r.query).toEqual({ with_content: "false" });
        expect(r.body).toEqual({
          eventType: e.type,
          eventId: e.id,
          payload: { type: e.type, timestamp: e.created_at, data: e.data },
          application: { name: org.id, uid: org.id },
        });
      }
    }
    // the party without endpoints gets nothing, though it has events of its own agreement
    expect((await feed(t, silent)).length).toBeGreaterThan(0);
    expect(sent.filter((r) => r.path.includes(silent.id))).toEqual([]);
    expect(fake.app(silent.id)).toBeUndefined();

    // each attempt recorded for its organisation, without an endpoint
    const [first] = await feed(t, controller);
    const attempts = await t.call(controller.key, "GET", `/v1/events/${first!.id}/attempts`);
    expect(attempts.body.data).toHaveLength(1);
    expect(attempts.body.data[0]).toMatchObject({ outcome: "succeeded", status_code: 202, endpoint_id: null, error: null, next_attempt_at: null });
    expect(JSON.parse(attempts.body.data[0].response_excerpt)).toMatchObject({ event_id: first!.id, svix_message_id: expect.stringMatching(/^msg_/) });

    // a second drain sends nothing more
    expect(await relay.drain()).toBe(0);
    expect(fake.requestsTo("POST", MSG)).toHaveLength(sent.length);
  });

  it("a Svix failure is retried on our schedule with the same idempotency key, every attempt recorded", async () => {
    const { t, relay, processor, controller } = await parties();
    fake.failMessages(1);
    const cr = await t.call(processor.key, "POST", "/v1/change-requests", { agreements: "all", operations: [addBackupOp("kista")], reason: "Backup" });
    expect(cr.status, JSON.stringify(cr.body)).toBe(201);
    const first = await relay.drain();
    expect(first).toBeGreaterThan(1);
    expect(fake.requestsTo("POST", MSG).map((r) => r.status)).toEqual([500, ...Array(first - 1).fill(202)]);
    const [failedReq] = fake.requestsTo("POST", MSG);
    expect(failedReq!.status).toBe(500);
    const org = failedReq!.path === `/api/v1/app/${processor.id}/msg` ? processor : controller;
    const eventId: string = failedReq!.body.eventId;

    let attempts = await t.call(org.key, "GET", `/v1/events/${eventId}/attempts`);
    expect(attempts.body.data).toHaveLength(1);
    const failedAttempt = attempts.body.data[0];
    expect(failedAttempt).toMatchObject({ outcome: "failed", status_code: 500, endpoint_id: null });
    expect(failedAttempt.error).toContain("Svix answered 500");
    expect(failedAttempt.next_attempt_at).toBe(new Date(t.clock.now().getTime() + RETRY_DELAYS_MS[0]).toISOString());

    // not before it is due
    expect(await relay.drain()).toBe(0);
    t.clock.advance(RETRY_DELAYS_MS[0]);
    expect(await relay.drain()).toBe(1);
    const tries = fake.requestsTo("POST", MSG).filter((r) => r.body.eventId === eventId && r.path === failedReq!.path);
    expect(tries.map((r) => r.status)).toEqual([500, 202]);
    expect(tries.map((r) => r.headers["idempotency-key"])).toEqual([eventId, eventId]);
    expect(fake.messages.filter((m) => m.eventId === eventId && m.appId === fake.app(org.id)!.id)).toHaveLength(1);

    attempts = await t.call(org.key, "GET", `/v1/events/${eventId}/attempts`);
    expect(attempts.body.data.map((a: { outcome: string; status_code: number }) => [a.outcome, a.status_code])).toEqual([
      ["succeeded", 202],
      ["failed", 500],
    ]);
    expect(await relay.drain()).toBe(0);
  });

  it("a message Svix already has (a lost answer, retried after its idempotency window) counts as delivered: 409 is success", async () => {
    const { t, relay, processor } = await parties();
    await t.call(processor.key, "POST", "/v1/change-requests", { agreements: "all", operations: [addBackupOp("kista")], reason: "Backup" });
    await relay.drain();
    const [event] = await feed(t, processor);
    // as if our record of the first attempt had been lost: the delivery is due again
    await t.client.execute({ sql: "UPDATE deliveries SET state = 'pending', attempts = 0 WHERE event_id = ? AND organisation_id = ?", args: [event!.id, processor.id] });
    fake.forgetIdempotencyKeys();
    expect(await relay.drain()).toBe(1);
    const again = fake.requestsTo("POST", MSG).filter((r) => r.body.eventId === event!.id && r.path === `/api/v1/app/${processor.id}/msg`);
    expect(again.map((r) => r.status)).toEqual([202, 409]);
    expect(fake.messages.filter((m) => m.eventId === event!.id && m.appId === fake.app(processor.id)!.id)).toHaveLength(1);
    const attempts = await t.call(processor.key, "GET", `/v1/events/${event!.id}/attempts`);
    expect(attempts.body.data[0]).toMatchObject({ outcome: "succeeded", status_code: 200, error: null });
  });

  it("a resend to one endpoint asks Svix to resend its message to that endpoint", async () => {
    const { t, relay, processor } = await parties();
    await t.call(processor.key, "POST", "/v1/change-requests", { agreements: "all", operations: [addBackupOp("kista")], reason: "Backup" });
    await relay.drain();
    const [event] = await feed(t, processor);
    const endpoint = (await t.call(processor.key, "GET", "/v1/webhook-endpoints")).body.data[0];
    const resent = await t.call(processor.key, "POST", `/v1/events/${event!.id}/resend`, { endpoint_id: endpoint.id });
    expect(resent.status, JSON.stringify(resent.body)).toBe(202);
    expect(await relay.drain()).toBe(1);
    const [r] = fake.requestsTo("POST", /\/resend$/);
    expect(r).toMatchObject({ path: `/api/v1/app/${processor.id}/msg/${event!.id}/endpoint/${endpoint.id}/resend`, status: 202, headers: { "idempotency-key": resent.body.id } });
    expect(fake.resends).toHaveLength(1);
    expect(fake.requestsTo("POST", MSG).filter((m) => m.body.eventId === event!.id && m.path.includes(processor.id))).toHaveLength(1);
  });
});

describe("a ping in Svix mode", () => {
  it("Svix has no message to resend yet, so the ping is sent as a message in the organisation's application", async () => {
    const { t, relay } = await svixMode();
    const org = await createOrg(t);
    const ep = await subscribe(t, org);
    const ping = await t.call(org.key, "POST", `/v1/webhook-endpoints/${ep.id}/ping`);
    expect(ping.status, JSON.stringify(ping.body)).toBe(202);
    expect(await relay.drain()).toBe(1);
    expect(fake.requestsTo("POST", /\/resend$/).map((r) => [r.path, r.status])).toEqual([[`/api/v1/app/${org.id}/msg/${ping.body.id}/endpoint/${ep.id}/resend`, 404]]);
    const [msg] = fake.requestsTo("POST", MSG);
    expect(msg).toMatchObject({ path: `/api/v1/app/${org.id}/msg`, status: 202, body: { eventType: "webhook_endpoint.ping", eventId: ping.body.id } });
    const attempts = await t.call(org.key, "GET", `/v1/webhook-endpoints/${ep.id}/attempts`);
    expect(attempts.body.data[0]).toMatchObject({ outcome: "succeeded", status_code: 202, endpoint_id: ep.id });
  });
});

describe("the Svix client", () => {
  const capture = () => {
    const urls: string[] = [];
    const fetch = (async (input: string | URL | Request) => {
      urls.push(String(input instanceof Request ? input.url : input));
      return new Response(JSON.stringify({ id: "app_x", uid: "org_x", name: "org_x", metadata: {}, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString() }), {
        status: 200,
        headers: { "content-type": "application/json" },
      });
    }) as typeof globalThis.fetch;
    return { urls, fetch };
  };

  it("without serverUrl the package picks the region from the key; with it, any key goes to the server given", async () => {
    const eu = capture();
    await createSvixClient({ apiKey: "sk_live_abc.eu", fetch: eu.fetch }).application.getOrCreate({ name: "org_x", uid: "org_x" });
    expect(eu.urls).toEqual(["https://api.eu.svix.com/api/v1/app?get_if_exists=true"]);
    const plain = capture();
    await createSvixClient({ apiKey: KEY, fetch: plain.fetch }).application.getOrCreate({ name: "org_x", uid: "org_x" });
    expect(plain.urls).toEqual(["https://api.svix.com/api/v1/app?get_if_exists=true"]);
    const own = capture();
    await createSvixClient({ apiKey: "sk_live_abc.eu", serverUrl: "https://svix.internal:8071/", fetch: own.fetch }).application.getOrCreate({ name: "org_x", uid: "org_x" });
    expect(own.urls).toEqual(["https://svix.internal:8071/api/v1/app?get_if_exists=true"]);
  });

  it("a key Svix refuses: the attempt is recorded as failed with Svix's status and reason, and retried later", async () => {
    const { t, processor } = await parties();
    const wrong = testRelay(t, { sender: createSvixSender({ apiKey: "sk_wrong", serverUrl: fake.url }) });
    await t.call(processor.key, "POST", "/v1/change-requests", { agreements: "all", operations: [addBackupOp("kista")], reason: "Backup" });
    expect(await wrong.drain()).toBeGreaterThan(0);
    expect(fake.messages).toEqual([]);
    const [event] = await feed(t, processor);
    const attempts = await t.call(processor.key, "GET", `/v1/events/${event!.id}/attempts`);
    expect(attempts.body.data[0]).toMatchObject({ outcome: "failed", status_code: 401, error: "Svix answered 401 (authentication_failed: Invalid token)" });
    expect(attempts.body.data[0].next_attempt_at).not.toBeNull();
  });
});

describe("the Svix app portal", () => {
  it("an organisation gets a one-hour link to its own application, with no endpoint management; audited", async () => {
    const { t } = await svixMode();
    const org = await createOrg(t, "Processor");
    const res = await t.call(org.key, "POST", "/v1/webhook-endpoints/portal");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ object: "webhook_portal", expires_at: new Date(t.clock.now().getTime() + 3_600_000).toISOString() });
    const [asked] = fake.requestsTo("POST", /^\/api\/v1\/auth\/app-portal-access\//);
    expect(asked!.path).toBe(`/api/v1/auth/app-portal-access/${org.id}`);
    expect(asked!.body).toEqual({ application: { name: org.id, uid: org.id }, capabilities: ["ViewBase", "CreateAttempts"], expiry: 3600 });
    expect(asked!.headers.authorization).toBe(`Bearer ${KEY}`);
    // the link signs in to the organisation's own application, and only that
    const key = JSON.parse(Buffer.from(new URL(res.body.url).hash.replace("#key=", ""), "base64").toString());
    expect(fake.apps.get(key.appId)?.uid).toBe(org.id);
    const audit = await t.client.execute({ sql: "SELECT action, resource_id FROM audit_records WHERE action = 'webhook_portal.open'", args: [] });
    expect(audit.rows.map((r) => [r.action, r.resource_id])).toEqual([["webhook_portal.open", org.id]]);
  });

  it("Svix down: 502, nothing audited; without Svix: 409 naming where deliveries are read", async () => {
    const { t } = await svixMode();
    const org = await createOrg(t, "Processor");
    // past the client's own retries
    fake.failNext({ method: "POST", path: /app-portal-access/, status: 503, times: 10 });
    const down = await t.call(org.key, "POST", "/v1/webhook-endpoints/portal");
    expect(down.status, JSON.stringify(down.body)).toBe(502);
    expect(down.body.code).toBe("upstream_unavailable");
    expect((await t.client.execute("SELECT count(*) AS n FROM audit_records WHERE action = 'webhook_portal.open'")).rows[0]!.n).toBe(0);

    const embedded = await createTestContext();
    const own = await createOrg(embedded, "Processor");
    const refused = await embedded.call(own.key, "POST", "/v1/webhook-endpoints/portal");
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: "invalid_state" });
    expect(refused.body.detail).toContain("/attempts");
  });
});
