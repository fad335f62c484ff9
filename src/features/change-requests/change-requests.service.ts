import type { z } from "zod";
import { and, asc, desc, eq, getTableColumns, inArray, lt, or } from "drizzle-orm";
import { schema } from "../../../db/client";
import { type AnnexContent, checkDerogationsFor } from "../../domain/annex";
import { deriveRequestStatus, noticeEndsAt, statesAllowing } from "../../domain/decisions";
import { AppError, type FieldError, notFound, validationFailed } from "../../domain/errors";
import { applyOperations, assessChange, type Operation } from "../../domain/operations";
import { personOf, requireOrganisation } from "../../core/actor";
import { decodeCursor, toPage } from "../../core/pagination";
import { type Ctx, iso } from "../../core/context";
import { planApply } from "../decisions/apply";
import { decisionEvent } from "../decisions/decision-events";
import { callerOrganisation, readWithKey } from "../../core/keyed-reads";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { type ChangeRequestRow, type DecisionRow, loadDecisionContext, loadDecisionPage, presentDecision } from "../decisions/decisions.presenter";
import { eventsWithAudit } from "../../core/events";
import { asciiJson } from "../../core/json";
import { audienceReads, bulkInsert, type Change, commit, guarded, joinChanges, prefetchedOf, retryOnConflict } from "../../core/writer";
import type { Operation as OperationSchema, SubmitChangeRequestBody } from "./change-requests.schemas";

const cr = schema.changeRequests;
/** The guard of a withdrawal, from the lifecycle table: a pending decision, or a notice not yet in effect. */
export const withdrawable = and(
  inArray(schema.decisions.state, statesAllowing("withdraw")),
  or(eq(schema.decisions.state, "pending"), eq(schema.decisions.application, "scheduled")),
);
/** `withdrawable` on a row read: what the guard will find. */
export const isWithdrawable = (r: { state: DecisionRow["state"]; application: DecisionRow["application"] }) =>
  statesAllowing("withdraw").includes(r.state) && (r.state === "pending" || r.application === "scheduled");
const d = schema.decisions;
const a = schema.agreements;

/** `viewer`: the calling organisation; only the processor sees which of its upstream changes a request passes on (docs/rules.md, rule 14). */
function presentChangeRequest(row: ChangeRequestRow, decisions: ReturnType<typeof presentDecision>[], viewer: string) {
  return {
    object: "change_request" as const,
    id: row.id,
    processor_id: row.processorId,
    status: deriveRequestStatus(decisions.map((x) => x.state)),
    // stored as validated by the Operation schema
    operations: row.operations as unknown as z.infer<typeof OperationSchema>[],
    reason: row.reason,
    effective_date: iso(row.effectiveDate),
    submitted_at: row.submittedAt.toISOString(),
    submitted_by: row.submittedBy ?? null,
    upstream_change_id: row.processorId === viewer ? (row.upstreamChangeId ?? null) : null,
    decisions,
  };
}

const agreementColumns = Object.entries(getTableColumns(a));
const coveredSelection = { ...getTableColumns(a), content: schema.annexVersions.content };

/**
 * A covered agreement and its annex from the values of `coveredSelection`, decoded by their
 * columns: drizzle's row mapping (generic, a walk per value) cost more than the read itself
 * when a request covers a thousand agreements.
 */
function coveredRow(values: unknown[]) {
  const agreement: Record<string, unknown> = {};
  for (let i = 0; i < agreementColumns.length; i++) {
    const [key, column] = agreementColumns[i]!;
    agreement[key] = values[i] === null ? null : column.mapFromDriverValue(values[i]);
  }
  return { agreement: agreement as typeof a.$inferSelect, content: coveredSelection.content.mapFromDriverValue(values[agreementColumns.length] as string) as AnnexContent };
}

/**
 * The processor's active agreements a request covers, with each one's annex as it now stands, and
 * the parties: for the rules, whether each controller is a public authority (GDPR Art. 49(3)) and
 * its time zone (rule 4); for the answer, their names. One round trip: the parties by a subquery.
 */
async function coveredAgreements(ctx: Ctx, requested: "all" | string[]) {
  // with the request's key, when it is still to be read
  const where = and(eq(a.processorId, callerOrganisation(ctx)), eq(a.status, "active"), requested === "all" ? undefined : inArray(a.id, requested));
  const o = schema.organisations;
  const parties = (organisationId: SQLiteColumn) =>
    or(eq(organisationId, callerOrganisation(ctx)), inArray(organisationId, ctx.db.select({ id: a.controllerId }).from(a).where(where)));
  const [rows, found, endpoints, recipients] = await readWithKey(ctx, [
    ctx.db.values(
      ctx.db
        .select(coveredSelection)
        .from(a)
        .innerJoin(schema.annexVersions, and(eq(schema.annexVersions.agreementId, a.id), eq(schema.annexVersions.version, a.currentVersion)))
        .where(where),
    ),
    ctx.db.select({ id: o.id, name: o.name, publicAuthority: o.publicAuthority, timeZone: o.timeZone }).from(o).where(parties(o.id)),
    ...audienceReads(ctx.db, parties),
  ]);
  const processorId = requireOrganisation(ctx.actor);
  return {
    processorId,
    covered: (rows as unknown[][]).map(coveredRow),
    parties: new Map(found.map((p) => [p.id, p])),
    prefetched: prefetchedOf(
      found.map((p) => p.id),
      endpoints,
      recipients,
    ),
  };
}

/**
 * A processor submits a change covering named agreements or all its active ones. Every
 * operation is checked against every covered annex first; nothing is written unless all
 * apply. Each agreement gets its own decision with its own notice end and flags.
 * Submitted from a draft of an upstream change (docs/rules.md, rule 14), the request remembers
 * it (`upstreamChangeId`), and `alongside` adds the caller's writes to the same change (the draft
 * marked submitted): the one commit, no round trip more.
 */
export async function submitChangeRequest({
  ctx,
  input,
  upstreamChangeId,
  alongside,
  serialised,
}: {
  ctx: Ctx;
  input: z.infer<typeof SubmitChangeRequestBody>;
  upstreamChangeId?: string;
  alongside?: (changeRequestId: string) => Change;
  /** takes the answer as JSON (in ASCII), for a caller that sends it as it is: serialised while the write thread writes a large change */
  serialised?: (json: string) => void;
}) {
  const { processorId, covered, parties: controllers, prefetched } = await coveredAgreements(ctx, input.agreements);
  const now = ctx.clock.now();
  const errors: FieldError[] = [];
  const effectiveDate = input.effective_date ? new Date(input.effective_date) : null;
  if (effectiveDate && effectiveDate < now) errors.push({ pointer: "/effective_date", rule: "not_in_past", detail: "The effective date cannot be in the past." });

  if (input.agreements === "all") {
    if (!covered.length) errors.push({ pointer: "/agreements", rule: "active_agreement", detail: "The processor has no active agreement to change." });
  } else {
    const found = new Set(covered.map((c) => c.agreement.id));
    const seen = new Set<string>();
    input.agreements.forEach((id, i) => {
      if (seen.has(id)) errors.push({ pointer: `/agreements/${i}`, rule: "unique", detail: `Agreement ${id} is listed twice.` });
      // a foreign agreement is reported exactly like a missing one
      else if (!found.has(id)) errors.push({ pointer: `/agreements/${i}`, rule: "active_agreement", detail: "Not an active agreement of this processor." });
      seen.add(id);
    });
  }

  const operations: Operation[] = input.operations;
  const plans = covered.map(({ agreement, content }) => {
    const applied = applyOperations(content, operations, ctx.newId);
    const barred =
      "content" in applied ? checkDerogationsFor(applied.content, { publicAuthority: controllers.get(agreement.controllerId)?.publicAuthority ?? false }, "/resulting_annex") : [];
    const result = barred.length ? { errors: barred } : applied;
    if ("errors" in result) {
      for (const e of result.errors) errors.push({ ...e, agreement_id: agreement.id, detail: `Agreement ${agreement.id}: ${e.detail}` });
      return null;
    }
    return { agreement, ...assessChange(content, result.content, agreement.thirdCountryTransfers) };
  });
  if (errors.length) throw validationFailed(errors, "The change cannot be applied to every covered agreement; nothing was submitted.");

  const id = ctx.newId("changeRequest");
  const request: ChangeRequestRow = {
    id,
    processorId,
    operations,
    reason: input.reason,
    effectiveDate,
    submittedAt: now,
    submittedByKey: ctx.actor.keyId ?? "",
    submittedBy: personOf(ctx.actor),
    upstreamChangeId: upstreamChangeId ?? null,
  };
  // a notice (removals, corrections) needs no decision: it takes effect at its effective date, or at once
  const noticeEffectiveAt = effectiveDate ?? now;
  // the covered agreements share a few notice periods and time zones: each notice end is computed once
  const noticeEnds = new Map<string, number>();
  const noticeEnd = (days: number, zone: string) => {
    const key = `${days}:${zone}`;
    let at = noticeEnds.get(key);
    if (at === undefined) {
      at = noticeEndsAt(now, days, zone).getTime();
      noticeEnds.set(key, at);
    }
    return new Date(at);
  };
  const decisions: DecisionRow[] = plans.map((p) => ({
    id: ctx.newId("decision"),
    changeRequestId: id,
    agreementId: p!.agreement.id,
    processorId,
    controllerId: p!.agreement.controllerId,
    kind: p!.kind,
    authorisation: p!.agreement.authorisation,
    introducesThirdCountry: p!.introduces_third_country,
    instructionConflict: p!.instruction_conflict,
    state: p!.kind === "notice" ? "noticed" : "pending",
    noticeEndsAt: noticeEnd(p!.agreement.noticeDays, controllers.get(p!.agreement.controllerId)?.timeZone ?? "UTC"),
    noticeRule: 2,
    // no question yet, so nothing holds or has extended the notice (docs/rules.md, rule 13)
    originalNoticeEndsAt: null,
    noticeHeld: false,
    comment: null,
    objectionReason: null,
    objectionGround: null,
    objectionShareUpstream: false,
    objectionResponse: null,
    objectionResponseNote: null,
    objectionRespondedAt: null,
    objectionRespondedBy: null,
    decidedAt: p!.kind === "notice" ? now : null,
    decidedByKey: null,
    decidedBy: null,
    effectiveAt: p!.kind === "notice" ? noticeEffectiveAt : null,
    application: p!.kind === "notice" ? "scheduled" : "not_applicable",
    appliedVersion: null,
    failureReason: null,
    overdueNotifiedAt: null,
    reminded7dAt: null,
    reminded1dAt: null,
    createdAt: now,
  }));
  const loaded = await loadDecisionContext(ctx.db, decisions, {
    requests: new Map([[id, request]]),
    agreements: new Map(plans.map((p) => [p!.agreement.id, p!.agreement])),
    names: new Map([...controllers.values()].map((p) => [p.id, p.name])),
    zones: new Map([...controllers.values()].map((p) => [p.id, p.timeZone])),
    // new decisions have no questions: nothing to read
    questions: new Map(decisions.map((row) => [row.id, []])),
  });
  // a notice effective now is in the annex before the answer, in the same change
  const applies: Awaited<ReturnType<typeof planApply>>[] = [];
  for (const row of decisions) if (row.kind === "notice" && noticeEffectiveAt <= now) applies.push(await planApply(ctx, row, loaded));
  const applied = new Map(applies.map((p) => [p.decision.id, p.decision]));
  // each decision presented once: the submitted event carries the same view as the answer, unless the notice was applied since
  const submitted = decisions.map((row) => presentDecision(row, loaded, now));
  const answer = presentChangeRequest(
    request,
    decisions.map((row, i) => {
      const appliedRow = applied.get(row.id);
      return appliedRow ? presentDecision(appliedRow, loaded, now) : submitted[i]!;
    }),
    processorId,
  );
  // a large change is written on the write thread: its answer is serialised meanwhile, in ASCII (core/json.ts)
  let json: string | undefined;
  const serialise = () => (json ??= asciiJson(answer));
  await commit(
    ctx,
    {
      writes: [ctx.db.insert(cr).values(request), ...bulkInsert(d, decisions)],
      // the events are planned while the request and its decisions are written (on the write thread, for a large one)
      rest: {
        audience: [processorId, ...controllers.keys()],
        plan: () =>
          joinChanges(
            eventsWithAudit(
              ctx,
              decisions.map((row, i) => decisionEvent("change_request.submitted", row, loaded, now, {}, submitted[i])),
            ),
            ...applies.map((p) => p.change),
            alongside?.(id),
          ),
      },
      prefetched,
      response: answer,
    },
    serialised && serialise,
  );
  serialised?.(serialise());
  return answer;
}

/** A change request as the caller sees it: the processor with every decision, a controller with its own only. */
export async function getChangeRequest({ ctx, id }: { ctx: Ctx; id: string }) {
  const org = requireOrganisation(ctx.actor);
  const row = await ctx.db.query.changeRequests.findFirst({ where: eq(cr.id, id) });
  const rows = row ? await ctx.db.query.decisions.findMany({ where: and(eq(d.changeRequestId, id), or(eq(d.processorId, org), eq(d.controllerId, org))), orderBy: d.id }) : [];
  if (!row || !rows.length) throw notFound("change request");
  const loaded = await loadDecisionContext(ctx.db, rows, { requests: new Map([[row.id, row]]) });
  const now = ctx.clock.now();
  return presentChangeRequest(
    row,
    rows.map((r) => presentDecision(r, loaded, now)),
    org,
  );
}

export async function listChangeRequests({ ctx, limit, cursor }: { ctx: Ctx; limit: number; cursor?: string }) {
  const org = requireOrganisation(ctx.actor);
  const after = decodeCursor(cursor, "string");
  // the requests with at least one decision on an agreement the caller is party to
  const visible = ctx.db
    .select({ id: d.changeRequestId })
    .from(d)
    .where(or(eq(d.processorId, org), eq(d.controllerId, org)));
  const crWhere = and(inArray(cr.id, visible), after ? lt(cr.id, after) : undefined);
  const requestsOnPage = ctx.db
    .select({ id: cr.id })
    .from(cr)
    .where(crWhere)
    .orderBy(desc(cr.id))
    .limit(limit + 1);
  // the page's decisions on the caller's agreements, and what presenting them needs, read with the page itself: one round trip at any page size
  const where = and(inArray(d.changeRequestId, requestsOnPage), or(eq(d.processorId, org), eq(d.controllerId, org)));
  const column = { id: d.id, change_request_id: d.changeRequestId, agreement_id: d.agreementId, processor_id: d.processorId, controller_id: d.controllerId };
  const {
    rows: decisions,
    context: loaded,
    extra,
  } = await loadDecisionPage(ctx.db, { rows: ctx.db.select().from(d).where(where).orderBy(asc(d.id)), ids: (name) => ctx.db.select({ id: column[name] }).from(d).where(where) }, [
    ctx.db
      .select()
      .from(cr)
      .where(crWhere)
      .orderBy(desc(cr.id))
      .limit(limit + 1),
  ]);
  const page = toPage(extra[0] as (typeof cr.$inferSelect)[], limit, (r) => r.id);
  const now = ctx.clock.now();
  const data = page.data.map((r) =>
    presentChangeRequest(
      r,
      decisions.filter((x) => x.changeRequestId === r.id).map((x) => presentDecision(x, loaded, now)),
      org,
    ),
  );
  return { ...page, data };
}

/** The processor withdraws every pending decision of its request; final ones stay as they are. */
export async function withdrawChangeRequest({ ctx, id }: { ctx: Ctx; id: string }) {
  const org = requireOrganisation(ctx.actor);
  const row = await ctx.db.query.changeRequests.findFirst({ where: eq(cr.id, id) });
  if (!row || (row.processorId !== org && !(await ctx.db.query.decisions.findFirst({ where: and(eq(d.changeRequestId, id), eq(d.controllerId, org)) }))))
    throw notFound("change request");
  if (row.processorId !== org) throw new AppError("forbidden", "Only the processor withdraws its change.");
  const now = ctx.clock.now();
  const set = {
    state: "withdrawn" as const,
    decidedAt: now,
    decidedByKey: ctx.actor.keyId,
    decidedBy: personOf(ctx.actor),
    effectiveAt: null,
    application: "not_applicable" as const,
  };
  const answer = await retryOnConflict(async () => {
    // the processor sees every decision of its request: the answer shows them all, withdrawn or not
    const read = await ctx.db.query.decisions.findMany({ where: eq(d.changeRequestId, id), orderBy: d.id });
    const moving = new Set(read.filter(isWithdrawable).map((r) => r.id));
    if (!moving.size)
      throw new AppError("invalid_state", "No decision of this change request is pending (nor a notice still to take effect); final states are final.", [], {
        current_state: deriveRequestStatus(read.map((r) => r.state)),
      });
    const all = read.map((r) => (moving.has(r.id) ? { ...r, ...set } : r));
    const rows = all.filter((r) => moving.has(r.id));
    const loaded = await loadDecisionContext(ctx.db, all, { requests: new Map([[row.id, row]]) });
    const answer = presentChangeRequest(
      row,
      all.map((r) => presentDecision(r, loaded, now)),
      org,
    );
    await commit(ctx, {
      writes: [
        guarded(
          "decision.state",
          ctx.db
            .update(d)
            .set(set)
            .where(and(eq(d.changeRequestId, id), withdrawable)),
          rows.length,
        ),
      ],
      ...eventsWithAudit(
        ctx,
        rows.map((r) => decisionEvent("decision.withdrawn", r, loaded, now)),
      ),
      response: answer,
    });
    return answer;
  });
  return answer;
}
