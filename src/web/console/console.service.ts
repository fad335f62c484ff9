import { and, eq } from "drizzle-orm";
import { schema } from "../../../db/client";
import { type AnnexContent, type AnnexDiff, diffAnnex } from "../../domain/annex";
import { applyOperations, type Operation } from "../../domain/operations";
import { listChangeRequests } from "../../features/change-requests/change-requests.service";
import { loadAgreementFor } from "../../features/agreements/agreements.service";
import { recordAnnexRead } from "../../features/audit/audit.service";
import type { Ctx } from "../../core/context";
import type { DecisionView } from "../../features/decisions/decisions.presenter";
import { listDecisions } from "../../features/decisions/decisions.service";

/** Every page of a cursor-paged service verb, for a console page that shows them all. */
async function all<T>(page: (cursor?: string) => Promise<{ data: T[]; next_cursor?: string | null }>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 50; i++) {
    const p = await page(cursor);
    out.push(...p.data);
    if (!p.next_cursor) break;
    cursor = p.next_cursor;
  }
  return out;
}

export const allDecisions = (ctx: Ctx, filter: { state?: "pending"; agreement_id?: string }) =>
  all((cursor) => listDecisions({ ctx, limit: 100, cursor, overdue: undefined, ...filter }) as Promise<{ data: DecisionView[]; next_cursor?: string | null }>);

export const allChangeRequests = (ctx: Ctx) => all((cursor) => listChangeRequests({ ctx, limit: 100, cursor }));

/**
 * The change a decision is about, as a diff of the annex: an applied change between the
 * version before it and the one it made; otherwise its operations applied to the annex in
 * force now. The annex read is audited like any other (docs/rules.md, rule 8).
 */
/** A diff as the console shows it: with the name of every sub-processor on either side, for the chain's parents. */
export type ConsoleDiff = AnnexDiff & { names: Record<string, string> };

const withNames = (from: AnnexContent, to: AnnexContent, diff: AnnexDiff): ConsoleDiff => ({
  ...diff,
  names: Object.fromEntries([...from.sub_processors, ...to.sub_processors].map((s) => [s.id, s.legal_name])),
});

export async function decisionDiff(ctx: Ctx, decision: DecisionView): Promise<ConsoleDiff | null> {
  const { agreement } = await loadAgreementFor(ctx, decision.agreement.id);
  if (agreement.status !== "active" || agreement.currentVersion == null) return null;
  const v = schema.annexVersions;
  const version = (n: number) => ctx.db.query.annexVersions.findFirst({ where: and(eq(v.agreementId, agreement.id), eq(v.version, n)) });
  if (decision.application.version != null) {
    const [before, after] = await Promise.all([version(decision.application.version - 1), version(decision.application.version)]);
    if (!before || !after) return null;
    await recordAnnexRead(ctx, agreement, "annex.diff", `${agreement.id}@v${before.version}..v${after.version}`);
    return withNames(before.content as AnnexContent, after.content as AnnexContent, diffAnnex(before.content as AnnexContent, after.content as AnnexContent));
  }
  const current = await version(agreement.currentVersion);
  if (!current) return null;
  await recordAnnexRead(ctx, agreement, "annex.read", `${agreement.id}@v${current.version}`);
  const next = applyOperations(current.content as AnnexContent, decision.change.operations as unknown as Operation[], ctx.newId);
  return "content" in next ? withNames(current.content as AnnexContent, next.content, diffAnnex(current.content as AnnexContent, next.content)) : null;
}
