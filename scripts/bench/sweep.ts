// The notice sweep: `runDue` over N pending decisions whose notice has ended (deemed approval
// of a general authorisation: the decision, its event, the audit record and the outbox), beside
// the same updates and rows written raw in one transaction, in an identical copy of the database:
// one bulk UPDATE moving the decisions to the same state, and exactly the rows runDue wrote
// (events, audit records, deliveries) as INSERT … SELECT FROM json_each. The bare UPDATE alone
// is measured too, for context.
import type { InStatement, InValue } from "@libsql/client";
import { createApp } from "../../src/app";
import { runDue } from "../../src/jobs/run-due";
import { figure, round, timeMs } from "./figure";
import { maxRowids, writtenSinceAsJson } from "./rows";
import { ADD_BACKUP_SITE, cloneRows, iterationDatabase, openProduct, PROCESSOR_KEY, seedAgreements, tempPath } from "./seed";

const DAY = 24 * 60 * 60 * 1000;
const AGREEMENTS = 1000;

/**
 * A database with `decisions` pending decisions: one change request through the API covering
 * 1,000 agreements, then copies of its request and decision rows.
 */
async function seedPending(decisions: number, now: Date) {
  const template = tempPath(`sweep-${decisions}`);
  const { client, deps } = await openProduct(template.path);
  const agreements = Math.min(AGREEMENTS, decisions);
  await seedAgreements(client, deps, agreements);
  const res = await createApp(deps).request("/v1/change-requests", {
    method: "POST",
    headers: { authorization: `Bearer ${PROCESSOR_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({
      agreements: "all",
      operations: [ADD_BACKUP_SITE],
      reason: "A second backup site",
      effective_date: new Date(now.getTime() + 60 * DAY).toISOString(),
    }),
  });
  if (res.status !== 201) throw new Error(`sweep seed: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  const rs = await client.execute({ sql: "SELECT * FROM change_requests WHERE id = ?", args: [id] });
  const request = Object.fromEntries(rs.columns.map((c) => [c, rs.rows[0]![c] as InValue]));
  const ds = await client.execute({ sql: "SELECT * FROM decisions WHERE change_request_id = ?", args: [id] });
  const requests = Array.from({ length: decisions / agreements - 1 }, () => deps.newId("changeRequest"));
  await cloneRows(
    client,
    "change_requests",
    request,
    requests.map((id) => ({ id })),
  );
  const decision = Object.fromEntries(ds.columns.map((c) => [c, ds.rows[0]![c] as InValue]));
  await cloneRows(
    client,
    "decisions",
    decision,
    requests.flatMap((crId) =>
      ds.rows.map((r) => ({ id: deps.newId("decision"), change_request_id: crId, agreement_id: r.agreement_id as InValue, controller_id: r.controller_id as InValue })),
    ),
  );
  const count = Number((await client.execute("SELECT count(*) AS n FROM decisions WHERE state = 'pending'")).rows[0]!.n);
  if (count !== decisions) throw new Error(`sweep seed: ${count} pending decisions, wanted ${decisions}`);
  await client.execute("PRAGMA wal_checkpoint(TRUNCATE)");
  client.close();
  return template;
}

export async function benchSweep({ decisions, iterations, bareUpdate }: { decisions: number; iterations: number; bareUpdate: boolean }) {
  const submitted = new Date();
  const template = await seedPending(decisions, submitted);
  // the sweep runs a day after the 30 days' notice ended; the requested effective date is later
  const now = new Date(submitted.getTime() + 31 * DAY);
  const db = iterationDatabase(template.path, "sweep");
  let before = new Map<string, number>();
  let written: { statements: InStatement[]; rows: number } | null = null;
  const bulkUpdate: InStatement = {
    sql: "UPDATE decisions SET state = 'deemed_approved', decided_at = notice_ends_at, effective_at = ?, application = 'scheduled' WHERE state = 'pending' AND notice_ends_at <= ? AND authorisation = 'general' AND instruction_conflict = 0",
    args: [now.getTime() + 29 * DAY, now.getTime()],
  };
  try {
    const ms = await timeMs(
      [
        {
          name: "runDue",
          before: async () => {
            const product = await db.openProduct();
            if (!written) before = await maxRowids(product.client);
          },
          run: async () => {
            const result = await runDue(db.product.deps, now);
            if (result.deemed_approved !== decisions) throw new Error(`runDue deemed ${result.deemed_approved} of ${decisions}`);
          },
          after: async () => {
            written ??= await writtenSinceAsJson(db.product.client, before);
            await db.close();
          },
        },
        ...(bareUpdate
          ? [
              {
                // context, not the goal: the update alone, without the rows a deemed approval must write
                name: "bulk update",
                before: async () => void (await db.openRaw()),
                run: async () => {
                  const rs = await db.raw.execute(bulkUpdate);
                  if (rs.rowsAffected !== decisions) throw new Error(`bulk update moved ${rs.rowsAffected} of ${decisions}`);
                },
                after: db.close,
              },
            ]
          : []),
        {
          // the baseline: the same update and exactly the rows runDue wrote (events, audit
          // records, deliveries), in one raw transaction: what the disk and SQLite need
          name: "same rows",
          before: async () => void (await db.openRaw()),
          run: async () => {
            const [update] = await db.raw.batch([bulkUpdate, ...written!.statements], "write");
            if (update!.rowsAffected !== decisions) throw new Error(`same rows moved ${update!.rowsAffected} of ${decisions}`);
          },
          after: db.close,
        },
      ],
      iterations,
    );
    return {
      figure: figure(ms.runDue!.mean, ms["same rows"]!.mean, "ms", { ratio: "<=", limit: 1.3 }, 1, ms.runDue),
      bareUpdateMs: bareUpdate ? round(ms["bulk update"]!.mean, 1) : null,
      rowsWritten: (written as { rows: number } | null)?.rows ?? 0,
    };
  } finally {
    await db.close();
    template.remove();
  }
}
