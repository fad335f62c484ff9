import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createTestContext, type TestContext, type TestResponse } from "../helpers/app";
import { createActiveAgreement, createOrg, firstKeyId, type TestOrg } from "../helpers/factories";
import { dumpState } from "../helpers/db-snapshot";

/**
 * API keys over HTTP: scopes, expiry, revocation, last use, and what is never shown.
 * The middleware under test is src/http/auth.ts.
 */

interface IssuedKey {
  id: string;
  secret: string;
  prefix: string;
  scope: "read" | "write";
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

async function issueKey(t: TestContext, org: TestOrg, body: Record<string, unknown> = {}): Promise<IssuedKey> {
  const res = await t.call(t.operatorKey, "POST", `/v1/organisations/${org.id}/api-keys`, { name: "key under test", ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** A key as the operator lists it (the operator's own key use does not touch the key under test). */
async function keyAsListed(t: TestContext, org: TestOrg, keyId: string) {
  const res = await t.call(t.operatorKey, "GET", `/v1/organisations/${org.id}/api-keys?limit=100`);
  expect(res.status).toBe(200);
  const key = res.body.data.find((k: { id: string }) => k.id === keyId);
  expect(key, `key ${keyId} listed`).toBeDefined();
  return key as IssuedKey;
}

const expectProblem = (res: TestResponse, status: number, code: string) => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, code, type: expect.stringMatching(/^https:\/\//), title: expect.any(String), detail: expect.any(String) });
};

/** A processor, a controller with an active agreement, a webhook endpoint of the controller. */
async function setup() {
  const t = await createTestContext();
  const processor = await createOrg(t, "Processor ApS");
  const controller = await createOrg(t, "Controller Kommune");
  const agreement = await createActiveAgreement(t, processor, controller);
  const endpoint = await t.call(controller.key, "POST", "/v1/webhook-endpoints", { url: "https://hooks.example.com/controller" });
  expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
  return { t, processor, controller, agreementId: agreement.id, endpointId: endpoint.body.id as string };
}

describe("scopes", () => {
  it("a key is a write key unless asked otherwise; a read key says so", async () => {
    const { t, controller } = await setup();
    expect((await issueKey(t, controller)).scope).toBe("write");
    expect((await issueKey(t, controller, { scope: "read" })).scope).toBe("read");
    const bad = await t.call(t.operatorKey, "POST", `/v1/organisations/${controller.id}/api-keys`, { name: "x", scope: "admin" });
    expectProblem(bad, 422, "validation_failed");
    expect(bad.body.errors).toEqual([expect.objectContaining({ pointer: "/scope" })]);
  });

  it("a read key reads: the agreement, its annex, its versions, the audit trail, its own keys", async () => {
    const { t, controller, agreementId } = await setup();
    const read = await issueKey(t, controller, { scope: "read" });
    for (const path of [
      `/v1/agreements/${agreementId}`,
      `/v1/agreements/${agreementId}/annex`,
      `/v1/agreements/${agreementId}/annex/versions`,
      "/v1/audit",
      "/v1/api-keys",
      "/v1/organisations/me",
    ]) {
      const res = await t.call(read.secret, "GET", path);
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
    }
  });

  it("a read key gets 403 forbidden problem+json on POST, PATCH and DELETE, and nothing changes (not even its last use)", async () => {
    const { t, processor, controller, agreementId, endpointId } = await setup();
    const read = await issueKey(t, controller, { scope: "read" });
    const cr = await t.call(processor.key, "POST", "/v1/change-requests", {
      agreements: [agreementId],
      operations: [{ op: "remove_sub_processor", ref: "nordhost" }],
      reason: "Moving hosting",
    });
    // whether or not this particular change is valid, the read key must be refused before any rule is looked at
    const decisionId: string = cr.body?.decisions?.[0]?.id ?? "dec_00000000000000000000000000";
    const writes: [string, string, unknown?][] = [
      ["POST", "/v1/webhook-endpoints", { url: "https://hooks.example.com/read-key" }],
      ["POST", `/v1/decisions/${decisionId}/object`, { reason: "No" }],
      ["POST", `/v1/decisions/${decisionId}/approve`, {}],
      ["PATCH", `/v1/webhook-endpoints/${endpointId}`, { url: "https://attacker.example.com/" }],
      ["DELETE", `/v1/webhook-endpoints/${endpointId}`],
      // not even its own revocation: that is a write too
      ["DELETE", `/v1/api-keys/${read.id}`],
      ["PUT", `/v1/webhook-endpoints/${endpointId}`, { url: "https://attacker.example.com/" }],
    ];
    const before = await dumpState(t);
    for (const [method, path, body] of writes) {
      const res = await t.call(read.secret, method, path, body);
      expectProblem(res, 403, "forbidden");
      expect(res.body.detail).toMatch(/read-only/i);
    }
    // an Idempotency-Key does not get a refused write stored either
    const withKey = await t.call(read.secret, "POST", "/v1/webhook-endpoints", { url: "https://hooks.example.com/x" }, { "Idempotency-Key": "read-key-1" });
    expectProblem(withKey, 403, "forbidden");
    expect(await dumpState(t)).toEqual(before);
    expect((await keyAsListed(t, controller, read.id)).last_used_at).toBeNull();
  });
});

describe("expiry", () => {
  it("a key created to expire in a minute works until then and answers 401 from that instant on", async () => {
    const { t, controller } = await setup();
    const expiresAt = new Date(t.clock.now().getTime() + 60_000).toISOString();
    const key = await issueKey(t, controller, { expires_at: expiresAt });
    expect(key.expires_at).toBe(expiresAt);
    expect((await t.call(key.secret, "GET", "/v1/organisations/me")).status).toBe(200);
    t.clock.advance(59_999);
    expect((await t.call(key.secret, "GET", "/v1/organisations/me")).status).toBe(200);
    t.clock.advance(1);
    const before = await dumpState(t);
    const expired = await t.call(key.secret, "GET", "/v1/organisations/me");
    expectProblem(expired, 401, "unauthenticated");
    const write = await t.call(key.secret, "POST", "/v1/webhook-endpoints", { url: "https://hooks.example.com/late" });
    expectProblem(write, 401, "unauthenticated");
    expect(await dumpState(t)).toEqual(before);
    // the organisation's other key is unaffected
    expect((await t.call(controller.key, "GET", "/v1/organisations/me")).status).toBe(200);
  });

  it("an expired key, a revoked key and an unknown key get the same 401: nothing tells them apart", async () => {
    const { t, controller } = await setup();
    const expiring = await issueKey(t, controller, { expires_at: new Date(t.clock.now().getTime() + 60_000).toISOString() });
    const revoked = await issueKey(t, controller);
    expect((await t.call(t.operatorKey, "DELETE", `/v1/organisations/${controller.id}/api-keys/${revoked.id}`)).status).toBe(200);
    t.clock.advance(61_000);
    const strip = (res: TestResponse) => {
      const { request_id: _r, ...rest } = res.body;
      return rest;
    };
    const answers = await Promise.all([expiring.secret, revoked.secret, "sk_live_000000000000000000000000000000ZZ"].map((k) => t.call(k, "GET", "/v1/organisations/me")));
    for (const res of answers) expectProblem(res, 401, "unauthenticated");
    expect(strip(answers[0]!)).toEqual(strip(answers[2]!));
    expect(strip(answers[1]!)).toEqual(strip(answers[2]!));
  });

  it("expires_at must be a date-time with an offset", async () => {
    const { t, controller } = await setup();
    for (const expires_at of ["tomorrow", "2026-11-23", 1_700_000_000]) {
      const res = await t.call(t.operatorKey, "POST", `/v1/organisations/${controller.id}/api-keys`, { name: "x", expires_at });
      expectProblem(res, 422, "validation_failed");
      expect(res.body.errors).toEqual([expect.objectContaining({ pointer: "/expires_at" })]);
    }
  });

  it("expires_at not after now at creation is refused: 422 naming /expires_at, and no key is issued", async () => {
    const { t, controller } = await setup();
    const before = await dumpState(t);
    for (const offset of [-1_000, 0]) {
      const res = await t.call(t.operatorKey, "POST", `/v1/organisations/${controller.id}/api-keys`, {
        name: "dead on arrival",
        expires_at: new Date(t.clock.now().getTime() + offset).toISOString(),
      });
      expectProblem(res, 422, "validation_failed");
      expect(res.body.errors).toEqual([expect.objectContaining({ pointer: "/expires_at" })]);
      expect(JSON.stringify(res.body)).not.toMatch(/sk_live_/);
    }
    expect(await dumpState(t)).toEqual(before);
  });
});

describe("revocation", () => {
  it("revoked by the operator: 401 at once, on reads and writes", async () => {
    const { t, controller } = await setup();
    const key = await issueKey(t, controller);
    expect((await t.call(key.secret, "GET", "/v1/agreements")).status).toBe(200);
    const revoked = await t.call(t.operatorKey, "DELETE", `/v1/organisations/${controller.id}/api-keys/${key.id}`);
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    expect(revoked.body).toMatchObject({ id: key.id, revoked_at: t.clock.now().toISOString() });
    expect(revoked.body).not.toHaveProperty("secret");
    expectProblem(await t.call(key.secret, "GET", "/v1/agreements"), 401, "unauthenticated");
    expectProblem(await t.call(key.secret, "POST", "/v1/webhook-endpoints", { url: "https://hooks.example.com/after" }), 401, "unauthenticated");
  });

  it("revoked by the organisation itself through DELETE /v1/api-keys/{key_id}: 401 at once; again is 409", async () => {
    const { t, controller } = await setup();
    const key = await issueKey(t, controller);
    const own = await t.call(controller.key, "GET", "/v1/api-keys?limit=100");
    expect(own.status).toBe(200);
    expect(own.body.data.map((k: { id: string }) => k.id)).toContain(key.id);
    const revoked = await t.call(controller.key, "DELETE", `/v1/api-keys/${key.id}`);
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    expect(revoked.body).toMatchObject({ object: "api_key", id: key.id, organisation_id: controller.id, revoked_at: t.clock.now().toISOString() });
    expectProblem(await t.call(key.secret, "GET", "/v1/organisations/me"), 401, "unauthenticated");
    expectProblem(await t.call(controller.key, "DELETE", `/v1/api-keys/${key.id}`), 409, "invalid_state");
    // the key that revoked it keeps working
    expect((await t.call(controller.key, "GET", "/v1/organisations/me")).status).toBe(200);
  });

  it("a key may revoke itself: the request that does it succeeds, the next one is 401", async () => {
    const { t, controller } = await setup();
    const self = await issueKey(t, controller);
    const res = await t.call(self.secret, "DELETE", `/v1/api-keys/${self.id}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expectProblem(await t.call(self.secret, "GET", "/v1/organisations/me"), 401, "unauthenticated");
  });

  it("an organisation cannot revoke another organisation's key: 404, exactly as a missing key; the key keeps working", async () => {
    const { t, processor, controller } = await setup();
    const victimKeyId = await firstKeyId(t, processor.id);
    const before = await dumpState(t);
    const res = await t.call(controller.key, "DELETE", `/v1/api-keys/${victimKeyId}`);
    expectProblem(res, 404, "not_found");
    const missing = await t.call(controller.key, "DELETE", "/v1/api-keys/key_00000000000000000000000000");
    expectProblem(missing, 404, "not_found");
    const { instance: _a, request_id: _b, ...a } = res.body;
    const { instance: _c, request_id: _d, ...b } = missing.body;
    expect(a).toEqual(b);
    expect(await dumpState(t)).toEqual(before);
    expect((await t.call(processor.key, "GET", "/v1/organisations/me")).status).toBe(200);
    // nor through the operator's route, which is the operator's alone
    expectProblem(await t.call(controller.key, "DELETE", `/v1/organisations/${processor.id}/api-keys/${victimKeyId}`), 403, "forbidden");
    // and the operator's route checks that the key belongs to the organisation named in the path
    expectProblem(await t.call(t.operatorKey, "DELETE", `/v1/organisations/${controller.id}/api-keys/${victimKeyId}`), 404, "not_found");
    expect((await t.call(processor.key, "GET", "/v1/organisations/me")).status).toBe(200);
  });

  it("an organisation lists only its own keys", async () => {
    const { t, processor, controller } = await setup();
    const own = await t.call(controller.key, "GET", "/v1/api-keys?limit=100");
    expect(own.status).toBe(200);
    expect(own.body.data.map((k: { id: string }) => k.id)).toEqual([await firstKeyId(t, controller.id)]);
    expect(JSON.stringify(own.body)).not.toContain(processor.id);
  });
});

describe("last use", () => {
  it("is set by a successful request, not by a refused one, and moves at most once a minute", async () => {
    const { t, controller, agreementId } = await setup();
    const key = await issueKey(t, controller);
    const read = await issueKey(t, controller, { scope: "read" });
    expect(key.last_used_at).toBeNull();

    // refused requests: a 404, a 422, a read key's 403
    t.clock.advance(1_000);
    expect((await t.call(key.secret, "GET", "/v1/agreements/agr_00000000000000000000000000")).status).toBe(404);
    expect((await t.call(key.secret, "POST", "/v1/webhook-endpoints", { url: "not a url" })).status).toBe(422);
    expect((await t.call(read.secret, "POST", "/v1/webhook-endpoints", { url: "https://hooks.example.com/r" })).status).toBe(403);
    expect((await keyAsListed(t, controller, key.id)).last_used_at).toBeNull();
    expect((await keyAsListed(t, controller, read.id)).last_used_at).toBeNull();

    // a success sets it to the request's instant
    const first = t.clock.now().toISOString();
    expect((await t.call(key.secret, "GET", `/v1/agreements/${agreementId}`)).status).toBe(200);
    expect((await keyAsListed(t, controller, key.id)).last_used_at).toBe(first);

    // within the minute: unchanged
    t.clock.advance(30_000);
    expect((await t.call(key.secret, "GET", `/v1/agreements/${agreementId}`)).status).toBe(200);
    t.clock.advance(29_000);
    expect((await t.call(key.secret, "GET", `/v1/agreements/${agreementId}`)).status).toBe(200);
    expect((await keyAsListed(t, controller, key.id)).last_used_at).toBe(first);

    // 61 s after the first use it moves
    t.clock.advance(2_000);
    const later = t.clock.now().toISOString();
    expect((await t.call(key.secret, "GET", `/v1/agreements/${agreementId}`)).status).toBe(200);
    expect((await keyAsListed(t, controller, key.id)).last_used_at).toBe(later);

    // a refused request after a minute does not move it either
    t.clock.advance(120_000);
    expect((await t.call(key.secret, "GET", "/v1/agreements/agr_00000000000000000000000000")).status).toBe(404);
    expect((await keyAsListed(t, controller, key.id)).last_used_at).toBe(later);
    // and a revoked key's 401 does not
    expect((await t.call(t.operatorKey, "DELETE", `/v1/organisations/${controller.id}/api-keys/${key.id}`)).status).toBe(200);
    t.clock.advance(120_000);
    expect((await t.call(key.secret, "GET", "/v1/organisations/me")).status).toBe(401);
    expect((await keyAsListed(t, controller, key.id)).last_used_at).toBe(later);
  });
});

describe("secrets and their hashes", () => {
  it("the database keeps the SHA-256 of the secret, never the secret; no route ever returns a hash, and the secret only at creation", async () => {
    const { t, processor, controller, agreementId, endpointId } = await setup();
    const key = await issueKey(t, controller, { scope: "read" });
    const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
    const stored = await t.client.execute("SELECT id, secret_hash, prefix FROM api_keys");
    const hashes = stored.rows.map((r) => String(r.secret_hash));
    expect(hashes).toContain(sha256(key.secret));
    expect(hashes).toContain(sha256(controller.key));
    expect(hashes).toContain(sha256(t.operatorKey));
    const all = JSON.stringify((await t.client.execute("SELECT * FROM api_keys")).rows);
    for (const secret of [key.secret, controller.key, processor.key, t.operatorKey]) expect(all).not.toContain(secret);

    // write the keys into the audit trail too: a revoke and a use of the key
    const spare = await issueKey(t, controller);
    expect((await t.call(controller.key, "DELETE", `/v1/api-keys/${spare.id}`)).status).toBe(200);
    const reads: [string | null, string][] = [
      [t.operatorKey, `/v1/organisations/${controller.id}/api-keys?limit=100`],
      [t.operatorKey, `/v1/organisations/${processor.id}/api-keys?limit=100`],
      [t.operatorKey, "/v1/organisations?limit=100"],
      [t.operatorKey, "/v1/audit?limit=100"],
      [t.operatorKey, "/v1/audit/export"],
      [controller.key, "/v1/api-keys?limit=100"],
      [key.secret, "/v1/api-keys?limit=100"],
      [controller.key, "/v1/audit?limit=100"],
      [controller.key, "/v1/audit/export"],
      [controller.key, "/v1/organisations/me"],
      [controller.key, `/v1/agreements/${agreementId}`],
      [controller.key, `/v1/agreements/${agreementId}/annex`],
      [controller.key, "/v1/events?limit=100"],
      [controller.key, `/v1/webhook-endpoints/${endpointId}`],
      [null, "/openapi.json"],
    ];
    const secrets = [key.secret, controller.key, processor.key, t.operatorKey, spare.secret];
    for (const [caller, path] of reads) {
      const res = await t.call(caller, "GET", path);
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
      const text = typeof res.body === "string" ? res.body : JSON.stringify(res.body);
      for (const h of [...hashes, sha256(spare.secret)]) expect(text, `${path} shows a key hash`).not.toContain(h);
      for (const s of secrets) expect(text, `${path} shows a secret`).not.toContain(s);
      expect(text).not.toMatch(/secret_hash|secretHash/);
    }
    // the responses that change a key do not show it either
    const revoke = await t.call(controller.key, "DELETE", `/v1/api-keys/${key.id}`);
    expect(revoke.status).toBe(200);
    const fresh = await issueKey(t, controller);
    for (const body of [revoke.body, fresh]) {
      const text = JSON.stringify(body);
      for (const h of hashes) expect(text).not.toContain(h);
      expect(text).not.toContain(sha256(fresh.secret));
      expect(text).not.toMatch(/secret_hash|secretHash/);
    }
    expect(Object.keys(revoke.body)).not.toContain("secret");
  });

  it("is found by the SHA-256 of the whole secret: a secret one character off, or its prefix alone, is 401", async () => {
    /*
     * Why the lookup is timing-safe without a constant-time compare: the middleware hashes the
     * presented secret with SHA-256 and asks the database for the row whose `secret_hash` equals
     * that digest (a unique index). The index walk and the final memcmp may well stop at the first
     * differing byte, but what they compare is the digest, not the secret. An attacker who learns
     * from timing "my digest shares k leading bytes with a stored digest" learns nothing about
     * the secret: changing one character of a guess changes every byte of the digest
     * unpredictably, and finding an input whose digest has chosen leading bytes is a preimage
     * attack on SHA-256. So timing cannot be used to recover a secret character by character,
     * which is the attack a constant-time comparison of *secrets* protects against. (The
     * secrets carry ~190 random bits, so a plain unsalted fast hash is enough: there is no
     * dictionary to brute-force.)
     */
    const { t, controller } = await setup();
    const key = await issueKey(t, controller);
    const last = key.secret.at(-1)!;
    const offByOne = key.secret.slice(0, -1) + (last === "a" ? "b" : "a");
    const refusals = [offByOne, key.secret.slice(0, -1), key.prefix, `${key.secret}x`, key.secret.toUpperCase(), createHash("sha256").update(key.secret).digest("hex")];
    for (const guess of refusals) expectProblem(await t.call(guess, "GET", "/v1/organisations/me"), 401, "unauthenticated");
    expect((await t.call(key.secret, "GET", "/v1/organisations/me")).status).toBe(200);
    // the hash column is unique-indexed: the lookup is an equality on the digest
    const indexes = await t.client.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'api_keys'");
    const unique = await Promise.all(
      indexes.rows.map(async (r) => ({ name: String(r.name), cols: (await t.client.execute(`PRAGMA index_info('${String(r.name)}')`)).rows.map((c) => String(c.name)) })),
    );
    expect(unique.some((i) => i.cols.length === 1 && i.cols[0] === "secret_hash")).toBe(true);
  });

  it("a missing or malformed Authorization header is 401 with a hint, not a 500", async () => {
    const { t } = await setup();
    const variants: Record<string, string>[] = [{}, { Authorization: "Basic dXNlcjpwYXNz" }, { Authorization: "Bearer" }, { Authorization: "Bearer a b" }];
    for (const headers of variants) {
      const res = await t.call(null, "GET", "/v1/organisations/me", undefined, headers);
      expectProblem(res, 401, "unauthenticated");
    }
  });
});
