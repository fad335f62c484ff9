import { z } from "@hono/zod-openapi";
import { DECISION_STATES } from "../../domain/decisions";
import { DateTimeInput, PersonRef, text, Timestamp } from "../../http/schemas";
import { Operation, SubmitChangeRequestBody } from "../change-requests/change-requests.schemas";
import { ObjectionGround } from "../decisions/decisions.schemas";

const SubProcessorRef = text(64).openapi({
  description: "The sub-processor in the processor's annexes, by its `ref` (the same in all the processor's agreements)",
  example: "hetzner",
});
const MarginDays = z
  .number()
  .int()
  .min(0)
  .max(60)
  .default(5)
  .openapi({ description: "The draft's notices are to end at least this many days before the upstream deadline (0–60, 5 by default)", example: 5 });

export const CreateUpstreamSourceBody = z
  .discriminatedUnion("kind", [
    z
      .strictObject({
        sub_processor_ref: SubProcessorRef,
        kind: z.literal("register"),
        upstream_agreement_id: text(64).openapi({
          description: "The sub-processor's own agreement in this register: active, with the caller as its controller",
          example: "agr_01M1F6X0S0Y3H6C1ZT5H0DQ9A4",
        }),
        margin_days: MarginDays,
      })
      .openapi({ description: "The sub-processor's own agreement in this register" }),
    z
      .strictObject({
        sub_processor_ref: SubProcessorRef,
        kind: z.literal("feed"),
        feed_url: z.string().min(1).max(2048).openapi({
          description: "A public Atom or JSON Feed: https, resolving to public addresses only (the address policy of webhook URLs)",
          example: "https://www.hetzner.example/subprocessors/feed.json",
        }),
        default_window_days: z
          .number()
          .int()
          .min(1)
          .max(365)
          .default(30)
          .openapi({ description: "An entry without an objection deadline of its own is given its date plus this many days (1–365, 30 by default)", example: 30 }),
        margin_days: MarginDays,
      })
      .openapi({ description: "The sub-processor's public feed" }),
  ])
  .openapi("CreateUpstreamSource", { description: "`register`: the sub-processor's agreement in this register; `feed`: its public feed (docs/rules.md, rule 14)" });

export const UpstreamSource = z
  .object({
    object: z.literal("upstream_source"),
    id: z.string().openapi({ example: "ups_01M5B3Q8S0P4J7N1V6ZK2W8E3D" }),
    sub_processor_ref: z.string(),
    kind: z.enum(["register", "feed"]),
    upstream_agreement_id: z.string().nullable().openapi({ description: "register: the sub-processor's agreement, the caller its controller; null for a feed" }),
    feed_url: z.string().nullable().openapi({ description: "feed: its address; null for a register source" }),
    default_window_days: z.number().int(),
    margin_days: z.number().int(),
    next_poll_at: Timestamp.nullable().openapi({ description: "feed: when the scheduler polls it next; null for a register source and once removed" }),
    last_polled_at: Timestamp.nullable(),
    last_poll_error: z.string().nullable().openapi({ description: "feed: what the last poll met when it failed; null when it succeeded" }),
    created_at: Timestamp,
    removed_at: Timestamp.nullable().openapi({ description: "Set once removed: nothing more is received from it; the changes received stay" }),
  })
  .openapi("UpstreamSource");

export const UpstreamSourceIdParam = z.object({
  upstream_source_id: z.string().openapi({ param: { name: "upstream_source_id", in: "path" }, example: "ups_01M5B3Q8S0P4J7N1V6ZK2W8E3D" }),
});

export const UpstreamChangeIdParam = z.object({
  upstream_change_id: z.string().openapi({ param: { name: "upstream_change_id", in: "path" }, example: "upc_01M6A1K7H0C2M9T4R8WQ3N5B6X" }),
});

export const DraftIdParam = z.object({
  draft_id: z.string().openapi({ param: { name: "draft_id", in: "path" }, example: "crd_01M6A1K7H0C2M9T4R8WQ3N5B6Y" }),
});

const DRAFT_STATES = ["draft", "submitted", "discarded"] as const;

const DownstreamDecision = z.object({
  decision_id: z.string(),
  agreement: z.object({ id: z.string(), title: z.string() }),
  controller: z.object({ id: z.string(), name: z.string() }),
  state: z.enum(DECISION_STATES),
  notice_ends_at: Timestamp,
  objection_ground: ObjectionGround.nullable().openapi({ description: "Set on an objected decision" }),
  objection_reason: z.string().nullable(),
  objection_shared_upstream: z
    .boolean()
    .openapi({ description: "The controller agreed that its objection goes upstream under its name; otherwise it goes as “Controller 1”, “Controller 2”…" }),
});

export const UpstreamChange = z
  .object({
    object: z.literal("upstream_change"),
    id: z.string().openapi({ example: "upc_01M6A1K7H0C2M9T4R8WQ3N5B6X" }),
    source: z.object({ id: z.string(), kind: z.enum(["register", "feed"]), sub_processor_ref: z.string() }),
    title: z.string(),
    summary: z.string(),
    link: z.string().nullable(),
    announced_at: Timestamp,
    deadline_at: Timestamp.openapi({ description: "The upstream objection deadline" }),
    received_at: Timestamp,
    state: z.enum(["open", "objected", "approved"]).openapi({ description: "`open` until the processor answers upstream (register only)" }),
    upstream_decision_id: z.string().nullable().openapi({ description: "register: the decision on the upstream agreement, the caller its controller; null for a feed" }),
    response: z
      .object({
        responded_at: Timestamp,
        responded_by: PersonRef.nullable(),
        reason: z.string().nullable().openapi({ description: "The reason sent upstream with an objection, as sent" }),
      })
      .nullable()
      .openapi({ description: "The processor's answer upstream; null while open" }),
    draft: z
      .object({ id: z.string(), state: z.enum(DRAFT_STATES), change_request_id: z.string().nullable() })
      .nullable()
      .openapi({ description: "The draft change request made from it" }),
    controllers: z
      .object({
        change_request_id: z.string(),
        deadline_at: Timestamp.openapi({ description: "The upstream deadline, beside the controllers' notice ends" }),
        decisions: z.array(DownstreamDecision),
        counts: z.object(Object.fromEntries(DECISION_STATES.map((s) => [s, z.number().int()])) as Record<(typeof DECISION_STATES)[number], z.ZodNumber>),
        all_approved: z.boolean().openapi({ description: "Every decision approved or deemed approved: the processor may approve upstream" }),
      })
      .nullable()
      .openapi({ description: "Once the draft was submitted: its controllers' decisions gathered against the upstream deadline; null before" }),
  })
  .openapi("UpstreamChange");

export const ObjectUpstreamBody = z
  .strictObject({
    reason: text(4000).openapi({ description: "The processor's own reason (1–4,000 characters); its controllers' objections are attached to it" }),
    ground: ObjectionGround.default("other"),
  })
  .openapi("ObjectToUpstreamChange");

export const ApproveUpstreamBody = z.strictObject({ comment: text(4000).optional() }).openapi("ApproveUpstreamChange");

const DraftAgreement = z.object({
  agreement_id: z.string(),
  title: z.string().nullable().openapi({ description: "null when the agreement is no longer active" }),
  notice_days: z.number().int(),
  notice_ends_at: Timestamp.openapi({ description: "Where the draft submitted now would put the notice's end (docs/rules.md, rule 4)" }),
  fits: z.boolean().openapi({ description: "The notice ends on or before `notice_end_by`" }),
});

const DraftWarning = z.object({
  code: z.enum(["notice_too_long", "operations_empty", "agreement_inactive", "no_agreements"]),
  agreement_id: z.string().nullable(),
  detail: z.string(),
});

export const ChangeRequestDraft = z
  .object({
    object: z.literal("change_request_draft"),
    id: z.string().openapi({ example: "crd_01M6A1K7H0C2M9T4R8WQ3N5B6Y" }),
    upstream_change_id: z.string().nullable(),
    state: z.enum(DRAFT_STATES),
    operations: z.array(Operation),
    reason: z.string(),
    effective_date: Timestamp.nullable(),
    agreements: z.array(DraftAgreement).openapi({ description: "The processor's agreements whose annex has the sub-processor, with what their notice would be" }),
    notice_end_by: Timestamp.nullable().openapi({
      description: "The upstream deadline less the source's margin: every notice should end by then; null without an upstream deadline",
    }),
    warnings: z.array(DraftWarning).openapi({ description: "What to look at before submitting: notices that cannot end in time, operations still to write" }),
    change_request_id: z.string().nullable().openapi({ description: "Once submitted: the change request made" }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("ChangeRequestDraft");

export const UpdateDraftBody = z
  .strictObject({
    operations: SubmitChangeRequestBody.shape.operations.optional(),
    reason: text(4000).optional(),
    effective_date: DateTimeInput.nullable().optional().openapi({ description: "null: none (at once on approval)" }),
  })
  .openapi("UpdateChangeRequestDraft");

export const ListUpstreamChangesQuery = z.object({ state: z.enum(["open", "objected", "approved"]).optional() });
export const ListDraftsQuery = z.object({ state: z.enum(DRAFT_STATES).optional() });
