import type { z } from "zod";
import { changeOperationsExample, changeReasonExample, pendingDecisionExample, withdrawnDecisionExample } from "../decisions/decisions.examples";
import { EXAMPLE_IDS, EXAMPLE_TIMES } from "../examples";
import type { ChangeRequest, SubmitChangeRequestBody } from "./change-requests.schemas";

export const submitChangeRequestExample: z.input<typeof SubmitChangeRequestBody> = {
  agreements: [EXAMPLE_IDS.agreement],
  operations: changeOperationsExample,
  reason: changeReasonExample,
};

/** Submitted through the processor's deploy pipeline key: no person is named. */
export const changeRequestExample: z.output<typeof ChangeRequest> = {
  object: "change_request",
  id: EXAMPLE_IDS.changeRequest,
  processor_id: EXAMPLE_IDS.nordcare,
  status: "pending",
  operations: changeOperationsExample,
  reason: changeReasonExample,
  effective_date: null,
  submitted_at: EXAMPLE_TIMES.submitted,
  submitted_by: null,
  upstream_change_id: null,
  decisions: [pendingDecisionExample],
};

export const withdrawnChangeRequestExample: z.output<typeof ChangeRequest> = { ...changeRequestExample, status: "withdrawn", decisions: [withdrawnDecisionExample] };
