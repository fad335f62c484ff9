import { and, asc, desc, eq, lte } from "drizzle-orm";
import { schema } from "../../../db/client";
import { AppError } from "../../domain/errors";
import { loadAgreementFor, presentAgreement } from "../agreements/agreements.service";
import { recordAnnexRead } from "../audit/audit.service";
import type { Ctx } from "../../core/context";

type VersionRow = typeof schema.annexVersions.$inferSelect;

/** What a document is rendered from: the agreement as its reader sees it, one annex version, and the versions up to it. */
export interface AnnexDocumentSource {
  agreement: Awaited<ReturnType<typeof presentAgreement>>;
  version: VersionRow;
  history: HistoryEntry[];
  /** every version of the agreement's terms (the instruction and its amendments), oldest first */
  terms: (typeof schema.agreementTerms.$inferSelect)[];
}

/** How one annex version came to be: the baseline, or a change with its reason, how it was decided, by whom and when. */
export interface HistoryEntry {
  version: number;
  effectiveAt: Date;
  changeRequestId: string | null;
  reason: string | null;
  /** approved / deemed_approved / noticed; null for the baseline */
  how: "approved" | "deemed_approved" | "noticed" | null;
  decidedAt: Date | null;
  decidedBy: string | null;
  noticeDays: number | null;
}

/**
 * The annex version a document shows, read as an audited annex read (`annex.document`):
 * `version` by number, `asOf` the one in force at that instant, neither the one in force now.
 * Isolation as for the annex itself: another organisation's agreement is a 404, the
 * operator a 403, a proposed or declined agreement (no annex in force) a 409.
 */
export async function getAnnexDocumentSource({ ctx, agreementId, version, asOf }: { ctx: Ctx; agreementId: string; version?: number; asOf?: Date }): Promise<AnnexDocumentSource> {
  const { agreement, organisationId } = await loadAgreementFor(ctx, agreementId);
  // the same rule as annex.service: only an active agreement has an annex in force
  if (agreement.status !== "active")
    throw new AppError("invalid_state", `The agreement is ${agreement.status}; it has no annex in force until the controller confirms its baseline.`, [], {
      current_state: agreement.status,
    });

  const v = schema.annexVersions;
  let row: VersionRow | undefined;
  if (version !== undefined) {
    row = await ctx.db.query.annexVersions.findFirst({ where: and(eq(v.agreementId, agreementId), eq(v.version, version)) });
    if (!row) throw new AppError("not_found", `The agreement has no annex version ${version}.`);
  } else {
    const at = asOf ?? ctx.clock.now();
    row = await ctx.db.query.annexVersions.findFirst({ where: and(eq(v.agreementId, agreementId), lte(v.effectiveAt, at)), orderBy: [desc(v.effectiveAt), desc(v.version)] });
    if (!row) throw new AppError("not_found", `No annex version of this agreement was in force at ${at.toISOString()}.`);
  }

  // the history a version knows: itself and the versions before it
  const d = schema.decisions;
  const cr = schema.changeRequests;
  const rows = await ctx.db
    .select({
      version: v.version,
      effectiveAt: v.effectiveAt,
      changeRequestId: v.changeRequestId,
      reason: cr.reason,
      state: d.state,
      decidedAt: d.decidedAt,
      submittedAt: cr.submittedAt,
      noticeEndsAt: d.noticeEndsAt,
    })
    .from(v)
    .leftJoin(cr, eq(cr.id, v.changeRequestId))
    .leftJoin(d, and(eq(d.changeRequestId, v.changeRequestId), eq(d.agreementId, v.agreementId)))
    .where(and(eq(v.agreementId, agreementId), lte(v.version, row.version)))
    .orderBy(asc(v.version));
  const terms = await ctx.db.query.agreementTerms.findMany({ where: eq(schema.agreementTerms.agreementId, agreementId), orderBy: asc(schema.agreementTerms.version) });
  const history: HistoryEntry[] = rows.map((h) => ({
    version: h.version,
    effectiveAt: h.effectiveAt,
    changeRequestId: h.changeRequestId,
    reason: h.reason,
    how: h.state === "approved" || h.state === "deemed_approved" || h.state === "noticed" ? h.state : null,
    decidedAt: h.decidedAt,
    // an explicit approval is the controller's act
    decidedBy: h.state === "approved" ? agreement.controllerId : null,
    // the notice period of the terms in force when the change was submitted
    noticeDays: h.submittedAt ? (terms.filter((t) => t.effectiveAt <= h.submittedAt!).at(-1)?.noticeDays ?? null) : null,
  }));

  await recordAnnexRead(ctx, agreement, "annex.document", `${agreementId}@v${row.version}`);
  return { agreement: await presentAgreement(ctx.db, agreement, organisationId), version: row, history, terms };
}
