import { z } from "@hono/zod-openapi";
import { DateTimeInput, PersonRef, text, Timestamp } from "../../http/schemas";
import { LocationInput, SubProcessorInput } from "../annex/annex.schemas";
import { Decision } from "../decisions/decisions.schemas";
import type { Operation as DomainOperation } from "../../domain/operations";

const Target = text(64).openapi({ description: "The entry's ref (the same in all the processor's agreements) or its id", example: "nordhost" });

export const Operation = z
  .discriminatedUnion("op", [
    z.strictObject({ op: z.literal("add_sub_processor"), sub_processor: SubProcessorInput }),
    z.strictObject({ op: z.literal("replace_sub_processor"), target: Target, with: SubProcessorInput }),
    z.strictObject({
      op: z.literal("update_sub_processor"),
      target: Target,
      changes: SubProcessorInput.omit({ ref: true, dpf_certified: true }).extend({ dpf_certified: z.boolean().optional() }).partial().strict(),
    }),
    z.strictObject({ op: z.literal("remove_sub_processor"), target: Target }),
    z.strictObject({ op: z.literal("add_location"), location: LocationInput }),
    z.strictObject({ op: z.literal("update_location"), target: Target, changes: LocationInput.omit({ ref: true }).partial().strict() }),
    z.strictObject({ op: z.literal("remove_location"), target: Target }),
  ])
  .openapi("Operation", { description: "One change to the annex; operations apply in order, all or none" });

// The body is checked against the domain's type: a change of one without the other does not compile.
type Assert<T extends true> = T;
export type OperationMatchesDomain = Assert<z.infer<typeof Operation> extends DomainOperation ? true : false>;

export const SubmitChangeRequestBody = z
  .strictObject({
    agreements: z
      .union([z.literal("all"), z.array(z.string()).min(1).max(10_000)])
      .openapi({ description: '"all" of the processor\'s active agreements, or a list of agreement ids' }),
    operations: z.array(Operation).min(1).max(100),
    reason: text(4000).openapi({ description: "Why the processor makes this change", example: "Moving analytics to a new provider" }),
    effective_date: DateTimeInput.optional().openapi({
      description:
        "When the processor wants the change in force. It applies at this date or at the approval, whichever is later; without explicit approval never before the notice ends",
    }),
  })
  .openapi("SubmitChangeRequest");

export const ChangeRequest = z
  .object({
    object: z.literal("change_request"),
    id: z.string().openapi({ example: "cr_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C" }),
    processor_id: z.string(),
    status: z.enum(["pending", "withdrawn", "decided"]).openapi({ description: "pending while any decision is pending" }),
    operations: z.array(Operation),
    reason: z.string(),
    effective_date: Timestamp.nullable(),
    submitted_at: Timestamp,
    submitted_by: PersonRef.nullable().openapi({ description: "The person who submitted the change; null for a key of the organisation" }),
    upstream_change_id: z.string().nullable().openapi({
      description:
        "The upstream change this request passes on (docs/rules.md, rule 14): submitted from its draft (POST /v1/change-request-drafts/{draft_id}/submit). Shown to the processor only; null for a controller, and for a request not made from a draft",
      example: null,
    }),
    decisions: z.array(Decision).openapi({ description: "One per covered agreement the caller is party to" }),
  })
  .openapi("ChangeRequest");

export const ChangeRequestIdParam = z.object({
  change_request_id: z.string().openapi({ param: { name: "change_request_id", in: "path" }, example: "cr_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C" }),
});
