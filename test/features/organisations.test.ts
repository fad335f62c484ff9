import { describe, expect, it } from "vitest";
import { hashSecret } from "../../src/core/crypto";
import { createTestContext, type TestContext } from "../helpers/app";
import { createActiveAgreement, createOrg, firstKeyId } from "../helpers/factories";
import { snapshotCounts } from "../helpers/db-snapshot";

const orgBody = (name: string) => ({
  name,
  registration: { scheme: "se_orgnr", number: "212000-1124" },
  address: { street: "August Palms plats 1", postal_code: "205 80", city: "Malmö", country: "SE" },
});

describe("organisations: the operator creates them", () => {
  it("creates an organisation and reads it back", async () => {
    const t = await createTestContext();
    const created = await t.call(t.operatorKey, "POST", "/v1/organisations", orgBody("Arbetsmarknadsnämnden, Malmö stad"));
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      object: "organisation",
      id: expect.stringMatching(/^org_[0-9A-Z]{26}$/),
      name: "Arbetsmarknadsnämnden, Malmö stad",
      registration: { scheme: "se_orgnr", number: "212000-1124" },
      country: "SE",
      address: { street: "August Palms plats 1", postal_code: "205 80", city: "Malmö", country: "SE" },
      public_authority: false,
      time_zone: "Europe/Stockholm",
      created_at: t.clock.now().toISOString(),
    });
    const read = await t.call(t.operatorKey, "GET", `/v1/organisations/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
  });

  it("trims the name", async () => {
    const t = await createTestContext();
    const created = await t.call(t.operatorKey, "POST", "/v1/organisations", orgBody("  Malmö stad  "));
    expect(created.status).toBe(201);
    expect(created.body.name).toBe("Malmö stad");
  });
});

describe("API keys", () => {
  it("shows the secret once; the prefix is its first 12 characters; a list never shows a secret or hash", async () => {
    const t = await createTestContext();
    const org = await createOrg(t);
    const created = await t.call(t.operatorKey, "POST", `/v1/organisations/${org.id}/api-keys`, { name: "GRC integration" });
    expect(created.status).toBe(201);
    const { secret, prefix } = created.body;
    expect(secret).toMatch(/^sk_live_[0-9A-Za-z]{32}$/);
    expect(prefix).toBe(secret.slice(0, 12));
    expect(prefix.startsWith("sk_live_")).toBe(true);
    expect(created.body).toMatchObject({ object: "api_key", id: expect.stringMatching(/^key_/), organisation_id: org.id, name: "GRC integration", revoked_at: null });

    const list = await t.call(t.operatorKey, "GET", `/v1/organisations/${org.id}/api-keys`);
    expect(list.status).toBe(200);
    expect(list.body.data.map((k: { id: string }) => k.id)).toEqual([created.body.id, await firstKeyId(t, org.id)]);
    const text = JSON.stringify(list.body);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(org.key);
    expect(text).not.toContain(await hashSecret(secret));
    expect(text).not.toContain(await hashSecret(org.key));
    for (const key of list.body.data) {
      expect(Object.keys(key).sort()).toEqual(["created_at", "expires_at", "id", "last_used_at", "name", "object", "organisation_id", "prefix", "revoked_at", "scope", "user_id"]);
    }
    // the database keeps only the hash
    const stored = await t.client.execute({ sql: "SELECT * FROM api_keys WHERE id = ?", args: [created.body.id] });
    expect(JSON.stringify(stored.rows)).not.toContain(secret);
    expect(stored.rows[0]!.secret_hash).toBe(await hashSecret(secret));
  });

  it("two keys have different secrets and both work", async () => {
    const t = await createTestContext();
    const org = await createOrg(t);
    const second = await t.call(t.operatorKey, "POST", `/v1/organisations/${org.id}/api-keys`, { name: "second" });
    expect(second.body.secret).not.toBe(org.key);
    for (const key of [org.key, second.body.secret]) {
      const me = await t.call(key, "GET", "/v1/organisations/me");
      expect(me.status).toBe(200);
      expect(me.body.id).toBe(org.id);
    }
  });

  it("a revoked key gets 401 at once; revoking it again is 409 invalid_state; other keys keep working", async () => {
    const t = await createTestContext();
    const org = await createOrg(t);
    const spare = await t.call(t.operatorKey, "POST", `/v1/organisations/${org.id}/api-keys`, { name: "spare" });
    const keyId = await firstKeyId(t, org.id);
    expect((await t.call(org.key, "GET", "/v1/organisations/me")).status).toBe(200);

    t.clock.advance(60_000);
    const revoked = await t.call(t.operatorKey, "DELETE", `/v1/organisations/${org.id}/api-keys/${keyId}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: keyId, revoked_at: t.clock.now().toISOString() });
    expect(revoked.body).not.toHaveProperty("secret");

    const after = await t.call(org.key, "GET", "/v1/organisations/me");
    expect(after.status).toBe(401);
    expect(after.body.code).toBe("unauthenticated");
    expect((await t.call(spare.body.secret, "GET", "/v1/organisations/me")).status).toBe(200);

    const again = await t.call(t.operatorKey, "DELETE", `/v1/organisations/${org.id}/api-keys/${keyId}`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: "invalid_state", current_state: "revoked" });
    expect(again.headers.get("content-type")).toMatch(/^application\/problem\+json/);

    const list = await t.call(t.operatorKey, "GET", `/v1/organisations/${org.id}/api-keys`);
    expect(list.body.data.find((k: { id: string }) => k.id === keyId).revoked_at).toBe(revoked.body.revoked_at);
  });

  it("a key is revoked only under its own organisation", async () => {
    const t = await createTestContext();
    const a = await createOrg(t);
    const b = await createOrg(t);
    const keyOfA = await firstKeyId(t, a.id);
    const wrong = await t.call(t.operatorKey, "DELETE", `/v1/organisations/${b.id}/api-keys/${keyOfA}`);
    expect(wrong.status).toBe(404);
    expect(wrong.body.code).toBe("not_found");
    expect((await t.call(a.key, "GET", "/v1/organisations/me")).status).toBe(200);
  });

  it("keys of an unknown organisation: 404", async () => {
    const t = await createTestContext();
    for (const [method, body] of [
      ["GET", undefined],
      ["POST", { name: "x" }],
    ] as const) {
      const res = await t.call(t.operatorKey, method, "/v1/organisations/org_00000000000000000000000000/api-keys", body);
      expect(res.status, method).toBe(404);
      expect(res.body.code).toBe("not_found");
    }
  });
});

describe("an organisation reads itself, and only itself", () => {
  it("GET /v1/organisations/me is the calling key's organisation", async () => {
    const t = await createTestContext();
    const a = await createOrg(t, "Aarhus Kommune");
    const me = await t.call(a.key, "GET", "/v1/organisations/me");
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ object: "organisation", id: a.id, name: "Aarhus Kommune" });
    expect((await t.call(a.key, "GET", `/v1/organisations/${a.id}`)).body).toEqual(me.body);
  });

  it("reading another organisation answers exactly as a missing one", async () => {
    const t = await createTestContext();
    const a = await createOrg(t);
    const b = await createOrg(t);
    const other = await t.call(a.key, "GET", `/v1/organisations/${b.id}`);
    const missing = await t.call(a.key, "GET", "/v1/organisations/org_00000000000000000000000000");
    expect(other.status).toBe(404);
    expect(missing.status).toBe(404);
    const strip = ({ instance: _i, request_id: _r, ...rest }: Record<string, unknown>) => rest;
    expect(strip(other.body)).toEqual(strip(missing.body));
    expect(other.body.code).toBe("not_found");
  });

  it("parties to one agreement still cannot read each other's organisation record", async () => {
    const t = await createTestContext();
    const p = await createOrg(t);
    const c = await createOrg(t);
    await createActiveAgreement(t, p, c);
    expect((await t.call(p.key, "GET", `/v1/organisations/${c.id}`)).status).toBe(404);
  });
});

async function fixture() {
  const t = await createTestContext();
  const org = await createOrg(t);
  const partner = await createOrg(t);
  const agreement = await createActiveAgreement(t, org, partner);
  const keyId = await firstKeyId(t, org.id);
  return { t, org, partner, agreement, keyId };
}

describe("who may call what", () => {
  const OPERATOR_ONLY: [string, (f: Awaited<ReturnType<typeof fixture>>) => [string, string, unknown?]][] = [
    ["create an organisation", () => ["POST", "/v1/organisations", orgBody("X")]],
    ["list organisations", () => ["GET", "/v1/organisations"]],
    ["create a key, even for itself", (f) => ["POST", `/v1/organisations/${f.org.id}/api-keys`, { name: "mine" }]],
    ["list keys, even its own", (f) => ["GET", `/v1/organisations/${f.org.id}/api-keys`]],
    ["revoke a key, even its own", (f) => ["DELETE", `/v1/organisations/${f.org.id}/api-keys/${f.keyId}`]],
  ];

  it.each(OPERATOR_ONLY)("an organisation key may not %s: 403, nothing changes", async (_name, request) => {
    const f = await fixture();
    const [method, path, body] = request(f);
    const before = await snapshotCounts(f.t);
    const res = await f.t.call(f.org.key, method, path, body);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: "forbidden", status: 403, title: "Forbidden" });
    expect(await snapshotCounts(f.t)).toEqual(before);
    expect((await f.t.call(f.org.key, "GET", "/v1/organisations/me")).status).toBe(200);
  });

  const ORGANISATION_ONLY: [string, (f: Awaited<ReturnType<typeof fixture>>) => [string, string, unknown?]][] = [
    ["read /organisations/me", () => ["GET", "/v1/organisations/me"]],
    ["list agreements", () => ["GET", "/v1/agreements"]],
    ["read an agreement", (f) => ["GET", `/v1/agreements/${f.agreement.id}`]],
    ["confirm an agreement", (f) => ["POST", `/v1/agreements/${f.agreement.id}/confirm`]],
    ["decline an agreement", (f) => ["POST", `/v1/agreements/${f.agreement.id}/decline`, { reason: "no" }]],
    ["read an annex", (f) => ["GET", `/v1/agreements/${f.agreement.id}/annex`]],
    ["list annex versions", (f) => ["GET", `/v1/agreements/${f.agreement.id}/annex/versions`]],
    ["read an annex version", (f) => ["GET", `/v1/agreements/${f.agreement.id}/annex/versions/1`]],
    ["diff annex versions", (f) => ["GET", `/v1/agreements/${f.agreement.id}/annex/diff?from=1`]],
  ];

  it.each(ORGANISATION_ONLY)("the operator key may not %s: 403", async (_name, request) => {
    const f = await fixture();
    const [method, path, body] = request(f);
    const before = await snapshotCounts(f.t);
    const res = await f.t.call(f.t.operatorKey, method, path, body);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("forbidden");
    expect(await snapshotCounts(f.t)).toEqual(before);
  });
});

describe("GET /v1/organisations: pagination", () => {
  async function orgs(t: TestContext, n: number, label: string) {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      // a second between creations keeps ids (time-ordered) strictly in creation order
      t.clock.advance(1000);
      const res = await t.call(t.operatorKey, "POST", "/v1/organisations", orgBody(`${label} ${i}`));
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    return ids;
  }

  it("limit=2 walks every page newest first, without duplicates", async () => {
    const t = await createTestContext();
    const created = await orgs(t, 5, "Kommune");
    const seen: string[] = [];
    const pages: number[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: any } = await t.call(t.operatorKey, "GET", `/v1/organisations?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      expect(res.body.object).toBe("list");
      pages.push(res.body.data.length);
      seen.push(...res.body.data.map((o: { id: string }) => o.id));
      expect(res.body.has_more).toBe(res.body.next_cursor !== null);
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(pages).toEqual([2, 2, 1]);
    expect(seen).toEqual([...created].reverse());
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("an exact multiple of the limit ends without an empty page", async () => {
    const t = await createTestContext();
    await orgs(t, 4, "Kommune");
    const first = await t.call(t.operatorKey, "GET", "/v1/organisations?limit=2");
    const second = await t.call(t.operatorKey, "GET", `/v1/organisations?limit=2&cursor=${first.body.next_cursor}`);
    expect(second.body.data).toHaveLength(2);
    expect(second.body).toMatchObject({ has_more: false, next_cursor: null });
  });

  it("is stable when organisations are created between page fetches", async () => {
    const t = await createTestContext();
    const created = await orgs(t, 5, "Before");
    const seen: string[] = [];
    const inserted: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: any } = await t.call(t.operatorKey, "GET", `/v1/organisations?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((o: { id: string }) => o.id));
      cursor = res.body.next_cursor;
      inserted.push(...(await orgs(t, 2, "During")));
    } while (cursor);
    // the walk shows exactly the organisations that existed when it started, in order
    expect(seen).toEqual([...created].reverse());
    expect(seen.some((id) => inserted.includes(id))).toBe(false);
    // a new walk starts with the newest
    const fresh = await t.call(t.operatorKey, "GET", "/v1/organisations?limit=2");
    expect(fresh.body.data.map((o: { id: string }) => o.id)).toEqual([inserted.at(-1), inserted.at(-2)]);
  });

  it("the default page holds 20", async () => {
    const t = await createTestContext();
    await orgs(t, 21, "Kommune");
    const res = await t.call(t.operatorKey, "GET", "/v1/organisations");
    expect(res.body.data).toHaveLength(20);
    expect(res.body.has_more).toBe(true);
  });
});
