// Verifying the audit trail at 100,000 records: from the newest signed checkpoint (what
// GET /v1/audit/verify does) beside recomputing the whole chain (?full=true), in one process on
// the same database file. The goal the proof issue names: under 50 ms from the checkpoint.
import { insertRowsSql } from "../../db/bulk";
import { schema } from "../../db/client";
import { SCHEDULER } from "../../src/core/actor";
import { createAuditSigner, generateAuditSigningKey } from "../../src/core/audit-signing";
import { chainAudit, GENESIS_HASH } from "../../src/core/audit-trail";
import { commit } from "../../src/core/writer";
import { issueCheckpoint } from "../../src/features/audit/checkpoints.service";
import { verifyAudit } from "../../src/features/audit/audit.service";
import { type Figure, figure, round, timeMs } from "./figure";
import { openProduct, removeDatabase, tempPath } from "./seed";

/** Appends `n` chained annex-read records in batches, as the service would write them. */
async function append(deps: Awaited<ReturnType<typeof openProduct>>["deps"], n: number, head: string) {
  let prev = head;
  for (let done = 0; done < n; done += 5000) {
    const items = Array.from({ length: Math.min(5000, n - done) }, () => ({
      ctx: { clock: deps.clock, newId: deps.newId, actor: SCHEDULER, request: { id: deps.newId("request"), ip: "192.0.2.10" } },
      entry: { action: "annex.read", resourceType: "annex", resourceId: "agr_bench", agreement: { id: "agr_bench", processorId: "org_p", controllerId: "org_c" } },
    }));
    const rows = chainAudit(items, prev);
    prev = rows.at(-1)!.hash;
    await commit(deps, { writes: insertRowsSql(schema.auditRecords, rows) });
  }
  return prev;
}

export async function benchAuditVerify(opts: { records: number; sinceCheckpoint: number; iterations: number }): Promise<{ figure: Figure; fullMs: number; incrementalMs: number }> {
  const file = tempPath("audit-verify");
  const { client, deps: base } = await openProduct(file.path);
  const deps = { ...base, auditSigner: createAuditSigner(await generateAuditSigningKey()) };
  try {
    const head = await append(deps, opts.records - opts.sinceCheckpoint, GENESIS_HASH);
    await issueCheckpoint(deps);
    await append(deps, opts.sinceCheckpoint, head);
    const check = await verifyAudit({ db: deps.db, auditSigner: deps.auditSigner });
    if (!check.valid || check.records_checked !== opts.sinceCheckpoint) throw new Error(`verify did not start at the checkpoint: ${JSON.stringify(check)}`);
    const ms = await timeMs(
      [
        { name: "from the checkpoint", run: () => verifyAudit({ db: deps.db, auditSigner: deps.auditSigner }) },
        { name: "full", run: () => verifyAudit({ db: deps.db, auditSigner: deps.auditSigner, full: true }) },
      ],
      opts.iterations,
      1,
    );
    const incremental = ms["from the checkpoint"]!;
    const full = ms.full!.mean;
    return {
      figure: figure(incremental.mean, full, "ms", { ratio: "<=", limit: 0.05 }, 2, incremental),
      fullMs: round(full, 1),
      incrementalMs: round(incremental.mean, 2),
    };
  } finally {
    client.close();
    removeDatabase(file.path);
  }
}
