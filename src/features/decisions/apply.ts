import { annexVersionDigest } from "../../core/row-digests";
import { and, desc, eq, sql } from "drizzle-orm";
import { schema } from "../../../db/client";
import { applyOperations, assessChange } from "../../domain/operations";
import { classificationSnapshot, diffEntries } from "../../domain/annex";
import type { Ctx } from "../../core/context";
import { eventsWithAudit } from "../../core/events";
import { type Change, guarded } from "../../core/writer";
import { presentAnnexContent } from "../annex/annex.presenter";
import { decisionEvent } from "./decision-events";
import { type DecisionContext, type DecisionRow, loadDecisionContext } from "./decisions.presenter";

type AgreementRow = typeof schema.agreements.$inferSelect;
export type AnnexVersionRow = typeof schema.annexVersions.$inferSelect;
type PlanDeps = Pick<Ctx, "db" | "newId" | "clock">;

export interface PlannedApply {
  applied: boolean;
  /** the decision as the change leaves it */
  decision: DecisionRow;
  version?: number;
  change: Change;
}

/**
 * Plans putting one approved change into the agreement's annex: a new version with exactly the
 * request's operations, or — when the annex has changed so that they no longer apply — the
 * decision marked failed with the reason. Never half-applied: the change is guarded on the
 * decision still being scheduled and the annex still at the version it was planned on.
 * `agreement`: the agreement as the same change leaves it, when the change also amends it.
 */
export async function planApply(
  deps: PlanDeps,
  d: DecisionRow,
  known?: Partial<DecisionContext>,
  agreement?: AgreementRow,
  /** the agreement's latest annex version, when the caller has read it (null: it has none) */
  latest?: AnnexVersionRow | null,
): Promise<PlannedApply> {
  const ctx = await loadDecisionContext(deps.db, [d], known);
  const cr = ctx.requests.get(d.changeRequestId)!;
  const now = deps.clock.now();
  const v = schema.annexVersions;
  const decisions = schema.decisions;
  const current = latest !== undefined ? latest : await deps.db.query.annexVersions.findFirst({ where: eq(v.agreementId, d.agreementId), orderBy: desc(v.version) });
  const a = agreement ?? ctx.agreements.get(d.agreementId) ?? (await deps.db.query.agreements.findFirst({ where: eq(schema.agreements.id, d.agreementId) }));
  const applied0 = current
    ? applyOperations(current.content, cr.operations, deps.newId)
    : { errors: [{ pointer: "", rule: "active_agreement", detail: "The agreement has no annex." }] };
  // the instruction in force when the change would take effect decides, not the one at approval
  const conflict =
    "content" in applied0 && a?.thirdCountryTransfers === "prohibited" && assessChange(current!.content, applied0.content, "prohibited").instruction_conflict
      ? {
          errors: [
            {
              pointer: "",
              rule: "instruction_prohibits_third_country",
              detail: "The instruction now in force prohibits transfers to third countries, and this change puts personal data outside the EU/EEA.",
            },
          ],
        }
      : null;
  const result = conflict ?? applied0;
  const claim = and(eq(decisions.id, d.id), eq(decisions.application, "scheduled"));

  if ("errors" in result) {
    const reason = result.errors.map((e) => `${e.pointer}: ${e.detail}`).join(" ");
    const failed: DecisionRow = { ...d, application: "failed", failureReason: reason };
    return {
      applied: false,
      decision: failed,
      change: {
        writes: [guarded("decision.application", deps.db.update(decisions).set({ application: "failed", failureReason: reason }).where(claim))],
        ...eventsWithAudit(deps, [decisionEvent("change_request.failed", failed, ctx, now, { errors: result.errors })]),
      },
    };
  }

  const version = current!.version + 1;
  // versions are in force in the order they were made, even when one is applied late
  const effectiveAt = new Date(Math.max(d.effectiveAt!.getTime(), current!.effectiveAt.getTime()));
  const applied: DecisionRow = { ...d, application: "applied", appliedVersion: version };
  const [before, after] = [presentAnnexContent(current!.content), presentAnnexContent(result.content)];
  const summary = (diff: ReturnType<typeof diffEntries<{ id: string; ref: string }>>) => ({
    added: diff.added.map((e) => e.ref),
    removed: diff.removed.map((e) => e.ref),
    changed: diff.changed.map((e) => ({ ref: e.after.ref, fields: e.changes.map((c) => c.field) })),
  });
  return {
    applied: true,
    decision: applied,
    version,
    change: {
      writes: [
        guarded("decision.application", deps.db.update(decisions).set({ application: "applied", appliedVersion: version }).where(claim)),
        // another change applied to this annex since it was read: plan again on the new version
        guarded(
          "annex.version",
          deps.db
            .update(schema.agreements)
            .set({ currentVersion: version })
            .where(and(eq(schema.agreements.id, d.agreementId), sql`${schema.agreements.currentVersion} IS ${current!.version}`)),
        ),
        deps.db.insert(v).values({
          agreementId: d.agreementId,
          version,
          content: result.content,
          classification: classificationSnapshot(result.content),
          effectiveAt,
          changeRequestId: d.changeRequestId,
          createdAt: now,
        }),
      ],
      ...eventsWithAudit(deps, [
        {
          ...decisionEvent("annex.version_created", applied, ctx, now, {
            annex: {
              agreement_id: d.agreementId,
              version,
              effective_at: effectiveAt.toISOString(),
              change_request_id: d.changeRequestId,
              third_country: after.third_country,
              kind: d.kind,
              changes: { locations: summary(diffEntries(before.locations, after.locations)), sub_processors: summary(diffEntries(before.sub_processors, after.sub_processors)) },
            },
          }),
          rows: annexVersionDigest({ agreementId: d.agreementId, version, content: result.content, effectiveAt }),
        },
      ]),
    },
  };
}
