import { and, asc, desc, eq, gt, lt, or, type SQL, sql } from "drizzle-orm";
import { schema, type DbOrTx } from "../../../db/client";
import type { Actor } from "../../core/actor";
import { sha256Hex } from "../../core/crypto";
import { decodeCursor, toPage } from "../../core/pagination";
import type { Ctx } from "../../core/context";
import { type AuditContext, type AuditEntry, auditContent, GENESIS_HASH } from "../../core/audit-trail";
import { commit } from "../../core/writer";

type AuditRow = typeof schema.auditRecords.$inferSelect;
const a = schema.auditRecords;

/**
 * Every read of an annex (current, version, diff, document, a proposed baseline) is recorded
 * before it is answered (docs/rules.md, rule 8): if the record cannot be written, the read fails.
 */
export async function recordAnnexRead(ctx: Ctx, agreement: { id: string; processorId: string; controllerId: string }, action: string, resourceId: string) {
  const { id, processorId, controllerId } = agreement;
  const entry = { action, resourceType: "annex", resourceId, agreement: { id, processorId, controllerId } };
  if (!ctx.groupCommitReads) return commit(ctx, { audit: [entry] });
  return groupCommit(ctx, entry);
}

interface Waiting {
  ctx: AuditContext;
  entry: AuditEntry;
  done: (err?: unknown) => void;
}
const queues = new WeakMap<DbOrTx, { waiting: Waiting[]; flushing: boolean }>();

/**
 * Group commit: a read waits until its record is committed, as before, but the records of all
 * reads that arrive while a commit is under way go into the next transaction together. One
 * fsync then covers many reads; if the commit fails, every read in it fails (fail-closed).
 */
function groupCommit(ctx: Ctx, entry: AuditEntry): Promise<void> {
  let queue = queues.get(ctx.db);
  if (!queue) {
    queue = { waiting: [], flushing: false };
    queues.set(ctx.db, queue);
  }
  const q = queue;
  const committed = new Promise<void>((resolve, reject) => q.waiting.push({ ctx, entry, done: (err) => (err ? reject(err) : resolve()) }));
  if (!q.flushing) {
    q.flushing = true;
    void (async () => {
      while (q.waiting.length) {
        // one turn of the event loop: requests already read off their sockets reach this queue
        // (on a local file every query before it is synchronous underneath), and share the commit
        await new Promise((r) => (globalThis.setImmediate ?? setTimeout)(r));
        const batch = q.waiting.splice(0);
        try {
          await commit(ctx, { auditOf: batch });
          for (const w of batch) w.done();
        } catch (err) {
          for (const w of batch) w.done(err);
        }
      }
      q.flushing = false;
    })();
  }
  return committed;
}

export const presentAudit = (r: AuditRow) => ({
  object: "audit_record" as const,
  id: r.id,
  seq: r.seq,
  at: r.at.toISOString(),
  actor: {
    type: r.actorType,
    organisation_id: r.organisationId,
    key_id: r.keyId,
    key_prefix: r.keyPrefix,
    user: r.userId ? { id: r.userId, name: r.userName, email: r.userEmail ?? "" } : null,
  },
  action: r.action,
  resource: { type: r.resourceType, id: r.resourceId },
  agreement_id: r.agreementId,
  request_id: r.requestId,
  client_ip: r.clientIp,
  outcome: r.outcome,
  detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null,
  prev_hash: r.prevHash,
  hash: r.hash,
});

/** What a caller may read: the operator everything; an organisation its agreements' records and its own key usage. */
function visibleTo(actor: Actor): SQL | undefined {
  if (actor.kind !== "organisation") return undefined;
  const org = actor.organisationId;
  return or(eq(a.organisationId, org), eq(a.processorId, org), eq(a.controllerId, org));
}

export async function listAudit({ ctx, limit, cursor, agreement_id, action }: { ctx: Ctx; limit: number; cursor?: string; agreement_id?: string; action?: string }) {
  const after = decodeCursor(cursor, "number");
  const rows = await ctx.db
    .select()
    .from(a)
    .where(
      and(
        visibleTo(ctx.actor),
        agreement_id ? eq(a.agreementId, agreement_id) : undefined,
        action ? eq(a.action, action) : undefined,
        after !== undefined ? lt(a.seq, after) : undefined,
      ),
    )
    .orderBy(desc(a.seq))
    .limit(limit + 1);
  return toPage(rows.map(presentAudit), limit, (r) => r.seq);
}

/** All the caller may read, oldest first, one JSON object a line. */
export async function* exportAudit(ctx: Ctx): AsyncGenerator<string> {
  let after = 0;
  for (;;) {
    const rows = await ctx.db
      .select()
      .from(a)
      .where(and(visibleTo(ctx.actor), gt(a.seq, after)))
      .orderBy(asc(a.seq))
      .limit(1000);
    for (const r of rows) yield `${JSON.stringify(presentAudit(r))}\n`;
    if (rows.length < 1000) return;
    after = rows.at(-1)!.seq;
  }
}

/**
 * Recomputes the whole chain and reports the first broken link: a record whose content no
 * longer matches its hash, or whose predecessor is not the record it was chained to.
 */
export async function verifyAudit({ db, actor }: { db: DbOrTx; actor?: Actor }) {
  // the whole chain is checked, but an organisation learns only about the records it may read
  const mine = (r: AuditRow) => actor?.kind !== "organisation" || [r.organisationId, r.processorId, r.controllerId].includes(actor.organisationId);
  let prev = GENESIS_HASH;
  let checked = 0;
  let after = 0;
  let expectedSeq = 1;
  const broken = (r: AuditRow, reason: string) => ({
    object: "audit_verification" as const,
    valid: false,
    records_checked: checked,
    first_broken: mine(r) ? { seq: r.seq, id: r.id, reason } : { seq: null, id: null, reason: `a record you may not read is broken: ${reason}` },
  });
  for (;;) {
    const rows = await db.select().from(a).where(gt(a.seq, after)).orderBy(asc(a.seq)).limit(1000);
    for (const r of rows) {
      const { seq: _seq, hash, ...rest } = r;
      const reason =
        r.seq !== expectedSeq
          ? `the records before it (seq ${expectedSeq}–${r.seq - 1}) were removed: seq is never reused`
          : r.prevHash !== prev
            ? "its predecessor is not the record it was chained to (a record before it was removed or changed)"
            : sha256Hex(auditContent(rest)) !== hash
              ? "its content does not match its hash (the record was changed)"
              : null;
      if (reason) return broken(r, reason);
      expectedSeq = r.seq + 1;
      prev = hash;
      if (mine(r)) checked++;
    }
    if (rows.length < 1000) {
      // the newest records removed: SQLite's sequence remembers the highest seq it handed out
      const [issued] = await db.all<{ seq: number }>(sql`SELECT seq FROM sqlite_sequence WHERE name = 'audit_records'`);
      if (issued && issued.seq >= expectedSeq)
        return {
          object: "audit_verification" as const,
          valid: false,
          records_checked: checked,
          first_broken: { seq: expectedSeq, id: null, reason: `the newest records (seq ${expectedSeq}–${issued.seq}) were removed` },
        };
      return { object: "audit_verification" as const, valid: true, records_checked: checked, first_broken: null };
    }
    after = rows.at(-1)!.seq;
  }
}
