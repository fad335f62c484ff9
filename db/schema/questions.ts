import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { Person } from "../../src/domain/people";
import { decisions } from "./change-requests";

/**
 * A controller's question on a pending decision, and the processor's answer (docs/rules.md,
 * rule 13): the information the controller needs to decide (SCC clause 7.7, option 2). Part of
 * the decision's record; rows are inserted, then answered once.
 */
export const decisionQuestions = sqliteTable(
  "decision_questions",
  {
    id: text("id").primaryKey(),
    decisionId: text("decision_id")
      .notNull()
      .references(() => decisions.id),
    /** the decision's parties, copied so that a read is scoped without a join */
    processorId: text("processor_id").notNull(),
    controllerId: text("controller_id").notNull(),
    question: text("question").notNull(),
    askedAt: integer("asked_at", { mode: "timestamp_ms" }).notNull(),
    askedByKey: text("asked_by_key"),
    /** the person who asked, as they were then; null: a key of the organisation */
    askedBy: text("asked_by", { mode: "json" }).$type<Person | null>(),
    /** the agreement's extension when asked: the notice ends no sooner than this many days after the answer; null: the question does not extend the notice */
    extensionDays: integer("extension_days"),
    answer: text("answer"),
    answeredAt: integer("answered_at", { mode: "timestamp_ms" }),
    answeredByKey: text("answered_by_key"),
    answeredBy: text("answered_by", { mode: "json" }).$type<Person | null>(),
  },
  (t) => [index("decision_questions_decision_idx").on(t.decisionId, t.id)],
);
