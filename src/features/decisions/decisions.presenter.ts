import { inArray } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { schema, type DbOrTx } from "../../../db/client";
import { readTogether } from "../../../db/read-together";
import { isOverdue, silenceApproves } from "../../domain/decisions";
import { iso } from "../../core/context";

export type DecisionRow = typeof schema.decisions.$inferSelect;
export type ChangeRequestRow = typeof schema.changeRequests.$inferSelect;
type AgreementRow = typeof schema.agreements.$inferSelect;

/** What presenting decisions needs besides the rows: their requests, agreements and party names, loaded in bulk. */
export interface DecisionContext {
  requests: Map<string, ChangeRequestRow>;
  agreements: Map<string, AgreementRow>;
  names: Map<string, string>;
  /** each party's time zone: the controller's counts the notice (docs/rules.md, rule 4) */
  zones: Map<string, string>;
}

export async function loadDecisionContext(db: DbOrTx, rows: DecisionRow[], known: Partial<DecisionContext> = {}): Promise<DecisionContext> {
  const unique = (xs: string[]) => [...new Set(xs)];
  const requests = new Map(known.requests);
  const agreements = new Map(known.agreements);
  const names = new Map(known.names);
  const zones = new Map(known.zones);
  const missingRequests = unique(rows.map((r) => r.changeRequestId)).filter((id) => !requests.has(id));
  const missingAgreements = unique(rows.map((r) => r.agreementId)).filter((id) => !agreements.has(id));
  const missingOrgs = unique(rows.flatMap((r) => [r.processorId, r.controllerId])).filter((id) => !names.has(id) || !zones.has(id));
  // SQLite caps bound variables per statement, so large sets are read in slices; all of them at once
  const o = schema.organisations;
  const queries = [
    ...[...slices(missingRequests)].map((ids) => ({ kind: "requests" as const, query: db.select().from(schema.changeRequests).where(inArray(schema.changeRequests.id, ids)) })),
    ...[...slices(missingAgreements)].map((ids) => ({ kind: "agreements" as const, query: db.select().from(schema.agreements).where(inArray(schema.agreements.id, ids)) })),
    ...[...slices(missingOrgs)].map((ids) => ({
      kind: "organisations" as const,
      query: db.select({ id: o.id, name: o.name, timeZone: o.timeZone }).from(o).where(inArray(o.id, ids)),
    })),
  ];
  if (!queries.length) return { requests, agreements, names, zones };
  const results = (await readTogether(db, queries.map((q) => q.query) as unknown as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]])) as unknown[][];
  queries.forEach((q, i) => {
    for (const row of results[i]!) {
      if (q.kind === "requests") requests.set((row as ChangeRequestRow).id, row as ChangeRequestRow);
      else if (q.kind === "agreements") agreements.set((row as AgreementRow).id, row as AgreementRow);
      else {
        const org = row as { id: string; name: string; timeZone: string };
        names.set(org.id, org.name);
        zones.set(org.id, org.timeZone);
      }
    }
  });
  return { requests, agreements, names, zones };
}

export function* slices<T>(list: T[], size = 500): Generator<T[]> {
  for (let i = 0; i < list.length; i += size) yield list.slice(i, i + size);
}

/** A decision as the API and every decision event show it: enough to act on without another call. */
export function presentDecision(d: DecisionRow, ctx: DecisionContext, now: Date) {
  const cr = ctx.requests.get(d.changeRequestId)!;
  const a = ctx.agreements.get(d.agreementId)!;
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
    introduces_third_country: d.introducesThirdCountry,
    instruction_conflict: d.instructionConflict,
    comment: d.comment,
    objection_reason: d.objectionReason,
    decided_at: iso(d.decidedAt),
    decided_by: d.decidedBy ?? null,
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
