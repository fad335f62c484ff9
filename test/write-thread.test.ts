// The write thread (README, "How it is built"): a large change is written on a
// connection of its own thread, part by part while the rest is built, and a notice sweep reads and
// plans its next slice while the thread writes the last. What it writes is what the process's own
// connection would write, a failure anywhere leaves nothing behind, and a decision the API changes
// while its slice is on its way is not moved.
import type { Client, InStatement, InValue } from "@libsql/client";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb, schema } from "../db/client";
import { writeThreadTransactions } from "../db/write-thread";
import { ADD_BACKUP_SITE, cloneRows, PROCESSOR_KEY, seedAgreements } from "../scripts/bench/seed";
import { bulkInsert, Conflict, commit, guarded } from "../src/core/writer";
import { verifyAudit } from "../src/features/audit/audit.service";
import { runDue } from "../src/jobs/run-due";
import { createTestContext, DAY, T0 } from "./helpers/app";

const keys = (scope: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    scope,
    key: `key-${i}`,
    requestHash: `hash-${i}`,
    status: i % 2 ? 201 : null,
    response: i % 3 ? `{"n":${i}}` : null,
    createdAt: new Date(T0.getTime() + i),
  }));

const count = async (client: Client, sql: string, args: InValue[] = []) => Number((await client.execute({ sql, args })).rows[0]!.n);

const backupSite = ADD_BACKUP_SITE;

describe("the write thread", () => {
  it("writes a large change's bulk rows as the process's own connection writes a small one's: the same values, of the same types", async () => {
    const t = await createTestContext();
    const before = writeThreadTransactions();
    // 300 rows: on the thread; 60: on the process's connection, as statements over JSON
    await commit(t.deps, { writes: bulkInsert(schema.idempotencyKeys, keys("thread", 300)) });
    expect(writeThreadTransactions()).toBe(before + 1);
    await commit(t.deps, { writes: bulkInsert(schema.idempotencyKeys, keys("process", 60)) });
    expect(writeThreadTransactions()).toBe(before + 1);
    const read = async (scope: string) =>
      (
        await t.client.execute({
          sql: "SELECT key, request_hash, status, typeof(status) AS st, response, typeof(response) AS rt, created_at, typeof(created_at) AS ct FROM idempotency_keys WHERE scope = ? ORDER BY rowid LIMIT 60",
          args: [scope],
        })
      ).rows.map((r) => ({ ...r }));
    const onThread = await read("thread");
    expect(onThread).toEqual(await read("process"));
    expect(onThread[1]).toMatchObject({ status: 201, st: "integer", response: '{"n":1}', rt: "text", created_at: T0.getTime() + 1, ct: "integer" });
    expect(onThread[0]).toMatchObject({ status: null, st: "null", response: null });
  });

  it("a guard that fails, or a statement that fails, leaves nothing of the change, and the next change commits", async () => {
    const t = await createTestContext();
    const k = schema.idempotencyKeys;
    const before = writeThreadTransactions();
    const refused = commit(t.deps, {
      writes: [...bulkInsert(k, keys("a", 300)), guarded("test.no_such_key", t.db.update(k).set({ status: 409 }).where(eq(k.scope, "none")), 1)],
    });
    await expect(refused).rejects.toBeInstanceOf(Conflict);
    await expect(refused).rejects.toMatchObject({ guard: "test.no_such_key" });
    // the same key twice: the primary key refuses the second insert, and the first goes too
    await expect(commit(t.deps, { writes: [...bulkInsert(k, keys("b", 300)), ...bulkInsert(k, keys("b", 1))] })).rejects.toThrow(/UNIQUE/);
    expect(await count(t.client, "SELECT count(*) AS n FROM idempotency_keys")).toBe(0);
    await commit(t.deps, { writes: bulkInsert(k, keys("c", 250)) });
    expect(writeThreadTransactions()).toBe(before + 3);
    expect(await count(t.client, "SELECT count(*) AS n FROM idempotency_keys")).toBe(250);
    // and the process's own connection writes after it: the write lock was released
    await commit(t.deps, { writes: bulkInsert(k, keys("d", 10)) });
    expect(await count(t.client, "SELECT count(*) AS n FROM idempotency_keys")).toBe(260);
  });

  it("a change request to 250 agreements: its decisions, events, deliveries and audit records, and the answer as read back", async () => {
    const t = await createTestContext();
    const { processorId, agreementIds, endpointId } = await seedAgreements(t.client, t.deps, 250);
    const before = writeThreadTransactions();
    const res = await t.call(PROCESSOR_KEY, "POST", "/v1/change-requests", { agreements: "all", operations: [backupSite], reason: "A second backup site" });
    expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(201);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(writeThreadTransactions()).toBe(before + 1);
    const id = (res.body as { id: string }).id;
    expect(await count(t.client, "SELECT count(*) AS n FROM decisions WHERE change_request_id = ? AND state = 'pending'", [id])).toBe(250);
    expect(await count(t.client, "SELECT count(*) AS n FROM events WHERE change_request_id = ? AND type = 'change_request.submitted'", [id])).toBe(250);
    expect(await count(t.client, "SELECT count(DISTINCT agreement_id) AS n FROM events WHERE change_request_id = ?", [id])).toBe(agreementIds.length);
    expect(await count(t.client, "SELECT count(*) AS n FROM deliveries WHERE endpoint_id = ?", [endpointId])).toBe(250);
    expect(await count(t.client, "SELECT count(*) AS n FROM audit_records WHERE processor_id = ? AND action = 'change_request.submitted'", [processorId])).toBe(250);
    expect(await verifyAudit({ db: t.db, full: true })).toMatchObject({ valid: true, first_broken: null });
    const got = await t.call(PROCESSOR_KEY, "GET", `/v1/change-requests/${id}`);
    expect(got.body).toEqual(res.body);
    // the answer in ASCII (src/core/json.ts): "Allévägen" as escapes, read back as the same text
    const again = await t.app.request(`/v1/change-requests`, {
      method: "POST",
      headers: { authorization: `Bearer ${PROCESSOR_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({
        agreements: agreementIds.slice(0, 120),
        operations: [
          { ...backupSite, location: { ...backupSite.location, ref: "kista", address: { street: "Kista Allévägen 5", postal_code: "164 55", city: "Kista", country: "SE" } } },
        ],
        reason: "Kista",
      }),
    });
    const text = await again.text();
    expect(again.status, text.slice(0, 300)).toBe(201);
    expect(text).toMatch(/^[\x20-\x7e]*$/);
    expect(text).toContain("Kista All\\u00e9v\\u00e4gen 5");
    expect(JSON.parse(text).decisions[0].change.operations[0].location.address.street).toBe("Kista Allévägen 5");
  });

  it("a sweep reads its next slice while the thread writes the last; a decision the API holds meanwhile is not moved, and every other is, once", async () => {
    const t = await createTestContext();
    await seedAgreements(t.client, t.deps, 250);
    const submitted = t.clock.now();
    const res = await t.call(PROCESSOR_KEY, "POST", "/v1/change-requests", {
      agreements: "all",
      operations: [backupSite],
      reason: "A second backup site",
      effective_date: new Date(submitted.getTime() + 60 * DAY).toISOString(),
    });
    expect(res.status).toBe(201);
    // 42 copies of the request with its 250 decisions: 10,750 pending, three slices of up to 5,000
    const id = (res.body as { id: string }).id;
    const row = async (table: string, where: string) => {
      const rs = await t.client.execute({ sql: `SELECT * FROM ${table} WHERE ${where}`, args: [id] });
      return rs.rows.map((r) => Object.fromEntries(rs.columns.map((c) => [c, r[c] as InValue])));
    };
    const [request] = await row("change_requests", "id = ?");
    const decisions = await row("decisions", "change_request_id = ?");
    const copies = Array.from({ length: 42 }, () => t.deps.newId("changeRequest"));
    await cloneRows(
      t.client,
      "change_requests",
      request!,
      copies.map((crId) => ({ id: crId })),
    );
    await cloneRows(
      t.client,
      "decisions",
      decisions[0]!,
      copies.flatMap((crId) => decisions.map((d) => ({ id: t.deps.newId("decision"), change_request_id: crId, agreement_id: d.agreement_id!, controller_id: d.controller_id! }))),
    );
    const pending = await count(t.client, "SELECT count(*) AS n FROM decisions WHERE state = 'pending'");
    expect(pending).toBe(10_750);

    // the read client, watched: when the sweep has read its second slice (the first is on its
    // way), a controller asks a question about one of its decisions, which holds its notice
    const reader = t.deps.readDb.$client as Client;
    let pageReads = 0;
    let held: string | null = null;
    const watched = new Proxy(reader, {
      get(target, prop, receiver) {
        if (prop !== "execute") return Reflect.get(target, prop, receiver);
        return async (stmt: InStatement) => {
          const rs = await target.execute(stmt);
          const text = typeof stmt === "string" ? stmt : stmt.sql;
          // a page of whole decision rows: the sweep's read of a slice
          if (/^select "id", "change_request_id", .* from "decisions" where .* limit \?$/is.test(text) && ++pageReads === 2) {
            held = String(rs.rows[7]!.id);
            const writes = await t.client.execute({ sql: "UPDATE decisions SET notice_held = 1 WHERE id = ?", args: [held] });
            expect(writes.rowsAffected).toBe(1);
          }
          return rs;
        };
      },
    });
    const before = writeThreadTransactions();
    const result = await runDue({ ...t.deps, readDb: createDb(watched) }, new Date(submitted.getTime() + 31 * DAY));
    expect(held).not.toBeNull();
    expect(result.deemed_approved).toBe(pending - 1);
    // each on the thread: 5,000, then 5,000 refused by the guard of the held one, read again as
    // 5,000, then the 749 left; a slice read while the last is written leaves out the last's rows
    expect(writeThreadTransactions() - before).toBe(4);
    expect(await count(t.client, "SELECT count(*) AS n FROM decisions WHERE state = 'deemed_approved'")).toBe(pending - 1);
    expect(await count(t.client, "SELECT count(*) AS n FROM decisions WHERE state = 'pending' AND id = ?", [held!])).toBe(1);
    const deemed = "FROM events WHERE type = 'decision.deemed_approved'";
    expect(await count(t.client, `SELECT count(*) AS n ${deemed}`)).toBe(pending - 1);
    expect(await count(t.client, `SELECT count(DISTINCT data ->> '$.decision.id') AS n ${deemed}`)).toBe(pending - 1);
    expect(await count(t.client, `SELECT count(*) AS n ${deemed} AND data ->> '$.decision.id' = ?`, [held!])).toBe(0);
    expect(await verifyAudit({ db: t.db, full: true })).toMatchObject({ valid: true, first_broken: null });
    // a second run finds nothing
    expect((await runDue(t.deps, new Date(submitted.getTime() + 31 * DAY))).deemed_approved).toBe(0);
  }, 60_000);
});
