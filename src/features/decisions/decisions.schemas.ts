import { z } from "@hono/zod-openapi";
import { DECISION_STATES } from "../../domain/decisions";
import { text, Timestamp } from "../../http/schemas";

const PartyRef = z.object({ id: z.string(), name: z.string() });

export const Decision = z
  .object({
    object: z.literal("decision"),
    id: z.string().openapi({ example: "dec_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C" }),
    change_request_id: z.string(),
    agreement: z.object({ id: z.string(), title: z.string(), controller_reference: z.string().nullable() }),
    processor: PartyRef,
    controller: PartyRef,
    state: z.enum(DECISION_STATES),
    overdue: z.boolean().openapi({ description: "Pending after the notice ended: silence does not approve here, a decision is needed" }),
    authorisation: z.enum(["specific", "general"]),
    notice_ends_at: Timestamp,
    introduces_third_country: z.boolean(),
    instruction_conflict: z.boolean().openapi({ description: "The agreement prohibits third-country transfers and this change introduces one; never approved by silence" }),
    comment: z.string().nullable(),
    objection_reason: z.string().nullable(),
    decided_at: Timestamp.nullable(),
    application: z.object({
      state: z.enum(["not_applicable", "scheduled", "applied", "failed"]),
      effective_at: Timestamp.nullable(),
      version: z.number().int().nullable(),
      failure_reason: z.string().nullable(),
    }),
    change: z.object({
      operations: z.array(z.record(z.string(), z.unknown())),
      reason: z.string(),
      effective_date: Timestamp.nullable(),
      submitted_at: Timestamp,
    }),
  })
  .openapi("Decision");

export const DecisionIdParam = z.object({
  decision_id: z.string().openapi({ param: { name: "decision_id", in: "path" }, example: "dec_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C" }),
});

export const ApproveBody = z.strictObject({ comment: text(4000).optional() }).openapi("ApproveDecision");
export const ObjectBody = z
  .strictObject({
    reason: text(4000).openapi({ description: "The concrete, objective reason (seed 004 clause 4.2: the controller cannot refuse without one)" }),
  })
  .openapi("ObjectToDecision");

export const ListDecisionsQuery = z.object({
  state: z.enum(DECISION_STATES).optional(),
  agreement_id: z.string().optional(),
  overdue: z.enum(["true", "false"]).optional().transform((v) => (v === undefined ? undefined : v === "true")),
});
