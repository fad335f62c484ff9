import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { DecisionState, ObjectionGround, ObjectionResponse } from "../../src/domain/decisions";
import type { Operation } from "../../src/domain/operations";
import type { Person } from "../../src/domain/people";
import { agreements } from "./agreements";
import { organisations } from "./organisations";

export const changeRequests = sqliteTable(
  "change_requests",
  {
    id: text("id").primaryKey(),
    processorId: text("processor_id")
      .notNull()
      .references(() => organisations.id),
    operations: text("operations", { mode: "json" }).$type<Operation[]>().notNull(),
    reason: text("reason").notNull(),
    /** the date the processor wants; null: as soon as allowed */
    effectiveDate: integer("effective_date", { mode: "timestamp_ms" }),
    submittedAt: integer("submitted_at", { mode: "timestamp_ms" }).notNull(),
    submittedByKey: text("submitted_by_key").notNull(),
    /** the person who submitted it, as they were then; null: an organisation key */
    submittedBy: text("submitted_by", { mode: "json" }).$type<Person | null>(),
    /** the upstream change it passes on (docs/rules.md, rule 14): submitted from its draft; null otherwise */
    upstreamChangeId: text("upstream_change_id"),
  },
  (t) => [index("change_requests_processor_idx").on(t.processorId, t.id)],
);

/** One covered agreement's decision on a change request; its state moves only by conditional UPDATE. */
export const decisions = sqliteTable(
  "decisions",
  {
    id: text("id").primaryKey(),
    changeRequestId: text("change_request_id")
      .notNull()
      .references(() => changeRequests.id),
    agreementId: text("agreement_id")
      .notNull()
      .references(() => agreements.id),
    processorId: text("processor_id").notNull(),
    controllerId: text("controller_id").notNull(),
    /** `decision`: the controller approves or objects; `notice`: only removals or corrections, nothing to decide (docs/rules.md, rule 10) */
    kind: text("kind", { enum: ["decision", "notice"] })
      .notNull()
      .default("decision"),
    /** the agreement's authorisation when the change was submitted */
    authorisation: text("authorisation", { enum: ["specific", "general"] }).notNull(),
    introducesThirdCountry: integer("introduces_third_country", { mode: "boolean" }).notNull(),
    instructionConflict: integer("instruction_conflict", { mode: "boolean" }).notNull(),
    state: text("state").$type<DecisionState>().notNull(),
    noticeEndsAt: integer("notice_ends_at", { mode: "timestamp_ms" }).notNull(),
    /** how notice_ends_at was counted: 1, whole days of 24 hours from the submission (before 2026-11-27); 2, to 24:00 local time on the last day (docs/rules.md, rule 4) */
    noticeRule: integer("notice_rule").notNull().default(2),
    /** the notice end as submitted, before an answered question extended it (docs/rules.md, rule 13); null: never extended */
    originalNoticeEndsAt: integer("original_notice_ends_at", { mode: "timestamp_ms" }),
    /** an open question holds the notice: it does not end, nor is the decision deemed, until the question is answered (docs/rules.md, rule 13) */
    noticeHeld: integer("notice_held", { mode: "boolean" }).notNull().default(false),
    comment: text("comment"),
    objectionReason: text("objection_reason"),
    /** what an objection rests on (docs/rules.md, rule 6); null unless objected, and for objections made before grounds were recorded */
    objectionGround: text("objection_ground").$type<ObjectionGround>(),
    /** the controller agrees that its reason is passed upstream with its name (docs/rules.md, rule 14); otherwise it goes anonymised */
    objectionShareUpstream: integer("objection_share_upstream", { mode: "boolean" }).notNull().default(false),
    /** the processor's answer to the objection, once (docs/rules.md, rule 6); all four null until it answers */
    objectionResponse: text("objection_response").$type<ObjectionResponse>(),
    objectionResponseNote: text("objection_response_note"),
    objectionRespondedAt: integer("objection_responded_at", { mode: "timestamp_ms" }),
    /** the person who answered, as they were then; null: a key of the organisation */
    objectionRespondedBy: text("objection_responded_by", { mode: "json" }).$type<Person | null>(),
    decidedAt: integer("decided_at", { mode: "timestamp_ms" }),
    decidedByKey: text("decided_by_key"),
    /** the person who approved, objected or withdrew, as they were then; null: a key or the scheduler */
    decidedBy: text("decided_by", { mode: "json" }).$type<Person | null>(),
    /** when an approved change is due in the annex: max(effective date, decision) */
    effectiveAt: integer("effective_at", { mode: "timestamp_ms" }),
    application: text("application", { enum: ["not_applicable", "scheduled", "applied", "failed"] }).notNull(),
    appliedVersion: integer("applied_version"),
    failureReason: text("failure_reason"),
    overdueNotifiedAt: integer("overdue_notified_at", { mode: "timestamp_ms" }),
    reminded7dAt: integer("reminded_7d_at", { mode: "timestamp_ms" }),
    reminded1dAt: integer("reminded_1d_at", { mode: "timestamp_ms" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    index("decisions_request_idx").on(t.changeRequestId),
    index("decisions_controller_idx").on(t.controllerId, t.state, t.noticeEndsAt),
    index("decisions_processor_idx").on(t.processorId, t.id),
    index("decisions_agreement_idx").on(t.agreementId, t.id),
    index("decisions_due_idx").on(t.state, t.noticeEndsAt),
    index("decisions_apply_idx").on(t.application, t.effectiveAt),
  ],
);
