import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { auditContent } from "../../src/core/audit-trail";
import { sha256Hex } from "../../src/core/crypto";
import { createTestContext, type TestContext } from "../helpers/app";
import { addBackupOp, createActiveAgreement, createOrg, type TestOrg } from "../helpers/factories";

// Proof against whoever can write to the database (docs/rules.md, rule 8, "Checkpoints"): the
// trail's end sealed with a key the database never holds, kept by both parties, and an export
// checked offline against what they kept. Each tampering case is done to a real database file
// with SQL, as its administrator could.

const VERIFIER = new URL("../../scripts/verify-audit-export.mjs", import.meta.url).pathname;
const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

async function world() {
  const t = await createTestContext({ file: true });
  const processor = await createOrg(t, "Omsorgspartner ApS");
  const controller = await createOrg(t, "Aarhus Kommune");
  const foreign = await createOrg(t, "Borås Stad", "SE");
  const agreement = await createActiveAgreement(t, processor, controller);
  const cr = await t.call(processor.key, "POST", "/v1/change-requests", { agreements: [agreement.id], operations: [addBackupOp("b1")], reason: "Backup" });
  expect(cr.status).toBe(201);
  return { t, processor, controller, foreign, agreement, decision: cr.body.decisions[0].id as string };
}

const checkpoint = async (t: TestContext, key: string) => {
  const res = await t.call(key, "POST", "/v1/audit/checkpoints");
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { seq: number; hash: string; at: string; key_id: string; signature: string };
};

/** Runs the offline verifier on an export, the checkpoints a party kept, and the published key. */
async function verifyOffline(t: TestContext, org: TestOrg, kept: unknown[]) {
  const dir = mkdtempSync(join(tmpdir(), "audit-proof-"));
  dirs.push(dir);
  const exported = await t.app.request("/v1/audit/export", { headers: { Authorization: `Bearer ${org.key}` } });
  writeFileSync(join(dir, "export.jsonl"), await exported.text());
  writeFileSync(join(dir, "checkpoints.json"), JSON.stringify(kept));
  writeFileSync(join(dir, "key.json"), JSON.stringify((await t.call(null, "GET", "/v1/audit/public-key")).body));
  const run = spawnSync(process.execPath, [VERIFIER, join(dir, "export.jsonl"), join(dir, "checkpoints.json"), join(dir, "key.json")], { encoding: "utf8" });
  return { code: run.status, out: run.stdout + run.stderr };
}

const verifyOnline = async (t: TestContext, full = false) => (await t.call(t.operatorKey, "GET", `/v1/audit/verify${full ? "?full=true" : ""}`)).body;

/** What a database administrator can do: SQL, with the append-only triggers out of the way. */
async function asAdministrator(t: TestContext, run: () => Promise<void>) {
  const triggers = (await t.client.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).rows.map((r) => ({ name: String(r.name), sql: String(r.sql) }));
  for (const tr of triggers) await t.client.execute(`DROP TRIGGER ${tr.name}`);
  await run();
  for (const tr of triggers) await t.client.execute(tr.sql);
}

/** Recomputes every hash from `fromSeq` on, so the chain is consistent again after an edit. */
async function rechain(t: TestContext, fromSeq: number) {
  const rows = (await t.client.execute({ sql: "SELECT * FROM audit_records WHERE seq >= ? ORDER BY seq", args: [fromSeq] })).rows;
  let prev = fromSeq === 1 ? "0".repeat(64) : String((await t.client.execute({ sql: "SELECT hash FROM audit_records WHERE seq = ?", args: [fromSeq - 1] })).rows[0]!.hash);
  for (const r of rows) {
    const record = {
      prevHash: prev,
      id: String(r.id),
      at: new Date(Number(r.at)),
      actorType: r.actor_type,
      organisationId: r.organisation_id,
      keyId: r.key_id,
      keyPrefix: r.key_prefix,
      action: r.action,
      resourceType: r.resource_type,
      resourceId: r.resource_id,
      agreementId: r.agreement_id,
      processorId: r.processor_id,
      controllerId: r.controller_id,
      requestId: r.request_id,
      clientIp: r.client_ip,
      outcome: r.outcome,
      userId: r.user_id,
      userName: r.user_name,
      userEmail: r.user_email,
      detail: r.detail,
      personalDigest: r.personal_digest,
      personalSalt: r.personal_salt,
    } as Parameters<typeof auditContent>[0];
    const hash = sha256Hex(auditContent(record));
    await t.client.execute({ sql: "UPDATE audit_records SET prev_hash = ?, hash = ? WHERE seq = ?", args: [prev, hash, r.seq!] });
    prev = hash;
  }
}

describe("signed checkpoints", () => {
  it("publishes the public key, seals the trail's end, tells each party with records in it, and an export checks out offline", async () => {
    const w = await world();
    const key = await w.t.call(null, "GET", "/v1/audit/public-key");
    expect(key.status).toBe(200);
    expect(key.body).toMatchObject({ object: "audit_public_key", jwk: { kty: "OKP", crv: "Ed25519" }, pem: expect.stringContaining("BEGIN PUBLIC KEY") });
    const c1 = await checkpoint(w.t, w.controller.key);
    expect(c1.key_id).toBe(key.body.key_id);
    // asking again with nothing new gives the same checkpoint
    expect((await checkpoint(w.t, w.processor.key)).seq).toBe(c1.seq);
    // both parties got it as an event (and webhook); an organisation with no record in it did not
    for (const org of [w.controller, w.processor]) {
      const events = await w.t.call(org.key, "GET", "/v1/events?type=audit.checkpoint");
      expect(events.body.data.map((e: { data: { checkpoint: { seq: number } } }) => e.data.checkpoint.seq)).toContain(c1.seq);
    }
    const foreignEvents = await w.t.call(w.foreign.key, "GET", "/v1/events?type=audit.checkpoint");
    expect(foreignEvents.body.data.filter((e: { data: { checkpoint: { seq: number } } }) => e.data.checkpoint.seq === c1.seq)).toEqual([]);
    // more happens; a second checkpoint; both verify offline for each party, whose export shows others' records only as links
    await w.t.call(w.controller.key, "POST", `/v1/decisions/${w.decision}/approve`, {});
    const c2 = await checkpoint(w.t, w.controller.key);
    expect(c2.seq).toBeGreaterThan(c1.seq);
    for (const org of [w.controller, w.processor, w.foreign]) {
      const offline = await verifyOffline(w.t, org, [c1, c2]);
      expect(offline.out).toMatch(/^OK /);
      expect(offline.code).toBe(0);
    }
    const exported = await (await w.t.app.request("/v1/audit/export", { headers: { Authorization: `Bearer ${w.foreign.key}` } })).text();
    expect(exported).not.toContain(w.agreement.id);
    expect(exported).toContain('"object":"audit_link"');
    // online: from the newest checkpoint, and in full
    expect(await verifyOnline(w.t)).toMatchObject({ valid: true, from_seq: c2.seq + 1, checkpoints_checked: 2 });
    expect(await verifyOnline(w.t, true)).toMatchObject({ valid: true, from_seq: 1 });
  });

  it("catches a chain recomputed after an edit: online by the checkpoint it breaks, offline by the checkpoint kept", async () => {
    const w = await world();
    const c1 = await checkpoint(w.t, w.controller.key);
    await asAdministrator(w.t, async () => {
      await w.t.client.execute("UPDATE audit_records SET outcome = 'failed' WHERE seq = 3");
      await rechain(w.t, 3);
    });
    const online = await verifyOnline(w.t);
    expect(online.valid).toBe(false);
    expect(online.first_broken.reason).toContain(`checkpoint ${c1.seq} was changed`);
    const offline = await verifyOffline(w.t, w.controller, [c1]);
    expect(offline.code).toBe(1);
    expect(offline.out).toContain(`checkpoint ${c1.seq}: the export has another hash there`);
  });

  it("catches the newest records removed with the sequence reset and their checkpoint deleted: offline, by the checkpoint kept", async () => {
    const w = await world();
    const c1 = await checkpoint(w.t, w.controller.key);
    await w.t.call(w.controller.key, "POST", `/v1/decisions/${w.decision}/approve`, {});
    const c2 = await checkpoint(w.t, w.controller.key);
    await asAdministrator(w.t, async () => {
      await w.t.client.execute({ sql: "DELETE FROM audit_records WHERE seq > ?", args: [c1.seq] });
      await w.t.client.execute({ sql: "DELETE FROM audit_checkpoints WHERE seq > ?", args: [c1.seq] });
      await w.t.client.execute({ sql: "UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit_records'", args: [c1.seq] });
    });
    // the database alone can no longer tell: everything in it is consistent
    expect((await verifyOnline(w.t)).valid).toBe(true);
    // the party that kept the second checkpoint can
    const offline = await verifyOffline(w.t, w.controller, [c1, c2]);
    expect(offline.code).toBe(1);
    expect(offline.out).toContain(`checkpoint ${c2.seq}: the export ends at seq`);
  });

  it("catches a forged append after a checkpoint that replaces what the next checkpoint sealed", async () => {
    const w = await world();
    const c1 = await checkpoint(w.t, w.controller.key);
    await w.t.call(w.controller.key, "POST", `/v1/decisions/${w.decision}/object`, { reason: "Not approved by our IT security." });
    const c2 = await checkpoint(w.t, w.controller.key);
    // the administrator turns the objection into an approval, with hashes that chain correctly
    await asAdministrator(w.t, async () => {
      await w.t.client.execute({ sql: "UPDATE audit_records SET action = 'decision.approved' WHERE seq > ? AND action = 'decision.objected'", args: [c1.seq] });
      await rechain(w.t, c1.seq + 1);
      await w.t.client.execute({ sql: "DELETE FROM audit_checkpoints WHERE seq > ?", args: [c1.seq] });
    });
    expect((await verifyOnline(w.t)).valid).toBe(true);
    const offline = await verifyOffline(w.t, w.processor, [c1, c2]);
    expect(offline.code).toBe(1);
    expect(offline.out).toContain(`checkpoint ${c2.seq}: the export has another hash there`);
  });

  it("names dropped append-only triggers, a forged checkpoint, and records sealed by a checkpoint that are gone", async () => {
    const w = await world();
    await w.t.client.execute("DROP TRIGGER audit_records_no_delete");
    const dropped = await verifyOnline(w.t);
    expect(dropped.valid).toBe(false);
    expect(dropped.first_broken.reason).toContain("audit_records_no_delete");
    await w.t.client.execute("CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END");
    expect((await verifyOnline(w.t)).valid).toBe(true);
    // a checkpoint the database administrator writes has no valid signature
    const head = (await w.t.client.execute("SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1")).rows[0]!;
    const keyId = (await w.t.call(null, "GET", "/v1/audit/public-key")).body.key_id;
    await w.t.client.execute({
      sql: "INSERT INTO audit_checkpoints (seq, hash, at, key_id, signature) VALUES (?, ?, ?, ?, ?)",
      args: [head.seq, head.hash, Date.now(), keyId, "Zm9yZ2Vk"],
    });
    const forged = await verifyOnline(w.t);
    expect(forged.valid).toBe(false);
    expect(forged.first_broken.reason).toContain("not signed by the audit key");
  });

  it("verifies incrementally from the newest checkpoint, and the offline verifier refuses a record edited without rechaining", async () => {
    const w = await world();
    await checkpoint(w.t, w.controller.key);
    for (let i = 0; i < 5; i++) await w.t.call(w.controller.key, "GET", `/v1/agreements/${w.agreement.id}/annex`);
    const after = await verifyOnline(w.t);
    expect(after.valid).toBe(true);
    expect(after.records_checked).toBe(5);
    await asAdministrator(w.t, async () => {
      await w.t.client.execute("UPDATE audit_records SET outcome = 'denied' WHERE seq = (SELECT max(seq) FROM audit_records)");
    });
    expect((await verifyOnline(w.t)).first_broken.reason).toContain("does not match its hash");
    const offline = await verifyOffline(w.t, w.controller, []);
    expect(offline.code).toBe(1);
    expect(offline.out).toContain("does not match its hash");
  });
});

describe("retention of personal data", () => {
  it("erases client IPs and the person's name and address after the period; the chain, the checkpoints and an export still verify", async () => {
    const w = await world();
    const read = () =>
      w.t.app.request(
        `/v1/agreements/${w.agreement.id}/annex`,
        { headers: { Authorization: `Bearer ${w.controller.key}` } },
        { incoming: { socket: { remoteAddress: "198.51.100.7" } } },
      );
    expect((await read()).status).toBe(200);
    const c1 = await checkpoint(w.t, w.controller.key);
    const ipRows = async () => Number((await w.t.client.execute("SELECT count(*) AS n FROM audit_records WHERE client_ip IS NOT NULL")).rows[0]!.n);
    expect(await ipRows()).toBeGreaterThan(0);
    // tampering with the personal data itself is found (it is covered by its digest)
    await asAdministrator(w.t, async () => {
      await w.t.client.execute("UPDATE audit_records SET client_ip = '203.0.113.1' WHERE client_ip = '198.51.100.7'");
    });
    expect((await verifyOnline(w.t, true)).first_broken.reason).toContain("personal data");
    await asAdministrator(w.t, async () => {
      await w.t.client.execute("UPDATE audit_records SET client_ip = '198.51.100.7' WHERE client_ip = '203.0.113.1'");
    });
    expect((await verifyOnline(w.t, true)).valid).toBe(true);
    // 180 days and a day later the scheduler erases it; the trigger allows nothing else
    const { runScheduled } = await import("../../src/jobs/scheduler");
    w.t.clock.advance(181 * 86_400_000);
    const run = await runScheduled(w.t.deps, w.t.clock.now());
    expect(run.personal_data_erased).toBeGreaterThan(0);
    expect(await ipRows()).toBe(0);
    await expect(w.t.client.execute("UPDATE audit_records SET outcome = 'failed' WHERE seq = 1")).rejects.toThrow(/append-only/);
    expect(await verifyOnline(w.t, true)).toMatchObject({ valid: true });
    const offline = await verifyOffline(w.t, w.controller, [c1]);
    expect(offline.out).toMatch(/^OK /);
  });
});

describe("business rows covered", () => {
  it("names a decision's state, an annex version and the terms edited behind the API, each against the record that last wrote it", async () => {
    const w = await world();
    await w.t.call(w.controller.key, "POST", `/v1/decisions/${w.decision}/object`, { reason: "Not approved by our IT security." });
    expect((await verifyOnline(w.t)).valid).toBe(true);
    const cases: [string, string, RegExp][] = [
      ["UPDATE decisions SET state = 'approved', objection_reason = NULL WHERE id = ?", w.decision, new RegExp(`the decision ${w.decision} was changed behind the API`)],
      [
        "UPDATE annex_versions SET content = json_set(content, '$.locations[0].address.country', 'US') WHERE agreement_id = ? AND version = 1",
        w.agreement.id,
        new RegExp(`version 1 of the annex of ${w.agreement.id} was changed`),
      ],
      [
        "UPDATE agreement_terms SET third_country_transfers = 'prohibited' WHERE agreement_id = ? AND version = 1",
        w.agreement.id,
        new RegExp(`version 1 of the terms of ${w.agreement.id} was changed`),
      ],
      ["DELETE FROM annex_versions WHERE agreement_id = ? AND version = 1", w.agreement.id, /was removed behind the API/],
    ];
    for (const [statement, id, reason] of cases) {
      const before = (await w.t.client.execute("SELECT * FROM decisions")).rows;
      const versions = (await w.t.client.execute("SELECT * FROM annex_versions")).rows;
      const terms = (await w.t.client.execute("SELECT * FROM agreement_terms")).rows;
      await w.t.client.execute({ sql: statement, args: [id] });
      const result = await verifyOnline(w.t, true);
      expect(result.valid, statement).toBe(false);
      expect(result.first_broken.reason, statement).toMatch(reason);
      // put back: the procedure's own writes verify again
      await w.t.client.execute("DELETE FROM decisions");
      await w.t.client.execute("DELETE FROM annex_versions");
      await w.t.client.execute("DELETE FROM agreement_terms");
      for (const [table, rows] of [
        ["decisions", before],
        ["annex_versions", versions],
        ["agreement_terms", terms],
      ] as const)
        for (const r of rows) {
          const cols = Object.keys(r);
          await w.t.client.execute({ sql: `INSERT INTO ${table} (${cols.join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`, args: cols.map((c) => r[c] ?? null) });
        }
      expect((await verifyOnline(w.t, true)).valid, `restored after: ${statement}`).toBe(true);
    }
  });
});

describe("retention of subscription addresses", () => {
  it("deletes a subscription 30 days after it was ended or never confirmed, and keeps an active one", async () => {
    const { forgetSubscriptions } = await import("../../src/features/audit/retention.service");
    const t = await createTestContext();
    const org = await createOrg(t, "Omsorgspartner ApS");
    const now = t.clock.now().getTime();
    const row = (id: string, address: string, status: string, at: number) =>
      t.client.execute({
        sql: "INSERT INTO page_subscriptions (id, organisation_id, address, language, status, unsubscribe_secret, created_at, unsubscribed_at, updated_at) VALUES (?, ?, ?, 'da', ?, 's', ?, ?, ?)",
        args: [id, org.id, address, status, at, status === "unsubscribed" ? at : null, at],
      });
    const DAY = 86_400_000;
    await row("sub_a", "gone@example.org", "unsubscribed", now - 31 * DAY);
    await row("sub_b", "recent@example.org", "unsubscribed", now - 2 * DAY);
    await row("sub_c", "never@example.org", "pending", now - 31 * DAY);
    await row("sub_d", "reader@example.org", "active", now - 400 * DAY);
    expect(await forgetSubscriptions(t.deps, t.clock.now())).toBe(2);
    const left = (await t.client.execute("SELECT id FROM page_subscriptions ORDER BY id")).rows.map((r) => r.id);
    expect(left).toEqual(["sub_b", "sub_d"]);
  });
});

describe("a cursor that is no cursor this API issued", () => {
  // a number too large to bind (`{"k":1e309}` parses as Infinity), a fraction, a string where a sequence number goes:
  // each is the client's error, named, never a 500
  it.each([
    ["/v1/audit/checkpoints", { k: "1e309" }],
    ["/v1/audit/checkpoints", { k: 1.5 }],
    ["/v1/audit/checkpoints", { k: "12" }],
    ["/v1/audit", { k: 1.5 }],
  ])("%s?cursor=%j → 400 naming the cursor", async (path, cursor) => {
    const t = await createTestContext();
    const org = await createOrg(t, "Odense Kommune");
    const raw = JSON.stringify(cursor).replace('"1e309"', "1e309");
    const encoded = btoa(raw).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
    const res = await t.call(org.key, "GET", `${path}?cursor=${encoded}`);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ pointer: "/cursor", rule: "cursor" })]);
  });
});
