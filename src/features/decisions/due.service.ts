import { and, asc, eq, getTableColumns, gt, inArray, isNull, lte, or, type SQL, type SQLWrapper, sql } from "drizzle-orm";
import type { Client, InValue } from "@libsql/client";
import type { BatchItem } from "drizzle-orm/batch";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { schema } from "../../../db/client";
import { isLocal, readTogether } from "../../../db/read-together";
import type { Deps } from "../../deps";
import type { EventType } from "../../domain/events";
import { effectiveAt } from "../../domain/decisions";
import { eventsWithAudit } from "../../core/events";
import { audienceReads, Conflict, commit, dispatch, giveUpAfter, guarded, joinChanges, type Prefetched, prefetchedOf, retryOnConflict } from "../../core/writer";
import type { MailRecipient } from "../../core/mail-outbox";
import type { OutboxEndpoint } from "../../core/outbox";
import { type AnnexVersionRow, planApply } from "./apply";
import { decisionEvent } from "./decision-events";
import { type DecisionContext, type DecisionRow, loadDecisionContext, loadDecisionPage, slices } from "./decisions.presenter";

// The decision verbs time makes due, each a set-based sweep: the scheduler (src/jobs/run-due.ts)
// and the API (a late decision first lets a due deemed approval happen) call them.

/**
 * What a scheduled step needs. `budget`, when given, bounds how many decisions one run moves or
 * applies (a Worker's cron invocation has limits); what is left is due still, and the next run
 * takes it up where this one stopped.
 */
export type JobDeps = Pick<Deps, "db" | "clock" | "newId" | "webhooks"> & Partial<Pick<Deps, "readDb">> & { budget?: { remaining: number } };

/** How many rows the next step may take: the slice, or what is left of the run's budget. */
const allowance = (deps: JobDeps, slice: number) => (deps.budget ? Math.max(0, Math.min(slice, deps.budget.remaining)) : slice);
const spend = (deps: JobDeps, n: number) => {
  if (deps.budget) deps.budget.remaining -= n;
};
const d = schema.decisions;
const a = schema.agreements;
const v = schema.annexVersions;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Decisions one sweep change moves: 5,000 took a quarter off the sweep against 2,000 (fewer commits rewriting the same index pages) and holds the write lock under a second. */
const SWEEP_SLICE = 5000;

type IdColumn = "id" | "change_request_id" | "agreement_id" | "processor_id" | "controller_id";
const idColumns = { id: d.id, change_request_id: d.changeRequestId, agreement_id: d.agreementId, processor_id: d.processorId, controller_id: d.controllerId };

const decisionColumns = Object.entries(getTableColumns(d));

/**
 * Whole decision rows of `query` (a `select()` of every column), each column mapped by its own
 * decoder as drizzle maps it, without drizzle's generic row mapping: a sweep reads every row it
 * moves, and that mapping cost it a tenth of its CPU.
 */
async function readDecisionRows(db: JobDeps["db"], query: BatchItem<"sqlite">): Promise<DecisionRow[]> {
  const { sql: text, params } = (query as unknown as { toSQL(): { sql: string; params: InValue[] } }).toSQL();
  const result = await (db.$client as Client).execute({ sql: text, args: params });
  return result.rows.map((values) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < decisionColumns.length; i++) {
      const [key, column] = decisionColumns[i]!;
      const value = values[i];
      row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
    }
    return row as DecisionRow;
  });
}

/**
 * A page of decisions with what presenting them needs, and `more` reads. At the edge it is one
 * round trip: the context by subqueries over the same page (`ids` reads a column of it), and the
 * endpoints and people of the parties for the commit, which then reads none of them. On a local
 * file there is no round trip to save: the page, then its context by the ids it found, and the
 * writer reads the audience itself, in its transaction.
 */
async function readDecisionPage(
  deps: JobDeps,
  page: { rows: BatchItem<"sqlite">; ids: (column: IdColumn) => SQLWrapper },
  more: BatchItem<"sqlite">[] = [],
): Promise<{ rows: DecisionRow[]; context: DecisionContext; extra: unknown[][]; prefetched?: Prefetched }> {
  if (isLocal(deps.db)) {
    // on the read connection, outside the write lock: a sweep reads its next slice while the write thread writes the last
    const reads = deps.readDb ?? deps.db;
    const rows = await readDecisionRows(reads, page.rows);
    const extra = more.length ? ((await readTogether(deps.db, more as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]])) as unknown[][]) : [];
    return { rows, context: await loadDecisionContext(reads, rows), extra };
  }
  const party = (organisationId: SQLiteColumn) => or(inArray(organisationId, page.ids("processor_id")), inArray(organisationId, page.ids("controller_id")));
  const { rows, context, extra } = await loadDecisionPage(deps.db, page, [...more, ...audienceReads(deps.db, party)]);
  // the parties the audience reads covered: those the context's own read of the parties found, by the same subqueries
  const [endpoints, recipients] = extra.slice(more.length) as [OutboxEndpoint[], MailRecipient[]];
  const prefetched = prefetchedOf([...context.names.keys()], endpoints, recipients);
  // a page under a LIMIT is the same rows in each subquery as a rule, not by guarantee: what one missed is read
  return { rows, context: await loadDecisionContext(deps.db, rows, context), extra: extra.slice(0, more.length), prefetched };
}

// What each step moves, as conditions on `decisions`: the scheduler asks first which of them hold for any row.

// A notice held by an open question has not ended (docs/rules.md, rule 13): no step moves its decision until the answer releases it.

/** Notice ended under a general authorisation, no instruction conflict then or under the terms in force now (docs/rules.md, rule 5). */
export const deemable = (now: Date) =>
  and(
    eq(d.state, "pending"),
    eq(d.noticeHeld, false),
    lte(d.noticeEndsAt, now),
    eq(d.authorisation, "general"),
    eq(d.instructionConflict, false),
    // an amendment since the submission may have prohibited what the change introduces
    or(eq(d.introducesThirdCountry, false), sql`(SELECT ${a.thirdCountryTransfers} FROM ${a} WHERE ${a.id} = ${d.agreementId}) <> 'prohibited'`),
  )!;

/** Notice ended, still pending, and not yet said to be overdue. */
export const overdueUnnoticed = (now: Date) => and(eq(d.state, "pending"), eq(d.noticeHeld, false), isNull(d.overdueNotifiedAt), lte(d.noticeEndsAt, now))!;

export type ReminderColumn = "reminded7dAt" | "reminded1dAt";
/** The reminder instant, `days` before the notice ends, has come, and the notice has not yet ended. */
export const reminderDue = (now: Date, days: number, column: ReminderColumn) =>
  and(eq(d.state, "pending"), eq(d.noticeHeld, false), isNull(d[column]), lte(d.noticeEndsAt, new Date(now.getTime() + days * DAY_MS)), gt(d.noticeEndsAt, now))!;

/** Approved, and its effective instant has come. */
export const dueToApply = (now: Date) => and(eq(d.application, "scheduled"), lte(d.effectiveAt, now))!;

/**
 * Moves every decision matching `where`, a slice at a time: reads the slice, plans each row's
 * new state (`predict`, the same values as `set`) and its event, and commits one change whose
 * UPDATE is guarded on every row of the slice still matching. A decision the API changed
 * meanwhile fails the guard, and the slice is read and planned again; a moved one no longer
 * matches, so the loop ends, and a second run finds nothing. While the write thread writes a
 * slice, the next is read (leaving out the rows being written) and planned.
 */
async function sweep(
  deps: JobDeps,
  now: Date,
  where: SQL,
  set: Partial<Record<keyof DecisionRow, unknown>>,
  predict: (row: DecisionRow, ctx: DecisionContext) => Partial<DecisionRow>,
  type: EventType,
  extra?: (row: DecisionRow) => Record<string, unknown>,
) {
  let moved = 0;
  let conflicts = 0;
  let writing: { ids: string; rows: number; done: Promise<void> } | null = null;
  /** Waits for the slice being written: false if one of its guards failed, and it must be read again. */
  const settle = async () => {
    const slice = writing;
    writing = null;
    if (!slice) return true;
    try {
      await slice.done;
    } catch (err) {
      if (!(err instanceof Conflict)) throw err;
      giveUpAfter(++conflicts);
      return false;
    }
    conflicts = 0;
    moved += slice.rows;
    spend(deps, slice.rows);
    return true;
  };
  for (;;) {
    const slice = Math.min(SWEEP_SLICE, allowance(deps, Number.MAX_SAFE_INTEGER) - (writing?.rows ?? 0));
    if (slice <= 0) {
      if (await settle()) return moved;
      continue;
    }
    // the rows being written match until their slice commits
    const pending = writing ? and(where, sql`${d.id} NOT IN (SELECT value FROM json_each(${writing.ids}))`)! : where;
    const {
      rows,
      context: ctx,
      prefetched,
    } = await readDecisionPage(deps, {
      rows: deps.db.select().from(d).where(pending).limit(slice),
      ids: (column) => deps.db.select({ id: idColumns[column] }).from(d).where(pending).limit(slice),
    });
    if (!rows.length) {
      if (await settle()) return moved;
      continue;
    }
    const changed = rows.map((row) => ({ ...row, ...predict(row, ctx) }));
    const ids = JSON.stringify(rows.map((r) => r.id));
    const change = {
      writes: [
        guarded(
          "decision.sweep",
          deps.db
            .update(d)
            .set(set as Partial<DecisionRow>)
            // the slice's ids find the rows; `where` only checks them (kept from choosing an index, which would scan every match)
            .where(and(sql`${d.id} IN (SELECT value FROM json_each(${ids}))`, sql`coalesce(${where}, 0)`)),
          rows.length,
        ),
      ],
      ...eventsWithAudit(
        deps,
        changed.map((row) => decisionEvent(type, row, ctx, now, extra?.(row))),
      ),
      prefetched,
    };
    // the slice before first: if it failed, what this one left out is due still, and all is read again
    if (!(await settle())) continue;
    let done: Promise<void>;
    try {
      ({ done } = await dispatch(deps, change));
    } catch (err) {
      // refused before it was sent (not on the write thread): read and plan again
      if (!(err instanceof Conflict)) throw err;
      giveUpAfter(++conflicts);
      continue;
    }
    writing = { ids, rows: rows.length, done };
    if (rows.length < slice && (await settle())) return moved;
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
    and(deemable(now), ids ? inArray(d.id, ids) : undefined)!,
    {
      state: "deemed_approved",
      decidedAt: sql`${d.noticeEndsAt}`,
      effectiveAt: sql`max(${d.noticeEndsAt}, coalesce((SELECT ${cr.effectiveDate} FROM ${cr} WHERE ${cr.id} = ${d.changeRequestId}), 0))`,
      application: "scheduled",
    },
    (row, ctx) => ({
      state: "deemed_approved",
      decidedAt: row.noticeEndsAt,
      effectiveAt: effectiveAt(ctx.requests.get(row.changeRequestId)!.effectiveDate, row.noticeEndsAt),
      application: "scheduled",
    }),
    "decision.deemed_approved",
  );
}

/** Specific authorisation or an instruction conflict: silence never approves; say once that it is overdue. */
export async function markOverdue(deps: JobDeps, now: Date) {
  return sweep(deps, now, overdueUnnoticed(now), { overdueNotifiedAt: now }, () => ({ overdueNotifiedAt: now }), "decision.overdue");
}

/** Due when the reminder instant has come and the notice has not yet ended. */
export async function remind(deps: JobDeps, now: Date, days: number, column: ReminderColumn) {
  return sweep(
    deps,
    now,
    reminderDue(now, days, column),
    { [column]: now },
    () => ({ [column]: now }),
    "notice.reminder",
    (row) => ({ days_before: days, notice_ends_at: row.noticeEndsAt.toISOString() }),
  );
}

/** Decisions applied in one change: their plans, read in one round trip and written in one. */
const APPLY_SLICE = 200;

/**
 * Approved changes whose effective instant has come, oldest first. A round takes the oldest due
 * decision of each agreement (a later one on the same agreement builds on the version the earlier
 * makes, so it waits for the next round), and applies them a slice at a time: one read of the
 * decisions with everything their plans need, one change with every plan. A decision the API moved
 * meanwhile, or an annex changed since it was read, fails the change's guards, and the slice is read
 * and planned again.
 */
export async function applyDue(deps: JobDeps, now: Date) {
  const due = await deps.db.query.decisions.findMany({
    where: dueToApply(now),
    orderBy: [asc(d.effectiveAt), asc(d.id)],
    ...(deps.budget ? { limit: allowance(deps, Number.MAX_SAFE_INTEGER) } : {}),
  });
  spend(deps, due.length);
  let applied = 0;
  let failed = 0;
  let left = due;
  while (left.length) {
    const agreements = new Set<string>();
    const round: DecisionRow[] = [];
    const later: DecisionRow[] = [];
    for (const row of left) {
      if (agreements.has(row.agreementId)) later.push(row);
      else {
        agreements.add(row.agreementId);
        round.push(row);
      }
    }
    left = later;
    for (const slice of slices(
      round.map((r) => r.id),
      APPLY_SLICE,
    )) {
      const plans = await retryOnConflict(async () => {
        // read again: a retry, or the API, may have moved them since the list was read
        const still = and(inArray(d.id, slice), dueToApply(now));
        const ids = (column: IdColumn) => deps.db.select({ id: idColumns[column] }).from(d).where(still);
        const { rows, context, extra, prefetched } = await readDecisionPage(deps, { rows: deps.db.select().from(d).where(still).orderBy(asc(d.effectiveAt), asc(d.id)), ids }, [
          deps.db
            .select()
            .from(v)
            .where(
              and(inArray(v.agreementId, ids("agreement_id")), sql`${v.version} = (SELECT max(version) FROM annex_versions latest WHERE latest.agreement_id = ${v.agreementId})`),
            ),
        ]);
        const latest = new Map((extra[0] as AnnexVersionRow[]).map((row) => [row.agreementId, row]));
        const planned = await Promise.all(rows.map((row) => planApply(deps, row, context, undefined, latest.get(row.agreementId) ?? null)));
        if (planned.length) await commit(deps, { ...joinChanges(...planned.map((p) => p.change)), prefetched });
        return planned;
      });
      applied += plans.filter((p) => p.applied).length;
      failed += plans.filter((p) => !p.applied && p.decision.application === "failed").length;
    }
  }
  return { applied, failed };
}
