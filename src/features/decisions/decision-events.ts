import type { EventType } from "../../domain/events";
import type { NewEvent } from "../../core/events";
import { type DecisionContext, type DecisionRow, type DecisionView, presentDecision } from "./decisions.presenter";

/**
 * The event of a decision's change: both parties of its agreement see it, with the whole decision.
 * `view`: the decision already presented (for the answer), so that it is not presented twice.
 */
export function decisionEvent(
  type: EventType,
  d: DecisionRow,
  ctx: DecisionContext,
  now: Date,
  extra: Record<string, unknown> = {},
  view: DecisionView = presentDecision(d, ctx, now),
): NewEvent {
  return {
    type,
    agreement: { id: d.agreementId, processorId: d.processorId, controllerId: d.controllerId },
    changeRequestId: d.changeRequestId,
    data: { decision: view, ...extra },
  };
}
