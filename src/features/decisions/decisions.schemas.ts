import { z } from "@hono/zod-openapi";
import { DECISION_STATES } from "../../domain/decisions";
import { PersonRef, text, Timestamp } from "../../http/schemas";
import { TermsChangeBody } from "../agreements/agreements.schemas";

const PartyRef = z.object({ id: z.string(), name: z.string() });

export const Decision = z
  .object({
    object: z.literal("decision"),
    id: z.string().openapi({ example: "dec_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C" }),
    change_request_id: z.string(),
    agreement: z.object({ id: z.string(), title: z.string(), controller_reference: z.string().nullable() }),
    processor: PartyRef,
    controller: PartyRef.extend({
      time_zone: z.string().openapi({
        description: "The IANA time zone the controller counts its deadlines in: notice_ends_at is 24:00 there on the notice's last day",
        example: "Europe/Copenhagen",
      }),
    }),
    kind: z.enum(["decision", "notice"]).openapi({
      description:
        "`decision`: the change adds a recipient, a location or a country and needs the controller's decision; `notice`: it only removes or corrects entries, both parties are told and it takes effect at its effective date (state `noticed`)",
    }),
    state: z.enum(DECISION_STATES),
    overdue: z.boolean().openapi({ description: "Pending after the notice ended: silence does not approve here, a decision is needed" }),
    authorisation: z.enum(["specific", "general"]),
    notice_ends_at: Timestamp,
    introduces_third_country: z.boolean().openapi({
      description:
        "The change puts personal data in a third country (any country outside the EU/EEA, adequacy decision or not) where the entry did not have it, including a move from one third country to another",
    }),
    instruction_conflict: z.boolean().openapi({
      description:
        "The agreement prohibited third-country transfers when the change was submitted and the change introduces one; never approved by silence, and approved only with an amendment of the instruction",
    }),
    comment: z.string().nullable(),
    objection_reason: z.string().nullable(),
    decided_at: Timestamp.nullable(),
    decided_by: PersonRef.nullable().openapi({
      description: "The person who approved, objected or withdrew (in the console, or through a key tied to them); null for a key of the organisation or the service",
    }),
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
      submitted_by: PersonRef.nullable().openapi({ description: "The person who submitted the change; null for a key of the organisation" }),
    }),
  })
  .openapi("Decision");

export const DecisionIdParam = z.object({
  decision_id: z.string().openapi({ param: { name: "decision_id", in: "path" }, example: "dec_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C" }),
});

export const ApproveBody = z
  .strictObject({
    comment: text(4000).optional(),
    amendment: TermsChangeBody.optional().openapi({
      description:
        "Required to approve a change that conflicts with the instruction (it must set `third_country_transfers: with_transfer_mechanism`): the controller amends its instruction in the same act, in force at once, then approves",
    }),
  })
  .openapi("ApproveDecision");
export const ObjectBody = z
  .strictObject({
    reason: text(4000).openapi({ description: "The concrete, objective reason (docs/rules.md, rule 6: the controller cannot refuse without one)" }),
  })
  .openapi("ObjectToDecision");

export const ListDecisionsQuery = z.object({
  state: z.enum(DECISION_STATES).optional(),
  agreement_id: z.string().optional(),
  overdue: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "true")),
});
