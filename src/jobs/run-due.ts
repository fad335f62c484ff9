import { and, asc, eq, gt, inArray, isNull, lt, lte, or, type SQL, sql } from "drizzle-orm";
import { schema } from "../../db/client";
import type { Deps } from "../deps";
import { REMINDERS } from "../domain/decisions";
import type { EventType } from "../domain/events";
import { recordEvents } from "../features/events/events.service";
import { applyDecision } from "../features/decisions/apply";
import { decisionEvent } from "../features/decisions/decision-events";
import { type DecisionRow, loadDecisionContext } from "../features/decisions/decisions.presenter";
import { putAmendmentsInForce } from "../features/agreements/agreement-terms.service";

type JobDeps = Pick<Deps, "db" | "clock" | "newId" | "webhooks">;
const d = schema.decisions;
const a = schema.agreements;
const DAY_MS = 24 * 60 * 60 * 1000;
const IDEMPOTENCY_TTL_MS = DAY_MS;

export interface RunDueResult {
  deemed_approved: number;
  overdue: number;
  reminders: number;
  applied: number;
  failed: number;
}

/**
 * Everything time makes due at `now`: deemed approvals, overdue notices, reminders 7 days and
 * 1 day before a notice ends, and approved changes whose effective instant has come. Every step
 * is a conditional update, so running it twice for the same instant changes nothing the second
 * time, and it can race the API's decisions safely.
 */
export async function runDue(deps: JobDeps, now: Date): Promise<RunDueResult> {
  // the terms in force first: whether silence may approve depends on the instruction in force
  await putAmendmentsInForce(deps.db, now);
  const deemed = await deemIfDue(deps, null, now);
  const overdue = await markOverdue(deps, now);
  let reminders = 0;
  for (const r of REMINDERS) reminders += await remind(deps, now, r.days, r.column);
  const { applied, failed } = await applyDue(deps, now);
  await deps.db.delete(schema.idempotencyKeys).where(lt(schema.idempotencyKeys.createdAt, new Date(now.getTime() - IDEMPOTENCY_TTL_MS)));
  return { deemed_approved: deemed, overdue, reminders, applied, failed };
}

/** Decisions one sweep transaction moves: 5,000 took a quarter off the sweep against 2,000 (fewer commits rewriting the same index pages) and holds the write lock under a second. */
const SWEEP_SLICE = 5000;

/**
 * Moves every decision matching `where` with one set-based UPDATE … RETURNING per slice, and
 * writes their events (with audit records and deliveries) in the same transaction. The
 * condition is part of the UPDATE, so a decision the API changed meanwhile is not moved, and a
 * moved one no longer matches: the loop ends, and a second run finds nothing.
 */
async function sweep(deps: JobDeps, now: Date, where: SQL | undefined, set: Partial<Record<keyof DecisionRow, unknown>>, type: EventType, extra?: (row: DecisionRow) => Record<string, unknown>) {
  let moved = 0;
  for (;;) {
    const count = await deps.db.transaction(async (tx) => {
      // one statement: the rows it picks are the rows it moves, whatever runs beside it; picked
      // by rowid, so SQLite looks each one up instead of rescanning the due rows per slice
      const slice = tx.select({ rowid: sql`rowid` }).from(d).where(where).limit(SWEEP_SLICE);
      const changed = await tx
        .update(d)
        .set(set as Partial<DecisionRow>)
        .where(sql`${d}.rowid IN ${slice}`)
        .returning();
      if (!changed.length) return 0;
      const ctx = await loadDecisionContext(tx, changed);
      await recordEvents(tx, deps, changed.map((row) => decisionEvent(type, row, ctx, now, extra?.(row))));
      return changed.length;
    });
    moved += count;
    if (count < SWEEP_SLICE) return moved;
  }
}

/**
 * Deemed approval (docs/rules.md, rule 5): a general authorisation, no objection, no instruction
 * conflict (neither when submitted nor under the instruction in force now), notice ended. The decision dates from the end of the notice, not from the sweep;
 * it takes effect then, or at the requested effective date if that is later (the SQL form of
 * `effectiveAt` in domain/decisions.ts).
 */
export async function deemIfDue(deps: JobDeps, ids: string[] | null, now: Date): Promise<number> {
  const cr = schema.changeRequests;
  return sweep(
    deps,
    now,
    and(
      eq(d.state, "pending"),
      lte(d.noticeEndsAt, now),
      eq(d.authorisation, "general"),
      eq(d.instructionConflict, false),
      // an amendment since the submission may have prohibited what the change introduces
      or(eq(d.introducesThirdCountry, false), sql`(SELECT ${a.thirdCountryTransfers} FROM ${a} WHERE ${a.id} = ${d.agreementId}) <> 'prohibited'`),
      ids ? inArray(d.id, ids) : undefined,
    ),
    {
      state: "deemed_approved",
      decidedAt: sql`${d.noticeEndsAt}`,
      effectiveAt: sql`max(${d.noticeEndsAt}, coalesce((SELECT ${cr.effectiveDate} FROM ${cr} WHERE ${cr.id} = ${d.changeRequestId}), 0))`,
      application: "scheduled",
    },
    "decision.deemed_approved",
  );
}

/** Specific authorisation or an instruction conflict: silence never approves; say once that it is overdue. */
async function markOverdue(deps: JobDeps, now: Date) {
  return sweep(deps, now, and(eq(d.state, "pending"), isNull(d.overdueNotifiedAt), lte(d.noticeEndsAt, now)), { overdueNotifiedAt: now }, "decision.overdue");
}

/** Due when the reminder instant has come and the notice has not yet ended. */
async function remind(deps: JobDeps, now: Date, days: number, column: "reminded7dAt" | "reminded1dAt") {
  return sweep(
    deps,
    now,
    and(eq(d.state, "pending"), isNull(d[column]), lte(d.noticeEndsAt, new Date(now.getTime() + days * DAY_MS)), gt(d.noticeEndsAt, now)),
    { [column]: now },
    "notice.reminder",
    (row) => ({ days_before: days, notice_ends_at: row.noticeEndsAt.toISOString() }),
  );
}

/** Approved changes whose effective instant has come, oldest first, each in its own transaction. */
async function applyDue(deps: JobDeps, now: Date) {
  const due = await deps.db.query.decisions.findMany({
    where: and(eq(d.application, "scheduled"), lte(d.effectiveAt, now)),
    orderBy: [asc(d.effectiveAt), asc(d.id)],
  });
  let applied = 0;
  let failed = 0;
  for (const row of due) {
    const result = await deps.db.transaction((tx) => applyDecision(tx, deps, row));
    if (result.applied) applied++;
    else if (result.decision.application === "failed") failed++;
  }
  return { applied, failed };
}

/** The next instant after `after` at which something falls due: a reminder, a notice end, an effective instant. */
export async function nextDueAt(deps: Pick<Deps, "db">, after: Date): Promise<Date | null> {
  const t = after.getTime();
  const pending = await deps.db
    .select({ noticeEndsAt: d.noticeEndsAt, r7: d.reminded7dAt, r1: d.reminded1dAt })
    .from(d)
    .where(and(eq(d.state, "pending"), gt(d.noticeEndsAt, after)));
  const scheduled = await deps.db.select({ at: d.effectiveAt }).from(d).where(and(eq(d.application, "scheduled"), gt(d.effectiveAt, after)));
  const amendments = await deps.db.select({ at: schema.agreementTerms.effectiveAt }).from(schema.agreementTerms).where(gt(schema.agreementTerms.effectiveAt, after));
  const candidates: number[] = [];
  for (const p of pending) {
    const end = p.noticeEndsAt.getTime();
    candidates.push(end);
    if (!p.r7) candidates.push(end - 7 * DAY_MS);
    if (!p.r1) candidates.push(end - DAY_MS);
  }
  for (const s of scheduled) if (s.at) candidates.push(s.at.getTime());
  for (const m of amendments) candidates.push(m.at.getTime());
  const next = Math.min(...candidates.filter((c) => c > t));
  return Number.isFinite(next) ? new Date(next) : null;
}

/**
 * Moves a test clock to `to`, stopping at every instant something falls due on the way and
 * running the scheduler there, as the real interval would have (Stripe's test clocks do the same).
 */
export async function advanceClock(deps: JobDeps & { clock: { now(): Date; set(to: Date): void } }, to: Date) {
  const totals: RunDueResult = { deemed_approved: 0, overdue: 0, reminders: 0, applied: 0, failed: 0 };
  const add = (r: RunDueResult) => {
    for (const k of Object.keys(totals) as (keyof RunDueResult)[]) totals[k] += r[k];
  };
  for (let step = 0; step < 10_000; step++) {
    add(await runDue(deps, deps.clock.now()));
    const next = await nextDueAt(deps, deps.clock.now());
    if (!next || next > to) break;
    deps.clock.set(next);
  }
  if (deps.clock.now() < to) {
    deps.clock.set(to);
    add(await runDue(deps, to));
  }
  return totals;
}
