import { and, eq, gt, lt } from "drizzle-orm";
import { schema } from "../../db/client";
import type { Deps, SchedulerRun } from "../deps";
import { REMINDERS } from "../domain/decisions";
import { commit } from "../core/writer";
import { applyDue, deemIfDue, type JobDeps, markOverdue, remind } from "../features/decisions/due.service";
import { putAmendmentsInForce } from "../features/agreements/agreement-terms.service";
import { sendDigests } from "../features/public-page/subscriptions.service";
import { receiveUpstream } from "../features/upstream/intake.service";
import { type DueSteps, dueSteps, EVERY_DECISION_STEP, IDEMPOTENCY_TTL_MS } from "./due-steps";

const d = schema.decisions;
const DAY_MS = 24 * 60 * 60 * 1000;

export type RunDueResult = SchedulerRun;

/**
 * Everything time makes due at `now`: deemed approvals, overdue notices, reminders 7 days and
 * 1 day before a notice ends, approved changes whose effective instant has come, and the digests
 * of public page subscribers whose changes have settled, and the changes announced upstream
 * (docs/rules.md, rule 14). Every step is a conditional update (an upstream change, an insert
 * unique by its source and entry), so running it twice for the same instant changes nothing the
 * second time, and it can race the API's decisions safely. Only the steps that have work run (`steps`: read here unless the caller
 * has read them).
 */
export async function runDue(deps: JobDeps & Pick<Deps, "publicUrl"> & Partial<Pick<Deps, "feeds" | "logger">>, now: Date, steps?: DueSteps): Promise<RunDueResult> {
  let due = steps ?? (await dueSteps(deps, now));
  // the terms in force first: whether silence may approve depends on the instruction in force
  if (due.amendments && (await putAmendmentsInForce(deps, now))) due = { ...due, ...EVERY_DECISION_STEP };
  const deemed = due.deem ? await deemIfDue(deps, null, now) : 0;
  const overdue = due.overdue ? await markOverdue(deps, now) : 0;
  let reminders = 0;
  for (const r of REMINDERS) if (due.reminders[r.column]) reminders += await remind(deps, now, r.days, r.column);
  // a change deemed approved just now may take effect at once
  const { applied, failed } = due.apply || deemed ? await applyDue(deps, now) : { applied: 0, failed: 0 };
  // after applying: a change applied at this instant is mailed as the page now shows it
  if (due.digests) await sendDigests(deps, now);
  if (due.idempotencyKeys)
    await commit(deps, { writes: [deps.db.delete(schema.idempotencyKeys).where(lt(schema.idempotencyKeys.createdAt, new Date(now.getTime() - IDEMPOTENCY_TTL_MS)))] });
  // changes travel down the chain (docs/rules.md, rule 14): what sub-processors announced since, a bounded number a run
  if (due.upstream) {
    const intake = await receiveUpstream(deps, now);
    if (intake.received || intake.polled) deps.logger?.info("upstream changes received", { received: intake.received, feeds_polled: intake.polled });
    // SchedulerRun has no count for them: its events' deliveries are rung for here
    if (intake.received) deps.webhooks.outbox.ring();
  }
  return { deemed_approved: deemed, overdue, reminders, applied, failed };
}

/** The next instant after `after` at which something falls due: a reminder, a notice end, an effective instant. */
export async function nextDueAt(deps: Pick<Deps, "db">, after: Date): Promise<Date | null> {
  const t = after.getTime();
  const pending = await deps.db
    .select({ noticeEndsAt: d.noticeEndsAt, r7: d.reminded7dAt, r1: d.reminded1dAt })
    .from(d)
    // a notice held by an open question does not end (docs/rules.md, rule 13): its answer sets the new end
    .where(and(eq(d.state, "pending"), eq(d.noticeHeld, false), gt(d.noticeEndsAt, after)));
  const scheduled = await deps.db
    .select({ at: d.effectiveAt })
    .from(d)
    .where(and(eq(d.application, "scheduled"), gt(d.effectiveAt, after)));
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
export async function advanceClock(deps: JobDeps & Pick<Deps, "publicUrl"> & { clock: { now(): Date; set(to: Date): void } }, to: Date) {
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
