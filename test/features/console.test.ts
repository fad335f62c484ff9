import { describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../helpers/app";
import { snapshotState } from "../helpers/db-snapshot";
import { type ConsoleSession, signInAs } from "../helpers/people";
import { addBackupOp, createActiveAgreement, createOrg, type TestOrg, ukSupportOps } from "../helpers/factories";

// The decision console over the real app: its session cookie, its CSRF defences, its
// isolation (another organisation's page is a 404) and its read-only mode.

const ORIGIN = "http://localhost";

type Session = ConsoleSession;

/** A decider of the organisation of `key`, signed in by e-mail link. */
const signIn = (t: TestContext, key: string, role: "admin" | "decider" | "viewer" = "decider"): Promise<Session> => signInAs(t, key, role);

const get = (t: TestContext, s: Session | null, path: string) => t.app.request(path, { headers: s ? { Cookie: s.cookie } : {} });

function post(t: TestContext, s: Session, path: string, form: Record<string, string>, origin = ORIGIN) {
  return t.app.request(path, { method: "POST", headers: { Cookie: s.cookie, Origin: origin }, body: new URLSearchParams(form) });
}

async function csrfOf(t: TestContext, s: Session, path = "/console"): Promise<string> {
  const html = await (await get(t, s, path)).text();
  const match = /name="csrf" value="([^"]+)"/.exec(html);
  expect(match, "a CSRF field on the page").not.toBeNull();
  return match![1]!;
}

/** A processor, two controllers, one change covering both agreements: one pending decision each. */
async function world() {
  const t = await createTestContext();
  const processor = await createOrg(t, "Omsorgspartner ApS");
  const a: TestOrg = await createOrg(t, "Aarhus Kommune");
  const b: TestOrg = await createOrg(t, "Borås Stad", "SE");
  const agreementA = (await createActiveAgreement(t, processor, a)).id;
  const agreementB = (await createActiveAgreement(t, processor, b)).id;
  const cr = await t.call(processor.key, "POST", "/v1/change-requests", { agreements: "all", operations: [addBackupOp("backup-se")], reason: "A Swedish backup site" });
  expect(cr.status, JSON.stringify(cr.body)).toBe(201);
  const decisionOf = (org: TestOrg) => cr.body.decisions.find((d: { controller: { id: string } }) => d.controller.id === org.id).id as string;
  return { t, processor, a, b, agreementA, agreementB, changeRequest: cr.body.id as string, decisionA: decisionOf(a), decisionB: decisionOf(b) };
}

describe("decision console", () => {
  it("signs a person in by e-mail link into an HttpOnly, Secure, SameSite=Lax cookie scoped to /console", async () => {
    const w = await world();
    const s = await signIn(w.t, w.a.key);
    const flags = s.setCookie.split(";").map((p) => p.trim().toLowerCase());
    expect(flags).toEqual(expect.arrayContaining(["httponly", "secure", "samesite=lax", "path=/console"]));
    const inbox = await get(w.t, s, "/console");
    expect(inbox.status).toBe(200);
    const html = await inbox.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain("Omsorgspartner ApS");
    expect(html).toContain(`/console/decisions/${w.decisionA}`);
    expect(html).not.toContain(w.decisionB);
    // the session table keeps a hash of the token, never the token itself
    const rows = (await w.t.client.execute("SELECT id FROM user_sessions")).rows;
    expect(rows.map((r) => r.id)).not.toContain(decodeURIComponent(s.cookie.split("=")[1]!));
  });

  it("signs nobody in with an API key, and sends a request without a session to sign-in, with the page to come back to", async () => {
    const w = await world();
    const res = await w.t.app.request("/console/sign-in", { method: "POST", headers: { Origin: ORIGIN }, body: new URLSearchParams({ key: w.a.key }) });
    expect(res.status).toBe(422);
    expect(res.headers.get("set-cookie")).toBeNull();
    const anonymous = await get(w.t, null, "/console");
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get("location")).toBe("/console/sign-in");
    const deep = await get(w.t, null, `/console/decisions/${w.decisionA}`);
    expect(deep.headers.get("location")).toBe(`/console/sign-in?back=${encodeURIComponent(`/console/decisions/${w.decisionA}`)}`);
  });

  it("changes nothing on a POST without the CSRF token, with another session's token, or from another origin (403)", async () => {
    const w = await world();
    const s1 = await signIn(w.t, w.a.key);
    const s2 = await signIn(w.t, w.a.key);
    const token1 = await csrfOf(w.t, s1);
    const token2 = await csrfOf(w.t, s2);
    expect(token1).not.toBe(token2);
    const before = await snapshotState(w.t);
    const path = `/console/decisions/${w.decisionA}/object`;
    for (const [form, origin] of [
      [{ reason: "No" }, ORIGIN],
      [{ reason: "No", csrf: token2 }, ORIGIN],
      [{ reason: "No", csrf: token1 }, "https://evil.example"],
    ] as const) {
      const res = await post(w.t, s1, path, form, origin);
      expect(res.status, JSON.stringify({ form, origin })).toBe(403);
    }
    expect(await snapshotState(w.t)).toEqual(before);
    // the same form with its own token is decided, through decide(): the API sees it
    const ok = await post(w.t, s1, path, { reason: "The backup site is outside our approved regions.", ground: "third_country", csrf: token1 });
    expect(ok.status).toBe(303);
    const decision = await w.t.call(w.a.key, "GET", `/v1/decisions/${w.decisionA}`);
    expect(decision.body.state).toBe("objected");
    expect(decision.body.objection_reason).toBe("The backup site is outside our approved regions.");
    expect(decision.body.objection_ground).toBe("third_country");
  });

  it("re-renders an objection without a reason with an accessible error and changes nothing", async () => {
    const w = await world();
    const s = await signIn(w.t, w.a.key);
    const token = await csrfOf(w.t, s);
    const before = await snapshotState(w.t);
    const res = await post(w.t, s, `/console/decisions/${w.decisionA}/object`, { reason: "  ", csrf: token });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('role="alert"');
    expect(html).toMatch(/aria-describedby="reason-explainer reason-error"/);
    expect(await snapshotState(w.t)).toEqual(before);
  });

  it("answers 404 for another organisation's decision, agreement and a missing one", async () => {
    const w = await world();
    const s = await signIn(w.t, w.a.key);
    for (const path of [
      `/console/decisions/${w.decisionB}`,
      `/console/agreements/${w.agreementB}`,
      `/console/agreements/${w.agreementB}/document`,
      "/console/decisions/dec_missing",
    ]) {
      const res = await get(w.t, s, path);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).not.toContain("Borås Stad");
    }
    expect((await get(w.t, s, `/console/decisions/${w.decisionA}`)).status).toBe(200);
    expect((await get(w.t, s, `/console/agreements/${w.agreementA}`)).status).toBe(200);
    expect((await get(w.t, s, `/console/agreements/${w.agreementA}/document`)).status).toBe(200);
  });

  it("gives a viewer a console without forms that change anything but their own notices, and refuses its POSTs", async () => {
    const w = await world();
    const s = await signIn(w.t, w.a.key, "viewer");
    for (const path of ["/console", `/console/decisions/${w.decisionA}`, `/console/agreements/${w.agreementA}`, "/console/requests"]) {
      const html = await (await get(w.t, s, path)).text();
      const actions = [...html.matchAll(/<form[^>]*action="([^"]+)"/g)].map((m) => m[1]);
      expect(actions, path).toEqual(["/console/sign-out"]);
    }
    expect((await get(w.t, s, "/console/people")).status).toBe(403);
    const token = await csrfOf(w.t, s);
    const before = await snapshotState(w.t);
    expect((await post(w.t, s, `/console/decisions/${w.decisionA}/approve`, { csrf: token })).status).toBe(403);
    expect((await post(w.t, s, `/console/decisions/${w.decisionA}/object`, { csrf: token, reason: "x" })).status).toBe(403);
    expect(await snapshotState(w.t)).toEqual(before);
  });

  it("lets the processor withdraw from its requests page", async () => {
    const w = await world();
    const s = await signIn(w.t, w.processor.key);
    const html = await (await get(w.t, s, "/console/requests")).text();
    expect(html).toContain("Aarhus Kommune");
    expect(html).toContain("Borås Stad");
    // one click is not enough: a confirmation page says what it does, to how many agreements
    const confirm = await get(w.t, s, `/console/requests/${w.changeRequest}/withdraw`);
    expect(confirm.status).toBe(200);
    const confirmHtml = await confirm.text();
    expect(confirmHtml).toContain("The change is withdrawn for 2 agreements where it is still pending.");
    const token = /name="csrf" value="([^"]+)"/.exec(confirmHtml)![1]!;
    const unconfirmed = await post(w.t, s, `/console/requests/${w.changeRequest}/withdraw`, { csrf: token });
    expect(unconfirmed.status).toBe(200);
    expect((await w.t.call(w.processor.key, "GET", `/v1/change-requests/${w.changeRequest}`)).body.status).toBe("pending");
    const res = await post(w.t, s, `/console/requests/${w.changeRequest}/withdraw`, { csrf: token, confirmed: "1" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/console/requests?done=withdrawn_all");
    expect(await (await get(w.t, s, res.headers.get("location")!)).text()).toContain("The change is withdrawn for every agreement where it was still pending.");
    const cr = await w.t.call(w.processor.key, "GET", `/v1/change-requests/${w.changeRequest}`);
    expect(cr.body.decisions.map((d: { state: string }) => d.state)).toEqual(["withdrawn", "withdrawn"]);
  });

  it("keeps the session when the test clock moves: a session lasts in real time", async () => {
    const w = await world();
    const s = await signIn(w.t, w.a.key);
    const moved = await w.t.call(w.t.operatorKey, "POST", "/v1/test-clock/advance", { days: 40 });
    expect(moved.status).toBe(200);
    const inbox = await get(w.t, s, "/console");
    expect(inbox.status).toBe(200);
    expect(await inbox.text()).toContain("Aarhus Kommune");
  });

  it("ends the session on sign-out, and when its person is deactivated", async () => {
    const w = await world();
    const s = await signIn(w.t, w.a.key);
    const res = await post(w.t, s, "/console/sign-out", { csrf: await csrfOf(w.t, s) });
    expect(res.status).toBe(303);
    expect(res.headers.get("set-cookie")).toMatch(/console_session=;.*Max-Age=0/i);
    const after = await get(w.t, s, "/console");
    expect(after.status).toBe(303);
    expect(after.headers.get("location")).toBe("/console/sign-in");

    const s2 = await signIn(w.t, w.b.key);
    expect((await get(w.t, s2, "/console")).status).toBe(200);
    const off = await w.t.call(w.b.key, "PATCH", `/v1/users/${s2.userId}`, { status: "deactivated" });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect((await get(w.t, s2, "/console")).status).toBe(303);
  });

  it("speaks Danish or Swedish from Accept-Language and the lang switch", async () => {
    const w = await world();
    const s = await signIn(w.t, w.a.key);
    const da = await w.t.app.request("/console", { headers: { Cookie: s.cookie, "Accept-Language": "da-DK,da;q=0.9,en;q=0.5" } });
    expect(await da.text()).toContain('<html lang="da">');
    const sw = await w.t.app.request("/console/lang?to=sv&back=/console/requests");
    expect(sw.status).toBe(303);
    expect(sw.headers.get("location")).toBe("/console/requests");
    const lang = sw.headers.get("set-cookie")!.split(";")[0]!;
    const sv = await w.t.app.request("/console", { headers: { Cookie: `${s.cookie}; ${lang}` } });
    expect(await sv.text()).toContain('<html lang="sv">');
    const open = await w.t.app.request("/console/lang?to=sv&back=https://evil.example");
    expect(open.headers.get("location")).toBe("/console");
  });
});

describe("decision console: a change that conflicts with the instruction", () => {
  it("says so, refuses a plain approval, and approves only with the amendment asked for explicitly", async () => {
    const t = await createTestContext();
    const processor = await createOrg(t, "Omsorgspartner ApS");
    const controller = await createOrg(t, "Skanderborg Kommune");
    const agreement = (await createActiveAgreement(t, processor, controller, { authorisation: "specific", third_country_transfers: "prohibited" })).id;
    const cr = await t.call(processor.key, "POST", "/v1/change-requests", {
      agreements: [agreement],
      reason: "Night-time support from London",
      operations: ukSupportOps(),
    });
    expect(cr.status, JSON.stringify(cr.body)).toBe(201);
    const id = cr.body.decisions[0].id as string;
    const s = await signIn(t, controller.key);
    const page = await (await get(t, s, `/console/decisions/${id}`)).text();
    expect(page).toContain("This change conflicts with your instruction");
    expect(page).toContain('name="amend_instruction"');

    const csrf = await csrfOf(t, s, `/console/decisions/${id}`);
    const plain = await post(t, s, `/console/decisions/${id}/approve`, { csrf });
    expect(plain.status).toBe(409);
    expect(await plain.text()).toContain("The change was not approved: tick the amendment of the instruction");
    const noReason = await post(t, s, `/console/decisions/${id}/approve`, { csrf, amend_instruction: "with_transfer_mechanism", amendment_reason: " " });
    expect(noReason.status).toBe(422);
    expect((await t.call(controller.key, "GET", `/v1/decisions/${id}`)).body.state).toBe("pending");

    // a step before it: what the amendment changes, then confirm
    const step = await post(t, s, `/console/decisions/${id}/approve`, { csrf, amend_instruction: "with_transfer_mechanism", amendment_reason: "UK support is accepted" });
    expect(step.status).toBe(200);
    expect(await step.text()).toContain("You amend your instruction on third-country transfers from");
    expect((await t.call(controller.key, "GET", `/v1/decisions/${id}`)).body.state).toBe("pending");
    const ok = await post(t, s, `/console/decisions/${id}/approve`, {
      csrf,
      amend_instruction: "with_transfer_mechanism",
      amendment_reason: "UK support is accepted",
      confirmed: "1",
    });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe(`/console/decisions/${id}?done=approved`);
    expect(await (await get(t, s, ok.headers.get("location")!)).text()).toContain("Your approval is recorded.");
    expect((await t.call(controller.key, "GET", `/v1/decisions/${id}`)).body.state).toBe("approved");
    const terms = await t.call(controller.key, "GET", `/v1/agreements/${agreement}/terms`);
    expect(terms.body.data.map((v: { third_country_transfers: string; reason: string | null }) => [v.third_country_transfers, v.reason])).toEqual([
      ["prohibited", null],
      ["with_transfer_mechanism", "UK support is accepted"],
    ]);
    // the agreement page shows the instruction in force and its history
    const agreementPage = await (await get(t, s, `/console/agreements/${agreement}`)).text();
    expect(agreementPage).toContain("Instruction and terms, every version");
    expect(agreementPage).toContain("UK support is accepted");
  });
});
