import type { schema } from "../../db/client";
import type { EventType } from "../domain/events";
import type { AuditEntry } from "./audit-trail";
import { decisionDigest, decisionStateOfView, type RowDigests } from "./row-digests";
import type { Ctx } from "./context";

export interface NewEvent {
  type: EventType;
  agreement?: { id: string; processorId: string; controllerId: string } | null;
  organisationId?: string | null;
  changeRequestId?: string | null;
  data: Record<string, unknown>;
  /** a ping: deliver to this one endpoint only */
  onlyEndpointId?: string;
  /** not to this endpoint: the one the same change disables */
  exceptEndpointId?: string;
  /** digests of business rows the change wrote besides the decision the event carries (an annex version, terms) */
  rows?: RowDigests;
}

export type EventRow = typeof schema.events.$inferSelect;

/** An event as a change carries it: its row, and to whom it is delivered. */
export interface PlannedEvent {
  row: EventRow;
  /** the organisations that may see the event: both parties of its agreement, or one */
  audience: string[];
  /** a ping goes to this one endpoint only */
  onlyEndpointId?: string;
  /** not to this endpoint: the one the same change disables */
  exceptEndpointId?: string;
  /** what the event's audit record names */
  agreement: NewEvent["agreement"];
  rows?: RowDigests;
}

/**
 * Gives new events their ids and instant. The rows are both the feed and the delivery outbox;
 * the one writer (src/core/writer.ts) commits them with the state change they report
 * (docs/rules.md, rule 9).
 */
export function planEvents(deps: Pick<Ctx, "newId" | "clock">, list: NewEvent[]): PlannedEvent[] {
  const now = deps.clock.now();
  return list.map((e) => {
    const row: EventRow = {
      id: deps.newId("event"),
      type: e.type,
      agreementId: e.agreement?.id ?? null,
      processorId: e.agreement?.processorId ?? null,
      controllerId: e.agreement?.controllerId ?? null,
      organisationId: e.organisationId ?? null,
      changeRequestId: e.changeRequestId ?? null,
      data: e.data,
      createdAt: now,
    };
    const audience = [row.processorId, row.controllerId, row.organisationId].filter((o): o is string => o !== null);
    return { row, audience, onlyEndpointId: e.onlyEndpointId, exceptEndpointId: e.exceptEndpointId, agreement: e.agreement ?? null, rows: e.rows };
  });
}

/**
 * The audit record of a state change that has an event: the action is the event's type, the
 * resource the decision or endpoint that changed, or else the event itself.
 */
export function eventAudit(e: PlannedEvent): AuditEntry {
  const data = e.row.data as { decision?: Parameters<typeof decisionStateOfView>[0]; endpoint?: { id: string }; endpoint_id?: string };
  const endpoint = data.endpoint?.id ?? data.endpoint_id;
  const resource = data.decision
    ? { resourceType: "decision", resourceId: data.decision.id }
    : endpoint
      ? { resourceType: "webhook_endpoint", resourceId: endpoint }
      : { resourceType: "event", resourceId: e.row.id };
  // the decision's state as the event tells it, and what else the change wrote: verify recomputes them from the rows
  const rows = { ...(data.decision ? decisionDigest(decisionStateOfView(data.decision)) : {}), ...e.rows };
  return { action: e.row.type, ...resource, agreement: e.agreement, ...(Object.keys(rows).length ? { rows } : {}) };
}

/** Events and, for each, its audit record: what most state changes write besides their rows. */
export function eventsWithAudit(deps: Pick<Ctx, "newId" | "clock">, list: NewEvent[]) {
  const events = planEvents(deps, list);
  return { events, audit: events.map(eventAudit) };
}
