import type { z } from "zod";
import type { schema } from "../../../db/client";
import { iso } from "../../core/context";
import { DECISION_STATES, type DecisionState } from "../../domain/decisions";
import type { Operation } from "../change-requests/change-requests.schemas";

type SourceRow = typeof schema.upstreamSources.$inferSelect;
type ChangeRow = typeof schema.upstreamChanges.$inferSelect;
type DraftRow = typeof schema.changeRequestDrafts.$inferSelect;
type DecisionRow = typeof schema.decisions.$inferSelect;

export const presentSource = (s: SourceRow) => ({
  object: "upstream_source" as const,
  id: s.id,
  sub_processor_ref: s.subProcessorRef,
  kind: s.kind,
  upstream_agreement_id: s.upstreamAgreementId,
  feed_url: s.feedUrl,
  default_window_days: s.defaultWindowDays,
  margin_days: s.marginDays,
  next_poll_at: s.removedAt ? null : iso(s.nextPollAt),
  last_polled_at: iso(s.lastPolledAt),
  last_poll_error: s.lastPollError,
  created_at: s.createdAt.toISOString(),
  removed_at: iso(s.removedAt),
});

/** A downstream decision with its agreement's title and its controller's name. */
export interface GatheredDecision {
  row: DecisionRow;
  agreementTitle: string;
  controllerName: string;
}

/** Approved, or approved by silence: what approving upstream waits for (docs/rules.md, rule 14). */
export const isApproved = (state: DecisionState) => state === "approved" || state === "deemed_approved";

/** The controllers' decisions on the change request made from the draft, against the upstream deadline. */
export function presentControllers(changeRequestId: string, deadlineAt: Date, gathered: GatheredDecision[]) {
  const counts = Object.fromEntries(DECISION_STATES.map((s) => [s, 0])) as Record<DecisionState, number>;
  for (const g of gathered) counts[g.row.state]++;
  return {
    change_request_id: changeRequestId,
    deadline_at: deadlineAt.toISOString(),
    decisions: gathered.map(({ row, agreementTitle, controllerName }) => ({
      decision_id: row.id,
      agreement: { id: row.agreementId, title: agreementTitle },
      controller: { id: row.controllerId, name: controllerName },
      state: row.state,
      notice_ends_at: row.noticeEndsAt.toISOString(),
      objection_ground: row.objectionGround,
      objection_reason: row.objectionReason,
      objection_shared_upstream: row.objectionShareUpstream,
    })),
    counts,
    all_approved: gathered.length > 0 && gathered.every((g) => isApproved(g.row.state)),
  };
}

export function presentChange(c: ChangeRow, source: SourceRow, draft: DraftRow | undefined, gathered: GatheredDecision[] | undefined) {
  return {
    object: "upstream_change" as const,
    id: c.id,
    source: { id: source.id, kind: source.kind, sub_processor_ref: source.subProcessorRef },
    title: c.title,
    summary: c.summary,
    link: c.link,
    announced_at: c.announcedAt.toISOString(),
    deadline_at: c.deadlineAt.toISOString(),
    received_at: c.receivedAt.toISOString(),
    state: c.state,
    upstream_decision_id: c.upstreamDecisionId,
    response: c.respondedAt ? { responded_at: c.respondedAt.toISOString(), responded_by: c.respondedBy ?? null, reason: c.responseReason } : null,
    draft: draft ? { id: draft.id, state: draft.state, change_request_id: draft.changeRequestId } : null,
    controllers: draft?.changeRequestId && gathered ? presentControllers(draft.changeRequestId, c.deadlineAt, gathered) : null,
  };
}

export type DraftWarningView = { code: "notice_too_long" | "operations_empty" | "agreement_inactive" | "no_agreements"; agreement_id: string | null; detail: string };

/** A covered agreement as it stands now: its title and where a notice given now would end; null when no longer active. */
export type AgreementNow = { title: string; noticeDays: number; noticeEndsAt: Date } | null;

/**
 * A draft as the processor sees it: per agreement the notice end it would have if submitted now,
 * whether that fits the upstream deadline less the margin, and what to look at before submitting
 * (docs/rules.md, rule 14). The warnings are derived, never stored.
 */
export function presentDraft(d: DraftRow, now: Map<string, AgreementNow>) {
  const notAfter = d.noticeEndBy?.getTime();
  const warnings: DraftWarningView[] = [];
  const agreements = d.agreements.map((a) => {
    const current = now.get(a.agreement_id) ?? null;
    // a draft already submitted shows what it was made with
    const live = d.state === "draft" && current;
    const ends = live ? current.noticeEndsAt : new Date(a.notice_ends_at);
    const fits = notAfter === undefined || ends.getTime() <= notAfter;
    if (d.state === "draft" && !current)
      warnings.push({ code: "agreement_inactive", agreement_id: a.agreement_id, detail: "The agreement is no longer active: submitting leaves it out or is refused." });
    else if (!fits)
      warnings.push({
        code: "notice_too_long",
        agreement_id: a.agreement_id,
        detail: `Submitted now, the notice ends at ${ends.toISOString()}, after ${d.noticeEndBy!.toISOString()} (the upstream deadline less the margin): the controller's objection may come too late to go upstream. A notice is never shortened.`,
      });
    return { agreement_id: a.agreement_id, title: current?.title ?? null, notice_days: live ? current.noticeDays : a.notice_days, notice_ends_at: ends.toISOString(), fits };
  });
  if (!d.operations.length)
    warnings.push({
      code: "operations_empty",
      agreement_id: null,
      detail: "Nothing could be pre-filled from the upstream change (a feed's prose): write the operations (PATCH) before submitting.",
    });
  if (!d.agreements.length)
    warnings.push({ code: "no_agreements", agreement_id: null, detail: "No active agreement has the sub-processor in its annex: there is nothing to submit." });
  return {
    object: "change_request_draft" as const,
    id: d.id,
    upstream_change_id: d.upstreamChangeId,
    state: d.state,
    // stored as validated by the Operation schema
    operations: d.operations as unknown as z.infer<typeof Operation>[],
    reason: d.reason,
    effective_date: iso(d.effectiveDate),
    agreements,
    notice_end_by: iso(d.noticeEndBy),
    warnings,
    change_request_id: d.changeRequestId,
    created_at: d.createdAt.toISOString(),
    updated_at: d.updatedAt.toISOString(),
  };
}
