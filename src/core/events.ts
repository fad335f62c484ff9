import { insertRows } from "../../db/bulk";
import { schema, type DbOrTx } from "../../db/client";
import type { EventType } from "../domain/events";
import { type Actor, SCHEDULER } from "./actor";
import { appendAudit } from "./audit-trail";
import type { Ctx } from "./context";
import { enqueueDeliveries } from "./outbox";

export interface NewEvent {
  type: EventType;
  agreement?: { id: string; processorId: string; controllerId: string } | null;
  organisationId?: string | null;
  changeRequestId?: string | null;
  data: Record<string, unknown>;
  /** a ping: deliver to this one endpoint only */
  onlyEndpointId?: string;
}

/**
 * Appends events in the caller's transaction, so a state change and its events commit
 * together (docs/rules.md, rule 9); the rows are both the feed and the delivery outbox.
 */
export async function recordEvents(tx: DbOrTx, deps: Pick<Ctx, "newId" | "clock" | "webhooks"> & { actor?: Actor; request?: Ctx["request"] }, list: NewEvent[]) {
  const now = deps.clock.now();
  const rows = list.map((e) => ({
    id: deps.newId("event"),
    type: e.type,
    agreementId: e.agreement?.id ?? null,
    processorId: e.agreement?.processorId ?? null,
    controllerId: e.agreement?.controllerId ?? null,
    organisationId: e.organisationId ?? null,
    changeRequestId: e.changeRequestId ?? null,
    data: e.data,
    createdAt: now,
  }));
  await insertRows(tx, schema.events, rows);
  // every state change has its event and its audit record, written together; no actor: the scheduler
  await appendAudit(
    tx,
    { clock: deps.clock, newId: deps.newId, actor: deps.actor ?? SCHEDULER, request: deps.request },
    list.map((e, i) => ({ action: e.type, ...auditResource(e, rows[i]!.id), agreement: e.agreement ?? null })),
  );
  await enqueueDeliveries(
    tx,
    deps,
    rows.map((r, i) => ({
      id: r.id,
      type: r.type,
      audience: [r.processorId, r.controllerId, r.organisationId].filter((o): o is string => o !== null),
      onlyEndpointId: list[i]!.onlyEndpointId,
    })),
  );
  return rows;
}

/** What an event's audit record names: the decision or endpoint that changed. */
function auditResource(e: NewEvent, eventId: string) {
  const data = e.data as { decision?: { id: string }; endpoint?: { id: string }; endpoint_id?: string };
  if (data.decision) return { resourceType: "decision", resourceId: data.decision.id };
  const endpoint = data.endpoint?.id ?? data.endpoint_id;
  if (endpoint) return { resourceType: "webhook_endpoint", resourceId: endpoint };
  return { resourceType: "event", resourceId: eventId };
}
