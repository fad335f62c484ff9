import { afterEach, describe, expect, it } from "vitest";
import { RETRY_DELAYS_MS } from "../../src/domain/webhooks";
import { createTestContext, DAY, type TestContext } from "../helpers/app";
import { addBackupOp, createActiveAgreement, createOrg, type TestOrg } from "../helpers/factories";
import { type Receiver, startReceiver } from "../helpers/receiver";
import { testRelay } from "../helpers/relay";

const receivers: Receiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
});

async function subscribe(t: TestContext, org: TestOrg, body: Record<string, unknown> = {}) {
  const receiver = await startReceiver();
  receivers.push(receiver);
  const ep = await t.call(org.key, "POST", "/v1/webhook-endpoints", { url: receiver.url, ...body });
  expect(ep.status, JSON.stringify(ep.body)).toBe(201);
  expect(ep.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
  receiver.secrets.push(ep.body.secret);
  return { receiver, endpoint: ep.body as { id: string; secret: string } };
}

const feedIds = async (t: TestContext, org: TestOrg) => {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { body: { data: { id: string }[]; next_cursor: string | null } } = await t.call(
      org.key,
      "GET",
      `/v1/events?order=asc&limit=100${cursor ? `&cursor=${cursor}` : ""}`,
    );
    ids.push(...page.body.data.map((e) => e.id));
    cursor = page.body.next_cursor;
  } while (cursor);
  return ids;
};

describe("delivery to both parties", () => {
  it("each party's receiver gets exactly the events of its own feed, signed and verified by both libraries", async () => {
    const t = await createTestContext();
    const relay = testRelay(t);
    const processor = await createOrg(t, "Processor");
    const a = await createOrg(t, "Controller A");
    const b = await createOrg(t, "Controller B");
    const stranger = await createOrg(t, "Stranger");
    // subscribed first: the agreements' own events (proposed, confirmed) are delivered too
    const [p, ra, rb, rs] = [await subscribe(t, processor), await subscribe(t, a), await subscribe(t, b), await subscribe(t, stranger)];
    const agrA = await createActiveAgreement(t, processor, a, { authorisation: "general" });
    await createActiveAgreement(t, processor, b, { authorisation: "specific" });

    const cr = await t.call(processor.key, "POST", "/v1/change-requests", { agreements: "all", operations: [addBackupOp("kista")], reason: "Backup" });
    const decisionB = cr.body.decisions.find((d: { agreement: { id: string } }) => d.agreement.id !== agrA.id).id;
    await t.call(b.key, "POST", `/v1/decisions/${decisionB}/object`, { reason: "Not without a DPIA" });
    // past the notice's end: 24:00 on its 30th day, Copenhagen time
    await t.call(t.operatorKey, "POST", "/v1/test-clock/advance", { days: 31 });
    await relay.drain();

    for (const [org, sub] of [
      [processor, p],
      [a, ra],
      [b, rb],
      [stranger, rs],
    ] as const) {
      const expected = await feedIds(t, org);
      expect(sub.receiver.received.map((r) => r.id).sort()).toEqual([...expected].sort());
      for (const r of sub.receiver.received) {
        expect(r.verified, JSON.stringify(r.verifiedWith)).toBe(true);
        expect(r.headers["webhook-id"]).toBe(r.id);
        expect(r.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
      }
    }
    expect(rs.receiver.received).toHaveLength(0);
    // delivery order is not guaranteed (concurrent sends, retries); event ids sort by time
    const byId = (rs: { id: string; type: string }[]) => [...rs].sort((x, y) => x.id.localeCompare(y.id)).map((r) => r.type);
    const agreementEvents = ["agreement.proposed", "agreement.confirmed"];
    expect(byId(ra.receiver.received)).toEqual([
      ...agreementEvents,
      "change_request.submitted",
      "notice.reminder",
      "notice.reminder",
      "decision.deemed_approved",
      "annex.version_created",
    ]);
    expect(byId(rb.receiver.received)).toEqual([...agreementEvents, "change_request.submitted", "decision.objected"]);
    // the body is the Standard Webhooks shape, with the whole decision in data
    const objected = rb.receiver.received.find((r) => r.type === "decision.objected")!;
    expect(objected.data.decision).toMatchObject({ state: "objected", objection_reason: "Not without a DPIA", controller: { id: b.id } });
    // a second drain sends nothing again
    await relay.drain();
    expect(p.receiver.received.length + ra.receiver.received.length + rb.receiver.received.length).toBe((await feedIds(t, processor)).length + 7 + 4);
  });

  it("an event-type filter limits what an endpoint receives", async () => {
    const t = await createTestContext();
    const relay = testRelay(t);
    const processor = await createOrg(t);
    const controller = await createOrg(t);
    await createActiveAgreement(t, processor, controller);
    const only = await subscribe(t, controller, { event_types: ["decision.objected"] });
    const cr = await t.call(processor.key, "POST", "/v1/change-requests", { agreements: "all", operations: [addBackupOp("x")], reason: "r" });
    await t.call(controller.key, "POST", `/v1/decisions/${cr.body.decisions[0].id}/object`, { reason: "No" });
    await relay.drain();
    expect(only.receiver.received.map((r) => r.type)).toEqual(["decision.objected"]);
  });
});

describe("retries", () => {
  it("follow Svix's schedule under the test clock, every attempt recorded, then the delivery fails", async () => {
    const t = await createTestContext();
    const relay = testRelay(t);
    const org = await createOrg(t);
    const { receiver, endpoint } = await subscribe(t, org);
    receiver.respond(503);
    const ping = await t.call(org.key, "POST", `/v1/webhook-endpoints/${endpoint.id}/ping`);
    expect(ping.status).toBe(202);
    await relay.drain();
    expect(receiver.received).toHaveLength(1);
    for (const [i, delay] of RETRY_DELAYS_MS.entries()) {
      t.clock.advance(delay - 1);
      await relay.drain();
      expect(receiver.received, `not before retry ${i + 1} is due`).toHaveLength(i + 1);
      t.clock.advance(1);
      await relay.drain();
      expect(receiver.received, `retry ${i + 1}`).toHaveLength(i + 2);
    }
    t.clock.advance(30 * DAY);
    await relay.drain();
    expect(receiver.received).toHaveLength(8);
    expect(new Set(receiver.received.map((r) => r.id))).toEqual(new Set([ping.body.id]));

    const attempts = await t.call(org.key, "GET", `/v1/webhook-endpoints/${endpoint.id}/attempts?limit=100`);
    expect(attempts.body.data).toHaveLength(8);
    const oldestFirst = [...attempts.body.data].reverse();
    oldestFirst.forEach((a: { outcome: string; status_code: number; response_excerpt: string; next_attempt_at: string | null; attempted_at: string }, i: number) => {
      expect(a).toMatchObject({ outcome: "failed", status_code: 503, response_excerpt: "failing with 503" });
      const delay = RETRY_DELAYS_MS[i];
      expect(a.next_attempt_at).toBe(delay === undefined ? null : new Date(new Date(a.attempted_at).getTime() + delay).toISOString());
    });
    const byEvent = await t.call(org.key, "GET", `/v1/events/${ping.body.id}/attempts?limit=100`);
    expect(byEvent.body.data).toHaveLength(8);
  });

  it("a success after failures ends the retries and the endpoint's failing streak", async () => {
    const t = await createTestContext();
    const relay = testRelay(t);
    const org = await createOrg(t);
    const { receiver, endpoint } = await subscribe(t, org);
    receiver.respond((n) => (n === 1 ? 500 : 204));
    await t.call(org.key, "POST", `/v1/webhook-endpoints/${endpoint.id}/ping`);
    await relay.drain();
    expect((await t.call(org.key, "GET", `/v1/webhook-endpoints/${endpoint.id}`)).body.failing_since).not.toBeNull();
    t.clock.advance(5_000);
    await relay.drain();
    expect(receiver.received).toHaveLength(2);
    expect((await t.call(org.key, "GET", `/v1/webhook-endpoints/${endpoint.id}`)).body.failing_since).toBeNull();
    t.clock.advance(DAY);
    await relay.drain();
    expect(receiver.received).toHaveLength(2);
  });
});

describe("disabling", () => {
  it("410 Gone disables the endpoint at once; its owner is told in the feed and on its other endpoint", async () => {
    const t = await createTestContext();
    const relay = testRelay(t);
    const org = await createOrg(t);
    const gone = await subscribe(t, org);
    const other = await subscribe(t, org, { event_types: ["webhook_endpoint.disabled"] });
    gone.receiver.respond(410);
    await t.call(org.key, "POST", `/v1/webhook-endpoints/${gone.endpoint.id}/ping`);
    await relay.drain();
    const ep = await t.call(org.key, "GET", `/v1/webhook-endpoints/${gone.endpoint.id}`);
    expect(ep.body).toMatchObject({ enabled: false, disabled_reason: "gone" });
    expect(other.receiver.received.map((r) => r.type)).toEqual(["webhook_endpoint.disabled"]);
    expect(other.receiver.received[0]!.data).toMatchObject({ reason: "gone", endpoint: { id: gone.endpoint.id }, last_status_code: 410 });
    const feed = await t.call(org.key, "GET", "/v1/events?type=webhook_endpoint.disabled");
    expect(feed.body.data).toHaveLength(1);
    // no retry of a gone endpoint
    t.clock.advance(DAY);
    await relay.drain();
    expect(gone.receiver.received).toHaveLength(1);
    // re-enabled by its owner, it receives again
    expect((await t.call(org.key, "PATCH", `/v1/webhook-endpoints/${gone.endpoint.id}`, { enabled: true })).body).toMatchObject({ enabled: true, disabled_reason: null });
    gone.receiver.respond(200);
    await t.call(org.key, "POST", `/v1/webhook-endpoints/${gone.endpoint.id}/ping`);
    await relay.drain();
    expect(gone.receiver.received).toHaveLength(2);
  });

  it("an endpoint failing for 5 days is disabled and its owner notified", async () => {
    const t = await createTestContext();
    const relay = testRelay(t);
    const org = await createOrg(t);
    const failing = await subscribe(t, org, { event_types: ["webhook_endpoint.ping"] });
    const other = await subscribe(t, org, { event_types: ["webhook_endpoint.disabled"] });
    failing.receiver.respond(500);
    for (let day = 0; day <= 5; day++) {
      const ping = await t.call(org.key, "POST", `/v1/webhook-endpoints/${failing.endpoint.id}/ping`);
      if (day < 5) expect(ping.status).toBe(202);
      await relay.drain();
      const ep = await t.call(org.key, "GET", `/v1/webhook-endpoints/${failing.endpoint.id}`);
      expect(ep.body.enabled, `day ${day}`).toBe(day < 5);
      t.clock.advance(DAY);
      await relay.drain();
    }
    const ep = await t.call(org.key, "GET", `/v1/webhook-endpoints/${failing.endpoint.id}`);
    expect(ep.body).toMatchObject({ enabled: false, disabled_reason: "failing" });
    expect(other.receiver.received.map((r) => r.type)).toEqual(["webhook_endpoint.disabled"]);
    expect(other.receiver.received[0]!.data.reason).toBe("failing");
  });
});

describe("secret rotation", () => {
  it("signs with both secrets for 24 hours, then only with the new one", async () => {
    const t = await createTestContext();
    const relay = testRelay(t);
    const org = await createOrg(t);
    const { receiver, endpoint } = await subscribe(t, org);
    const oldSecret = endpoint.secret;
    const rotated = await t.call(org.key, "POST", `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const newSecret = rotated.body.secret as string;
    expect(newSecret).not.toBe(oldSecret);
    expect(rotated.body.previous_secret_expires_at).toBe(new Date(t.clock.now().getTime() + DAY).toISOString());

    const check = async () => {
      await t.call(org.key, "POST", `/v1/webhook-endpoints/${endpoint.id}/ping`);
      await relay.drain();
      const last = receiver.received.at(-1)!;
      receiver.secrets.splice(0, receiver.secrets.length, oldSecret);
      const withOld = await verifyWith(last, oldSecret);
      receiver.secrets.splice(0, receiver.secrets.length, newSecret);
      const withNew = await verifyWith(last, newSecret);
      return { signatures: last.headers["webhook-signature"]!.split(" ").length, withOld, withNew };
    };
    expect(await check()).toEqual({ signatures: 2, withOld: true, withNew: true });
    t.clock.advance(DAY - 1000);
    expect(await check()).toEqual({ signatures: 2, withOld: true, withNew: true });
    t.clock.advance(1000);
    expect(await check()).toEqual({ signatures: 1, withOld: false, withNew: true });
  });
});

async function verifyWith(r: { headers: Record<string, string>; type: string; timestamp: string; data: unknown }, secret: string) {
  const { Webhook } = await import("standardwebhooks");
  const body = JSON.stringify({ type: r.type, timestamp: r.timestamp, data: r.data });
  try {
    new Webhook(secret.replace(/^whsec_/, "")).verify(body, r.headers);
    return true;
  } catch {
    return false;
  }
}

describe("resend and leases", () => {
  it("resend queues the event again for one endpoint, under the same webhook-id", async () => {
    const t = await createTestContext();
    const relay = testRelay(t);
    const org = await createOrg(t);
    const { receiver, endpoint } = await subscribe(t, org);
    const ping = await t.call(org.key, "POST", `/v1/webhook-endpoints/${endpoint.id}/ping`);
    await relay.drain();
    const resent = await t.call(org.key, "POST", `/v1/events/${ping.body.id}/resend`, { endpoint_id: endpoint.id });
    expect(resent.status).toBe(202);
    expect(resent.body).toMatchObject({ object: "delivery", event_id: ping.body.id, endpoint_id: endpoint.id, state: "pending" });
    await relay.drain();
    expect(receiver.received.map((r) => r.id)).toEqual([ping.body.id, ping.body.id]);
    const other = await createOrg(t);
    const foreign = await t.call(other.key, "POST", `/v1/events/${ping.body.id}/resend`, { endpoint_id: endpoint.id });
    expect(foreign.status).toBe(404);
  });

  it("two relays draining at once send each delivery once: a live lease is never taken", async () => {
    const t = await createTestContext({ file: true });
    const org = await createOrg(t);
    const { receiver, endpoint } = await subscribe(t, org);
    for (let i = 0; i < 20; i++) await t.call(org.key, "POST", `/v1/webhook-endpoints/${endpoint.id}/ping`);
    const [one, two] = [testRelay(t), testRelay(t)];
    const [a, b] = await Promise.all([one.drain(), two.drain()]);
    expect(a + b).toBe(20);
    expect(receiver.received).toHaveLength(20);
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(20);
  });

  it("a lease left by a crashed relay is taken over when it runs out, under the same event id", async () => {
    const t = await createTestContext();
    const org = await createOrg(t);
    const { receiver, endpoint } = await subscribe(t, org);
    const ping = await t.call(org.key, "POST", `/v1/webhook-endpoints/${endpoint.id}/ping`);
    let wall = Date.now();
    const wallClock = { now: () => new Date(wall) };
    const crashed = testRelay(t, { wallClock, leaseMs: 60_000 });
    const { claimDue } = await import("../../src/webhooks/relay");
    expect(await claimDue(crashed, 10)).toHaveLength(1); // claimed, then the process "dies"
    const survivor = testRelay(t, { wallClock, leaseMs: 60_000 });
    expect(await survivor.drain()).toBe(0);
    wall += 60_000;
    expect(await survivor.drain()).toBe(1);
    expect(receiver.received.map((r) => r.id)).toEqual([ping.body.id]);
  });
});
