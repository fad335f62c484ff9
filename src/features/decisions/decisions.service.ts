import type { z } from "@hono/zod-openapi";
import { and, asc, desc, eq, lt, lte, not, or, type SQL } from "drizzle-orm";
import { schema } from "../../../db/client";
import { type DecisionState, type DecisionVerb, VERB_ROLE, VERB_TARGET, effectiveAt } from "../../domain/decisions";
import { AppError, notFound } from "../../domain/errors";
import { requireOrganisation } from "../../http/auth";
import { decodeCursor, toPage } from "../../http/pagination";
import type { Ctx } from "../context";
import { recordEvents } from "../events/events.service";
import { deemIfDue } from "../../jobs/run-due";
import { applyDecision } from "./apply";
import { decisionEvent } from "./decision-events";
import { type DecisionRow, loadDecisionContext, presentDecision } from "./decisions.presenter";
import type { ListDecisionsQuery } from "./decisions.schemas";

const d = schema.decisions;
const partyTo = (org: string) => or(eq(d.processorId, org), eq(d.controllerId, org));

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
  // overdue: pending after the notice ended where silence does not approve
  const isOverdue = and(eq(d.state, "pending"), lte(d.noticeEndsAt, now), or(eq(d.authorisation, "specific"), eq(d.instructionConflict, true)));
  if (overdue !== undefined) filters.push(overdue ? isOverdue : not(isOverdue!));
  const after = decodeCursor(cursor, "string");
  const rows = await ctx.db.query.decisions.findMany({
    where: and(...filters, after ? lt(d.id, after) : undefined),
    orderBy: desc(d.id),
    limit: limit + 1,
  });
  const page = toPage(rows, limit, (r) => r.id);
  const data = await presentDecisions(ctx, page.data);
  if (state === "pending") data.sort((a, b) => a.notice_ends_at.localeCompare(b.notice_ends_at));
  return { ...page, data };
}

/**
 * approve / object / withdraw one agreement's decision. The state is checked in the UPDATE
 * itself, so of two racing decisions (or a decision and the sweep) exactly one wins and the
 * other gets a 409 naming the state it lost to.
 */
export async function decide({ ctx, id, verb, comment, reason }: { ctx: Ctx; id: string; verb: DecisionVerb; comment?: string; reason?: string }) {
  const { row, org } = await loadDecisionFor(ctx, id);
  const role = row.controllerId === org ? "controller" : "processor";
  if (VERB_ROLE[verb] !== role)
    throw new AppError("forbidden", verb === "withdraw" ? "Only the processor withdraws its change." : `Only the controller may ${verb === "approve" ? "approve" : "object to"} a change.`);
  const now = ctx.clock.now();
  // a notice that ended under a general authorisation has already approved the change by silence
  await deemIfDue(ctx, [row.id], now);

  const target: DecisionState = VERB_TARGET[verb];
  const cr = await ctx.db.query.changeRequests.findFirst({ where: eq(schema.changeRequests.id, row.changeRequestId) });
  const due = verb === "approve" ? effectiveAt(cr!.effectiveDate, now) : null;
  const result = await ctx.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(d)
      .set({
        state: target,
        decidedAt: now,
        decidedByKey: ctx.actor.keyId,
        comment: verb === "approve" ? (comment ?? null) : null,
        objectionReason: verb === "object" ? reason! : null,
        effectiveAt: due,
        application: verb === "approve" ? "scheduled" : "not_applicable",
      })
      .where(and(eq(d.id, id), eq(d.state, "pending")))
      .returning();
    if (!updated) return null;
    const loaded = await loadDecisionContext(tx, [updated], { requests: new Map([[cr!.id, cr!]]) });
    await recordEvents(tx, ctx, [decisionEvent(`decision.${target}` as "decision.approved", updated, loaded, now)]);
    // an approval whose effective date has come takes effect at once, in the same transaction
    if (due && due <= now) return (await applyDecision(tx, ctx, updated, loaded)).decision;
    return updated;
  });
  if (!result) {
    const current = await ctx.db.query.decisions.findFirst({ where: eq(d.id, id) });
    throw new AppError("invalid_state", `The decision is already ${current!.state}; final states are final.`, [], { current_state: current!.state });
  }
  return (await presentDecisions(ctx, [result]))[0]!;
}

export const decisionsOfRequest = (ctx: Ctx, changeRequestId: string, org: string) =>
  ctx.db.query.decisions.findMany({ where: and(eq(d.changeRequestId, changeRequestId), partyTo(org)), orderBy: asc(d.id) });
