import { desc, eq, lt, sql } from "drizzle-orm";
import { schema } from "../../../db/client";
import { type Checkpoint, checkpointSigned, checkpointText, type PublicKeyInfo } from "../../core/audit-signing";
import type { Ctx } from "../../core/context";
import { planEvents } from "../../core/events";
import { decodeCursor, toPage } from "../../core/pagination";
import { commit, Conflict, guarded } from "../../core/writer";
import type { Deps } from "../../deps";
import { AppError } from "../../domain/errors";

const c = schema.auditCheckpoints;
type CheckpointRow = typeof c.$inferSelect;

/** How often the scheduler seals what was appended since the last checkpoint. */
export const CHECKPOINT_INTERVAL_MS = 3600_000;

export const presentCheckpoint = (r: CheckpointRow) => ({
  object: "audit_checkpoint" as const,
  seq: r.seq,
  hash: r.hash,
  at: r.at.toISOString(),
  key_id: r.keyId,
  signature: r.signature,
});

export type CheckpointView = ReturnType<typeof presentCheckpoint>;

/** The published public key of the audit signing key; 404 when this deployment has none. */
export async function auditPublicKey(deps: Pick<Deps, "auditSigner">): Promise<PublicKeyInfo & { object: "audit_public_key"; signed_text: string }> {
  if (!deps.auditSigner) throw new AppError("not_found", "This deployment has no audit signing key (AUDIT_SIGNING_KEY).");
  const info = await deps.auditSigner.publicKey();
  return { object: "audit_public_key", ...info, signed_text: checkpointText({ seq: 0, hash: "<hash>", at: "<at>" }) };
}

/**
 * Seals the audit trail's end with a signed checkpoint, unless the last checkpoint already seals
 * it. Every organisation with a record since the last checkpoint gets it as an `audit.checkpoint`
 * event, in the same change. The checkpoint itself has no audit record: it is a statement about
 * the trail, and a record of it would leave the trail's end forever unsealed.
 */
export async function issueCheckpoint(deps: Pick<Deps, "db" | "clock" | "newId" | "webhooks" | "auditSigner">): Promise<CheckpointRow | null> {
  const signer = deps.auditSigner;
  if (!signer) throw new AppError("invalid_state", "This deployment has no audit signing key (AUDIT_SIGNING_KEY): it cannot issue checkpoints.");
  const [head] = await deps.db.all<{ seq: number; hash: string }>(sql`SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1`);
  const last = await deps.db.query.auditCheckpoints.findFirst({ orderBy: desc(c.seq) });
  if (!head || (last && last.seq >= head.seq)) return last ?? null;
  const from = last?.seq ?? 0;
  const parties = await deps.db.all<{ org: string }>(
    sql`SELECT organisation_id AS org FROM audit_records WHERE seq > ${from} AND seq <= ${head.seq} AND organisation_id IS NOT NULL
        UNION SELECT processor_id FROM audit_records WHERE seq > ${from} AND seq <= ${head.seq} AND processor_id IS NOT NULL
        UNION SELECT controller_id FROM audit_records WHERE seq > ${from} AND seq <= ${head.seq} AND controller_id IS NOT NULL`,
  );
  const at = deps.clock.now();
  const checkpoint: Checkpoint = { seq: head.seq, hash: head.hash, at: at.toISOString() };
  const { key_id } = await signer.publicKey();
  const row: CheckpointRow = { ...checkpoint, at, keyId: key_id, signature: await signer.sign(checkpointText(checkpoint)) };
  const data = { checkpoint: presentCheckpoint(row), from_seq: from + 1 };
  const events = planEvents(
    deps,
    parties.map((p) => ({ type: "audit.checkpoint" as const, organisationId: p.org, data })),
  );
  try {
    await commit(deps, { writes: [guarded("audit_checkpoint.new", deps.db.insert(c).values(row).onConflictDoNothing())], events });
  } catch (err) {
    // another process sealed the same end meanwhile: its checkpoint stands
    if (err instanceof Conflict) return (await deps.db.query.auditCheckpoints.findFirst({ where: eq(c.seq, row.seq) })) ?? null;
    throw err;
  }
  return row;
}

/** The scheduler's checkpoint: when the last is older than the interval and records came since. */
export async function checkpointIfDue(deps: Pick<Deps, "db" | "clock" | "newId" | "webhooks" | "auditSigner">, now: Date, intervalMs = CHECKPOINT_INTERVAL_MS) {
  if (!deps.auditSigner) return null;
  const last = await deps.db.query.auditCheckpoints.findFirst({ orderBy: desc(c.seq) });
  if (last && now.getTime() - last.at.getTime() < intervalMs) return null;
  const issued = await issueCheckpoint(deps);
  return issued && issued.seq !== last?.seq ? issued : null;
}

/** Checkpoints, newest first: they say nothing but a sequence number, a hash and a time, so every caller may read them all. */
export async function listCheckpoints({ ctx, limit, cursor }: { ctx: Ctx; limit: number; cursor?: string }) {
  const after = decodeCursor(cursor, "number");
  const rows = await ctx.db.query.auditCheckpoints.findMany({ where: after !== undefined ? lt(c.seq, after) : undefined, orderBy: desc(c.seq), limit: limit + 1 });
  return toPage(rows.map(presentCheckpoint), limit, (r) => r.seq);
}

/**
 * The checkpoints that prove something: each signature checked with the current key, and the
 * record it seals still there with the hash it sealed. Returns the newest that holds, or the first
 * that does not and why.
 */
export async function checkCheckpoints(deps: Pick<Deps, "db" | "auditSigner">) {
  if (!deps.auditSigner) return { newest: null, broken: null, checked: 0 };
  const key = await deps.auditSigner.publicKey();
  const rows = await deps.db.all<{ seq: number; hash: string; at: number; key_id: string; signature: string; record_hash: string | null; max_seq: number | null }>(
    sql`SELECT c.seq, c.hash, c.at, c.key_id, c.signature, r.hash AS record_hash, (SELECT max(seq) FROM audit_records) AS max_seq
        FROM audit_checkpoints c LEFT JOIN audit_records r ON r.seq = c.seq ORDER BY c.seq`,
  );
  let newest: { seq: number; hash: string } | null = null;
  let checked = 0;
  for (const r of rows) {
    if (r.key_id !== key.key_id) continue; // sealed with an earlier key: checked offline with that key's public half
    const checkpoint = { seq: r.seq, hash: r.hash, at: new Date(r.at).toISOString() };
    if (!(await checkpointSigned(key.jwk, checkpoint, r.signature)))
      return { newest, checked, broken: { seq: r.seq, reason: `checkpoint ${r.seq} is not signed by the audit key (it was forged or altered)` } };
    if (r.record_hash === null)
      return {
        newest,
        checked,
        broken: { seq: r.seq, reason: `the records up to seq ${r.seq}, sealed by a checkpoint, are gone (the newest now: ${r.max_seq ?? "none"})` },
      };
    if (r.record_hash !== r.hash) return { newest, checked, broken: { seq: r.seq, reason: `the record sealed by checkpoint ${r.seq} was changed (the chain was recomputed)` } };
    newest = { seq: r.seq, hash: r.hash };
    checked++;
  }
  return { newest, broken: null, checked };
}
