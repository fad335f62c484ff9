import { and, desc, eq } from "drizzle-orm";
import { schema, type DbOrTx } from "../../../db/client";
import { applyOperations, assessChange } from "../../domain/operations";
import type { Ctx } from "../../core/context";
import { recordEvents } from "../../core/events";
import { presentAnnexContent } from "../annex/annex.presenter";
import { classificationSnapshot, diffEntries } from "../../domain/annex";
import { decisionEvent } from "./decision-events";
import { type DecisionContext, type DecisionRow, loadDecisionContext } from "./decisions.presenter";

/**
 * Puts one approved change into the agreement's annex, inside the caller's transaction:
 * a new version with exactly the request's operations, or — when the annex has changed so
 * that they no longer apply — the decision marked failed with the reason. Never half-applied.
 */
export async function applyDecision(tx: DbOrTx, deps: Pick<Ctx, "newId" | "clock" | "webhooks">, d: DecisionRow, known?: DecisionContext) {
  const ctx = await loadDecisionContext(tx, [d], known);
  const cr = ctx.requests.get(d.changeRequestId)!;
  const now = deps.clock.now();
  const v = schema.annexVersions;
  const current = await tx.query.annexVersions.findFirst({ where: eq(v.agreementId, d.agreementId), orderBy: desc(v.version) });
  const agreement = ctx.agreements.get(d.agreementId) ?? (await tx.query.agreements.findFirst({ where: eq(schema.agreements.id, d.agreementId) }));
  const applied0 = current
    ? applyOperations(current.content, cr.operations, deps.newId)
    : { errors: [{ pointer: "", rule: "active_agreement", detail: "The agreement has no annex." }] };
  // the instruction in force when the change would take effect decides, not the one at approval
  const conflict =
    "content" in applied0 && agreement?.thirdCountryTransfers === "prohibited" && assessChange(current!.content, applied0.content, "prohibited").instruction_conflict
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
  const claim = and(eq(schema.decisions.id, d.id), eq(schema.decisions.application, "scheduled"));

  if ("errors" in result) {
    const reason = result.errors.map((e) => `${e.pointer}: ${e.detail}`).join(" ");
    const [failed] = await tx.update(schema.decisions).set({ application: "failed", failureReason: reason }).where(claim).returning();
    if (failed) await recordEvents(tx, deps, [decisionEvent("change_request.failed", failed, ctx, now, { errors: result.errors })]);
    return { applied: false as const, decision: failed ?? d };
  }

  const version = current!.version + 1;
  // versions are in force in the order they were made, even when one is applied late
  const effectiveAt = new Date(Math.max(d.effectiveAt!.getTime(), current!.effectiveAt.getTime()));
  const [applied] = await tx.update(schema.decisions).set({ application: "applied", appliedVersion: version }).where(claim).returning();
  if (!applied) return { applied: false as const, decision: d }; // another sweep applied it first
  await tx.insert(v).values({
    agreementId: d.agreementId,
    version,
    content: result.content,
    classification: classificationSnapshot(result.content),
    effectiveAt,
    changeRequestId: d.changeRequestId,
    createdAt: now,
  });
  await tx.update(schema.agreements).set({ currentVersion: version }).where(eq(schema.agreements.id, d.agreementId));
  const [before, after] = [presentAnnexContent(current!.content), presentAnnexContent(result.content)];
  const summary = (diff: ReturnType<typeof diffEntries<{ id: string; ref: string }>>) => ({
    added: diff.added.map((e) => e.ref),
    removed: diff.removed.map((e) => e.ref),
    changed: diff.changed.map((e) => ({ ref: e.after.ref, fields: e.changes.map((c) => c.field) })),
  });
  await recordEvents(tx, deps, [
    decisionEvent("annex.version_created", applied, ctx, now, {
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
  ]);
  return { applied: true as const, decision: applied, version };
}
