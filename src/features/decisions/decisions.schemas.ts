import { z } from "@hono/zod-openapi";
import { DECISION_STATES, OBJECTION_GROUNDS, OBJECTION_RESPONSES } from "../../domain/decisions";
import { PersonRef, text, Timestamp } from "../../http/schemas";
import { TermsChangeBody } from "../agreements/agreements.schemas";

const PartyRef = z.object({ id: z.string(), name: z.string() });

const GROUNDS_DESCRIPTION =
  "What the objection rests on (docs/rules.md, rule 6): `third_country` (personal data would go outside the EU/EEA), `security` (the sub-processor's or the location's security), `insufficient_information` (the processor has not given what the controller needs to decide), `sub_processor_reputation` (the sub-processor's record or standing), `other`";

// inline, not a named component: a named schema made nullable in one place would be documented nullable everywhere
export const ObjectionGround = z.enum(OBJECTION_GROUNDS).openapi({ description: GROUNDS_DESCRIPTION, example: "third_country" });

const RESPONSES_DESCRIPTION =
  "`keep_current_arrangement`: the processor keeps the agreement's sub-processors and locations as they are, without the change; `propose_alternative`: it will propose another sub-processor or location in a new change request; `end_service`: it cannot provide the service without the change and will end it as the agreement provides";

/** The processor's answer to an objection, as the decision shows it. */
export const ObjectionResponseView = z.object({
  response: z.enum(OBJECTION_RESPONSES).openapi({ description: RESPONSES_DESCRIPTION }),
  note: z.string().openapi({ description: "What the processor will do" }),
  responded_at: Timestamp,
  responded_by: PersonRef.nullable().openapi({ description: "The person who answered (in the console, or through a key tied to them); null for a key of the organisation" }),
});

/** A controller's question on the decision and the processor's answer (docs/rules.md, rule 13). */
export const QuestionView = z.object({
  id: z.string().openapi({ example: "qst_01M72AZ1M0Q5T8W2C4D6F8H0JK" }),
  question: z.string().openapi({ description: "What the controller asked" }),
  asked_at: Timestamp,
  asked_by: PersonRef.nullable().openapi({ description: "The person who asked (in the console, or through a key tied to them); null for a key of the organisation" }),
  holds_notice: z.boolean().openapi({
    description:
      "The question is open, on a pending decision, and was asked while the agreement's terms set `question_extension_days`: the notice does not end until it is answered",
  }),
  answer: z.string().nullable().openapi({ description: "The processor's answer; null while the question is open" }),
  answered_at: Timestamp.nullable(),
  answered_by: PersonRef.nullable().openapi({ description: "The person who answered; null while open, and for a key of the organisation" }),
});

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
    notice_ends_at: Timestamp.openapi({
      description:
        "When the notice ends: 24:00 in the controller's time zone on its last day (docs/rules.md, rule 4); after an answered question that held it, the extended end (rule 13)",
    }),
    notice_held: z.boolean().openapi({
      description:
        "An open question holds the notice (docs/rules.md, rule 13): it does not end, and the decision is neither deemed approved nor overdue nor reminded of, until the question is answered",
    }),
    original_notice_ends_at: Timestamp.nullable().openapi({
      description: "The notice's end as submitted, kept when an answered question extended it; null while it was never extended",
    }),
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
    objection_ground: ObjectionGround.nullable().openapi({
      description: `${GROUNDS_DESCRIPTION}. Set only on an objected decision; null otherwise, and on an objection recorded before grounds were`,
    }),
    objection_shared_upstream: z.boolean().openapi({
      description:
        "The controller agreed that its objection's reason goes upstream with its name, to the processor's own sub-processor whose change this is (docs/rules.md, rule 14); otherwise it goes anonymised",
    }),
    decided_at: Timestamp.nullable(),
    decided_by: PersonRef.nullable().openapi({
      description: "The person who approved, objected or withdrew (in the console, or through a key tied to them); null for a key of the organisation or the service",
    }),
    objection_response: ObjectionResponseView.nullable().openapi({
      description:
        "The processor's answer to the objection (POST /v1/decisions/{decision_id}/objection-response), given once; null until it answers, and on a decision that is not objected",
    }),
    questions: z.array(QuestionView).openapi({ description: "The controller's questions and the processor's answers, oldest first (docs/rules.md, rule 13)" }),
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
    ground: ObjectionGround.default("other").openapi({
      description: `${GROUNDS_DESCRIPTION}. Optional for clients written before grounds existed: without it the objection is recorded with \`other\``,
    }),
    share_with_upstream: z.boolean().default(false).openapi({
      description:
        "The controller agrees that, where the change comes from the processor's own sub-processor, its reason is passed upstream with its name (docs/rules.md, rule 14); without it the reason goes anonymised",
    }),
  })
  .openapi("ObjectToDecision");

export const ObjectionResponseBody = z
  .strictObject({
    response: z.enum(OBJECTION_RESPONSES).openapi({ description: RESPONSES_DESCRIPTION, example: "propose_alternative" }),
    note: text(2000).openapi({ description: "What the processor will do, in its own words (1–2,000 characters)" }),
  })
  .openapi("RespondToObjection");

export const QuestionIdParam = DecisionIdParam.extend({
  question_id: z.string().openapi({ param: { name: "question_id", in: "path" }, example: "qst_01M72AZ1M0Q5T8W2C4D6F8H0JK" }),
});

export const AskQuestionBody = z
  .strictObject({
    question: text(4000).openapi({ description: "What the controller needs to know to decide, in its own words (1–4,000 characters)" }),
  })
  .openapi("AskQuestion");

export const AnswerQuestionBody = z
  .strictObject({
    answer: text(4000).openapi({ description: "The processor's answer, in its own words (1–4,000 characters)" }),
  })
  .openapi("AnswerQuestion");

export const ListDecisionsQuery = z.object({
  state: z.enum(DECISION_STATES).optional(),
  agreement_id: z.string().optional(),
  overdue: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "true")),
});
