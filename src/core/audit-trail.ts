import type { schema } from "../../db/client";
import type { Clock } from "../deps";
import type { IdGenerator } from "../domain/ids";
import type { Actor } from "./actor";
import { sha256Hex } from "./crypto";
import type { RowDigests } from "./row-digests";

export type AuditRow = typeof schema.auditRecords.$inferSelect;

export interface AuditEntry {
  action: string;
  resourceType: string;
  resourceId: string;
  /** the agreement the record is about: both its parties may read the record */
  agreement?: { id: string; processorId: string; controllerId: string } | null;
  outcome?: string;
  /** what else the record proves, e.g. to whom a notice was sent */
  detail?: Record<string, unknown>;
  /** digests of the business rows the change wrote, as they are after it (src/core/row-digests.ts) */
  rows?: RowDigests;
}

export interface AuditContext {
  clock: Clock;
  newId: IdGenerator;
  actor: Actor;
  request?: { id: string; ip: string | null };
}

export const GENESIS_HASH = "0".repeat(64);

/** The hashed content of a record: every field but its own hash, in a fixed order. */
export const auditContent = (r: Omit<AuditRow, "seq" | "hash">) =>
  JSON.stringify(
    r.personalDigest !== null
      ? // the personal data is covered by its salted digest, never by itself: retention can erase it
        [...contentOf(r, null), r.userId, r.detail, r.personalDigest]
      : // records written before: the person and the detail came later, and a record without them hashes as before
        [...contentOf(r), ...(r.userId !== null || r.detail !== null ? [r.userId, r.detail] : [])],
  );

/** The salted digest of a record's personal data: what its hashed content covers in its place. */
export const personalDigest = (salt: string, p: { clientIp: string | null; userName: string | null; userEmail: string | null }) =>
  sha256Hex(JSON.stringify([salt, p.clientIp, p.userName, p.userEmail]));

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));
const SALT_BYTES = 16;
/** getRandomValues fills at most 65,536 bytes a call. */
const RANDOM_BYTES_PER_CALL = 65_536;

/** A salt of 16 random bytes, hex, for each of `n` records: the bytes drawn a few calls at a time, not one per record. */
function newSalts(n: number): string[] {
  const bytes = new Uint8Array(n * SALT_BYTES);
  for (let i = 0; i < bytes.length; i += RANDOM_BYTES_PER_CALL) crypto.getRandomValues(bytes.subarray(i, i + RANDOM_BYTES_PER_CALL));
  return Array.from({ length: n }, (_, i) => {
    let salt = "";
    for (let j = i * SALT_BYTES; j < (i + 1) * SALT_BYTES; j++) salt += HEX[bytes[j]!];
    return salt;
  });
}

const contentOf = (r: Omit<AuditRow, "seq" | "hash">, clientIp = r.clientIp) => [
  r.prevHash,
  r.id,
  r.at.getTime(),
  r.actorType,
  r.organisationId,
  r.keyId,
  r.keyPrefix,
  r.action,
  r.resourceType,
  r.resourceId,
  r.agreementId,
  r.processorId,
  r.controllerId,
  r.requestId,
  clientIp,
  r.outcome,
];

/** An audit record to append, with the context of whoever it records. */
export interface AuditItem {
  ctx: AuditContext;
  entry: AuditEntry;
}

/**
 * The rows of new audit records, chained after the record whose hash is `prevHash`: each
 * record's hash covers its content and the hash before it. The one writer (src/core/writer.ts)
 * appends them in the change they record: if they cannot be written, neither is the change.
 */
export function chainAudit(items: AuditItem[], prevHash: string): Omit<AuditRow, "seq">[] {
  const rows: Omit<AuditRow, "seq">[] = [];
  const salts = newSalts(items.length);
  for (const [i, { ctx, entry: e }] of items.entries()) {
    const actor = ctx.actor;
    const row = {
      id: ctx.newId("audit"),
      at: ctx.clock.now(),
      actorType: actor.kind,
      organisationId: actor.kind === "organisation" ? actor.organisationId : null,
      keyId: actor.keyId,
      keyPrefix: actor.keyPrefix,
      action: e.action,
      resourceType: e.resourceType,
      resourceId: e.resourceId,
      agreementId: e.agreement?.id ?? null,
      processorId: e.agreement?.processorId ?? null,
      controllerId: e.agreement?.controllerId ?? null,
      requestId: ctx.request?.id ?? null,
      clientIp: ctx.request?.ip ?? null,
      outcome: e.outcome ?? "succeeded",
      userId: actor.kind === "organisation" ? (actor.user?.id ?? null) : null,
      userName: actor.kind === "organisation" ? (actor.user?.name ?? null) : null,
      userEmail: actor.kind === "organisation" ? (actor.user?.email ?? null) : null,
      detail: e.detail || e.rows ? JSON.stringify({ ...e.detail, ...(e.rows ? { rows: e.rows } : {}) }) : null,
      personalDigest: null as string | null,
      personalSalt: null as string | null,
      prevHash,
      hash: "",
    };
    row.personalSalt = salts[i]!;
    row.personalDigest = personalDigest(row.personalSalt, row);
    row.hash = sha256Hex(auditContent(row));
    rows.push(row);
    prevHash = row.hash;
  }
  return rows;
}
