import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/deps";
import { LINK_LIMITS, SESSION_ABSOLUTE_MS, SESSION_IDLE_MS, SESSION_ROTATE_MS } from "../../src/features/users/sign-in.service";
import { createTestContext, T0, type TestContext } from "../helpers/app";
import { snapshotState } from "../helpers/db-snapshot";
import { addBackupOp, createActiveAgreement, createOrg } from "../helpers/factories";
import { invitePerson, linkInOutbox, ORIGIN, signInAs, signInByLink, useLink } from "../helpers/people";

// People and sign-in (docs/rules.md, "People and sign-in"): invitations, e-mail links that work
// once for 15 minutes, the same answer for any address, rate limits, sessions that end when idle
// and at an absolute limit and change their token as they are used, and every action naming the person.

/** Asks for a link from a client address (the socket's, as on Node). */
const ask = (t: TestContext, email: string, ip = "192.0.2.1") =>
  t.app.request("/console/sign-in", { method: "POST", headers: { Origin: ORIGIN }, body: new URLSearchParams({ email }) }, { incoming: { socket: { remoteAddress: ip } } });
const get = (t: TestContext, cookie: string, path: string) => t.app.request(path, { headers: { Cookie: cookie } });
const mailsTo = async (t: TestContext, email: string) =>
  Number((await t.client.execute({ sql: "SELECT count(*) AS n FROM mails WHERE to_address = ?", args: [email] })).rows[0]!.n);

describe("invitations", () => {
  it("the operator invites an organisation's first admin; the admin invites the rest; an address belongs to one person", async () => {
    const t = await createTestContext();
    const org = await createOrg(t, "Aarhus Kommune");
    const first = await t.call(t.operatorKey, "POST", `/v1/organisations/${org.id}/users`, { email: "DPO@Aarhus.example", name: "Mette Hansen", role: "admin" });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ object: "user", email: "dpo@aarhus.example", role: "admin", status: "invited", source: "invitation", organisation_id: org.id });
    // the invitation is a mail in the outbox, committed with the person: its link opens the console as them
    const admin = await signInByLink(t, "dpo@aarhus.example");
    expect(await (await get(t, admin.cookie, "/console")).text()).toContain("Mette Hansen");
    expect((await t.call(org.key, "GET", `/v1/users/${first.body.id}`)).body.status).toBe("active");
    // the admin invites a case officer in the console, with the CSRF token of the session
    const people = await (await get(t, admin.cookie, "/console/people")).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(people)![1]!;
    const invited = await t.app.request("/console/people", {
      method: "POST",
      headers: { Cookie: admin.cookie, Origin: ORIGIN },
      body: new URLSearchParams({ csrf, email: "sagsbehandler@aarhus.example", name: "Lars Holm", role: "decider" }),
    });
    expect(invited.status).toBe(303);
    const list = await t.call(org.key, "GET", "/v1/users");
    const lars = list.body.data.find((u: { email: string }) => u.email === "sagsbehandler@aarhus.example");
    expect(lars).toMatchObject({ role: "decider", status: "invited", invited_by: { id: first.body.id, name: "Mette Hansen", email: "dpo@aarhus.example" } });
    expect(await mailsTo(t, "sagsbehandler@aarhus.example")).toBe(1);
    // the same address again, even in another organisation: 422, and nothing written
    const other = await createOrg(t, "Skanderborg Kommune");
    const before = await snapshotState(t);
    const again = await t.call(other.key, "POST", "/v1/users", { email: "Sagsbehandler@aarhus.example", role: "viewer" });
    expect(again.status).toBe(422);
    expect(again.body.errors).toEqual([expect.objectContaining({ pointer: "/email", rule: "unique" })]);
    expect(await snapshotState(t)).toEqual(before);
  });

  it("only an admin manages people; the last active admin stays one; a deactivated person's sessions and keys end, their history stays", async () => {
    const t = await createTestContext();
    const org = await createOrg(t, "Aarhus Kommune");
    const admin = await invitePerson(t, org.key, { role: "admin" });
    const decider = await signInAs(t, org.key, "decider");
    // a decider cannot open the people page, nor change anyone's role through a key tied to them
    expect((await get(t, decider.cookie, "/console/people")).status).toBe(403);
    const tied = await t.call(t.operatorKey, "POST", `/v1/organisations/${org.id}/api-keys`, { name: "Lars' key", user_id: decider.userId });
    expect(tied.status, JSON.stringify(tied.body)).toBe(201);
    expect(tied.body.user_id).toBe(decider.userId);
    expect((await t.call(tied.body.secret, "PATCH", `/v1/users/${admin.id}`, { role: "viewer" })).status).toBe(403);
    // …but may change their own notices
    expect((await t.call(tied.body.secret, "PATCH", `/v1/users/${decider.userId}`, { notices: ["change_request.submitted"] })).status).toBe(200);
    // the only admin cannot be demoted or deactivated
    const demote = await t.call(org.key, "PATCH", `/v1/users/${admin.id}`, { role: "viewer" });
    expect(demote.status).toBe(409);
    expect(demote.body.code).toBe("invalid_state");
    // deactivating the decider: the session and the tied key stop working at once
    const off = await t.call(org.key, "PATCH", `/v1/users/${decider.userId}`, { status: "deactivated" });
    expect(off.status).toBe(200);
    expect(off.body.status).toBe("deactivated");
    expect((await get(t, decider.cookie, "/console")).status).toBe(303);
    expect((await t.call(tied.body.secret, "GET", "/v1/agreements")).status).toBe(401);
    // no sign-in link for a deactivated person, and the same answer as for anyone
    const asked = await ask(t, decider.email);
    expect(asked.status).toBe(200);
    const mails = await mailsTo(t, decider.email);
    await ask(t, decider.email);
    expect(await mailsTo(t, decider.email)).toBe(mails);
    // their history stays: the audit trail still names them
    const audit = await t.call(org.key, "GET", "/v1/audit?limit=100");
    expect(audit.body.data.some((r: { actor: { user: { id: string } | null } }) => r.actor.user?.id === decider.userId)).toBe(true);
  });
});

describe("isolation of people", () => {
  it("an admin of one organisation neither sees nor changes another's people or invitations, in the console or the API", async () => {
    const t = await createTestContext();
    const a = await createOrg(t, "Aarhus Kommune");
    const b = await createOrg(t, "Borås Stad", "SE");
    const adminA = await signInAs(t, a.key, "admin");
    const invitedB = await invitePerson(t, b.key, { role: "decider", email: "invited@boras.example" });
    const people = await (await get(t, adminA.cookie, "/console/people")).text();
    expect(people).not.toContain("invited@boras.example");
    const csrf = /name="csrf" value="([^"]+)"/.exec(people)![1]!;
    const before = await snapshotState(t);
    for (const form of [{ status: "deactivated" }, { role: "admin" }] as Record<string, string>[]) {
      const res = await t.app.request(`/console/people/${invitedB.id}`, {
        method: "POST",
        headers: { Cookie: adminA.cookie, Origin: ORIGIN },
        body: new URLSearchParams({ csrf, ...form }),
      });
      expect(res.status).toBe(404);
    }
    expect((await t.call(a.key, "GET", `/v1/users/${invitedB.id}`)).status).toBe(404);
    expect((await t.call(a.key, "PATCH", `/v1/users/${invitedB.id}`, { status: "deactivated" })).status).toBe(404);
    expect(await snapshotState(t)).toEqual(before);
    // B's invitation link signs in as B's person only, into B's console
    const link = await linkInOutbox(t, "invited@boras.example", "invitation");
    const used = await useLink(t, link);
    const cookie = used.headers.get("set-cookie")!.split(";")[0]!;
    const inbox = await (await get(t, cookie, "/console")).text();
    expect(inbox).toContain("Borås Stad");
    expect(inbox).not.toContain("Aarhus Kommune");
  });
});

describe("sign-in links", () => {
  it("answers the same for an address with an account and one without, and mails only the first", async () => {
    const t = await createTestContext();
    const org = await createOrg(t, "Aarhus Kommune");
    const person = await invitePerson(t, org.key, { role: "decider" });
    const known = await ask(t, person.email);
    const unknown = await ask(t, "nobody@aarhus.example");
    expect(known.status).toBe(unknown.status);
    const strip = (html: string) => html.replace(/name="[^"]*" value="[^"]*"/g, "");
    expect(strip(await known.text())).toBe(strip(await unknown.text()));
    expect(await mailsTo(t, "nobody@aarhus.example")).toBe(0);
    expect(await mailsTo(t, person.email)).toBe(2); // the invitation and the sign-in link
  });

  it("works once: the page behind it uses nothing, the button signs in, a second use is refused", async () => {
    const t = await createTestContext();
    const org = await createOrg(t, "Aarhus Kommune");
    const person = await invitePerson(t, org.key);
    await ask(t, person.email);
    const url = await linkInOutbox(t, person.email);
    const u = new URL(url);
    // a mail scanner opening the link twice uses nothing
    expect((await t.app.request(u.pathname + u.search)).status).toBe(200);
    expect((await t.app.request(u.pathname + u.search)).status).toBe(200);
    const first = await useLink(t, url);
    expect(first.status).toBe(303);
    expect(first.headers.get("set-cookie")).toMatch(/^console_session=/);
    // the same token again: the page says so, and the button signs nobody in
    expect((await t.app.request(u.pathname + u.search)).status).toBe(410);
    const token = u.searchParams.get("token")!;
    const replay = await t.app.request("/console/sign-in/link", { method: "POST", headers: { Origin: ORIGIN }, body: new URLSearchParams({ token }) });
    expect(replay.status).toBe(410);
    expect(replay.headers.get("set-cookie")).toBeNull();
    // only the hash of the token is kept
    const stored = (await t.client.execute("SELECT id FROM sign_in_tokens")).rows.map((r) => r.id);
    expect(stored).not.toContain(token);
  });

  it("expires after 15 minutes (the clock is moved)", async () => {
    const t = await createTestContext();
    const org = await createOrg(t, "Aarhus Kommune");
    const person = await invitePerson(t, org.key);
    await ask(t, person.email);
    const url = await linkInOutbox(t, person.email);
    t.clock.advance(15 * 60_000 - 1000);
    const u = new URL(url);
    expect((await t.app.request(u.pathname + u.search)).status).toBe(200);
    t.clock.advance(1000);
    expect((await t.app.request(u.pathname + u.search)).status).toBe(410);
    const late = await t.app.request("/console/sign-in/link", { method: "POST", headers: { Origin: ORIGIN }, body: new URLSearchParams({ token: u.searchParams.get("token")! }) });
    expect(late.status).toBe(410);
  });

  it("limits requests per address and per client address, whether or not the address has an account", async () => {
    const t = await createTestContext();
    const org = await createOrg(t, "Aarhus Kommune");
    const person = await invitePerson(t, org.key);
    for (const email of [person.email, "nobody@aarhus.example"]) {
      for (let i = 0; i < LINK_LIMITS.perAddress; i++) expect((await ask(t, email, `198.51.100.${i}`)).status).toBe(200);
      expect((await ask(t, email, "198.51.100.200")).status).toBe(429);
    }
    // one client address asking for many addresses
    const results = [];
    for (let i = 0; i < LINK_LIMITS.perIp + 1; i++) results.push((await ask(t, `someone${i}@example.org`, "203.0.113.9")).status);
    expect(results.at(-1)).toBe(429);
    expect(results.slice(0, LINK_LIMITS.perIp).every((s) => s === 200)).toBe(true);
    // a quarter of an hour later the address may ask again
    t.clock.advance(LINK_LIMITS.windowMs + 1000);
    expect((await ask(t, person.email, "198.51.100.201")).status).toBe(200);
  });
});

describe("sessions", () => {
  it("end when idle for 30 minutes and after 12 hours however active; the token changes as it is used", async () => {
    const wall = new ManualClock(T0);
    const t = await createTestContext({ wallClock: wall });
    const org = await createOrg(t, "Aarhus Kommune");
    const s = await signInAs(t, org.key);
    // used within the idle limit, again and again: it lives, and its token is replaced
    let cookie = s.cookie;
    let rotated = 0;
    for (let used = 0; used < SESSION_ABSOLUTE_MS - SESSION_IDLE_MS; used += SESSION_IDLE_MS - 60_000) {
      wall.advance(SESSION_IDLE_MS - 60_000);
      const res = await get(t, cookie, "/console");
      expect(res.status, `after ${used / 60_000} minutes`).toBe(200);
      const set = res.headers.get("set-cookie");
      if (set) {
        expect(set).toMatch(/HttpOnly/);
        cookie = set.split(";")[0]!;
        rotated++;
      }
    }
    expect(rotated).toBeGreaterThan(10);
    // the replaced token no longer works
    expect((await get(t, s.cookie, "/console")).status).toBe(303);
    // the absolute limit
    wall.advance(SESSION_IDLE_MS);
    expect((await get(t, cookie, "/console")).status).toBe(303);
    // idle: a new session left alone for 30 minutes
    const s2 = await signInAs(t, org.key);
    wall.advance(SESSION_IDLE_MS);
    expect((await get(t, s2.cookie, "/console")).status).toBe(303);
    expect(SESSION_ROTATE_MS).toBeLessThan(SESSION_IDLE_MS);
  });
});

describe("every action names the person", () => {
  it("an objection in the console carries the person in the decision, its event and webhook data, and the audit record", async () => {
    const t = await createTestContext();
    const processor = await createOrg(t, "Omsorgspartner ApS");
    const controller = await createOrg(t, "Aarhus Kommune");
    const agreement = await createActiveAgreement(t, processor, controller);
    const cr = await t.call(processor.key, "POST", "/v1/change-requests", { agreements: [agreement.id], operations: [addBackupOp("b")], reason: "Backup" });
    const decision = cr.body.decisions[0].id as string;
    const person = await invitePerson(t, controller.key, { role: "decider", name: "Mette Hansen" });
    const s = await signInByLink(t, person.email);
    const page = await (await get(t, s.cookie, `/console/decisions/${decision}`)).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    const res = await t.app.request(`/console/decisions/${decision}/object`, {
      method: "POST",
      headers: { Cookie: s.cookie, Origin: ORIGIN },
      body: new URLSearchParams({ csrf, reason: "The backup site is not approved by our IT security.", ground: "security" }),
    });
    expect(res.status).toBe(303);
    const named = { id: person.id, name: "Mette Hansen", email: person.email };
    expect((await t.call(controller.key, "GET", `/v1/decisions/${decision}`)).body.decided_by).toEqual(named);
    const events = await t.call(processor.key, "GET", "/v1/events?type=decision.objected");
    expect(events.body.data[0].data.decision.decided_by).toEqual(named);
    const audit = await t.call(processor.key, "GET", "/v1/audit?limit=100");
    const record = audit.body.data.find((r: { action: string }) => r.action === "decision.objected");
    expect(record.actor).toMatchObject({ type: "organisation", organisation_id: controller.id, key_id: null, user: named });
    // a key of the organisation names no person
    const viaKey = await t.call(processor.key, "POST", "/v1/change-requests", { agreements: [agreement.id], operations: [addBackupOp("c")], reason: "Another" });
    expect(viaKey.body.submitted_by).toBeNull();
    expect((await t.call(controller.key, "GET", "/v1/audit/verify")).body.valid).toBe(true);
  });

  it("a viewer reading an annex in the console is recorded as themselves", async () => {
    const t = await createTestContext();
    const processor = await createOrg(t, "Omsorgspartner ApS");
    const controller = await createOrg(t, "Aarhus Kommune");
    const agreement = await createActiveAgreement(t, processor, controller);
    const s = await signInAs(t, controller.key, "viewer");
    expect((await get(t, s.cookie, `/console/agreements/${agreement.id}`)).status).toBe(200);
    const audit = await t.call(controller.key, "GET", "/v1/audit?limit=100");
    const read = audit.body.data.find((r: { action: string }) => r.action === "annex.read");
    expect(read.actor.user.id).toBe(s.userId);
  });
});
