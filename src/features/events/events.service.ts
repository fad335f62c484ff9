import { and, desc, eq, gt, lt, or, type SQL } from "drizzle-orm";
import { schema } from "../../../db/client";
import type { EventType } from "../../domain/events";
import { notFound } from "../../domain/errors";
import { requireOrganisation } from "../../core/actor";
import { decodeCursor, toPage } from "../../core/pagination";
import type { Ctx } from "../../core/context";
import { mergeVisibilityPaths } from "../../core/visibility-paths";

type EventRow = typeof schema.events.$inferSelect;

export const presentEvent = (e: EventRow) => ({
  object: "event" as const,
  id: e.id,
  type: e.type,
  created_at: e.createdAt.toISOString(),
  agreement_id: e.agreementId,
  change_request_id: e.changeRequestId,
  data: e.data,
});

const visibleTo = (org: string) => or(eq(schema.events.processorId, org), eq(schema.events.controllerId, org), eq(schema.events.organisationId, org));

/** The events the calling organisation may see: those of its agreements and its own. */
export async function listEvents({
  ctx,
  limit,
  cursor,
  type,
  agreement_id,
  order,
}: {
  ctx: Ctx;
  limit: number;
  cursor?: string;
  type?: EventType;
  agreement_id?: string;
  order: "asc" | "desc";
}) {
  const org = requireOrganisation(ctx.actor);
  const after = decodeCursor(cursor, "string");
  const e = schema.events;
  const filters = and(type ? eq(e.type, type) : undefined, after ? (order === "asc" ? gt(e.id, after) : lt(e.id, after)) : undefined);
  const page = (where: SQL | undefined) =>
    ctx.db
      .select()
      .from(e)
      .where(and(where, filters))
      .orderBy(order === "asc" ? e.id : desc(e.id))
      .limit(limit + 1);
  // one agreement: its own index, in id order; otherwise one index-ordered read per way of seeing an event
  const rows = agreement_id
    ? await page(and(eq(e.agreementId, agreement_id), or(eq(e.processorId, org), eq(e.controllerId, org))))
    : await mergeVisibilityPaths(ctx.db, [page(eq(e.processorId, org)), page(eq(e.controllerId, org)), page(eq(e.organisationId, org))], (r: EventRow) => r.id, order, limit + 1);
  return toPage(rows.map(presentEvent), limit, (r) => r.id);
}

export async function getEvent({ ctx, id }: { ctx: Ctx; id: string }) {
  const org = requireOrganisation(ctx.actor);
  const row = await ctx.db.query.events.findFirst({ where: and(eq(schema.events.id, id), visibleTo(org)) });
  if (!row) throw notFound("event");
  return presentEvent(row);
}
