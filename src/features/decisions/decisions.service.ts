import type { z } from "zod";
import { and, asc, desc, eq, inArray, isNotNull, isNull, lt, lte, ne, not, notExists, or, type SQL } from "drizzle-orm";
import { schema } from "../../../db/client";
import { type DecisionVerb, VERB_ROLE, effectiveAt, extendedNoticeEnd, next, type ObjectionGround, type ObjectionResponse, statesAllowing } from "../../domain/decisions";
import { AppError, notFound } from "../../domain/errors";
import { personOf, requireOrganisation } from "../../core/actor";
import { decodeCursor, toPage } from "../../core/pagination";
import type { Ctx } from "../../core/context";
import { eventsWithAudit } from "../../core/events";
import { audienceReads, type Change, commit, guarded, joinChanges, type Prefetched, prefetchedOf, retryOnConflict } from "../../core/writer";
import { callerOrganisation, readWithKey } from "../../core/keyed-reads";
import { deemIfDue } from "./due.service";
import { type AnnexVersionRow, planApply } from "./apply";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { decisionEvent } from "./decision-events";
import { planAmendment, type TermsChange } from "../agreements/agreement-terms.service";
import { countryName, INTERNATIONAL_ORGANISATIONS } from "../../domain/countries";
import { applyOperations, assessChange } from "../../domain/operations";
import { isWithdrawable, withdrawable } from "../change-requests/change-requests.service";
import {
  type ChangeRequestRow,
  type DecisionContext,
  type DecisionRow,
  loadDecisionContext,
  loadDecisionPage,
  presentDecision,
  presentQuestion,
  type QuestionRow,
} from "./decisions.presenter";
import type { ListDecisionsQuery } from "./decisions.schemas";

const d = schema.decisions;
const q = schema.decisionQuestions;
const partyTo = (org: string | SQL) => or(eq(d.processorId, org), eq(d.controllerId, org));

export async function presentDecisions(ctx: Ctx, rows: DecisionRow[]) {
  const now = ctx.clock.now();
  const loaded = await loadDecisionContext(ctx.db, rows);
  return rows.map((r) => presentDecision(r, loaded, now));
}

/** A decision the calling organisation is party to; anything else is a 404 like a missing one. */
async function loadDecisionFor(ctx: Ctx, id: string) {
  const org = requireOrganisation(ctx.actor);
  const row = await ctx.db.query.decisions.findFirst({ where: and(eq(d.id, id), partyTo(org)) });
  if (!row) throw notFound("decision");
  return { row, org };
}

interface DecisionWhole {
  row: DecisionRow;
  agreement: typeof schema.agreements.$inferSelect;
  cr: ChangeRequestRow;
  parties: { id: string; name: string; timeZone: string }[];
  /** the decision's questions, oldest first (docs/rules.md, rule 13) */
  questions: QuestionRow[];
  /** the agreement's latest annex version: what an approval that takes effect at once builds on */
  latest: AnnexVersionRow | null;
  /** the parties' endpoints and people, for the commit */
  prefetched: Prefetched;
}

/**
 * A decision the calling organisation is party to, with its agreement, change request, parties and
 * the agreement's latest annex version: one round trip, the others found through the decision by
 * subqueries. Anyone else's decision is a 404 like a missing one.
 */
async function readDecisionWhole(ctx: Ctx, id: string): Promise<DecisionWhole> {
  // with the request's key, when it is still to be read
  const mine = and(eq(d.id, id), partyTo(callerOrganisation(ctx)));
  const of = (column: SQLiteColumn) => ctx.db.select({ id: column }).from(d).where(mine);
  const o = schema.organisations;
  const v = schema.annexVersions;
  const party = (organisationId: SQLiteColumn) => or(inArray(organisationId, of(d.processorId)), inArray(organisationId, of(d.controllerId)));
  const [rows, agreements, requests, parties, versions, questions, endpoints, recipients] = await readWithKey(ctx, [
    ctx.db.select().from(d).where(mine),
    ctx.db
      .select()
      .from(schema.agreements)
      .where(inArray(schema.agreements.id, of(d.agreementId))),
    ctx.db
      .select()
      .from(schema.changeRequests)
      .where(inArray(schema.changeRequests.id, of(d.changeRequestId))),
    ctx.db
      .select({ id: o.id, name: o.name, timeZone: o.timeZone })
      .from(o)
      .where(or(inArray(o.id, of(d.processorId)), inArray(o.id, of(d.controllerId)))),
    ctx.db
      .select()
      .from(v)
      .where(inArray(v.agreementId, of(d.agreementId)))
      .orderBy(desc(v.version))
      .limit(1),
    ctx.db
      .select()
      .from(q)
      .where(inArray(q.decisionId, of(d.id)))
      .orderBy(asc(q.askedAt), asc(q.id)),
    ...audienceReads(ctx.db, party),
  ]);
  requireOrganisation(ctx.actor);
  const row = rows[0];
  if (!row) throw notFound("decision");
  return {
    row,
    agreement: agreements[0]!,
    cr: requests[0]!,
    parties,
    questions,
    latest: versions[0] ?? null,
    prefetched: prefetchedOf([row.processorId, row.controllerId], endpoints, recipients),
  };
}

/** What presenting the decision needs, from what was read with it. */
const contextOf = ({ row, agreement, cr, parties, questions }: Pick<DecisionWhole, "row" | "agreement" | "cr" | "parties" | "questions">): DecisionContext => ({
  requests: new Map([[cr.id, cr]]),
  agreements: new Map([[agreement.id, agreement]]),
  names: new Map(parties.map((p) => [p.id, p.name])),
  zones: new Map(parties.map((p) => [p.id, p.timeZone])),
  questions: new Map([[row.id, questions]]),
});

export async function getDecision({ ctx, id }: { ctx: Ctx; id: string }) {
  const { row } = await loadDecisionFor(ctx, id);
  return (await presentDecisions(ctx, [row]))[0]!;
}

/**
 * The controller's inbox (and the processor's view): decisions across all the caller's
 * agreements. With state=pending they come soonest notice end first; otherwise newest first.
 */
export async function listDecisions({ ctx, limit, cursor, state, agreement_id, overdue }: { ctx: Ctx; limit: number; cursor?: string } & z.infer<typeof ListDecisionsQuery>) {
  const org = requireOrganisation(ctx.actor);
  const now = ctx.clock.now();
  const filters: (SQL | undefined)[] = [partyTo(org), state ? eq(d.state, state) : undefined, agreement_id ? eq(d.agreementId, agreement_id) : undefined];
  // overdue: pending after the notice ended where silence does not approve; a held notice has not ended (docs/rules.md, rule 13)
  const isOverdue = and(eq(d.state, "pending"), eq(d.noticeHeld, false), lte(d.noticeEndsAt, now), or(eq(d.authorisation, "specific"), eq(d.instructionConflict, true)));
  if (overdue !== undefined) filters.push(overdue ? isOverdue : not(isOverdue!));
  const after = decodeCursor(cursor, "string");
  const where = and(...filters, after ? lt(d.id, after) : undefined);
  const column = { id: d.id, change_request_id: d.changeRequestId, agreement_id: d.agreementId, processor_id: d.processorId, controller_id: d.controllerId };
  // the page and what presenting it needs, in one round trip
  const { rows, context } = await loadDecisionPage(ctx.db, {
    rows: ctx.db
      .select()
      .from(d)
      .where(where)
      .orderBy(desc(d.id))
      .limit(limit + 1),
    ids: (name) => {
      const onPage = ctx.db
        .select({ id: column[name] })
        .from(d)
        .where(where)
        .orderBy(desc(d.id))
        .limit(limit + 1)
        .as("on_page");
      return ctx.db.select({ id: onPage.id }).from(onPage);
    },
  });
  const page = toPage(rows, limit, (r) => r.id);
  const data = page.data.map((r) => presentDecision(r, context, now));
  if (state === "pending") data.sort((a, b) => a.notice_ends_at.localeCompare(b.notice_ends_at));
  return { ...page, data };
}

const alreadyFinal = (d: DecisionRow) => new AppError("invalid_state", `The decision is already ${d.state}; final states are final.`, [], { current_state: d.state });

/** The conflict of a decision with the instruction in force now (not only when it was submitted). */
const conflictsNow = (d: DecisionRow, a: { thirdCountryTransfers: string }) => d.introducesThirdCountry && a.thirdCountryTransfers === "prohibited";

type HumanVerb = Exclude<DecisionVerb, "deem">;

/**
 * A notice that ended under a general authorisation has already approved the change by silence:
 * deems it now, before a verb reads the decision again, and says whether it did. Only a decision
 * that may be due is looked at (its notice end moves only by an answer, which a held notice waits
 * for: docs/rules.md, rule 13).
 */
async function deemedBySilence(ctx: Ctx, row: DecisionRow, now: Date): Promise<boolean> {
  const mayBeDue = row.state === "pending" && !row.noticeHeld && row.noticeEndsAt <= now && row.authorisation === "general" && !row.instructionConflict;
  return mayBeDue && (await deemIfDue(ctx, [row.id], now)) > 0;
}

/**
 * A verb's read, decide and commit on one decision: first on `read` (what the verb read to judge
 * the caller; undefined when it is stale already), after a conflict on the decision as it is then.
 */
function onDecision<T>(ctx: Ctx, id: string, read: DecisionWhole | undefined, attempt: (whole: DecisionWhole) => Promise<T>): Promise<T> {
  let first = read;
  return retryOnConflict(async () => {
    const whole = first ?? (await readDecisionWhole(ctx, id));
    first = undefined;
    return attempt(whole);
  });
}

/**
 * approve / object / withdraw one agreement's decision. The state is checked in the UPDATE
 * itself (its guard comes from the lifecycle table), so of two racing decisions (or a decision
 * and the sweep) exactly one wins and the other gets a 409 naming the state it lost to.
 * Approving a change that conflicts with the instruction in force is refused unless the
 * approval carries the amendment that lifts the conflict: then both commit in one transaction.
 */
export async function decide({
  ctx,
  id,
  verb,
  comment,
  reason,
  ground,
  shareWithUpstream,
  amendment,
  alongside,
}: {
  ctx: Ctx;
  id: string;
  verb: HumanVerb;
  comment?: string;
  reason?: string;
  /** what an objection rests on; `other` when not named (docs/rules.md, rule 6) */
  ground?: ObjectionGround;
  /** the objection's reason may go upstream with the controller's name (docs/rules.md, rule 14) */
  shareWithUpstream?: boolean;
  amendment?: TermsChange;
  /** the caller's writes in the same change, and its answer in place of the decision's (an upstream change answered by this decision, docs/rules.md rule 14) */
  alongside?: { change: Change; response: unknown };
}) {
  // the decision with all that deciding needs, while nothing has moved it; after a conflict or a deemed approval, read again
  const read = await readDecisionWhole(ctx, id);
  const org = requireOrganisation(ctx.actor);
  const row = read.row;
  const role = row.controllerId === org ? "controller" : "processor";
  if (VERB_ROLE[verb] !== role)
    throw new AppError(
      "forbidden",
      verb === "withdraw" ? "Only the processor withdraws its change." : `Only the controller may ${verb === "approve" ? "approve" : "object to"} a change.`,
    );
  if (amendment && verb !== "approve") throw new AppError("invalid_request", "Only an approval carries an amendment.");
  const now = ctx.clock.now();
  // read, decide and commit; if the decision moves before the commit, all of it again on what is there then
  return onDecision(ctx, id, (await deemedBySilence(ctx, row, now)) ? undefined : read, async (whole) => {
    const fresh = whole.row;
    const step = next(fresh.state, verb);
    if ("refused" in step) {
      if (step.refused === "notice_only")
        throw new AppError(
          "notice_only",
          "This change only removes or corrects entries: it is a notice, with nothing to approve or object to. It takes effect at its effective date.",
          [],
          { current_state: fresh.state, kind: fresh.kind },
        );
      throw alreadyFinal(fresh);
    }
    // a notice can be withdrawn only while it has yet to take effect (the guard `withdrawable`)
    if (verb === "withdraw" && !isWithdrawable(fresh)) throw alreadyFinal(fresh);

    const { agreement, cr } = whole;
    if (verb === "approve" && conflictsNow(fresh, agreement)) {
      const lifts = amendment?.third_country_transfers === "with_transfer_mechanism";
      if (!lifts) {
        const countries = await introducedCountries(ctx, fresh);
        throw new AppError(
          "instruction_conflict",
          `The agreement's instruction prohibits transfers to third countries, and this change puts personal data outside the EU/EEA${countries.length ? ` (${countries.map(placeName).join(", ")})` : ""}. To approve it, amend the instruction in the same act: send \`amendment: { "third_country_transfers": "with_transfer_mechanism", "reason": "…" }\`.`,
          [
            {
              in: "json",
              pointer: "/amendment/third_country_transfers",
              rule: "amendment_lifts_conflict",
              detail: "Required to approve a change that conflicts with the instruction: with_transfer_mechanism.",
            },
          ],
          { instruction: { third_country_transfers: agreement.thirdCountryTransfers }, third_countries: countries },
        );
      }
    }

    const due = verb === "approve" ? effectiveAt(cr.effectiveDate, now) : null;
    const guard = verb === "withdraw" ? withdrawable : inArray(d.state, statesAllowing(verb));
    const set = {
      state: verb === "approve" ? ("approved" as const) : verb === "object" ? ("objected" as const) : ("withdrawn" as const),
      decidedAt: now,
      decidedByKey: ctx.actor.keyId,
      decidedBy: personOf(ctx.actor),
      comment: verb === "approve" ? (comment ?? null) : null,
      objectionReason: verb === "object" ? reason! : null,
      objectionGround: verb === "object" ? (ground ?? "other") : null,
      objectionShareUpstream: verb === "object" && shareWithUpstream === true,
      effectiveAt: due,
      application: verb === "approve" ? ("scheduled" as const) : ("not_applicable" as const),
    };
    const updated: DecisionRow = { ...fresh, ...set };
    // the amendment first, then the approval it makes possible: one change, in that order
    const amended = amendment ? await planAmendment(ctx, agreement, amendment, { effectiveAt: now, decisionId: updated.id, base: "/amendment" }) : undefined;
    const loaded = contextOf({ ...whole, agreement: amended?.agreement ?? agreement });
    const decision: Change = {
      writes: [
        guarded(
          "decision.state",
          ctx.db
            .update(d)
            .set(set)
            .where(and(eq(d.id, id), guard)),
        ),
      ],
      ...eventsWithAudit(ctx, [decisionEvent(`decision.${updated.state}` as "decision.approved", updated, loaded, now)]),
      prefetched: whole.prefetched,
    };
    // an approval whose effective date has come takes effect at once, in the same change
    const applied = due && due <= now ? await planApply(ctx, updated, loaded, amended?.agreement, whole.latest) : undefined;
    const answer = presentDecision(applied?.decision ?? updated, loaded, now);
    await commit(ctx, { ...joinChanges(amended?.change, decision, applied?.change, alongside?.change), response: alongside ? alongside.response : answer });
    return answer;
  });
}

/**
 * The processor answers an objection (docs/rules.md, rule 6; the agreement's clause 4.2): what it
 * will do, recorded once on the decision, with a `decision.objection_responded` event to both
 * parties and its audit record. Only the processor of the decision (the controller gets 403, anyone
 * else 404); only an objected decision, and only once (409 `invalid_state` for both). The UPDATE is
 * guarded on the decision still being objected and unanswered, so of two racing answers exactly one
 * is recorded and the other is told it was given already.
 */
export async function respondToObjection({ ctx, id, response, note }: { ctx: Ctx; id: string; response: ObjectionResponse; note: string }) {
  // the decision with what presenting it needs, while nothing has moved it; after a conflict, read again
  const read = await readDecisionWhole(ctx, id);
  const org = requireOrganisation(ctx.actor);
  if (read.row.processorId !== org) throw new AppError("forbidden", "Only the processor answers an objection to its change.");
  return onDecision(ctx, id, read, async (whole) => {
    const fresh = whole.row;
    if (fresh.state !== "objected") throw new AppError("invalid_state", `The decision is ${fresh.state}: only an objection can be answered.`, [], { current_state: fresh.state });
    if (fresh.objectionResponse !== null)
      throw new AppError("invalid_state", "The objection has been answered already; an answer is recorded once.", [], {
        current_state: fresh.state,
        objection_response: fresh.objectionResponse,
      });
    const now = ctx.clock.now();
    const set = { objectionResponse: response, objectionResponseNote: note, objectionRespondedAt: now, objectionRespondedBy: personOf(ctx.actor) };
    const updated: DecisionRow = { ...fresh, ...set };
    const loaded = contextOf(whole);
    const answer = presentDecision(updated, loaded, now);
    await commit(ctx, {
      writes: [
        guarded(
          "decision.objection_response",
          ctx.db
            .update(d)
            .set(set)
            .where(and(eq(d.id, id), eq(d.state, "objected"), isNull(d.objectionResponse))),
        ),
      ],
      ...eventsWithAudit(ctx, [decisionEvent("decision.objection_responded", updated, loaded, now)]),
      response: answer,
      prefetched: whole.prefetched,
    });
    return answer;
  });
}

/** A question's audit record names the act (`decision.question_ask`), where other decision verbs' name their event. */
const auditedAs = (change: ReturnType<typeof eventsWithAudit>, action: string) => ({ ...change, audit: change.audit.map((entry) => ({ ...entry, action })) });

/**
 * The decision, if it is still as it was read: the event's decision, and the digest of its audit
 * record, are the row as it is after the change (docs/rules.md, rule 8).
 */
const asRead = (row: DecisionRow) =>
  and(
    eq(d.id, row.id),
    eq(d.state, row.state),
    eq(d.application, row.application),
    eq(d.noticeHeld, row.noticeHeld),
    eq(d.noticeEndsAt, row.noticeEndsAt),
    row.objectionResponse === null ? isNull(d.objectionResponse) : eq(d.objectionResponse, row.objectionResponse),
  );

/**
 * The controller asks the processor a question on a pending decision (docs/rules.md, rule 13):
 * recorded on the decision, told to both parties (`decision.question_asked`) and audited
 * (`decision.question_ask`). Only the controller of the decision (the processor gets 403, anyone
 * else 404); a notice is 409 `notice_only`, a final decision 409 `invalid_state`. Where the
 * agreement's terms set `question_extension_days`, the question holds the notice until it is
 * answered.
 */
export async function askQuestion({ ctx, id, question }: { ctx: Ctx; id: string; question: string }) {
  // the decision with what presenting it needs, while nothing has moved it; after a conflict or a deemed approval, read again
  const read = await readDecisionWhole(ctx, id);
  const org = requireOrganisation(ctx.actor);
  if (read.row.controllerId !== org) throw new AppError("forbidden", "Only the controller asks the processor a question on its decision.");
  const row = read.row;
  const now = ctx.clock.now();
  // once deemed approved by silence, there is nothing left to ask before deciding
  return onDecision(ctx, id, (await deemedBySilence(ctx, row, now)) ? undefined : read, async (whole) => {
    const fresh = whole.row;
    if (fresh.kind === "notice")
      throw new AppError("notice_only", "This change only removes or corrects entries: it is a notice, with nothing to decide, so nothing to ask before deciding.", [], {
        current_state: fresh.state,
        kind: fresh.kind,
      });
    if (fresh.state !== "pending")
      throw new AppError("invalid_state", `The decision is already ${fresh.state}: a question is asked on a pending decision.`, [], { current_state: fresh.state });
    // the extension of the terms in force when asked: later amendments do not change what this question holds
    const extensionDays = whole.agreement.questionExtensionDays ?? null;
    const asked: QuestionRow = {
      id: ctx.newId("question"),
      decisionId: fresh.id,
      processorId: fresh.processorId,
      controllerId: fresh.controllerId,
      question,
      askedAt: now,
      askedByKey: ctx.actor.keyId,
      askedBy: personOf(ctx.actor),
      extensionDays,
      answer: null,
      answeredAt: null,
      answeredByKey: null,
      answeredBy: null,
    };
    const updated: DecisionRow = { ...fresh, noticeHeld: fresh.noticeHeld || extensionDays !== null };
    const loaded = contextOf({ ...whole, questions: [...whole.questions, asked] });
    const answer = presentDecision(updated, loaded, now);
    await commit(ctx, {
      writes: [ctx.db.insert(q).values(asked), guarded("decision.question", ctx.db.update(d).set({ noticeHeld: updated.noticeHeld }).where(asRead(fresh)))],
      ...auditedAs(eventsWithAudit(ctx, [decisionEvent("decision.question_asked", updated, loaded, now, { question: presentQuestion(asked, updated) })]), "decision.question_ask"),
      response: answer,
      prefetched: whole.prefetched,
    });
    return answer;
  });
}

/**
 * The processor answers one of the controller's questions, once (docs/rules.md, rule 13), whatever
 * the decision's state has become: told to both parties (`decision.question_answered`) and audited
 * (`decision.question_answer`). Only the processor of the decision (the controller gets 403, anyone
 * else 404, as for a question of another decision). When it answers the last open question that
 * holds the notice of a pending decision, the notice runs again: it ends at the later of its end
 * before and 24:00 in the controller's time zone on the day the question's extension days after
 * the answer, the end as submitted is kept, and the reminders go out again for the new end.
 */
export async function answerQuestion({ ctx, id, questionId, answer: text }: { ctx: Ctx; id: string; questionId: string; answer: string }) {
  // the decision with its questions, while nothing has moved it; after a conflict, read again
  const read = await readDecisionWhole(ctx, id);
  const org = requireOrganisation(ctx.actor);
  if (read.row.processorId !== org) throw new AppError("forbidden", "Only the processor answers the controller's questions on its change.");
  return onDecision(ctx, id, read, async (whole) => {
    const fresh = whole.row;
    const asked = whole.questions.find((x) => x.id === questionId);
    if (!asked) throw notFound("question");
    if (asked.answeredAt !== null)
      throw new AppError("invalid_state", "The question has been answered already; an answer is given once.", [], {
        current_state: fresh.state,
        answered_at: asked.answeredAt.toISOString(),
      });
    const now = ctx.clock.now();
    const answered: QuestionRow = { ...asked, answer: text, answeredAt: now, answeredByKey: ctx.actor.keyId, answeredBy: personOf(ctx.actor) };
    const questions = whole.questions.map((x) => (x.id === questionId ? answered : x));
    // the last open question that held the notice releases it; only a pending decision's notice moves
    const releases = fresh.noticeHeld && asked.extensionDays !== null && !questions.some((x) => x.extensionDays !== null && x.answeredAt === null);
    let set: Partial<DecisionRow> = { noticeHeld: fresh.noticeHeld };
    if (releases) {
      set = { noticeHeld: false };
      if (fresh.state === "pending") {
        const zone = whole.parties.find((p) => p.id === fresh.controllerId)?.timeZone ?? "UTC";
        const end = extendedNoticeEnd(fresh.noticeEndsAt, now, asked.extensionDays!, zone);
        if (end.getTime() !== fresh.noticeEndsAt.getTime())
          // the end as submitted is kept; the reminders, and an overdue notice, go out again for the new end
          set = {
            noticeHeld: false,
            noticeEndsAt: end,
            originalNoticeEndsAt: fresh.originalNoticeEndsAt ?? fresh.noticeEndsAt,
            reminded7dAt: null,
            reminded1dAt: null,
            overdueNotifiedAt: null,
          };
      }
    }
    const updated: DecisionRow = { ...fresh, ...set };
    const loaded = contextOf({ ...whole, questions });
    const answer = presentDecision(updated, loaded, now);
    // a release is refused if another question that holds the notice was asked meanwhile
    const noOtherHold = notExists(
      ctx.db
        .select({ id: q.id })
        .from(q)
        .where(and(eq(q.decisionId, id), isNotNull(q.extensionDays), isNull(q.answeredAt), ne(q.id, questionId))),
    );
    await commit(ctx, {
      writes: [
        guarded(
          "question.answer",
          ctx.db
            .update(q)
            .set({ answer: text, answeredAt: now, answeredByKey: answered.answeredByKey, answeredBy: answered.answeredBy })
            .where(and(eq(q.id, questionId), eq(q.decisionId, id), isNull(q.answeredAt))),
        ),
        guarded(
          "decision.question",
          ctx.db
            .update(d)
            .set(set)
            .where(and(asRead(fresh), releases ? noOtherHold : undefined)),
        ),
      ],
      ...auditedAs(
        eventsWithAudit(ctx, [decisionEvent("decision.question_answered", updated, loaded, now, { question: presentQuestion(answered, updated) })]),
        "decision.question_answer",
      ),
      response: answer,
      prefetched: whole.prefetched,
    });
    return answer;
  });
}

/** A country's name, or an international organisation's (docs/rules.md, rule 3). */
const placeName = (place: string) => {
  const io = /^international_organisation:(.+)$/.exec(place)?.[1];
  return io ? (INTERNATIONAL_ORGANISATIONS.get(io)?.name.en ?? io) : countryName(place);
};

/** The third countries a decision's change introduces into its agreement's annex, as assessed now. */
async function introducedCountries(ctx: Ctx, row: DecisionRow): Promise<string[]> {
  const a = (await ctx.db.query.agreements.findFirst({ where: eq(schema.agreements.id, row.agreementId) }))!;
  const current = await ctx.db.query.annexVersions.findFirst({ where: and(eq(schema.annexVersions.agreementId, a.id), eq(schema.annexVersions.version, a.currentVersion ?? 0)) });
  const cr = await ctx.db.query.changeRequests.findFirst({ where: eq(schema.changeRequests.id, row.changeRequestId) });
  if (!current || !cr) return [];
  const result = applyOperations(current.content, cr.operations, ctx.newId);
  return "content" in result ? assessChange(current.content, result.content, a.thirdCountryTransfers).third_countries : [];
}

export const decisionsOfRequest = (ctx: Ctx, changeRequestId: string, org: string) =>
  ctx.db.query.decisions.findMany({ where: and(eq(d.changeRequestId, changeRequestId), partyTo(org)), orderBy: asc(d.id) });
