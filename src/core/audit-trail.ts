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
        [...contentOf({ ...r, clientIp: null }), r.userId, r.detail, r.personalDigest]
      : // records written before: the person and the detail came later, and a record without them hashes as before
        [...contentOf(r), ...(r.userId !== null || r.detail !== null ? [r.userId, r.detail] : [])],
  );

/** The salted digest of a record's personal data: what its hashed content covers in its place. */
export const personalDigest = (salt: string, p: { clientIp: string | null; userName: string | null; userEmail: string | null }) =>
  sha256Hex(JSON.stringify([salt, p.clientIp, p.userName, p.userEmail]));

const newSalt = () => [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("");

const contentOf = (r: Omit<AuditRow, "seq" | "hash">) => [
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
  r.clientIp,
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
  for (const { ctx, entry: e } of items) {
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
    };
    row.personalSalt = newSalt();
    row.personalDigest = personalDigest(row.personalSalt, row);
    const hash = sha256Hex(auditContent(row));
    rows.push({ ...row, hash });
    prevHash = hash;
  }
  return rows;
}
