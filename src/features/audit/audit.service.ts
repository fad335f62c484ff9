import { and, asc, desc, eq, gt, inArray, lt, or, type SQL, sql } from "drizzle-orm";
import { annexVersionDigest, decisionDigest, type RowDigests, termsDigest } from "../../core/row-digests";
import { type Db, schema, type DbOrTx } from "../../../db/client";
import type { AuditSigner } from "../../core/audit-signing";
import { checkCheckpoints } from "./checkpoints.service";
import type { Actor } from "../../core/actor";
import { sha256Hex } from "../../core/crypto";
import { decodeCursor, toPage } from "../../core/pagination";
import type { Ctx } from "../../core/context";
import { type AuditContext, type AuditEntry, auditContent, GENESIS_HASH, personalDigest } from "../../core/audit-trail";
import { commit } from "../../core/writer";
import { mergeVisibilityPaths } from "../../core/visibility-paths";

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
/** Turns of the event loop a group commit waits at most for more reads to join it. */
const GATHER_TURNS = 3;
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
        // turns of the event loop: requests already read off their sockets reach this queue (on a
        // local file every query before it is synchronous underneath; a key's hash comes back a
        // turn later) and share the commit. Another turn only while the last one brought more, and
        // at most GATHER_TURNS: a lone read waits one turn more than it would alone, no longer.
        for (let turns = 0, seen = -1; turns < GATHER_TURNS && q.waiting.length > seen; turns++) {
          seen = q.waiting.length;
          await new Promise((r) => (globalThis.setImmediate ?? setTimeout)(r));
        }
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
  processor_id: r.processorId,
  controller_id: r.controllerId,
  request_id: r.requestId,
  client_ip: r.clientIp,
  outcome: r.outcome,
  detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null,
  personal_digest: r.personalDigest,
  prev_hash: r.prevHash,
  hash: r.hash,
});

export async function listAudit({ ctx, limit, cursor, agreement_id, action }: { ctx: Ctx; limit: number; cursor?: string; agreement_id?: string; action?: string }) {
  const after = decodeCursor(cursor, "number");
  const filters = and(agreement_id ? eq(a.agreementId, agreement_id) : undefined, action ? eq(a.action, action) : undefined, after !== undefined ? lt(a.seq, after) : undefined);
  const page = (where: SQL | undefined) =>
    ctx.db
      .select()
      .from(a)
      .where(and(where, filters))
      .orderBy(desc(a.seq))
      .limit(limit + 1);
  const actor = ctx.actor;
  // the operator reads the chain in order; an organisation through each way a record is its, each along its own index
  const rows =
    actor.kind !== "organisation"
      ? await page(undefined)
      : await mergeVisibilityPaths(
          ctx.db,
          [page(eq(a.organisationId, actor.organisationId)), page(eq(a.processorId, actor.organisationId)), page(eq(a.controllerId, actor.organisationId))],
          (r: AuditRow) => r.seq,
          "desc",
          limit + 1,
        );
  return toPage(rows.map(presentAudit), limit, (r) => r.seq);
}

/**
 * The trail as the caller may prove it, oldest first, one JSON object a line: each record it may
 * read in full, and in place of each record it may not, only its link (`audit_link`: seq,
 * prev_hash, hash), so the chain can be checked end to end offline against a signed checkpoint
 * (scripts/verify-audit-export.mjs) without showing anything of another party.
 */
export async function* exportAudit(ctx: Ctx): AsyncGenerator<string> {
  const actor = ctx.actor;
  const mine = (r: AuditRow) => actor.kind !== "organisation" || [r.organisationId, r.processorId, r.controllerId].includes(actor.organisationId);
  let after = 0;
  for (;;) {
    const rows = await ctx.db.select().from(a).where(gt(a.seq, after)).orderBy(asc(a.seq)).limit(1000);
    for (const r of rows) yield `${JSON.stringify(mine(r) ? presentAudit(r) : { object: "audit_link", seq: r.seq, prev_hash: r.prevHash, hash: r.hash })}\n`;
    if (rows.length < 1000) return;
    after = rows.at(-1)!.seq;
  }
}

/** A row key of src/core/row-digests.ts, in words. */
const rowName = (key: string) => {
  const [kind, ...id] = key.split(":");
  return kind === "decision" ? `the decision ${id[0]}` : kind === "annex_version" ? `version ${id[1]} of the annex of ${id[0]}` : `version ${id[1]} of the terms of ${id[0]}`;
};

/** The digests of the named business rows as they are now; a row that is gone has none. */
async function currentDigests(db: DbOrTx, keys: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const ids = (kind: string) => keys.filter((k) => k.startsWith(`${kind}:`)).map((k) => k.split(":").slice(1));
  const put = (digests: RowDigests) => {
    for (const [k, v] of Object.entries(digests)) out.set(k, v);
  };
  const chunks = <T>(list: T[]) => Array.from({ length: Math.ceil(list.length / 500) }, (_, i) => list.slice(i * 500, i * 500 + 500));
  for (const chunk of chunks(ids("decision").map(([id]) => id!)))
    for (const d of await db.select().from(schema.decisions).where(inArray(schema.decisions.id, chunk))) put(decisionDigest(d));
  for (const chunk of chunks(ids("annex_version"))) {
    const rows = await db
      .select()
      .from(schema.annexVersions)
      .where(or(...chunk.map(([agreement, version]) => and(eq(schema.annexVersions.agreementId, agreement!), eq(schema.annexVersions.version, Number(version))))));
    for (const v of rows) put(annexVersionDigest(v));
  }
  for (const chunk of chunks(ids("terms"))) {
    const rows = await db
      .select()
      .from(schema.agreementTerms)
      .where(or(...chunk.map(([agreement, version]) => and(eq(schema.agreementTerms.agreementId, agreement!), eq(schema.agreementTerms.version, Number(version))))));
    for (const t of rows) put(termsDigest(t));
  }
  return out;
}

/** The triggers that make the trail append-only (migrations 0004 and 0016): dropping one is tampering. */
export const APPEND_ONLY_TRIGGERS = ["audit_records_no_update", "audit_records_no_delete", "audit_checkpoints_no_update", "audit_checkpoints_no_delete"] as const;

/**
 * Checks the trail and reports the first broken link (docs/rules.md, rule 8): the append-only
 * triggers in place; every signed checkpoint signed by the audit key, and the record it seals still
 * there with the hash it sealed; then, from the newest checkpoint that holds (or from the start,
 * `full`), every record's content against its hash and its predecessor, and no record removed.
 * From a checkpoint the work grows with the records since it, not with the trail.
 */
export async function verifyAudit({ db, actor, auditSigner, full = false }: { db: DbOrTx; actor?: Actor; auditSigner?: AuditSigner; full?: boolean }) {
  // the whole chain is checked, but an organisation learns only about the records it may read
  const mine = (r: AuditRow) => actor?.kind !== "organisation" || [r.organisationId, r.processorId, r.controllerId].includes(actor.organisationId);
  let checked = 0;
  const result = (valid: boolean, first_broken: { seq: number | null; id: string | null; reason: string } | null, extra: { from_seq: number; checkpoints_checked: number }) => ({
    object: "audit_verification" as const,
    valid,
    records_checked: checked,
    ...extra,
    first_broken,
  });
  const triggers = (await db.all<{ name: string }>(sql`SELECT name FROM sqlite_master WHERE type = 'trigger'`)).map((t) => t.name);
  const dropped = APPEND_ONLY_TRIGGERS.filter((t) => !triggers.includes(t));
  if (dropped.length)
    return result(false, { seq: null, id: null, reason: `the append-only triggers were dropped: ${dropped.join(", ")}` }, { from_seq: 1, checkpoints_checked: 0 });
  const checkpoints = await checkCheckpoints({ db: db as Db, auditSigner });
  if (checkpoints.broken)
    return result(false, { seq: checkpoints.broken.seq, id: null, reason: checkpoints.broken.reason }, { from_seq: 1, checkpoints_checked: checkpoints.checked });
  const start = !full && checkpoints.newest ? checkpoints.newest : { seq: 0, hash: GENESIS_HASH };
  const extra = { from_seq: start.seq + 1, checkpoints_checked: checkpoints.checked };
  let prev = start.hash;
  let after = start.seq;
  // the newest digest of each business row among the records checked
  const written = new Map<string, { record: AuditRow; digest: string }>();
  let expectedSeq = start.seq + 1;
  const broken = (r: AuditRow, reason: string) =>
    result(false, mine(r) ? { seq: r.seq, id: r.id, reason } : { seq: null, id: null, reason: `a record you may not read is broken: ${reason}` }, extra);
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
              : r.personalSalt !== null && r.personalDigest !== personalDigest(r.personalSalt, r)
                ? "its personal data (client IP, the person's name or address) does not match its digest (it was changed)"
                : null;
      if (reason) return broken(r, reason);
      expectedSeq = r.seq + 1;
      prev = hash;
      if (mine(r)) checked++;
      if (r.detail?.includes('"rows"'))
        for (const [key, digest] of Object.entries((JSON.parse(r.detail) as { rows?: RowDigests }).rows ?? {})) written.set(key, { record: r, digest });
    }
    if (rows.length < 1000) {
      // the newest records removed: SQLite's sequence remembers the highest seq it handed out
      const [issued] = await db.all<{ seq: number }>(sql`SELECT seq FROM sqlite_sequence WHERE name = 'audit_records'`);
      if (issued && issued.seq >= expectedSeq)
        return result(false, { seq: expectedSeq, id: null, reason: `the newest records (seq ${expectedSeq}–${issued.seq}) were removed` }, extra);
      // the business rows the checked records wrote, as they are now, against what the newest record of each says
      const now = await currentDigests(db, [...written.keys()]);
      for (const [key, { record, digest }] of written) {
        const current = now.get(key);
        if (current !== digest)
          return broken(
            record,
            `${rowName(key)} ${current === undefined ? "was removed" : "was changed"} behind the API: it no longer matches this record, the last that wrote it`,
          );
      }
      return result(true, null, extra);
    }
    after = rows.at(-1)!.seq;
  }
}
