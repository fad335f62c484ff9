import { and, asc, eq, inArray, isNull, lte, gt, lt } from "drizzle-orm";
import { schema } from "../../db/client";
import type { Deps } from "../deps";
import { effectiveAt, REMINDERS } from "../domain/decisions";
import type { EventType } from "../domain/events";
import { recordEvents } from "../features/events/events.service";
import { applyDecision } from "../features/decisions/apply";
import { decisionEvent } from "../features/decisions/decision-events";
import { type DecisionRow, loadDecisionContext, slices } from "../features/decisions/decisions.presenter";

type JobDeps = Pick<Deps, "db" | "clock" | "newId" | "webhooks">;
const d = schema.decisions;
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
  const deemed = await deemIfDue(deps, null, now);
  const overdue = await markOverdue(deps, now);
  let reminders = 0;
  for (const r of REMINDERS) reminders += await remind(deps, now, r.days, r.column);
  const { applied, failed } = await applyDue(deps, now);
  await deps.db.delete(schema.idempotencyKeys).where(lt(schema.idempotencyKeys.createdAt, new Date(now.getTime() - IDEMPOTENCY_TTL_MS)));
  return { deemed_approved: deemed, overdue, reminders, applied, failed };
}

/** Moves pending decisions whose notice has ended to a new state, in slices, with one event each. */
async function transition(deps: JobDeps, now: Date, ids: string[], set: (row: DecisionRow) => Partial<DecisionRow> | null, type: EventType, extra?: (row: DecisionRow) => Record<string, unknown>, guard = eq(d.state, "pending")) {
  let moved = 0;
  for (const slice of slices(ids)) {
    moved += await deps.db.transaction(async (tx) => {
      const rows = await tx.query.decisions.findMany({ where: and(inArray(d.id, slice), guard) });
      const changed: DecisionRow[] = [];
      for (const row of rows) {
        const values = set(row);
        if (!values) continue;
        const [u] = await tx.update(d).set(values).where(and(eq(d.id, row.id), guard)).returning();
        if (u) changed.push(u);
      }
      if (!changed.length) return 0;
      const ctx = await loadDecisionContext(tx, changed);
      await recordEvents(tx, deps, changed.map((row) => decisionEvent(type, row, ctx, now, extra?.(row))));
      return changed.length;
    });
  }
  return moved;
}

/**
 * Deemed approval (PRODUCT.md rule 5): a general authorisation, no objection, no instruction
 * conflict, notice ended. The decision dates from the end of the notice, not from the sweep.
 */
export async function deemIfDue(deps: JobDeps, ids: string[] | null, now: Date): Promise<number> {
  const due = await deps.db
    .select({ id: d.id })
    .from(d)
    .where(and(eq(d.state, "pending"), lte(d.noticeEndsAt, now), eq(d.authorisation, "general"), eq(d.instructionConflict, false), ids ? inArray(d.id, ids) : undefined));
  if (!due.length) return 0;
  const requests = new Map<string, Date | null>();
  const rows = await deps.db.select({ id: d.id, cr: d.changeRequestId }).from(d).where(inArray(d.id, due.map((r) => r.id)));
  for (const slice of slices([...new Set(rows.map((r) => r.cr))]))
    for (const cr of await deps.db.select({ id: schema.changeRequests.id, effectiveDate: schema.changeRequests.effectiveDate }).from(schema.changeRequests).where(inArray(schema.changeRequests.id, slice)))
      requests.set(cr.id, cr.effectiveDate);
  return transition(
    deps,
    now,
    due.map((r) => r.id),
    (row) => ({ state: "deemed_approved", decidedAt: row.noticeEndsAt, effectiveAt: effectiveAt(requests.get(row.changeRequestId) ?? null, row.noticeEndsAt), application: "scheduled" }),
    "decision.deemed_approved",
  );
}

/** Specific authorisation or an instruction conflict: silence never approves; say once that it is overdue. */
async function markOverdue(deps: JobDeps, now: Date) {
  const guard = and(eq(d.state, "pending"), isNull(d.overdueNotifiedAt));
  const due = await deps.db.select({ id: d.id }).from(d).where(and(guard, lte(d.noticeEndsAt, now)));
  return transition(deps, now, due.map((r) => r.id), () => ({ overdueNotifiedAt: now }), "decision.overdue", undefined, guard);
}

async function remind(deps: JobDeps, now: Date, days: number, column: "reminded7dAt" | "reminded1dAt") {
  const guard = and(eq(d.state, "pending"), isNull(d[column]));
  // due when the reminder instant has come and the notice has not yet ended
  const due = await deps.db
    .select({ id: d.id })
    .from(d)
    .where(and(guard, lte(d.noticeEndsAt, new Date(now.getTime() + days * DAY_MS)), gt(d.noticeEndsAt, now)));
  return transition(deps, now, due.map((r) => r.id), () => ({ [column]: now }), "notice.reminder", (row) => ({ days_before: days, notice_ends_at: row.noticeEndsAt.toISOString() }), guard);
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
  const candidates: number[] = [];
  for (const p of pending) {
    const end = p.noticeEndsAt.getTime();
    candidates.push(end);
    if (!p.r7) candidates.push(end - 7 * DAY_MS);
    if (!p.r1) candidates.push(end - DAY_MS);
  }
  for (const s of scheduled) if (s.at) candidates.push(s.at.getTime());
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
