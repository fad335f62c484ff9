import type { EventType } from "../../domain/events";
import type { NewEvent } from "../../core/events";
import { type DecisionContext, type DecisionRow, presentDecision } from "./decisions.presenter";

/** The event of a decision's change: both parties of its agreement see it, with the whole decision. */
export function decisionEvent(type: EventType, d: DecisionRow, ctx: DecisionContext, now: Date, extra: Record<string, unknown> = {}): NewEvent {
  return {
    type,
    agreement: { id: d.agreementId, processorId: d.processorId, controllerId: d.controllerId },
    changeRequestId: d.changeRequestId,
    data: { decision: presentDecision(d, ctx, now), ...extra },
  };
}
