// At the edge the hot routes (the annex read, the decision verbs, a change request) read the
// request's API key with their own first reads, in one round trip. The key must still be judged
// exactly as everywhere else, and before anything is answered or written: an unknown, revoked or
// expired key, or one tied to a deactivated person, is 401 (even with a body that does not
// validate); a read key is 403 on a write; the operator key is 403; another organisation's
// resource is 404 (or, in a change request, not an agreement of the processor). Counted at the
// Hrana server, as the Worker reaches Turso: two round trips for each of these routes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestContext } from "./helpers/app";
import { startAppOverHrana } from "./helpers/app-over-hrana";
import { addBackupOp, createActiveAgreement, createOrg, type TestOrg } from "./helpers/factories";
import { invitePerson } from "./helpers/people";

describe("keys read with the route's own reads (libSQL over HTTP)", () => {
  let over: Awaited<ReturnType<typeof startAppOverHrana>>;
  let t: TestContext;
  let client: Awaited<ReturnType<typeof startAppOverHrana>>["client"];
  let processor: TestOrg;
  let controller: TestOrg;
  let stranger: TestOrg;
  let agreement: string;
  const keys: Record<"revoked" | "expiring" | "read" | "deactivated" | "viewer", string> = { revoked: "", expiring: "", read: "", deactivated: "", viewer: "" };

  const issue = async (org: TestOrg, body: Record<string, unknown>) => {
    const res = await t.call(t.operatorKey, "POST", `/v1/organisations/${org.id}/api-keys`, { name: "edge", ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; secret: string };
  };
  /** rows of the tables a refused request must leave alone */
  const written = async () => {
    const rs = await client.execute(
      "SELECT (SELECT count(*) FROM audit_records) + (SELECT count(*) FROM decisions) + (SELECT count(*) FROM change_requests) + (SELECT count(*) FROM events) AS n",
    );
    return Number(rs.rows[0]!.n);
  };
  const pending = async () => {
    const res = await t.call(processor.key, "POST", "/v1/change-requests", { agreements: [agreement], operations: [addBackupOp(`b${++made}`)], reason: "Backup" });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.decisions[0].id as string;
  };
  let made = 0;

  beforeAll(async () => {
    over = await startAppOverHrana("edge-keys");
    ({ t, client } = over);
    processor = await createOrg(t, "Omsorgspartner ApS");
    controller = await createOrg(t, "Aarhus Kommune");
    stranger = await createOrg(t, "Odense Kommune");
    agreement = (await createActiveAgreement(t, processor, controller)).id;
    const revoked = await issue(controller, {});
    expect((await t.call(t.operatorKey, "DELETE", `/v1/organisations/${controller.id}/api-keys/${revoked.id}`)).status).toBe(200);
    keys.revoked = revoked.secret;
    keys.expiring = (await issue(controller, { expires_at: new Date(t.clock.now().getTime() + 60_000).toISOString() })).secret;
    keys.read = (await issue(controller, { scope: "read" })).secret;
    const leaving = await invitePerson(t, controller.key, { role: "decider" });
    keys.deactivated = (await issue(controller, { user_id: leaving.id })).secret;
    expect((await t.call(controller.key, "PATCH", `/v1/users/${leaving.id}`, { status: "deactivated" })).status).toBe(200);
    keys.viewer = (await issue(controller, { user_id: (await invitePerson(t, controller.key, { role: "viewer" })).id })).secret;
    // the expiring key has expired by the requests below
    t.clock.advance(120_000);
    // each key used once: its last use is noted at most once a minute, outside what is counted
    for (const key of [processor.key, controller.key, stranger.key]) await t.call(key, "GET", "/v1/agreements?limit=1");
  }, 60_000);

  afterAll(() => over?.close());

  const counted = async (key: string | null, method: string, url: string, body?: unknown) => {
    const from = over.roundTrips();
    const res = await t.call(key, method, url, body);
    return { ...res, roundTrips: over.roundTrips() - from };
  };

  it("a good key: each hot route in two round trips (its reads with the key, then its one write)", async () => {
    const annex = await counted(controller.key, "GET", `/v1/agreements/${agreement}/annex`);
    expect(annex.status, JSON.stringify(annex.body)).toBe(200);
    expect(annex.roundTrips).toBe(2);
    const submitted = await counted(processor.key, "POST", "/v1/change-requests", { agreements: "all", operations: [addBackupOp("two-trips")], reason: "Backup" });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    expect(submitted.roundTrips).toBe(2);
    const approved = await counted(controller.key, "POST", `/v1/decisions/${submitted.body.decisions[0].id}/approve`, {});
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.roundTrips).toBe(2);
    // what each wrote is there: the approval's event and its audit record, under the key that made it
    const events = await t.call(controller.key, "GET", `/v1/events?limit=5`);
    expect(events.body.data.map((e: { type: string }) => e.type)).toContain("decision.approved");
    const audit = await t.call(processor.key, "GET", `/v1/audit?limit=50`);
    expect(audit.body.data.some((r: { action: string; actor: { key_id: string | null } }) => r.action === "annex.read" || r.action === "change_request.submit")).toBe(true);
  });

  const refusals = [
    ["an unknown key", "sk_live_not_a_key_of_anyone_0000000", 401, "unauthenticated"],
    ["a revoked key", () => keys.revoked, 401, "unauthenticated"],
    ["an expired key", () => keys.expiring, 401, "unauthenticated"],
    ["a key of a deactivated person", () => keys.deactivated, 401, "unauthenticated"],
  ] as const;

  it.each(refusals)("%s: 401 on every hot route, nothing written", async (_name, key, status, code) => {
    const secret = typeof key === "function" ? key() : key;
    const decision = await pending();
    const before = await written();
    for (const [method, url, body] of [
      ["GET", `/v1/agreements/${agreement}/annex`, undefined],
      ["POST", `/v1/decisions/${decision}/approve`, {}],
      ["POST", `/v1/decisions/${decision}/object`, { reason: "We do not accept this location." }],
      ["POST", `/v1/decisions/${decision}/withdraw`, {}],
      ["POST", "/v1/change-requests", { agreements: "all", operations: [addBackupOp("refused")], reason: "Backup" }],
      // a bad key is told so before a bad body
      ["POST", `/v1/decisions/${decision}/object`, { reason: "" }],
      ["POST", "/v1/change-requests", { agreements: "all", operations: [] }],
      ["POST", "/v1/change-requests", "{ not json"],
    ] as const) {
      const res = await t.call(secret, method, url, body);
      expect(res.status, `${method} ${url}: ${JSON.stringify(res.body)}`).toBe(status);
      expect(res.body.code).toBe(code);
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    }
    expect(await written()).toBe(before);
    // the decision is still pending: nothing moved it
    expect((await t.call(controller.key, "GET", `/v1/decisions/${decision}`)).body.state).toBe("pending");
  });

  it("a read key and a viewer's key: 403 on a write, their reads answered", async () => {
    const decision = await pending();
    const before = await written();
    for (const key of [keys.read, keys.viewer]) {
      const approve = await t.call(key, "POST", `/v1/decisions/${decision}/approve`, {});
      expect(approve.status, JSON.stringify(approve.body)).toBe(403);
      expect(approve.body.code).toBe("forbidden");
      // the refusal of the key comes before the body's
      expect((await t.call(key, "POST", `/v1/decisions/${decision}/object`, { reason: "" })).status).toBe(403);
    }
    expect(await written()).toBe(before);
    expect((await t.call(keys.read, "GET", `/v1/agreements/${agreement}/annex`)).status).toBe(200);
  });

  it("the operator key: 403 on each hot route", async () => {
    const decision = await pending();
    for (const [method, url, body] of [
      ["GET", `/v1/agreements/${agreement}/annex`, undefined],
      ["POST", `/v1/decisions/${decision}/approve`, {}],
      ["POST", "/v1/change-requests", { agreements: "all", operations: [addBackupOp("operator")], reason: "Backup" }],
    ] as const) {
      const res = await t.call(t.operatorKey, method, url, body);
      expect(res.status, `${method} ${url}: ${JSON.stringify(res.body)}`).toBe(403);
    }
  });

  it("another organisation's key: the annex and the decision are 404, the agreement not one of its own", async () => {
    const decision = await pending();
    const before = await written();
    const annex = await t.call(stranger.key, "GET", `/v1/agreements/${agreement}/annex`);
    expect(annex.status).toBe(404);
    for (const verb of ["approve", "withdraw"]) expect((await t.call(stranger.key, "POST", `/v1/decisions/${decision}/${verb}`, {})).status).toBe(404);
    const submitted = await t.call(stranger.key, "POST", "/v1/change-requests", { agreements: [agreement], operations: [addBackupOp("stranger")], reason: "Backup" });
    expect(submitted.status).toBe(422);
    expect(submitted.body.errors[0]).toMatchObject({ pointer: "/agreements/0", rule: "active_agreement" });
    // and the wrong party of the decision: the processor may not approve, the controller may not withdraw
    expect((await t.call(processor.key, "POST", `/v1/decisions/${decision}/approve`, {})).status).toBe(403);
    expect((await t.call(controller.key, "POST", `/v1/decisions/${decision}/withdraw`, {})).status).toBe(403);
    expect(await written()).toBe(before);
  });
});
