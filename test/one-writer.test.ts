// Every API write reaches libSQL over HTTP (Turso, the Worker's database) as one round trip for
// its writes: one `batch` holding its state rows, guards, events, deliveries and audit records.
// Counted at the Hrana server, from the statements it is sent.
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client/web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../db/connect";
import { migrateDatabase } from "../db/migrate";
import { deemIfDue } from "../src/features/decisions/due.service";
import { createTestContext, DAY, type TestContext, type TestResponse } from "./helpers/app";
import { addBackupOp, baselineAnnex, createActiveAgreement, createOrg, type TestOrg, ukSupportOps } from "./helpers/factories";
import { startHranaServer, type HranaServer } from "./helpers/hrana-server";
import { startReceiver } from "./helpers/receiver";

type Step = { stmt?: { sql?: string; sql_id?: number } };
type Request = { type: string; sql?: string; sql_id?: number; stmt?: Step["stmt"]; batch?: { steps: Step[] } };

/** The SQL of one pipeline: each batch as its list of statements, and lone statements. */
function sqlOf(body: unknown) {
  const requests = (body as { requests: Request[] }).requests;
  const stored = new Map<number, string>();
  for (const r of requests) if (r.type === "store_sql") stored.set(r.sql_id!, r.sql!);
  const text = (stmt: Step["stmt"]) => stmt?.sql ?? stored.get(stmt?.sql_id ?? -1) ?? "";
  return {
    batches: requests.filter((r) => r.type === "batch").map((r) => r.batch!.steps.map((s) => text(s.stmt))),
    executes: requests.filter((r) => r.type === "execute").map((r) => text(r.stmt)),
  };
}

const WRITE = /^\s*(insert|update|delete|replace)\b/i;
const writesIn = (sql: ReturnType<typeof sqlOf>) => [...sql.batches.flat(), ...sql.executes].filter((s) => WRITE.test(s));

describe("one writer: each API write is one round trip for its writes, over HTTP", () => {
  const path = join(tmpdir(), `one-writer-${randomBytes(6).toString("hex")}.db`);
  let server: HranaServer;
  let t: TestContext;
  let client: ReturnType<typeof createClient>;
  const pipelines: unknown[] = [];
  let processor: TestOrg;
  let controller: TestOrg;
  let agreementId: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    const local = openDatabase(`file:${path}`);
    await migrateDatabase(local);
    local.close();
    server = await startHranaServer({ path, onPipeline: (body) => pipelines.push(body) });
    client = createClient({ url: server.url });
    t = await createTestContext({ client });
    processor = await createOrg(t, "Processor A/S");
    controller = await createOrg(t, "Ballerup Kommune");
    agreementId = (await createActiveAgreement(t, processor, controller)).id;
    receiver = await startReceiver();
    const endpoint = await t.call(controller.key, "POST", "/v1/webhook-endpoints", { url: receiver.url });
    expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
  });

  afterAll(async () => {
    client?.close();
    await receiver?.close();
    await server?.close();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
  });

  /** Runs one request and reports what reached the database while it ran. */
  async function measure(run: () => Promise<TestResponse>) {
    const from = pipelines.length;
    const res = await run();
    const sent = pipelines.slice(from).map(sqlOf);
    const writing = sent.filter((p) => writesIn(p).length > 0);
    return { res, roundTrips: sent.length, writing };
  }

  /** The request wrote in exactly one round trip, as one batch inside one transaction. */
  function expectOneWrite(m: Awaited<ReturnType<typeof measure>>, label: string) {
    expect(m.res.status, `${label}: ${JSON.stringify(m.res.body)}`).toBeLessThan(300);
    expect(m.writing, label).toHaveLength(1);
    const [only] = m.writing;
    expect(
      only!.executes.filter((s) => WRITE.test(s)),
      `${label}: no write outside the batch`,
    ).toEqual([]);
    expect(only!.batches, label).toHaveLength(1);
    const batch = only!.batches[0]!;
    expect(batch[0], label).toMatch(/^BEGIN/i);
    // the client ends its batch with COMMIT, and a ROLLBACK that runs only if a step failed
    expect(
      batch.some((s) => /^COMMIT/i.test(s)),
      label,
    ).toBe(true);
    return batch.filter((s) => WRITE.test(s));
  }

  const proposal = () => ({
    controller_id: controller.id,
    title: "Databehandleraftale",
    authorisation: "general",
    third_country_transfers: "with_transfer_mechanism",
    notice_days: 30,
    annex: baselineAnnex(),
  });

  /** Auth notes a key's last use at most once a minute: used once first, so only the verb writes. */
  const warm = async (...keys: string[]) => {
    for (const key of keys) await t.call(key, "GET", "/v1/agreements");
  };

  it("a change request: the request, its decisions, their events, deliveries and audit records in one batch", async () => {
    await warm(processor.key, controller.key);
    const m = await measure(() => t.call(processor.key, "POST", "/v1/change-requests", { agreements: [agreementId], operations: [addBackupOp("bk1")], reason: "Backup" }));
    const writes = expectOneWrite(m, "submit");
    const into = (table: string) => writes.filter((s) => new RegExp(`^insert into "?${table}"?`, "i").test(s)).length;
    expect(into("change_requests")).toBe(1);
    expect(into("decisions")).toBe(1);
    expect(into("events")).toBe(1);
    expect(into("deliveries")).toBe(1);
    expect(into("audit_records")).toBe(1);
  });

  it("a decision, applied at once: the approval, the new annex version and both events in one batch", async () => {
    const submitted = await t.call(processor.key, "POST", "/v1/change-requests", { agreements: [agreementId], operations: [addBackupOp("bk2")], reason: "Backup" });
    const decisionId = submitted.body.decisions[0].id;
    await warm(controller.key);
    const m = await measure(() => t.call(controller.key, "POST", `/v1/decisions/${decisionId}/approve`, {}));
    const writes = expectOneWrite(m, "approve");
    expect(m.res.body.application.state).toBe("applied");
    expect(writes.some((s) => /^insert into "annex_versions"/i.test(s))).toBe(true);
    // the guards ride in the batch: the decision's state, the annex's version, the audit chain's end
    expect(writes.filter((s) => /^insert into write_guards/i.test(s)).length).toBeGreaterThanOrEqual(3);
  });

  it("every other write of the API is one round trip too", async () => {
    await warm(processor.key, controller.key, t.operatorKey);
    const cases: [string, () => Promise<TestResponse>][] = [
      [
        "organisation",
        () =>
          t.call(t.operatorKey, "POST", "/v1/organisations", {
            name: "Ny A/S",
            registration: { scheme: "dk_cvr", number: "10150817" },
            address: { street: "Vej 1", postal_code: "2750", city: "Ballerup", country: "DK" },
          }),
      ],
      ["api key", () => t.call(t.operatorKey, "POST", `/v1/organisations/${processor.id}/api-keys`, { name: "second" })],
      [
        "object",
        async () => {
          const cr = await t.call(processor.key, "POST", "/v1/change-requests", { agreements: [agreementId], operations: [addBackupOp("bk3")], reason: "Backup" });
          return t.call(controller.key, "POST", `/v1/decisions/${cr.body.decisions[0].id}/object`, { reason: "Not in Sweden." });
        },
      ],
      [
        "withdraw",
        async () => {
          const cr = await t.call(processor.key, "POST", "/v1/change-requests", { agreements: [agreementId], operations: [addBackupOp("bk4")], reason: "Backup" });
          return t.call(processor.key, "POST", `/v1/change-requests/${cr.body.id}/withdraw`);
        },
      ],
      [
        "notice applied at once",
        () =>
          t.call(processor.key, "POST", "/v1/change-requests", {
            agreements: [agreementId],
            operations: [{ op: "remove_sub_processor", target: "bk2" }],
            reason: "No longer used",
          }),
      ],
      ["amendment", () => t.call(controller.key, "POST", `/v1/agreements/${agreementId}/amendments`, { notice_days: 45, reason: "Longer notice" })],
      [
        "public page",
        () => t.call(processor.key, "PATCH", "/v1/organisations/me/public-page", { slug: `processor-${randomBytes(3).toString("hex")}`, enabled: true, agreements: "all" }),
      ],
      ["annex read (audited)", () => t.call(controller.key, "GET", `/v1/agreements/${agreementId}/annex`)],
      ["proposal", () => t.call(processor.key, "POST", "/v1/agreements", proposal())],
      [
        "decline",
        async () => {
          const proposed = await t.call(processor.key, "POST", "/v1/agreements", proposal());
          return t.call(controller.key, "POST", `/v1/agreements/${proposed.body.id}/decline`, { reason: "Wrong contract" });
        },
      ],
      ["endpoint update", () => t.call(controller.key, "PATCH", `/v1/webhook-endpoints/${endpointId}`, { description: "ERP" })],
      ["endpoint secret rotation", () => t.call(controller.key, "POST", `/v1/webhook-endpoints/${endpointId}/rotate-secret`)],
      ["endpoint ping", () => t.call(controller.key, "POST", `/v1/webhook-endpoints/${endpointId}/ping`)],
      [
        "key revoke",
        async () => {
          const key = await t.call(t.operatorKey, "POST", `/v1/organisations/${processor.id}/api-keys`, { name: "short-lived" });
          return t.call(t.operatorKey, "DELETE", `/v1/organisations/${processor.id}/api-keys/${key.body.id}`);
        },
      ],
      [
        "event resend",
        async () => {
          const event = (await t.call(controller.key, "GET", "/v1/events?limit=1")).body.data[0];
          return t.call(controller.key, "POST", `/v1/events/${event.id}/resend`, { endpoint_id: endpointId });
        },
      ],
      ["endpoint delete", () => t.call(controller.key, "DELETE", `/v1/webhook-endpoints/${endpointId}`)],
    ];
    const endpointId = (await t.call(controller.key, "GET", "/v1/webhook-endpoints")).body.data[0].id;
    for (const [label, run] of cases) {
      const m = await measure(async () => {
        const res = await run();
        return res;
      });
      // a case that first creates what it acts on wrote once for that too
      const setup = ["object", "withdraw", "decline", "key revoke"].includes(label) ? 1 : 0;
      expect(m.res.status, `${label}: ${JSON.stringify(m.res.body)}`).toBeLessThan(300);
      expect(m.writing, label).toHaveLength(1 + setup);
      expectOneWrite({ ...m, writing: m.writing.slice(setup) }, label);
    }
  });

  it("with an Idempotency-Key, the answer is stored in the change's own batch: a crash after the commit cannot lose it", async () => {
    await warm(processor.key);
    const key = `idem-${randomBytes(4).toString("hex")}`;
    const body = { agreements: [agreementId], operations: [addBackupOp("idem")], reason: "Backup" };
    const m = await measure(() => t.call(processor.key, "POST", "/v1/change-requests", body, { "Idempotency-Key": key }));
    expect(m.res.status, JSON.stringify(m.res.body)).toBe(201);
    // the key claimed first (its own round trip, before the verb runs), then the change: nothing after the commit
    expect(m.writing).toHaveLength(2);
    expect(writesIn(m.writing[0]!)).toEqual([expect.stringMatching(/^insert into "idempotency_keys"/i)]);
    const writes = expectOneWrite({ ...m, writing: m.writing.slice(1) }, "submit with a key");
    expect(writes.filter((s) => /^update "idempotency_keys"/i.test(s))).toHaveLength(1);
    const stored = await client.execute({ sql: "SELECT status, response FROM idempotency_keys WHERE key = ?", args: [key] });
    expect(stored.rows[0]!.status).toBe(201);
    expect(JSON.parse(stored.rows[0]!.response as string)).toEqual(m.res.body);
    const replay = await t.call(processor.key, "POST", "/v1/change-requests", body, { "Idempotency-Key": key });
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body).toEqual(m.res.body);
  });

  it("an instruction conflict lifted in the approval: amendment, approval and annex version in one batch", async () => {
    const prohibited = await createActiveAgreement(t, processor, controller, { third_country_transfers: "prohibited" });
    const cr = await t.call(processor.key, "POST", "/v1/change-requests", { agreements: [prohibited.id], operations: ukSupportOps(), reason: "Night support" });
    await warm(controller.key);
    const m = await measure(() =>
      t.call(controller.key, "POST", `/v1/decisions/${cr.body.decisions[0].id}/approve`, {
        amendment: { third_country_transfers: "with_transfer_mechanism", reason: "UK support accepted" },
      }),
    );
    const writes = expectOneWrite(m, "approve with amendment");
    expect(writes.some((s) => /^insert into "agreement_terms"/i.test(s))).toBe(true);
    expect(writes.some((s) => /^insert into "annex_versions"/i.test(s))).toBe(true);
  });

  it("the scheduler's sweep moves every due decision in one batch", async () => {
    const general = await createActiveAgreement(t, processor, controller, { notice_days: 7 });
    for (const ref of ["s1", "s2", "s3"])
      await t.call(processor.key, "POST", "/v1/change-requests", { agreements: [general.id], operations: [addBackupOp(ref)], reason: "Backup" });
    const now = new Date(t.clock.now().getTime() + 8 * DAY);
    const from = pipelines.length;
    const moved = await deemIfDue(t.deps, null, now);
    const writing = pipelines
      .slice(from)
      .map(sqlOf)
      .filter((p) => writesIn(p).length > 0);
    expect(moved).toBe(3);
    expect(writing).toHaveLength(1);
    const batch = writing[0]!.batches[0]!;
    expect(batch.filter((s) => /^update "decisions"/i.test(s))).toHaveLength(1);
    expect(batch.filter((s) => /^insert into "events"/i.test(s))).toHaveLength(1);
  });

  it("a decision the API changed after the sweep read it fails the batch's guard, and nothing of that change is kept", async () => {
    const cr = await t.call(processor.key, "POST", "/v1/change-requests", { agreements: [agreementId], operations: [addBackupOp("race")], reason: "Backup" });
    const decisionId = cr.body.decisions[0].id;
    const before = Number((await client.execute("SELECT count(*) AS n FROM events")).rows[0]!.n);
    // the same guarded update a decision sends, after another writer moved the row
    await client.execute({ sql: "UPDATE decisions SET state = 'objected' WHERE id = ?", args: [decisionId] });
    const { commit, guarded } = await import("../src/core/writer");
    const { eventsWithAudit } = await import("../src/core/events");
    const { schema } = await import("../db/client");
    const { and, eq } = await import("drizzle-orm");
    const d = schema.decisions;
    await expect(
      commit(t.deps, {
        writes: [
          guarded(
            "decision.state",
            t.db
              .update(d)
              .set({ state: "approved" })
              .where(and(eq(d.id, decisionId), eq(d.state, "pending"))),
          ),
        ],
        ...eventsWithAudit(t.deps, [{ type: "decision.approved", organisationId: controller.id, data: {} }]),
      }),
    ).rejects.toMatchObject({ name: "Conflict", guard: "decision.state" });
    expect(Number((await client.execute("SELECT count(*) AS n FROM events")).rows[0]!.n)).toBe(before);
    expect((await client.execute({ sql: "SELECT state FROM decisions WHERE id = ?", args: [decisionId] })).rows[0]!.state).toBe("objected");
    // the row was moved by hand, not by the API: put it back, or verify rightly names it as changed behind the API
    await client.execute({ sql: "UPDATE decisions SET state = 'pending' WHERE id = ?", args: [decisionId] });
  });

  it("the chain's end as last written spares a read; a stale one is refused by the head guard, read again, and the chain stays whole", async () => {
    await warm(controller.key);
    // a write without events after another write: no snapshot read, one round trip in all for the audit record
    await t.call(controller.key, "GET", `/v1/agreements/${agreementId}/annex`);
    const warmRead = await measure(() => t.call(controller.key, "GET", `/v1/agreements/${agreementId}/annex`));
    const reads = warmRead.roundTrips - warmRead.writing.length;
    // another process appended meanwhile: this process's idea of the chain's end is stale
    t.deps.auditHead!.hash = "f".repeat(64);
    const stale = await measure(() => t.call(controller.key, "GET", `/v1/agreements/${agreementId}/annex`));
    expect(stale.res.status).toBe(200);
    expect(stale.roundTrips).toBeGreaterThan(warmRead.roundTrips);
    expect(reads).toBeGreaterThan(0);
    const verified = await t.call(t.operatorKey, "GET", "/v1/audit/verify");
    expect(verified.body).toMatchObject({ valid: true });
  });
});
