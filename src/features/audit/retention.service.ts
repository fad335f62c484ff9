import { and, eq, isNotNull, lt, or } from "drizzle-orm";
import { schema } from "../../../db/client";
import type { Deps } from "../../deps";

/** How long the personal data of an audit record is kept (seed 002 §4): 180 days unless configured. */
export const PERSONAL_DATA_DAYS = 180;

/**
 * Erases the personal data of audit records older than the period: the client IP, the person's
 * name and address, and the salt of their digest (docs/rules.md, rule 8, "Retention"). The hashed
 * content covers only the digest, so the chain verifies as before; the record itself stays, with
 * the person's id, as long as the trail is kept. Records written before digests existed hash their
 * client IP and keep it (the trigger refuses to erase it: that would break the chain).
 */
export async function erasePersonalData(deps: Pick<Deps, "db">, now: Date, days = PERSONAL_DATA_DAYS): Promise<number> {
  const a = schema.auditRecords;
  const erased = await deps.db
    .update(a)
    .set({ clientIp: null, userName: null, userEmail: null, personalSalt: null })
    .where(and(lt(a.at, new Date(now.getTime() - days * 86_400_000)), isNotNull(a.personalSalt), isNotNull(a.personalDigest)))
    .returning({ seq: a.seq });
  return erased.length;
}

/** How long the address of an unsubscribed or never confirmed page subscription is kept: long enough to answer who asked, then gone. */
export const SUBSCRIPTION_ADDRESS_DAYS = 30;

/** Deletes page subscriptions that were ended, or never confirmed, more than 30 days ago: their addresses are nobody's business any more. */
export async function forgetSubscriptions(deps: Pick<Deps, "db">, now: Date, days = SUBSCRIPTION_ADDRESS_DAYS): Promise<number> {
  const p = schema.pageSubscriptions;
  const before = new Date(now.getTime() - days * 86_400_000);
  const gone = await deps.db
    .delete(p)
    .where(or(and(eq(p.status, "unsubscribed"), lt(p.unsubscribedAt, before)), and(eq(p.status, "pending"), lt(p.createdAt, before))))
    .returning({ id: p.id });
  return gone.length;
}
