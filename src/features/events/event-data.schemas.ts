import { z } from "@hono/zod-openapi";
import type { EventType } from "../../domain/events";
import { Agreement, AgreementTerms } from "../agreements/agreements.schemas";
import { Decision, QuestionView } from "../decisions/decisions.schemas";
import { WebhookEndpoint } from "../webhook-endpoints/webhook-endpoints.schemas";
import { Timestamp } from "../../http/schemas";
import { AuditCheckpoint } from "../audit/audit.schemas";
import { ChangeRequestDraft, UpstreamChange } from "../upstream/upstream.schemas";

const withDecision = (extra: z.ZodRawShape = {}) => z.object({ decision: Decision, ...extra });
/** An agreement as both parties are told of it: without a viewer's role, and without the proposed annex (read on its own, and audited). */
const withAgreement = () => z.object({ agreement: Agreement.omit({ role: true, proposed_annex: true }) });

/** The `data` of each event type: what a receiver gets, enough to act without another call. */
export const EVENT_DATA: Record<EventType, z.ZodType> = {
  "change_request.submitted": withDecision(),
  "agreement.proposed": withAgreement(),
  "agreement.confirmed": withAgreement(),
  "agreement.declined": withAgreement(),
  "agreement.amended": z.object({ terms: AgreementTerms, previous: AgreementTerms }),
  "decision.approved": withDecision(),
  // the decision carries the objection's reason and ground (objection_reason, objection_ground)
  "decision.objected": withDecision(),
  // the decision carries the processor's answer (objection_response), and still the objection it answers
  "decision.objection_responded": withDecision(),
  // the question asked or answered; the decision carries all its questions, and a released notice's new end (docs/rules.md, rule 13)
  "decision.question_asked": withDecision({ question: QuestionView }),
  "decision.question_answered": withDecision({ question: QuestionView }),
  "decision.withdrawn": withDecision(),
  "decision.deemed_approved": withDecision(),
  "decision.overdue": withDecision(),
  "notice.reminder": withDecision({ days_before: z.number().int().openapi({ example: 7 }), notice_ends_at: Timestamp }),
  "annex.version_created": withDecision({
    annex: z.object({
      agreement_id: z.string(),
      version: z.number().int(),
      effective_at: Timestamp,
      change_request_id: z.string(),
      third_country: z.boolean().openapi({ description: "The annex puts personal data outside the EU/EEA" }),
      kind: z.enum(["decision", "notice"]).openapi({ description: "How the change came in: decided (approved or deemed) or a notice" }),
      changes: z.object({
        locations: z.object({ added: z.array(z.string()), removed: z.array(z.string()), changed: z.array(z.object({ ref: z.string(), fields: z.array(z.string()) })) }),
        sub_processors: z.object({ added: z.array(z.string()), removed: z.array(z.string()), changed: z.array(z.object({ ref: z.string(), fields: z.array(z.string()) })) }),
      }),
    }),
  }),
  "classification.changed": z.object({
    agreement_id: z.string(),
    annex_version: z.number().int().openapi({ description: "The version in force; it keeps the classification it was approved under" }),
    approved_under: z.string().openapi({ description: "The release of the legal reference data the version was approved under", example: "2026-11-27" }),
    release: z.string().openapi({ description: "The release that classifies it differently" }),
    changes: z.array(
      z.object({
        entry_id: z.string(),
        ref: z.string(),
        name: z.string(),
        kind: z.enum(["location", "sub_processor"]),
        country: z.string(),
        from: z.enum(["eu_eea", "adequacy", "third_country"]),
        to: z.enum(["eu_eea", "adequacy", "third_country"]),
      }),
    ),
  }),
  "change_request.failed": withDecision({ errors: z.array(z.object({ pointer: z.string(), rule: z.string(), detail: z.string() })) }),
  // the upstream change and its draft as the processor reads them, and what could not be pre-filled (docs/rules.md, rule 14)
  "upstream_change.received": z.object({
    upstream_change: UpstreamChange,
    draft: ChangeRequestDraft,
    prefill_warnings: z
      .array(z.object({ code: z.enum(["not_prefilled", "operations_do_not_apply"]), agreement_id: z.string().nullable(), detail: z.string() }))
      .openapi({ description: "Upstream operations not pre-filled, and agreements whose annex the pre-filled operations do not apply to" }),
  }),
  "webhook_endpoint.disabled": z.object({
    endpoint: WebhookEndpoint,
    reason: z.enum(["gone", "failing"]),
    detail: z.string(),
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
  }),
  "webhook_endpoint.ping": z.object({ endpoint_id: z.string(), message: z.literal("ping") }),
  "audit.checkpoint": z.object({
    checkpoint: AuditCheckpoint,
    from_seq: z.number().int().openapi({ description: "The first record this checkpoint seals that the one before it did not" }),
  }),
};
