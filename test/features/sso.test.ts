import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PEOPLE } from "../../src/i18n/people";
import { createTestContext, type TestContext } from "../helpers/app";
import { createOrg, type TestOrg } from "../helpers/factories";
import { startOidcProvider, type TestAccount, type TestOidcProvider } from "../helpers/oidc-provider";
import { invitePerson, ORIGIN } from "../helpers/people";

const DOMAIN = "aarhus.example";
const FAILED = PEOPLE.en.sso_failed;
const UNAVAILABLE = PEOPLE.en.sso_unavailable;
const EN = { "Accept-Language": "en" };

let idp: TestOidcProvider;
let other: TestOidcProvider;
/** Every test context has the same public URL, so one provider serves them all. */
const publicUrl = async () => (await createTestContext({ file: false })).deps.publicUrl;

beforeAll(async () => {
  const callback = `${await publicUrl()}/console/sso/callback`;
  idp = await startOidcProvider({ redirectUris: [callback] });
  other = await startOidcProvider({ redirectUris: [callback], clientId: "another-client", claimsInIdToken: true });
});
afterAll(async () => {
  await idp?.close();
  await other?.close();
});

let n = 0;
/** A person with an account at the test provider; by default of the connection's domain, verified, named. */
function account(overrides: Partial<TestAccount> = {}, provider = idp): Required<Pick<TestAccount, "login">> & TestAccount {
  const login = `person${++n}`;
  const a: TestAccount = { login, email: `${login}@${DOMAIN}`, email_verified: true, name: `Person ${n} Jensen`, ...overrides };
  provider.accounts.set(a.login, a);
  return a;
}

const connectionBody = (overrides: Record<string, unknown> = {}, provider = idp) => ({
  issuer: provider.issuer,
  client_id: provider.clientId,
  client_secret: provider.clientSecret,
  email_domain: DOMAIN,
  ...overrides,
});

async function connect(t: TestContext, org: TestOrg, overrides: Record<string, unknown> = {}) {
  const res = await t.call(org.key, "PUT", "/v1/sso-connection", connectionBody(overrides));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

const cookieOf = (res: Response, name: string) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .find((c) => c.startsWith(`${name}=`) && c.length > name.length + 1);

/**
 * The single sign-on form posted as a browser does: the response, the provider's URL it goes on
 * to (a page that refreshes to it at once, with a link: not a redirect, which the console's
 * form-action policy would stop in a browser), and the flow's cookie.
 */
async function start(t: TestContext, email: string) {
  const res = await t.app.request("/console/sso/start", { method: "POST", headers: { Origin: ORIGIN, ...EN }, body: new URLSearchParams({ email }) });
  const location = /^0; url=(.+)$/.exec(res.headers.get("refresh") ?? "")?.[1];
  return { res, location, flowCookie: cookieOf(res, "console_sso") };
}

/** The provider sending the browser back: the callback URL opened with the browser's cookies. */
const callback = (t: TestContext, url: URL, cookie?: string) => t.app.request(url.pathname + url.search, { headers: { ...EN, ...(cookie ? { Cookie: cookie } : {}) } });

/** Starts single sign-on for `email`, logs in at the provider as `login`; the provider's answer, not yet opened. */
async function throughProvider(t: TestContext, email: string, login: string, provider = idp) {
  const started = await start(t, email);
  expect(started.res.status, await started.res.clone().text()).toBe(200);
  expect(started.flowCookie).toBeDefined();
  // the page's link goes where the refresh does
  expect(await started.res.text()).toContain(`<a href="${started.location!.replaceAll("&", "&amp;")}">${PEOPLE.en.sso_continue}</a>`);
  const answer = await provider.login(started.location!, login);
  return { answer, flowCookie: started.flowCookie! };
}

/** The whole sign-in: start, provider, callback. */
async function signIn(t: TestContext, email: string, login: string) {
  const { answer, flowCookie } = await throughProvider(t, email, login);
  const res = await callback(t, answer, flowCookie);
  return { res, session: cookieOf(res, "console_session"), answer, flowCookie };
}

/** Why the console refused each single sign-on, as it logs it: a refusal must be for the reason a test means. */
function refusals(t: TestContext): string[] {
  const reasons: string[] = [];
  const { info, error } = t.deps.logger;
  t.deps.logger = {
    info: (msg, fields) => {
      if (msg === "single sign-on refused") reasons.push(String(fields?.reason));
      info(msg, fields);
    },
    error,
  };
  return reasons;
}

/** A refusal: the sign-in page again with why, 400, no session; and the reason the console logged. */
async function expectRefused(res: Response, reasons: string[], because: RegExp) {
  expect(res.status).toBe(400);
  expect(cookieOf(res, "console_session")).toBeUndefined();
  expect(await res.text()).toContain(FAILED);
  expect(reasons.at(-1)).toMatch(because);
}

const userByEmail = async (t: TestContext, email: string) =>
  (await t.client.execute({ sql: "SELECT * FROM users WHERE email = ?", args: [email.toLowerCase()] })).rows.map((r) => ({ ...r }));

const countRows = async (t: TestContext, table: string) => Number((await t.client.execute(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);

describe("the organisation's single sign-on connection (API)", () => {
  it("is set up, read without its secret, replaced, and deleted; each write audited", async () => {
    const t = await createTestContext();
    const org = await createOrg(t, "Aarhus Kommune");
    expect((await t.call(org.key, "GET", "/v1/sso-connection")).status).toBe(404);

    const created = await connect(t, org);
    expect(created).toEqual({
      object: "sso_connection",
      organisation_id: org.id,
      issuer: idp.issuer,
      client_id: idp.clientId,
      client_secret_set: true,
      email_domain: DOMAIN,
      default_role: "viewer",
      enabled: true,
      created_at: t.clock.now().toISOString(),
      updated_at: t.clock.now().toISOString(),
    });
    const read = await t.call(org.key, "GET", "/v1/sso-connection");
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created);
    expect(JSON.stringify(read.body)).not.toContain(idp.clientSecret);

    t.clock.advance(60_000);
    const replaced = await connect(t, org, { email_domain: "Aarhus.Example", default_role: "decider", enabled: false });
    expect(replaced).toMatchObject({ email_domain: DOMAIN, default_role: "decider", enabled: false, created_at: created.created_at, updated_at: t.clock.now().toISOString() });
    expect(replaced).not.toHaveProperty("client_secret");

    const audit = await t.call(org.key, "GET", "/v1/audit?action=sso_connection.updated");
    expect(audit.body.data).toHaveLength(2);
    expect(audit.body.data[0]).toMatchObject({ resource: { type: "sso_connection", id: org.id }, detail: { default_role: "decider", enabled: false, created: false } });
    expect(JSON.stringify(audit.body)).not.toContain(idp.clientSecret);

    const deleted = await t.call(org.key, "DELETE", "/v1/sso-connection");
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ object: "sso_connection", organisation_id: org.id, deleted: true });
    expect((await t.call(org.key, "GET", "/v1/sso-connection")).status).toBe(404);
    expect((await t.call(org.key, "DELETE", "/v1/sso-connection")).status).toBe(404);
    const gone = await t.call(org.key, "GET", "/v1/audit?action=sso_connection.deleted");
    expect(gone.body.data).toHaveLength(1);
  });

  it.each([
    ["not a URL", () => "login.aarhus", "url"],
    ["of an unknown scheme", () => "ftp://login.aarhus.example/", "url"],
    ["nobody listens at", () => "http://127.0.0.1:1", "openid_discovery"],
    ["a server without OpenID metadata (404)", () => `${idp.issuer}/tenant`, "openid_discovery"],
    // the provider's metadata names 127.0.0.1: an issuer must be exactly the one its metadata names
    ["another name of the provider", () => idp.issuer.replace("127.0.0.1", "localhost"), "openid_discovery"],
  ])("refuses an issuer that is %s: 422 at /issuer, nothing kept", async (_what, issuer, rule) => {
    const t = await createTestContext();
    const org = await createOrg(t);
    const res = await t.call(org.key, "PUT", "/v1/sso-connection", connectionBody({ issuer: issuer() }));
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([expect.objectContaining({ pointer: "/issuer", rule })]);
    expect((await t.call(org.key, "GET", "/v1/sso-connection")).status).toBe(404);
    expect(await countRows(t, "sso_connections")).toBe(0);
  });

  it("applies the webhook address policy to the issuer where insecure addresses are not allowed", async () => {
    const t = await createTestContext({ webhooks: { allowInsecure: false, resolveHost: async (name) => (name === "idp.inside.example" ? ["10.1.2.3"] : ["93.184.215.14"]) } });
    const org = await createOrg(t);
    for (const [issuer, rule] of [
      [idp.issuer, "https_required"],
      ["https://127.0.0.1/realms/staff", "private_address"],
      ["https://169.254.169.254/", "private_address"],
      ["https://login.localhost/", "hostname_not_allowed"],
      ["https://idp.inside.example/", "private_address"],
    ] as const) {
      const res = await t.call(org.key, "PUT", "/v1/sso-connection", connectionBody({ issuer }));
      expect(res.status, issuer).toBe(422);
      expect(res.body.errors, issuer).toEqual([expect.objectContaining({ pointer: "/issuer", rule })]);
    }
    expect(await countRows(t, "sso_connections")).toBe(0);
  });

  it("gives a domain to one organisation only: 422 unique for another, in any case", async () => {
    const t = await createTestContext();
    const a = await createOrg(t, "Aarhus Kommune");
    const b = await createOrg(t, "Borås Stad", "SE");
    await connect(t, a);
    const res = await t.call(b.key, "PUT", "/v1/sso-connection", connectionBody({ email_domain: "AARHUS.example" }));
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ pointer: "/email_domain", rule: "unique" })]);
    expect((await t.call(b.key, "GET", "/v1/sso-connection")).status).toBe(404);
    // the same organisation may set its own domain again
    await connect(t, a, { client_id: idp.clientId });
  });

  it("refuses a body that breaks the schema: a domain with @, no secret", async () => {
    const t = await createTestContext();
    const org = await createOrg(t);
    const res = await t.call(org.key, "PUT", "/v1/sso-connection", { issuer: idp.issuer, client_id: "x", email_domain: "@aarhus.example", default_role: "owner" });
    expect(res.status).toBe(422);
    const pointers = res.body.errors.map((e: { pointer: string; rule: string }) => `${e.pointer} ${e.rule}`);
    expect(pointers).toEqual(expect.arrayContaining(["/client_secret required", "/email_domain domain", "/default_role invalid_value"]));
  });

  it("is the organisation's: the operator gets 403, a key of a person who is not admin 403, an admin's key may", async () => {
    const t = await createTestContext();
    const org = await createOrg(t);
    for (const [method, body] of [
      ["GET", undefined],
      ["PUT", connectionBody()],
      ["DELETE", undefined],
    ] as const) {
      const res = await t.call(t.operatorKey, method, "/v1/sso-connection", body);
      expect(res.status, method).toBe(403);
      expect(res.body.code).toBe("forbidden");
    }
    const keyFor = async (role: "admin" | "decider" | "viewer") => {
      const person = await invitePerson(t, org.key, { role });
      const key = await t.call(t.operatorKey, "POST", `/v1/organisations/${org.id}/api-keys`, { name: role, user_id: person.id });
      expect(key.status, JSON.stringify(key.body)).toBe(201);
      return key.body.secret as string;
    };
    const decider = await keyFor("decider");
    for (const method of ["GET", "PUT", "DELETE"] as const) {
      const res = await t.call(decider, method, "/v1/sso-connection", method === "PUT" ? connectionBody() : undefined);
      expect(res.status, method).toBe(403);
    }
    expect((await t.call(await keyFor("viewer"), "GET", "/v1/sso-connection")).status).toBe(403);
    const admin = await keyFor("admin");
    expect((await t.call(admin, "PUT", "/v1/sso-connection", connectionBody())).status).toBe(200);
    expect((await t.call(admin, "GET", "/v1/sso-connection")).status).toBe(200);
    expect(await countRows(t, "sso_connections")).toBe(1);
  });

  it("keeps organisations apart: another's key neither sees nor changes nor deletes the connection", async () => {
    const t = await createTestContext();
    const a = await createOrg(t, "Aarhus Kommune");
    const b = await createOrg(t, "Borås Stad", "SE");
    const mine = await connect(t, a);
    const seen = await t.call(b.key, "GET", "/v1/sso-connection");
    expect(seen.status).toBe(404);
    expect(JSON.stringify(seen.body)).not.toContain(a.id);
    expect((await t.call(b.key, "DELETE", "/v1/sso-connection")).status).toBe(404);
    // b's PUT makes b's own connection, for its own domain; a's stays as it was
    const own = await t.call(b.key, "PUT", "/v1/sso-connection", connectionBody({ email_domain: "boras.example" }, other));
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    expect(own.body.organisation_id).toBe(b.id);
    expect((await t.call(a.key, "GET", "/v1/sso-connection")).body).toEqual(mine);
    expect((await t.call(b.key, "DELETE", "/v1/sso-connection")).status).toBe(200);
    expect((await t.call(a.key, "GET", "/v1/sso-connection")).body).toEqual(mine);
  });
});

describe("signing in with single sign-on (against a real OpenID provider over HTTP)", () => {
  it("provisions a person on the first sign-in with the default role, opens a console session, and reuses the person the next time", async () => {
    const t = await createTestContext();
    const org = await createOrg(t, "Aarhus Kommune");
    await connect(t, org);
    // the sign-in page offers single sign-on once an organisation has it
    expect(await (await t.app.request("/console/sign-in", { headers: EN })).text()).toContain('action="/console/sso/start"');
    const person = account({ name: "Mette Hansen" });
    idp.requests.length = 0;

    const started = await start(t, person.email!);
    const authorization = new URL(started.location!);
    expect(authorization.origin + authorization.pathname).toBe(`${idp.issuer}/auth`);
    expect(Object.fromEntries(authorization.searchParams)).toMatchObject({
      client_id: idp.clientId,
      response_type: "code",
      redirect_uri: `${t.deps.publicUrl}/console/sso/callback`,
      scope: "openid email profile",
      code_challenge_method: "S256",
      login_hint: person.email,
    });
    for (const p of ["state", "nonce", "code_challenge"]) expect(authorization.searchParams.get(p), p).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(started.flowCookie).toBe(`console_sso=${authorization.searchParams.get("state")}`);
    // only the state's hash is kept
    const flows = (await t.client.execute("SELECT id FROM sso_flows")).rows;
    expect(flows).toHaveLength(1);
    expect(flows[0]!.id).not.toBe(authorization.searchParams.get("state"));

    const first = await signIn(t, person.email!.toUpperCase(), person.login);
    expect(first.res.status, await first.res.clone().text()).toBe(303);
    expect(first.res.headers.get("location")).toBe("/console");
    expect(first.session).toMatch(/^console_session=.{40,}/);
    const [user] = await userByEmail(t, person.email!);
    expect(user).toMatchObject({ organisation_id: org.id, name: "Mette Hansen", role: "viewer", status: "active", source: "sso" });
    expect(String(user!.mail_token)).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // the cookie reaches the console, signed in as the person
    const inbox = await t.app.request("/console", { headers: { Cookie: first.session!, ...EN } });
    expect(inbox.status).toBe(200);
    expect(await inbox.text()).toContain("Mette Hansen");

    const api = await t.call(org.key, "GET", `/v1/users/${user!.id}`);
    expect(api.body).toMatchObject({ source: "sso", role: "viewer", status: "active", invited_by: null });

    const second = await signIn(t, person.email!, person.login);
    expect(second.res.status).toBe(303);
    expect(second.session).toBeDefined();
    expect(second.session).not.toBe(first.session);
    expect(await userByEmail(t, person.email!)).toEqual([expect.objectContaining({ id: user!.id })]);

    const signedIn = await t.call(org.key, "GET", "/v1/audit?action=user.signed_in");
    expect(signedIn.body.data).toHaveLength(2);
    for (const record of signedIn.body.data) {
      expect(record.actor.user).toEqual({ id: user!.id, name: "Mette Hansen", email: person.email });
      expect(record.actor.organisation_id).toBe(org.id);
      expect(record.detail).toEqual({ method: "sso" });
    }
    const provisioned = await t.call(org.key, "GET", "/v1/audit?action=user.provisioned");
    expect(provisioned.body.data).toEqual([
      expect.objectContaining({ resource: { type: "user", id: user!.id }, detail: expect.objectContaining({ role: "viewer", source: "sso" }) }),
    ]);
    // what a flow kept is gone once used: only the one started first and abandoned is left, until it expires
    expect(await countRows(t, "sso_flows")).toBe(1);
    // this provider gives the address only at its UserInfo endpoint, which was asked
    expect(idp.requests).toContain("/me");
  });

  it("takes the address from the ID token when the provider puts it there, without asking UserInfo", async () => {
    const t = await createTestContext();
    const org = await createOrg(t, "Borås Stad", "SE");
    const res = await t.call(org.key, "PUT", "/v1/sso-connection", connectionBody({ email_domain: "boras.example", default_role: "decider" }, other));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const person = account({ email: "anna.berg@boras.example", name: "Anna Berg" }, other);
    other.requests.length = 0;
    const { answer, flowCookie } = await throughProvider(t, person.email!, person.login, other);
    const signedIn = await callback(t, answer, flowCookie);
    expect(signedIn.status).toBe(303);
    expect((await userByEmail(t, person.email!))[0]).toMatchObject({ organisation_id: org.id, name: "Anna Berg", role: "decider" });
    expect(other.requests).toContain("/token");
    expect(other.requests).not.toContain("/me");
  });

  it("gives a provisioned person the connection's default role, and lets an invited person in with their own", async () => {
    const t = await createTestContext();
    const org = await createOrg(t);
    await connect(t, org, { default_role: "decider" });
    const fresh = account();
    expect((await signIn(t, fresh.email!, fresh.login)).res.status).toBe(303);
    expect((await userByEmail(t, fresh.email!))[0]).toMatchObject({ role: "decider", source: "sso" });

    const invited = account();
    const user = await invitePerson(t, org.key, { email: invited.email, role: "admin" });
    const res = await signIn(t, invited.email!, invited.login);
    expect(res.res.status).toBe(303);
    expect((await userByEmail(t, invited.email!))[0]).toMatchObject({ id: user.id, role: "admin", status: "active", source: "invitation" });
  });

  it("answers an address without single sign-on, or of a switched-off connection, with the sign-in page: 422", async () => {
    const t = await createTestContext();
    const org = await createOrg(t);
    await connect(t, org, { enabled: false });
    for (const email of ["someone@nowhere.example", `someone@${DOMAIN}`, "not an address"]) {
      const { res, flowCookie } = await start(t, email);
      expect(res.status, email).toBe(422);
      expect(await res.text()).toContain(UNAVAILABLE);
      expect(flowCookie).toBeUndefined();
    }
    expect(await countRows(t, "sso_flows")).toBe(0);
  });

  it.each([
    ["an address of another domain", { email: "person@elsewhere.example" }, /not of aarhus\.example/],
    ["an address the provider says is not verified", { email_verified: false }, /does not vouch/],
    ["no address at all", { email: undefined }, /no e-mail address/],
  ])("refuses %s: 400, no session, nobody provisioned", async (_what, overrides, because) => {
    const t = await createTestContext();
    const reasons = refusals(t);
    const org = await createOrg(t);
    await connect(t, org);
    const person = account(overrides);
    const before = await countRows(t, "users");
    // the person types an address of the domain; the provider vouches for another, or none
    const { res } = await signIn(t, `${person.login}@${DOMAIN}`, person.login);
    await expectRefused(res, reasons, because);
    expect(await countRows(t, "users")).toBe(before);
    expect(await countRows(t, "user_sessions")).toBe(0);
  });

  it("refuses a deactivated person, and an address that belongs to a person of another organisation", async () => {
    const t = await createTestContext();
    const org = await createOrg(t, "Aarhus Kommune");
    const elsewhere = await createOrg(t, "Odder Kommune");
    const reasons = refusals(t);
    await connect(t, org);

    const leaver = account();
    const user = await invitePerson(t, org.key, { email: leaver.email, role: "decider" });
    const off = await t.call(org.key, "PATCH", `/v1/users/${user.id}`, { status: "deactivated" });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    await expectRefused((await signIn(t, leaver.email!, leaver.login)).res, reasons, /deactivated/);
    expect((await userByEmail(t, leaver.email!))[0]).toMatchObject({ status: "deactivated" });

    // the other organisation invited an address of this domain: this provider does not sign its person in
    const theirs = account();
    const foreign = await invitePerson(t, elsewhere.key, { email: theirs.email, role: "admin" });
    await expectRefused((await signIn(t, theirs.email!, theirs.login)).res, reasons, /another organisation/);
    expect((await userByEmail(t, theirs.email!))[0]).toMatchObject({ id: foreign.id, organisation_id: elsewhere.id, status: "invited" });
    expect(await countRows(t, "user_sessions")).toBe(0);
  });

  it("uses a provider's answer once: the same callback again is refused", async () => {
    const t = await createTestContext();
    const reasons = refusals(t);
    const org = await createOrg(t);
    await connect(t, org);
    const person = account();
    const first = await signIn(t, person.email!, person.login);
    expect(first.res.status).toBe(303);
    const sessions = await countRows(t, "user_sessions");
    await expectRefused(await callback(t, first.answer, first.flowCookie), reasons, /no sign-in is under way/);
    expect(await countRows(t, "user_sessions")).toBe(sessions);
  });

  it("refuses a tampered state, and an answer opened in another browser, without spending the sign-in", async () => {
    const t = await createTestContext();
    const reasons = refusals(t);
    const org = await createOrg(t);
    await connect(t, org);
    const person = account();
    const { answer, flowCookie } = await throughProvider(t, person.email!, person.login);
    const state = answer.searchParams.get("state")!;
    const tampered = new URL(answer);
    tampered.searchParams.set("state", `${state.slice(0, -2)}xy`);

    // the state changed in the link only; and in both the link and the cookie (no such sign-in is under way)
    await expectRefused(await callback(t, tampered, flowCookie), reasons, /not the one this browser started with/);
    await expectRefused(await callback(t, tampered, `console_sso=${tampered.searchParams.get("state")}`), reasons, /no sign-in is under way/);
    // the right answer in a browser that did not start it: a forged link would sign its opener in as someone else
    await expectRefused(await callback(t, answer), reasons, /not the one this browser started with/);
    await expectRefused(await callback(t, answer, "console_sso=someone-elses"), reasons, /not the one this browser started with/);
    expect(await countRows(t, "user_sessions")).toBe(0);
    expect(await countRows(t, "sso_flows")).toBe(1);

    // the browser that started it still signs in
    const res = await callback(t, answer, flowCookie);
    expect(res.status).toBe(303);
    expect(cookieOf(res, "console_session")).toBeDefined();
  });

  it("refuses a sign-in that took longer than 10 minutes, and one whose connection was deleted meanwhile", async () => {
    const t = await createTestContext();
    const reasons = refusals(t);
    const org = await createOrg(t);
    await connect(t, org);
    const person = account();
    const late = await throughProvider(t, person.email!, person.login);
    t.clock.advance(10 * 60_000 + 1);
    await expectRefused(await callback(t, late.answer, late.flowCookie), reasons, /longer than 10 minutes/);

    const meanwhile = await throughProvider(t, person.email!, person.login);
    expect((await t.call(org.key, "DELETE", "/v1/sso-connection")).status).toBe(200);
    await expectRefused(await callback(t, meanwhile.answer, meanwhile.flowCookie), reasons, /no sign-in is under way/);
    expect(await countRows(t, "user_sessions")).toBe(0);
  });

  it("refuses an answer the provider gives with an error (the person declined), and one with a forged code", async () => {
    const t = await createTestContext();
    const reasons = refusals(t);
    const org = await createOrg(t);
    await connect(t, org);
    const person = account();
    const declined = await throughProvider(t, person.email!, person.login);
    const error = new URL(declined.answer.origin + declined.answer.pathname);
    error.searchParams.set("error", "access_denied");
    error.searchParams.set("state", declined.answer.searchParams.get("state")!);
    error.searchParams.set("iss", idp.issuer);
    await expectRefused(await callback(t, error, declined.flowCookie), reasons, /access_denied/);

    const forged = await throughProvider(t, person.email!, person.login);
    const url = new URL(forged.answer);
    url.searchParams.set("code", "forged-code");
    await expectRefused(await callback(t, url, forged.flowCookie), reasons, /answer did not hold.*invalid_grant/);
    expect(await countRows(t, "user_sessions")).toBe(0);
  });
});
