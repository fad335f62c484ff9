import { and, eq, inArray, isNull } from "drizzle-orm";
import { insertRows } from "../../db/bulk";
import { schema, type DbOrTx } from "../../db/client";
import type { Deps } from "../deps";
import { endpointWants } from "../domain/webhooks";

export interface OutboxEvent {
  id: string;
  type: string;
  /** the organisations that may see the event: both parties of its agreement, or one */
  audience: string[];
  /** a ping goes to this one endpoint only */
  onlyEndpointId?: string | null;
}

const CHUNK = 500;

/**
 * Writes the deliveries of new events in the caller's transaction, so an event and its
 * deliveries commit together and survive a restart (docs/rules.md, rule 9). Embedded: one row per
 * matching enabled endpoint. Svix: one row per organisation with an enabled endpoint; Svix
 * applies the endpoints' filters.
 */
export async function enqueueDeliveries(tx: DbOrTx, deps: Pick<Deps, "newId" | "clock" | "webhooks">, events: OutboxEvent[]): Promise<number> {
  const orgs = [...new Set(events.flatMap((e) => e.audience))];
  if (!orgs.length) return 0;
  const e = schema.webhookEndpoints;
  const endpoints = [];
  for (let i = 0; i < orgs.length; i += CHUNK)
    endpoints.push(
      ...(await tx
        .select({ id: e.id, organisationId: e.organisationId, eventTypes: e.eventTypes })
        .from(e)
        .where(and(inArray(e.organisationId, orgs.slice(i, i + CHUNK)), eq(e.enabled, true), isNull(e.deletedAt)))),
    );
  if (!endpoints.length) return 0;
  const byOrg = new Map<string, typeof endpoints>();
  for (const ep of endpoints) byOrg.set(ep.organisationId, [...(byOrg.get(ep.organisationId) ?? []), ep]);

  const now = deps.clock.now();
  const rows: (typeof schema.deliveries.$inferInsert)[] = [];
  const row = (eventId: string, organisationId: string, endpointId: string | null) => ({
    id: deps.newId("delivery"),
    eventId,
    organisationId,
    endpointId,
    state: "pending" as const,
    attempts: 0,
    nextAttemptAt: now,
    createdAt: now,
    updatedAt: now,
  });
  for (const event of events) {
    for (const org of new Set(event.audience)) {
      const candidates = (byOrg.get(org) ?? []).filter((ep) => (event.onlyEndpointId ? ep.id === event.onlyEndpointId : endpointWants(ep.eventTypes ?? null, event.type)));
      if (!candidates.length) continue;
      if (deps.webhooks.mode === "svix" && !event.onlyEndpointId) rows.push(row(event.id, org, null));
      else for (const ep of candidates) rows.push(row(event.id, org, ep.id));
    }
  }
  await insertRows(tx, schema.deliveries, rows);
  return rows.length;
}
