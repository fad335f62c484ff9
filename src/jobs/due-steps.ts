import { and, eq, gt, isNotNull, lt, lte, not, or, type SQL, type SQLWrapper, sql } from "drizzle-orm";
import { schema } from "../../db/client";
import type { Deps } from "../deps";
import { REMINDERS } from "../domain/decisions";
import { deemable, dueToApply, overdueUnnoticed, type ReminderColumn, reminderDue } from "../features/decisions/due.service";
import { PERSONAL_DATA_DAYS, SUBSCRIPTION_ADDRESS_DAYS } from "../features/audit/retention.service";
import { upstreamChecks } from "../features/upstream/intake.service";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Idempotency keys are kept a day: a retry later than that is a new request. */
export const IDEMPOTENCY_TTL_MS = DAY_MS;

/** Which steps of a scheduler run have anything to do at `now`. */
export interface DueSteps {
  amendments: boolean;
  deem: boolean;
  overdue: boolean;
  reminders: Record<ReminderColumn, boolean>;
  apply: boolean;
  digests: boolean;
  idempotencyKeys: boolean;
  /** upstream changes to receive: a register source's new upstream decision, or a feed due for its poll (docs/rules.md, rule 14) */
  upstream: boolean;
  /** only when asked for (`retention`): audit records whose personal data is past its period */
  erasure: boolean;
  /** only when asked for (`retention`): page subscriptions ended or never confirmed long enough ago */
  subscriptions: boolean;
}

/** Every decision step: what the terms coming into force may have changed is not known beforehand. */
export const EVERY_DECISION_STEP = {
  deem: true,
  overdue: true,
  reminders: { reminded7dAt: true, reminded1dAt: true },
  apply: true,
} satisfies Partial<DueSteps>;

/**
 * Which steps have work, in one read: most runs find little or nothing due, and at the edge every
 * step that reads to find nothing costs a round trip. Each condition is the one its step moves
 * rows by (or reads first), so a step told it has nothing would have done nothing; work that comes
 * after the read is the next run's, as if this run had started a moment earlier. Overdue counts
 * only what the deemed approvals, which run before it, leave pending.
 */
export async function dueSteps(deps: Pick<Deps, "db">, now: Date, retention?: { personalDataDays?: number }): Promise<DueSteps> {
  const d = schema.decisions;
  const t = schema.agreementTerms;
  const ag = schema.agreements;
  const s = schema.pageSubscriptions;
  const p = schema.publicPages;
  const k = schema.idempotencyKeys;
  const r = schema.auditRecords;
  const db = deps.db;
  const one = sql`1`;
  const decisions = (where: SQL | undefined) => db.select({ one }).from(d).where(where).limit(1);
  const checks: [string, SQLWrapper][] = [
    // as putAmendmentsInForce reads them
    [
      "amendments",
      db
        .select({ one })
        .from(t)
        .innerJoin(ag, eq(ag.id, t.agreementId))
        .where(and(lte(t.effectiveAt, now), gt(t.version, ag.termsVersion)))
        .limit(1),
    ],
    ["deem", decisions(deemable(now))],
    ["overdue", decisions(and(overdueUnnoticed(now), not(sql`coalesce(${deemable(now)}, 0)`)))],
    ...REMINDERS.map((m): [string, SQLWrapper] => [m.column, decisions(reminderDue(now, m.days, m.column))]),
    ["apply", decisions(dueToApply(now))],
    // as sendDigests lists the pages it looks at
    [
      "digests",
      db
        .select({ one })
        .from(s)
        .innerJoin(p, and(eq(p.organisationId, s.organisationId), eq(p.enabled, true)))
        .where(eq(s.status, "active"))
        .limit(1),
    ],
    [
      "idempotencyKeys",
      db
        .select({ one })
        .from(k)
        .where(lt(k.createdAt, new Date(now.getTime() - IDEMPOTENCY_TTL_MS)))
        .limit(1),
    ],
    // as receiveUpstream chooses its work
    ...upstreamChecks(db, now),
  ];
  if (retention) {
    // as erasePersonalData and forgetSubscriptions choose their rows
    const erasedBefore = new Date(now.getTime() - (retention.personalDataDays ?? PERSONAL_DATA_DAYS) * DAY_MS);
    const forgottenBefore = new Date(now.getTime() - SUBSCRIPTION_ADDRESS_DAYS * DAY_MS);
    checks.push(
      [
        "erasure",
        db
          .select({ one })
          .from(r)
          .where(and(lt(r.at, erasedBefore), isNotNull(r.personalSalt), isNotNull(r.personalDigest)))
          .limit(1),
      ],
      [
        "subscriptions",
        db
          .select({ one })
          .from(s)
          .where(or(and(eq(s.status, "unsubscribed"), lt(s.unsubscribedAt, forgottenBefore)), and(eq(s.status, "pending"), lt(s.createdAt, forgottenBefore))))
          .limit(1),
      ],
    );
  }
  const found = await db.get<Record<string, number>>(
    sql`SELECT ${sql.join(
      checks.map(([name, query]) => sql`EXISTS ${query} AS ${sql.identifier(name)}`),
      sql`, `,
    )}`,
  );
  const has = (name: string) => found?.[name] === 1;
  return {
    amendments: has("amendments"),
    deem: has("deem"),
    overdue: has("overdue"),
    reminders: { reminded7dAt: has("reminded7dAt"), reminded1dAt: has("reminded1dAt") },
    apply: has("apply"),
    digests: has("digests"),
    idempotencyKeys: has("idempotencyKeys"),
    upstream: has("upstreamRegister") || has("upstreamFeeds"),
    erasure: has("erasure"),
    subscriptions: has("subscriptions"),
  };
}
