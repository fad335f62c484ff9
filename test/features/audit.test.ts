import { describe, expect, it, vi } from "vitest";
import { generateOpenApiDocument } from "../../src/openapi";
import { createTestContext, DAY, type TestContext, type TestResponse } from "../helpers/app";
import { baselineAnnex, createActiveAgreement, createOrg, firstKeyId, type TestOrg } from "../helpers/factories";
import { dumpState } from "../helpers/db-snapshot";

// every commit of the one writer, counted (and otherwise untouched): how many a group commit of read records takes
const commits = vi.hoisted(() => ({ count: 0 }));
vi.mock("../../src/core/writer", async (importOriginal) => {
  const writer = await importOriginal<typeof import("../../src/core/writer")>();
  return {
    ...writer,
    commit: (...args: Parameters<typeof writer.commit>) => {
      commits.count++;
      return writer.commit(...args);
    },
  };
});

/**
 * The audit trail (docs/rules.md, rule 8): every write and every read of an annex is
 * recorded, in the transaction of what it records, append-only and hash-chained.
 */

interface AuditRecord {
  object: "audit_record";
  id: string;
  seq: number;
  at: string;
  actor: { type: "operator" | "organisation" | "system"; organisation_id: string | null; key_id: string | null; key_prefix: string | null };
  action: string;
  resource: { type: string; id: string };
  agreement_id: string | null;
  request_id: string | null;
  client_ip: string | null;
  outcome: string;
  prev_hash: string;
  hash: string;
}

interface Party extends TestOrg {
  keyId: string;
}

interface World {
  t: TestContext;
  /** processor of both agreements */
  processor: Party;
  /** controller of `agreement` */
  controller: Party;
  /** controller of `otherAgreement`: another organisation the controller must not see */
  other: Party;
  agreement: string;
  otherAgreement: string;
  operatorKeyId: string;
}

async function party(t: TestContext, name: string): Promise<Party> {
  const org = await createOrg(t, name);
  return { ...org, keyId: await firstKeyId(t, org.id) };
}

async function world(): Promise<World> {
  const t = await createTestContext();
  const processor = await party(t, "Processor ApS");
  const controller = await party(t, "Controller Kommune");
  const other = await party(t, "Other Kommune");
  const agreement = (await createActiveAgreement(t, processor, controller)).id;
  const otherAgreement = (await createActiveAgreement(t, processor, other)).id;
  const operatorKeyId = String((await t.client.execute("SELECT id FROM api_keys WHERE organisation_id IS NULL")).rows[0]!.id);
  return { t, processor, controller, other, agreement, otherAgreement, operatorKeyId };
}

const addBackup = {
  op: "add_sub_processor",
  sub_processor: {
    ref: "backup",
    legal_name: "Backup A/S",
    registration: { scheme: "dk_cvr", number: "27182828" },
    address: { street: "Lautrupvang 2", postal_code: "2750", city: "Ballerup", country: "DK" },
    description: "Backup",
    locations: ["dc-dk"],
  },
};

const lastSeq = async (t: TestContext) => Number((await t.client.execute("SELECT coalesce(max(seq), 0) AS n FROM audit_records")).rows[0]!.n);
const countRecords = async (t: TestContext) => Number((await t.client.execute("SELECT count(*) AS n FROM audit_records")).rows[0]!.n);

/** Every record, oldest first, as the operator reads them through the API (its reads are not recorded). */
async function allRecords(t: TestContext): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  let cursor = "";
  for (;;) {
    const page = await t.call(t.operatorKey, "GET", `/v1/audit?limit=100${cursor}`);
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    out.push(...page.body.data);
    if (!page.body.has_more) break;
    cursor = `&cursor=${encodeURIComponent(page.body.next_cursor)}`;
  }
  return out.reverse();
}

/** What a key of `who` may read through GET /v1/audit, oldest first. */
async function visibleTo(t: TestContext, key: string): Promise<AuditRecord[]> {
  const res = await t.call(key, "GET", "/v1/audit?limit=100");
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.has_more).toBe(false);
  return [...res.body.data].reverse();
}

/**
 * What someone with the database file can do: with the append-only triggers dropped, then put
 * back so the trail looks untouched (a dropped trigger is itself reported).
 */
async function tamper(t: TestContext, statement: { sql: string; args: unknown[] }) {
  const triggers = (await t.client.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_records'")).rows;
  for (const tr of triggers) await t.client.execute(`DROP TRIGGER ${tr.name}`);
  await t.client.execute(statement as never);
  for (const tr of triggers) await t.client.execute(String(tr.sql));
}

/** The raw JSON Lines export. */
async function exportText(t: TestContext, key: string) {
  const res = await t.app.request("/v1/audit/export", { headers: { Authorization: `Bearer ${key}` } });
  return { status: res.status, contentType: res.headers.get("content-type"), disposition: res.headers.get("content-disposition"), text: await res.text() };
}

const verify = async (t: TestContext) => {
  const res = await t.call(t.operatorKey, "GET", "/v1/audit/verify");
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { object: "audit_verification"; valid: boolean; records_checked: number; first_broken: { seq: number; id: string; reason: string } | null };
};

/** A 5xx that says nothing of the database or the code behind it. */
function expectOpaque500(res: TestResponse) {
  expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(500);
  expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status: res.status, code: "internal_error", request_id: res.headers.get("x-request-id") });
  const text = JSON.stringify(res.body);
  for (const leak of [/sqlite/i, /audit_records/i, /\bINSERT\b/i, /\bRAISE\b/i, /trigger/i, /unwritable/i, /\.ts:\d+/, /\n\s+at /, /node_modules/, /stack/i, /libsql/i, /drizzle/i])
    expect(text).not.toMatch(leak);
}

// -------------------------------------------------------------------------------------------------
// one record per write and per read of an annex
// -------------------------------------------------------------------------------------------------

type Who = "processor" | "controller" | "operator";

interface Expected {
  action: string;
  resource: { type: string; id: string };
  agreement_id: string | null;
}

interface AuditCase {
  name: string;
  /** preparation whose records are not the case's */
  arrange?: (w: World) => Promise<Record<string, string>>;
  act: (w: World, ids: Record<string, string>) => { who: Who; method: string; path: string; body?: unknown };
  status: number;
  /** the records the request appends, in order */
  records: (w: World, ids: Record<string, string>, res: TestResponse) => Expected[];
}

const propose = async (w: World) => {
  const res = await w.t.call(w.processor.key, "POST", "/v1/agreements", {
    controller_id: w.controller.id,
    title: "Second DPA",
    authorisation: "general",
    third_country_transfers: "with_transfer_mechanism",
    annex: baselineAnnex(),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { proposed: res.body.id as string };
};

/** A change request covering the controller's agreement; effective far ahead so an approval does not apply it at once. */
const submit = async (w: World, effectiveInDays = 60) => {
  const res = await w.t.call(w.processor.key, "POST", "/v1/change-requests", {
    agreements: [w.agreement],
    operations: [addBackup],
    reason: "A second backup",
    ...(effectiveInDays ? { effective_date: new Date(w.t.clock.now().getTime() + effectiveInDays * DAY).toISOString() } : {}),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { cr: res.body.id as string, decision: res.body.decisions[0].id as string };
};

const annex = (type: string) => (w: World, _ids: Record<string, string>, res: TestResponse) => {
  void res;
  return [{ action: type, resource: { type: "annex", id: w.agreement }, agreement_id: w.agreement }];
};

const CASES: AuditCase[] = [
  // reads of an annex
  {
    name: "the controller reads the annex in force",
    act: (w) => ({ who: "controller", method: "GET", path: `/v1/agreements/${w.agreement}/annex` }),
    status: 200,
    records: (w) => [{ action: "annex.read", resource: { type: "annex", id: `${w.agreement}@v1` }, agreement_id: w.agreement }],
  },
  {
    name: "the processor reads the annex in force",
    act: (w) => ({ who: "processor", method: "GET", path: `/v1/agreements/${w.agreement}/annex` }),
    status: 200,
    records: (w) => [{ action: "annex.read", resource: { type: "annex", id: `${w.agreement}@v1` }, agreement_id: w.agreement }],
  },
  {
    name: "the controller reads the annex as of an instant",
    act: (w) => ({ who: "controller", method: "GET", path: `/v1/agreements/${w.agreement}/annex?as_of=${encodeURIComponent(w.t.clock.now().toISOString())}` }),
    status: 200,
    records: (w) => [{ action: "annex.read_as_of", resource: { type: "annex", id: `${w.agreement}@v1` }, agreement_id: w.agreement }],
  },
  {
    name: "the processor lists the annex versions",
    act: (w) => ({ who: "processor", method: "GET", path: `/v1/agreements/${w.agreement}/annex/versions` }),
    status: 200,
    records: annex("annex.list_versions"),
  },
  {
    name: "the controller reads version 1",
    act: (w) => ({ who: "controller", method: "GET", path: `/v1/agreements/${w.agreement}/annex/versions/1` }),
    status: 200,
    records: (w) => [{ action: "annex.read_version", resource: { type: "annex", id: `${w.agreement}@v1` }, agreement_id: w.agreement }],
  },
  {
    name: "the controller compares two versions",
    act: (w) => ({ who: "controller", method: "GET", path: `/v1/agreements/${w.agreement}/annex/diff?from=1&to=1` }),
    status: 200,
    records: (w) => [{ action: "annex.diff", resource: { type: "annex", id: `${w.agreement}@v1..v1` }, agreement_id: w.agreement }],
  },
  // writes
  {
    name: "the processor proposes an agreement",
    act: (w) => ({
      who: "processor",
      method: "POST",
      path: "/v1/agreements",
      body: { controller_id: w.controller.id, title: "DPA", authorisation: "specific", third_country_transfers: "prohibited", annex: baselineAnnex() },
    }),
    status: 201,
    records: (_w, _ids, res) => [{ action: "agreement.propose", resource: { type: "agreement", id: res.body.id }, agreement_id: res.body.id }],
  },
  {
    name: "the controller confirms a proposed agreement",
    arrange: propose,
    act: (_w, ids) => ({ who: "controller", method: "POST", path: `/v1/agreements/${ids.proposed}/confirm` }),
    status: 200,
    records: (_w, ids) => [{ action: "agreement.confirm", resource: { type: "agreement", id: ids.proposed! }, agreement_id: ids.proposed! }],
  },
  {
    name: "the controller declines a proposed agreement",
    arrange: propose,
    act: (_w, ids) => ({ who: "controller", method: "POST", path: `/v1/agreements/${ids.proposed}/decline`, body: { reason: "Wrong annex" } }),
    status: 200,
    records: (_w, ids) => [{ action: "agreement.decline", resource: { type: "agreement", id: ids.proposed! }, agreement_id: ids.proposed! }],
  },
  {
    name: "the processor submits a change request for one agreement",
    act: (w) => ({ who: "processor", method: "POST", path: "/v1/change-requests", body: { agreements: [w.agreement], operations: [addBackup], reason: "A second backup" } }),
    status: 201,
    records: (w, _ids, res) => [{ action: "change_request.submitted", resource: { type: "decision", id: res.body.decisions[0].id }, agreement_id: w.agreement }],
  },
  {
    name: "the processor submits a change request for two agreements: one record per agreement",
    act: (w) => ({
      who: "processor",
      method: "POST",
      path: "/v1/change-requests",
      body: { agreements: [w.agreement, w.otherAgreement], operations: [addBackup], reason: "A second backup" },
    }),
    status: 201,
    records: (_w, _ids, res) =>
      [...res.body.decisions]
        .sort((a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1))
        .map((d: { id: string; agreement: { id: string } }) => ({ action: "change_request.submitted", resource: { type: "decision", id: d.id }, agreement_id: d.agreement.id })),
  },
  {
    name: "the controller approves (effective later)",
    arrange: (w) => submit(w),
    act: (_w, ids) => ({ who: "controller", method: "POST", path: `/v1/decisions/${ids.decision}/approve`, body: { comment: "Fine" } }),
    status: 200,
    records: (w, ids) => [{ action: "decision.approved", resource: { type: "decision", id: ids.decision! }, agreement_id: w.agreement }],
  },
  {
    name: "the controller objects",
    arrange: (w) => submit(w),
    act: (_w, ids) => ({ who: "controller", method: "POST", path: `/v1/decisions/${ids.decision}/object`, body: { reason: "Backup outside our approved vendors" } }),
    status: 200,
    records: (w, ids) => [{ action: "decision.objected", resource: { type: "decision", id: ids.decision! }, agreement_id: w.agreement }],
  },
  {
    name: "the processor withdraws its change for one agreement",
    arrange: (w) => submit(w),
    act: (_w, ids) => ({ who: "processor", method: "POST", path: `/v1/decisions/${ids.decision}/withdraw` }),
    status: 200,
    records: (w, ids) => [{ action: "decision.withdrawn", resource: { type: "decision", id: ids.decision! }, agreement_id: w.agreement }],
  },
  {
    name: "the controller subscribes a webhook endpoint",
    act: () => ({ who: "controller", method: "POST", path: "/v1/webhook-endpoints", body: { url: "https://hooks.example.com/audit" } }),
    status: 201,
    records: (_w, _ids, res) => [{ action: "webhook_endpoint.create", resource: { type: "webhook_endpoint", id: res.body.id }, agreement_id: null }],
  },
  {
    name: "the controller changes its webhook endpoint",
    arrange: async (w) => {
      const res = await w.t.call(w.controller.key, "POST", "/v1/webhook-endpoints", { url: "https://hooks.example.com/audit" });
      expect(res.status).toBe(201);
      return { endpoint: res.body.id };
    },
    act: (_w, ids) => ({ who: "controller", method: "PATCH", path: `/v1/webhook-endpoints/${ids.endpoint}`, body: { url: "https://hooks.example.com/moved" } }),
    status: 200,
    records: (_w, ids) => [{ action: "webhook_endpoint.update", resource: { type: "webhook_endpoint", id: ids.endpoint! }, agreement_id: null }],
  },
  {
    name: "the controller revokes one of its keys",
    arrange: async (w) => {
      const res = await w.t.call(w.t.operatorKey, "POST", `/v1/organisations/${w.controller.id}/api-keys`, { name: "spare" });
      expect(res.status).toBe(201);
      return { key: res.body.id };
    },
    act: (_w, ids) => ({ who: "controller", method: "DELETE", path: `/v1/api-keys/${ids.key}` }),
    status: 200,
    records: (_w, ids) => [{ action: "api_key.revoke", resource: { type: "api_key", id: ids.key! }, agreement_id: null }],
  },
  {
    name: "the operator issues a key",
    act: (w) => ({ who: "operator", method: "POST", path: `/v1/organisations/${w.controller.id}/api-keys`, body: { name: "GRC", scope: "read" } }),
    status: 201,
    records: (_w, _ids, res) => [{ action: "api_key.create", resource: { type: "api_key", id: res.body.id }, agreement_id: null }],
  },
];

describe("every write and every read of an annex is recorded once, naming who, what, which agreement and which request", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const w = await world();
    const ids = (await c.arrange?.(w)) ?? {};
    w.t.clock.advance(5_000);
    const { who, method, path, body } = c.act(w, ids);
    const key = who === "operator" ? w.t.operatorKey : w[who].key;
    const before = await lastSeq(w.t);
    const res = await w.t.call(key, method, path, body);
    expect(res.status, JSON.stringify(res.body)).toBe(c.status);
    const requestId = res.headers.get("x-request-id");
    expect(requestId).toMatch(/^req_[0-9A-Z]{26}$/);

    const chain = await allRecords(w.t);
    const added = chain.filter((r) => r.seq > before);
    const expected = c.records(w, ids, res);
    expect(added.map((r) => ({ action: r.action, resource: r.resource, agreement_id: r.agreement_id }))).toEqual(expected);
    const actor =
      who === "operator"
        ? { type: "operator", organisation_id: null, key_id: w.operatorKeyId, key_prefix: w.t.operatorKey.slice(0, 12) }
        : { type: "organisation", organisation_id: w[who].id, key_id: w[who].keyId, key_prefix: w[who].key.slice(0, 12), user: null };
    for (const r of added) {
      expect(r).toMatchObject({
        object: "audit_record",
        id: expect.stringMatching(/^aud_[0-9A-Z]{26}$/),
        at: w.t.clock.now().toISOString(),
        actor,
        request_id: requestId,
        outcome: "succeeded",
        prev_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      expect(Object.keys(r).sort()).toEqual([
        "action",
        "actor",
        "agreement_id",
        "at",
        "client_ip",
        "controller_id",
        "detail",
        "hash",
        "id",
        "object",
        "outcome",
        "personal_digest",
        "prev_hash",
        "processor_id",
        "request_id",
        "resource",
        "seq",
      ]);
      // the prefix names the key; the secret is never in the trail
      expect(r.actor.key_prefix!.length).toBeLessThan(key.length);
    }
    // chained: each record names the hash of the one before it
    const index = chain.findIndex((r) => r.seq === added[0]!.seq);
    for (let i = Math.max(index, 1); i < chain.length; i++) expect(chain[i]!.prev_hash).toBe(chain[i - 1]!.hash);
    const dump = JSON.stringify(chain) + (await exportText(w.t, w.t.operatorKey)).text;
    for (const secret of [w.t.operatorKey, w.processor.key, w.controller.key, w.other.key]) expect(dump).not.toContain(secret);
    expect((await verify(w.t)).valid).toBe(true);
  });

  it("an approval that takes effect at once records the approval and the new annex version, both under the request's id", async () => {
    const w = await world();
    const { decision } = await submit(w, 0);
    const before = await lastSeq(w.t);
    const res = await w.t.call(w.controller.key, "POST", `/v1/decisions/${decision}/approve`, {});
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const added = (await allRecords(w.t)).filter((r) => r.seq > before);
    expect(added.map((r) => r.action)).toEqual(["decision.approved", "annex.version_created"]);
    for (const r of added)
      expect(r).toMatchObject({ agreement_id: w.agreement, request_id: res.headers.get("x-request-id"), actor: { organisation_id: w.controller.id, key_id: w.controller.keyId } });
  });

  it("reads that are not of an annex, and refused requests, add nothing", async () => {
    const w = await world();
    const before = await countRecords(w.t);
    const reads: [string, string][] = [
      [w.controller.key, `/v1/agreements/${w.agreement}`],
      [w.controller.key, "/v1/audit"],
      [w.controller.key, "/v1/audit/verify"],
      [w.controller.key, "/v1/events"],
      // refused: another organisation's annex answers as a missing one, and is not an annex read
      [w.other.key, `/v1/agreements/${w.agreement}/annex`],
      [w.t.operatorKey, `/v1/agreements/${w.agreement}/annex`],
    ];
    for (const [key, path] of reads) await w.t.call(key, "GET", path);
    expect(await countRecords(w.t)).toBe(before);
  });
});

// -------------------------------------------------------------------------------------------------
// a write whose record cannot be written does not happen
// -------------------------------------------------------------------------------------------------

describe("a write whose audit record fails is not committed", () => {
  /** Makes audit_records refuse every INSERT, as a full disk or a broken trail would, until `restore` is called. */
  async function breakTheTrail(t: TestContext) {
    await t.client.execute("CREATE TRIGGER audit_records_unwritable BEFORE INSERT ON audit_records BEGIN SELECT RAISE(ABORT, 'audit trail unwritable (test)'); END");
    return async () => {
      await t.client.execute("DROP TRIGGER audit_records_unwritable");
    };
  }

  it("POST /v1/change-requests: an opaque 5xx, no request, decision, event, delivery or idempotency claim is kept; the same Idempotency-Key works once the trail is back", async () => {
    const w = await world();
    const endpoint = await w.t.call(w.controller.key, "POST", "/v1/webhook-endpoints", { url: "https://hooks.example.com/c" });
    expect(endpoint.status).toBe(201);
    // a minute on: a successful request would move the key's last use, a failed one must not
    w.t.clock.advance(61_000);
    const before = await dumpState(w.t);
    const restore = await breakTheTrail(w.t);
    const body = { agreements: "all", operations: [addBackup], reason: "A second backup" };
    let failed: TestResponse;
    try {
      failed = await w.t.call(w.processor.key, "POST", "/v1/change-requests", body, { "Idempotency-Key": "cr-1" });
    } finally {
      await restore();
    }
    expectOpaque500(failed);
    expect(await dumpState(w.t)).toEqual(before);

    const retried = await w.t.call(w.processor.key, "POST", "/v1/change-requests", body, { "Idempotency-Key": "cr-1" });
    expect(retried.status, JSON.stringify(retried.body)).toBe(201);
    expect(retried.headers.get("idempotent-replayed")).toBeNull();
    expect((await verify(w.t)).valid).toBe(true);
  });

  it("POST /v1/agreements/{id}/confirm: an opaque 5xx, the agreement stays proposed without an annex version", async () => {
    const w = await world();
    const { proposed } = await propose(w);
    w.t.clock.advance(61_000);
    const before = await dumpState(w.t);
    const restore = await breakTheTrail(w.t);
    let failed: TestResponse;
    try {
      failed = await w.t.call(w.controller.key, "POST", `/v1/agreements/${proposed}/confirm`);
    } finally {
      await restore();
    }
    expectOpaque500(failed);
    expect(await dumpState(w.t)).toEqual(before);
    const agreement = await w.t.call(w.controller.key, "GET", `/v1/agreements/${proposed}`);
    expect(agreement.body).toMatchObject({ status: "proposed", current_version: null });
    expect((await w.t.call(w.controller.key, "POST", `/v1/agreements/${proposed}/confirm`)).status).toBe(200);
  });

  it("POST /v1/decisions/{id}/object and POST /v1/webhook-endpoints: the same", async () => {
    const w = await world();
    const { decision } = await submit(w);
    w.t.clock.advance(61_000);
    const before = await dumpState(w.t);
    const restore = await breakTheTrail(w.t);
    try {
      expectOpaque500(await w.t.call(w.controller.key, "POST", `/v1/decisions/${decision}/object`, { reason: "Not acceptable" }));
      expectOpaque500(await w.t.call(w.controller.key, "POST", "/v1/webhook-endpoints", { url: "https://hooks.example.com/c" }));
      expectOpaque500(await w.t.call(w.t.operatorKey, "POST", `/v1/organisations/${w.controller.id}/api-keys`, { name: "spare" }));
    } finally {
      await restore();
    }
    expect(await dumpState(w.t)).toEqual(before);
  });

  it("a read of an annex that cannot be recorded is not answered", async () => {
    const w = await world();
    const restore = await breakTheTrail(w.t);
    try {
      for (const path of [
        `/v1/agreements/${w.agreement}/annex`,
        `/v1/agreements/${w.agreement}/annex/versions`,
        `/v1/agreements/${w.agreement}/annex/versions/1`,
        `/v1/agreements/${w.agreement}/annex/diff?from=1`,
      ]) {
        const res = await w.t.call(w.controller.key, "GET", path);
        expectOpaque500(res);
        expect(JSON.stringify(res.body)).not.toContain("NordHost");
      }
    } finally {
      await restore();
    }
    expect((await w.t.call(w.controller.key, "GET", `/v1/agreements/${w.agreement}/annex`)).status).toBe(200);
  });
});

// -------------------------------------------------------------------------------------------------
// who sees which records
// -------------------------------------------------------------------------------------------------

describe("visibility", () => {
  /** Each party acts on its agreements and with its own keys. */
  async function busyWorld() {
    const w = await world();
    for (const [key, agreement] of [
      [w.controller.key, w.agreement],
      [w.other.key, w.otherAgreement],
      [w.processor.key, w.agreement],
      [w.processor.key, w.otherAgreement],
    ] as const)
      expect((await w.t.call(key, "GET", `/v1/agreements/${agreement}/annex`)).status).toBe(200);
    for (const org of [w.controller, w.other]) expect((await w.t.call(org.key, "POST", "/v1/webhook-endpoints", { url: `https://hooks.example.com/${org.id}` })).status).toBe(201);
    return w;
  }

  /** A record is the organisation's if it is about one of its agreements or made with one of its keys. */
  const isOwn = (r: AuditRecord, orgId: string, agreements: string[]) => (r.agreement_id !== null ? agreements.includes(r.agreement_id) : r.actor.organisation_id === orgId);

  it("a controller sees the records of its agreement (the processor's reads included) and of its own keys; nothing of another organisation", async () => {
    const w = await busyWorld();
    const all = await allRecords(w.t);
    const seen = await visibleTo(w.t, w.controller.key);
    expect(seen.map((r) => r.id)).toEqual(all.filter((r) => isOwn(r, w.controller.id, [w.agreement])).map((r) => r.id));
    expect(seen.some((r) => r.action === "annex.read" && r.actor.organisation_id === w.processor.id)).toBe(true);
    expect(seen.some((r) => r.action === "webhook_endpoint.create")).toBe(true);
    const text = JSON.stringify(seen);
    for (const id of [w.otherAgreement, w.other.id, w.other.keyId, w.operatorKeyId]) expect(text).not.toContain(id);
    // asking for the other agreement by name gives nothing either
    const filtered = await w.t.call(w.controller.key, "GET", `/v1/audit?agreement_id=${w.otherAgreement}`);
    expect(filtered.status).toBe(200);
    expect(filtered.body.data).toEqual([]);
  });

  it("the other controller sees only its own; the processor both agreements but neither controller's own key use", async () => {
    const w = await busyWorld();
    const all = await allRecords(w.t);
    const other = await visibleTo(w.t, w.other.key);
    expect(other.map((r) => r.id)).toEqual(all.filter((r) => isOwn(r, w.other.id, [w.otherAgreement])).map((r) => r.id));
    expect(JSON.stringify(other)).not.toContain(w.agreement);
    const processor = await visibleTo(w.t, w.processor.key);
    expect(processor.map((r) => r.id)).toEqual(all.filter((r) => isOwn(r, w.processor.id, [w.agreement, w.otherAgreement])).map((r) => r.id));
    expect(processor.some((r) => r.action === "webhook_endpoint.create")).toBe(false);
  });

  it("the operator sees every record", async () => {
    const w = await busyWorld();
    const all = await allRecords(w.t);
    expect(all).toHaveLength(await countRecords(w.t));
    const actions = new Set(all.map((r) => r.action));
    for (const a of ["organisation.create", "api_key.create", "agreement.propose", "agreement.confirm", "annex.read", "webhook_endpoint.create"]) expect(actions).toContain(a);
  });

  it("filters by action and pages newest first without gaps", async () => {
    const w = await busyWorld();
    const reads = await w.t.call(w.processor.key, "GET", "/v1/audit?action=annex.read");
    expect(reads.body.data.map((r: AuditRecord) => r.action)).toEqual(["annex.read", "annex.read", "annex.read", "annex.read"].slice(0, reads.body.data.length));
    expect(reads.body.data.length).toBe(4);
    const seqs: number[] = [];
    let cursor = "";
    for (;;) {
      const page = await w.t.call(w.t.operatorKey, "GET", `/v1/audit?limit=3${cursor}`);
      seqs.push(...page.body.data.map((r: AuditRecord) => r.seq));
      if (!page.body.has_more) break;
      cursor = `&cursor=${encodeURIComponent(page.body.next_cursor)}`;
    }
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(seqs).toHaveLength(await countRecords(w.t));
  });
});

// -------------------------------------------------------------------------------------------------
// export
// -------------------------------------------------------------------------------------------------

describe("export as JSON Lines", () => {
  it("application/x-ndjson, one parseable record a line, only what the caller may see, oldest first", async () => {
    const w = await world();
    await w.t.call(w.controller.key, "GET", `/v1/agreements/${w.agreement}/annex`);
    await w.t.call(w.other.key, "GET", `/v1/agreements/${w.otherAgreement}/annex`);
    for (const [key, expected] of [
      [w.controller.key, await visibleTo(w.t, w.controller.key)],
      [w.other.key, await visibleTo(w.t, w.other.key)],
      [w.processor.key, await visibleTo(w.t, w.processor.key)],
      [w.t.operatorKey, await allRecords(w.t)],
    ] as const) {
      const res = await exportText(w.t, key);
      expect(res.status).toBe(200);
      expect(res.contentType).toMatch(/^application\/x-ndjson/);
      expect(res.disposition).toMatch(/attachment/);
      expect(res.text.endsWith("\n")).toBe(true);
      const lines = res.text
        .slice(0, -1)
        .split("\n")
        .map((line) => JSON.parse(line) as AuditRecord | { object: "audit_link"; seq: number; prev_hash: string; hash: string });
      // the caller's records in full; in place of each of the others, only its link in the chain
      expect(lines.filter((l) => l.object === "audit_record")).toEqual(expected);
      for (const link of lines.filter((l) => l.object === "audit_link")) expect(Object.keys(link).sort()).toEqual(["hash", "object", "prev_hash", "seq"]);
      expect(lines.map((l) => l.seq)).toEqual(Array.from({ length: lines.length }, (_, i) => i + 1));
    }
    const controllerExport = (await exportText(w.t, w.controller.key)).text;
    for (const id of [w.otherAgreement, w.other.id]) expect(controllerExport).not.toContain(id);
  });

  it("an organisation with no visible record exports only the chain's links", async () => {
    const t = await createTestContext();
    const lonely = await createOrg(t, "Lonely");
    const res = await exportText(t, lonely.key);
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^application\/x-ndjson/);
    const lines = res.text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(Object.keys(l).sort()).toEqual(["hash", "object", "prev_hash", "seq"]);
  });
});

// -------------------------------------------------------------------------------------------------
// integrity
// -------------------------------------------------------------------------------------------------

describe("the hash chain", () => {
  /** A world with a few records, and one in the middle to tamper with. */
  async function chainWorld() {
    const w = await world();
    for (let i = 0; i < 3; i++) await w.t.call(w.controller.key, "GET", `/v1/agreements/${w.agreement}/annex`);
    const rows = (await w.t.client.execute("SELECT seq, id FROM audit_records ORDER BY seq")).rows.map((r) => ({ seq: Number(r.seq), id: String(r.id) }));
    const middle = Math.floor(rows.length / 2);
    return { w, rows, victim: rows[middle]!, next: rows[middle + 1]! };
  }

  it("verifies an untouched trail as valid, counting every record", async () => {
    const { w, rows } = await chainWorld();
    const result = await verify(w.t);
    expect(result).toEqual({ object: "audit_verification", valid: true, records_checked: rows.length, from_seq: 1, checkpoints_checked: 0, first_broken: null });
    // any party may verify
    expect((await w.t.call(w.controller.key, "GET", "/v1/audit/verify")).body.valid).toBe(true);
  });

  it("the database itself refuses UPDATE and DELETE of a record while the append-only triggers are there", async () => {
    const { w, victim } = await chainWorld();
    const before = await dumpState(w.t);
    await expect(w.t.client.execute({ sql: "UPDATE audit_records SET action = 'annex.tampered' WHERE seq = ?", args: [victim.seq] })).rejects.toThrow(/append-only/);
    await expect(w.t.client.execute({ sql: "DELETE FROM audit_records WHERE seq = ?", args: [victim.seq] })).rejects.toThrow(/append-only/);
    await expect(w.t.client.execute("DELETE FROM audit_records")).rejects.toThrow(/append-only/);
    expect(await dumpState(w.t)).toEqual(before);
    expect((await verify(w.t)).valid).toBe(true);
  });

  // an attacker with database access drops the trigger first
  it.each([
    ["action", "'annex.tampered'"],
    ["actor_type", "'operator'"],
    ["key_id", "'key_00000000000000000000000000'"],
    ["resource_id", "'somewhere else'"],
    ["agreement_id", "NULL"],
    ["request_id", "'req_forged'"],
    ["client_ip", "'203.0.113.7'"],
    ["outcome", "'denied'"],
    ["at", "at + 1"],
    ["hash", `'${"f".repeat(64)}'`],
    ["prev_hash", `'${"0".repeat(64)}'`],
  ])("a changed %s: verify names exactly that record as the first broken one", async (column, value) => {
    const { w, victim } = await chainWorld();
    const original = (await w.t.client.execute({ sql: `SELECT ${column} AS v FROM audit_records WHERE seq = ?`, args: [victim.seq] })).rows[0]!.v;
    await tamper(w.t, { sql: `UPDATE audit_records SET ${column} = ${value} WHERE seq = ?`, args: [victim.seq] });
    const result = await verify(w.t);
    expect(result.valid).toBe(false);
    expect(result.first_broken).toEqual({ seq: victim.seq, id: victim.id, reason: expect.any(String) });
    expect(result.records_checked).toBe(victim.seq - 1);
    // put back, and the chain is whole again
    await tamper(w.t, { sql: `UPDATE audit_records SET ${column} = ? WHERE seq = ?`, args: [original ?? null, victim.seq] });
    expect((await verify(w.t)).valid).toBe(true);
  });

  it("a deleted record: verify names the record after the gap, whose predecessor is gone", async () => {
    const { w, victim, next } = await chainWorld();
    await tamper(w.t, { sql: "DELETE FROM audit_records WHERE seq = ?", args: [victim.seq] });
    const result = await verify(w.t);
    expect(result.valid).toBe(false);
    expect(result.first_broken).toEqual({ seq: next.seq, id: next.id, reason: expect.stringMatching(/removed|predecessor/) });
    expect(result.records_checked).toBe(victim.seq - 1);
  });

  it("the newest records deleted: verify names the first missing seq, and a later append does not hide the gap", async () => {
    const { w, rows } = await chainWorld();
    const last = rows.at(-1)!;
    await tamper(w.t, { sql: "DELETE FROM audit_records WHERE seq >= ?", args: [last.seq - 1] });
    const result = await verify(w.t);
    expect(result.valid).toBe(false);
    expect(result.first_broken).toMatchObject({ seq: last.seq - 1, id: null, reason: expect.stringMatching(/newest records .* removed/) });
    // the service appends again: the new record gets a fresh seq, so the gap stays visible
    expect((await w.t.call(w.controller.key, "GET", `/v1/agreements/${w.agreement}/annex`)).status).toBe(200);
    const appended = (await w.t.client.execute("SELECT max(seq) AS seq FROM audit_records")).rows[0]!.seq;
    expect(Number(appended)).toBe(last.seq + 1);
    const again = await verify(w.t);
    expect(again).toMatchObject({ valid: false, first_broken: { seq: last.seq + 1, reason: expect.stringMatching(/removed/) } });
  });

  it("the first of several tamperings is the one named", async () => {
    const { w, rows } = await chainWorld();
    await tamper(w.t, { sql: "UPDATE audit_records SET action = 'x' WHERE seq IN (?, ?)", args: [rows[2]!.seq, rows[5]!.seq] });
    expect((await verify(w.t)).first_broken).toMatchObject({ seq: rows[2]!.seq, id: rows[2]!.id });
  });

  it("the API offers no way to change or remove a record", async () => {
    const doc = generateOpenApiDocument();
    const auditPaths = Object.entries(doc.paths ?? {}).filter(([path]) => path === "/v1/audit" || path.startsWith("/v1/audit/"));
    expect(auditPaths.map(([p]) => p).sort()).toEqual(["/v1/audit", "/v1/audit/checkpoints", "/v1/audit/export", "/v1/audit/public-key", "/v1/audit/verify"]);
    for (const [path, item] of auditPaths) {
      const methods = Object.keys(item as object).filter((m) => ["get", "put", "post", "patch", "delete", "head", "options", "trace"].includes(m));
      // the one POST seals the trail's end with a checkpoint: it adds, it changes nothing
      expect(methods, path).toEqual(path === "/v1/audit/checkpoints" ? ["get", "post"] : ["get"]);
    }
    const { w, victim } = await chainWorld();
    const before = await dumpState(w.t);
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      for (const path of ["/v1/audit", `/v1/audit/${victim.id}`, `/v1/audit/${victim.seq}`]) {
        for (const key of [w.t.operatorKey, w.controller.key]) {
          const res = await w.t.call(key, method, path, method === "DELETE" ? undefined : { action: "x" });
          expect([404, 405], `${method} ${path}: ${res.status}`).toContain(res.status);
          expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
        }
      }
    }
    expect(await dumpState(w.t)).toEqual(before);
  });
});

// -------------------------------------------------------------------------------------------------
// group commit of read records (the Node service on a file)
// -------------------------------------------------------------------------------------------------

describe("concurrent annex reads share commits, and each is still recorded before it is answered", () => {
  async function fileWorld() {
    const t = await createTestContext({ file: true });
    const processor = await createOrg(t, "Processor ApS");
    const controller = await createOrg(t, "Controller Kommune");
    const agreement = (await createActiveAgreement(t, processor, controller)).id;
    // count the commits from here on
    const from = commits.count;
    return { t, processor, controller, agreement, commits: () => commits.count - from };
  }

  it("30 reads at once: 30 records in one valid chain, each naming its own request, in a few commits (each gathers the reads that arrive while it waits)", async () => {
    const w = await fileWorld();
    const before = await countRecords(w.t);
    const reads = await Promise.all(Array.from({ length: 30 }, (_, i) => w.t.call((i % 2 ? w.processor : w.controller).key, "GET", `/v1/agreements/${w.agreement}/annex`)));
    for (const r of reads) expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await countRecords(w.t)).toBe(before + 30);
    const rs = await w.t.client.execute("SELECT request_id, organisation_id FROM audit_records WHERE action = 'annex.read'");
    expect(new Set(rs.rows.map((r) => String(r.request_id)))).toEqual(new Set(reads.map((r) => r.headers.get("x-request-id"))));
    expect(rs.rows.filter((r) => r.organisation_id === w.processor.id)).toHaveLength(15);
    expect(w.commits()).toBeGreaterThan(0);
    expect(w.commits()).toBeLessThanOrEqual(3);
    expect((await verify(w.t)).valid).toBe(true);
  });

  it("when the trail cannot be written, every read of the batch fails and none is recorded; then reads work again", async () => {
    const w = await fileWorld();
    const before = await countRecords(w.t);
    await w.t.client.execute("CREATE TRIGGER audit_records_unwritable BEFORE INSERT ON audit_records BEGIN SELECT RAISE(ABORT, 'audit trail unwritable (test)'); END");
    let failed: TestResponse[];
    try {
      failed = await Promise.all(Array.from({ length: 10 }, () => w.t.call(w.controller.key, "GET", `/v1/agreements/${w.agreement}/annex`)));
    } finally {
      await w.t.client.execute("DROP TRIGGER audit_records_unwritable");
    }
    for (const r of failed) expectOpaque500(r);
    expect(await countRecords(w.t)).toBe(before);
    const ok = await Promise.all(Array.from({ length: 5 }, () => w.t.call(w.controller.key, "GET", `/v1/agreements/${w.agreement}/annex`)));
    for (const r of ok) expect(r.status).toBe(200);
    expect(await countRecords(w.t)).toBe(before + 5);
    expect((await verify(w.t)).valid).toBe(true);
  });
});
