import type { schema } from "../../db/client";
import type { Deps } from "../deps";
import { endpointWants } from "../domain/webhooks";
import type { PlannedEvent } from "./events";

export type DeliveryRow = typeof schema.deliveries.$inferInsert;

/** An enabled endpoint of one of the organisations an event is for. */
export interface OutboxEndpoint {
  id: string;
  organisationId: string;
  eventTypes: string[] | null;
}

/**
 * The deliveries of new events, committed with them so they survive a restart (docs/rules.md,
 * rule 9). Embedded: one row per matching enabled endpoint. Svix: one row per organisation with a
 * matching enabled endpoint; Svix applies the endpoints' filters.
 */
export function planDeliveries(deps: Pick<Deps, "newId" | "clock" | "webhooks">, events: PlannedEvent[], endpoints: OutboxEndpoint[]): DeliveryRow[] {
  if (!endpoints.length) return [];
  const byOrg = new Map<string, OutboxEndpoint[]>();
  for (const ep of endpoints) byOrg.set(ep.organisationId, [...(byOrg.get(ep.organisationId) ?? []), ep]);
  const now = deps.clock.now();
  const rows: DeliveryRow[] = [];
  const row = (eventId: string, organisationId: string, endpointId: string | null): DeliveryRow => ({
    id: deps.newId("delivery"),
    eventId,
    organisationId,
    endpointId,
    state: "pending",
    attempts: 0,
    nextAttemptAt: now,
    createdAt: now,
    updatedAt: now,
  });
  for (const event of events) {
    for (const org of new Set(event.audience)) {
      const candidates = (byOrg.get(org) ?? []).filter(
        (ep) => ep.id !== event.exceptEndpointId && (event.onlyEndpointId ? ep.id === event.onlyEndpointId : endpointWants(ep.eventTypes, event.row.type)),
      );
      if (!candidates.length) continue;
      if (deps.webhooks.mode === "svix" && !event.onlyEndpointId) rows.push(row(event.row.id, org, null));
      else for (const ep of candidates) rows.push(row(event.row.id, org, ep.id));
    }
  }
  return rows;
}
