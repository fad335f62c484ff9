import { asc, eq, inArray, or, type SQLWrapper } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { BatchItem } from "drizzle-orm/batch";
import { schema, type DbOrTx } from "../../../db/client";
import { readTogether } from "../../../db/read-together";
import { isOverdue, silenceApproves } from "../../domain/decisions";
import { iso } from "../../core/context";

export type DecisionRow = typeof schema.decisions.$inferSelect;
export type ChangeRequestRow = typeof schema.changeRequests.$inferSelect;
type AgreementRow = typeof schema.agreements.$inferSelect;
export type QuestionRow = typeof schema.decisionQuestions.$inferSelect;

/** What presenting decisions needs besides the rows: their requests, agreements and party names, loaded in bulk. */
export interface DecisionContext {
  requests: Map<string, ChangeRequestRow>;
  agreements: Map<string, AgreementRow>;
  names: Map<string, string>;
  /** each party's time zone: the controller's counts the notice (docs/rules.md, rule 4) */
  zones: Map<string, string>;
  /** each decision's questions, oldest first (docs/rules.md, rule 13); a decision read has an entry, if only an empty one */
  questions: Map<string, QuestionRow[]>;
}

type ContextQuery = { kind: "requests" | "agreements" | "organisations" | "questions"; query: BatchItem<"sqlite"> };

/** The queries of a context, each over a list of ids or over a subquery (a page read in the same batch). */
function contextQueries(db: DbOrTx, ids: { requests: Ids; agreements: Ids; organisations: Ids; decisions: Ids }): ContextQuery[] {
  const o = schema.organisations;
  const d = schema.decisions;
  const q = schema.decisionQuestions;
  /** one condition per slice of a list (none when empty), or one over the subqueries */
  const over = (ids: Ids, column: SQLiteColumn) =>
    Array.isArray(ids) && (ids.length === 0 || typeof ids[0] === "string")
      ? [...slices(ids as string[])].map((set) => inArray(column, set))
      : [or(...(ids as SQLWrapper[]).map((sub) => inArray(column, sub)))!];
  return [
    ...over(ids.requests, schema.changeRequests.id).map((where) => ({ kind: "requests" as const, query: db.select().from(schema.changeRequests).where(where) })),
    ...over(ids.agreements, schema.agreements.id).map((where) => ({ kind: "agreements" as const, query: db.select().from(schema.agreements).where(where) })),
    ...over(ids.organisations, o.id).map((where) => ({
      kind: "organisations" as const,
      query: db.select({ id: o.id, name: o.name, timeZone: o.timeZone }).from(o).where(where),
    })),
    // every decision read, with its questions if it has any: which decisions were read is known even where a subquery chose them
    ...over(ids.decisions, d.id).map((where) => ({
      kind: "questions" as const,
      query: db.select({ decisionId: d.id, question: q }).from(d).leftJoin(q, eq(q.decisionId, d.id)).where(where).orderBy(asc(q.askedAt), asc(q.id)),
    })),
  ];
}
/** ids to read: a list (read in slices, none when empty), or subqueries (any of their ids) */
type Ids = string[] | SQLWrapper[];

/** Adds what the context queries answered (results in the queries' order) to a context. */
function fillContext(context: DecisionContext, queries: ContextQuery[], results: unknown[][]): DecisionContext {
  queries.forEach((q, i) => {
    for (const row of results[i]!) {
      if (q.kind === "requests") context.requests.set((row as ChangeRequestRow).id, row as ChangeRequestRow);
      else if (q.kind === "agreements") context.agreements.set((row as AgreementRow).id, row as AgreementRow);
      else if (q.kind === "questions") {
        const { decisionId, question } = row as { decisionId: string; question: QuestionRow | null };
        const list = context.questions.get(decisionId) ?? [];
        if (question) list.push(question);
        context.questions.set(decisionId, list);
      } else {
        const org = row as { id: string; name: string; timeZone: string };
        context.names.set(org.id, org.name);
        context.zones.set(org.id, org.timeZone);
      }
    }
  });
  return context;
}

export async function loadDecisionContext(db: DbOrTx, rows: DecisionRow[], known: Partial<DecisionContext> = {}): Promise<DecisionContext> {
  const unique = (xs: string[]) => [...new Set(xs)];
  const context: DecisionContext = {
    requests: new Map(known.requests),
    agreements: new Map(known.agreements),
    names: new Map(known.names),
    zones: new Map(known.zones),
    questions: new Map(known.questions),
  };
  const missing = {
    requests: unique(rows.map((r) => r.changeRequestId)).filter((id) => !context.requests.has(id)),
    agreements: unique(rows.map((r) => r.agreementId)).filter((id) => !context.agreements.has(id)),
    organisations: unique(rows.flatMap((r) => [r.processorId, r.controllerId])).filter((id) => !context.names.has(id) || !context.zones.has(id)),
    decisions: unique(rows.map((r) => r.id)).filter((id) => !context.questions.has(id)),
  };
  // SQLite caps bound variables per statement, so large sets are read in slices; all of them at once
  const queries = contextQueries(db, missing);
  if (!queries.length) return context;
  const results = (await readTogether(db, queries.map((q) => q.query) as unknown as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]])) as unknown[][];
  return fillContext(context, queries, results);
}

/**
 * A page of decisions and everything presenting it needs, in one round trip: the page's query, and
 * the context's queries over the same page as a subquery (its change requests, agreements, parties).
 */
export async function loadDecisionPage(
  db: DbOrTx,
  page: { rows: BatchItem<"sqlite">; ids: (column: "id" | "change_request_id" | "agreement_id" | "processor_id" | "controller_id") => SQLWrapper },
  /** more reads to send in the same round trip; their rows come back in `extra` */
  more: BatchItem<"sqlite">[] = [],
): Promise<{ rows: DecisionRow[]; context: DecisionContext; extra: unknown[][] }> {
  const queries = contextQueries(db, {
    requests: [page.ids("change_request_id")],
    agreements: [page.ids("agreement_id")],
    organisations: [page.ids("processor_id"), page.ids("controller_id")],
    decisions: [page.ids("id")],
  });
  const [rows, ...results] = (await readTogether(db, [page.rows, ...queries.map((q) => q.query), ...more] as unknown as [
    BatchItem<"sqlite">,
    ...BatchItem<"sqlite">[],
  ])) as unknown[][];
  const context: DecisionContext = { requests: new Map(), agreements: new Map(), names: new Map(), zones: new Map(), questions: new Map() };
  return { rows: rows as DecisionRow[], context: fillContext(context, queries, results.slice(0, queries.length)), extra: results.slice(queries.length) };
}

export function* slices<T>(list: T[], size = 500): Generator<T[]> {
  for (let i = 0; i < list.length; i += size) yield list.slice(i, i + size);
}

/** A question and its answer as the decision shows it (docs/rules.md, rule 13); it holds the notice while it is open on a pending decision, if it was asked with an extension. */
export const presentQuestion = (q: QuestionRow, d: Pick<DecisionRow, "state">) => ({
  id: q.id,
  question: q.question,
  asked_at: q.askedAt.toISOString(),
  asked_by: q.askedBy ?? null,
  holds_notice: q.extensionDays !== null && q.answeredAt === null && d.state === "pending",
  answer: q.answer,
  answered_at: iso(q.answeredAt),
  answered_by: q.answeredBy ?? null,
});

/** A decision as the API and every decision event show it: enough to act on without another call. */
export function presentDecision(d: DecisionRow, ctx: DecisionContext, now: Date) {
  const cr = ctx.requests.get(d.changeRequestId)!;
  const a = ctx.agreements.get(d.agreementId)!;
  // a decision whose questions were not read has none: it is new
  const questions = ctx.questions.get(d.id) ?? [];
  return {
    object: "decision" as const,
    id: d.id,
    change_request_id: d.changeRequestId,
    agreement: { id: a.id, title: a.title, controller_reference: a.controllerReference },
    processor: { id: d.processorId, name: ctx.names.get(d.processorId) ?? "" },
    controller: { id: d.controllerId, name: ctx.names.get(d.controllerId) ?? "", time_zone: ctx.zones.get(d.controllerId) ?? "UTC" },
    kind: d.kind,
    state: d.state,
    overdue: isOverdue(d, now) && !silenceApproves(d),
    authorisation: d.authorisation,
    notice_ends_at: d.noticeEndsAt.toISOString(),
    // the notice does not end while an open question holds it; only a pending decision's notice can be held
    notice_held: d.noticeHeld && d.state === "pending",
    original_notice_ends_at: iso(d.originalNoticeEndsAt),
    introduces_third_country: d.introducesThirdCountry,
    instruction_conflict: d.instructionConflict,
    comment: d.comment,
    objection_reason: d.objectionReason,
    objection_ground: d.objectionGround ?? null,
    objection_shared_upstream: d.objectionShareUpstream,
    decided_at: iso(d.decidedAt),
    decided_by: d.decidedBy ?? null,
    objection_response:
      d.objectionResponse && d.objectionRespondedAt
        ? {
            response: d.objectionResponse,
            note: d.objectionResponseNote ?? "",
            responded_at: d.objectionRespondedAt.toISOString(),
            responded_by: d.objectionRespondedBy ?? null,
          }
        : null,
    questions: questions.map((q) => presentQuestion(q, d)),
    application: { state: d.application, effective_at: iso(d.effectiveAt), version: d.appliedVersion, failure_reason: d.failureReason },
    change: {
      operations: cr.operations as unknown as Record<string, unknown>[],
      reason: cr.reason,
      effective_date: iso(cr.effectiveDate),
      submitted_at: cr.submittedAt.toISOString(),
      submitted_by: cr.submittedBy ?? null,
    },
  };
}

export type DecisionView = ReturnType<typeof presentDecision>;
