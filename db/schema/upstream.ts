import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { Operation } from "../../src/domain/operations";
import type { Person } from "../../src/domain/people";
import { agreements } from "./agreements";
import { changeRequests } from "./change-requests";
import { organisations } from "./organisations";

/**
 * Where the changes of one of a processor's sub-processors come from (docs/rules.md, rule 14):
 * the sub-processor's own agreement with the processor in this register (the processor is its
 * controller there), or a public feed (Atom or JSON Feed) polled on a schedule.
 */
export const upstreamSources = sqliteTable(
  "upstream_sources",
  {
    id: text("id").primaryKey(),
    /** the processor that records it and receives its changes */
    processorId: text("processor_id")
      .notNull()
      .references(() => organisations.id),
    /** the sub-processor in the processor's annexes, by its ref (the processor's handle, the same in all its agreements) */
    subProcessorRef: text("sub_processor_ref").notNull(),
    kind: text("kind", { enum: ["register", "feed"] }).notNull(),
    /** register: the agreement in which the sub-processor is the processor and our processor the controller */
    upstreamAgreementId: text("upstream_agreement_id").references(() => agreements.id),
    /** feed: its address (https, or loopback where the address policy allows it) */
    feedUrl: text("feed_url"),
    /** feed: the validators of the last answer, sent back as If-None-Match / If-Modified-Since */
    etag: text("etag"),
    lastModified: text("last_modified"),
    /** feed: when an entry names no objection deadline, the deadline is its date plus this many days */
    defaultWindowDays: integer("default_window_days").notNull().default(30),
    /** the draft's notices end at least this many days before the upstream deadline */
    marginDays: integer("margin_days").notNull().default(5),
    /** feed: the next poll is due at; the scheduler polls due feeds */
    nextPollAt: integer("next_poll_at", { mode: "timestamp_ms" }),
    lastPolledAt: integer("last_polled_at", { mode: "timestamp_ms" }),
    /** feed: what the last poll met (status, or why it failed); null: it succeeded */
    lastPollError: text("last_poll_error"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    /** null while in use; set when the processor removes it (changes received stay) */
    removedAt: integer("removed_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    index("upstream_sources_processor_idx").on(t.processorId, t.id),
    index("upstream_sources_agreement_idx").on(t.upstreamAgreementId),
    index("upstream_sources_poll_idx").on(t.kind, t.nextPollAt),
  ],
);

/** One change announced upstream and received by a processor: from a change request in this register, or a feed entry. */
export const upstreamChanges = sqliteTable(
  "upstream_changes",
  {
    id: text("id").primaryKey(),
    sourceId: text("source_id")
      .notNull()
      .references(() => upstreamSources.id),
    processorId: text("processor_id").notNull(),
    /** what makes it one change: the upstream decision's id (register) or the feed entry's id */
    entryKey: text("entry_key").notNull(),
    /** register: the decision on the upstream agreement, which the processor (its controller) approves or objects to */
    upstreamDecisionId: text("upstream_decision_id"),
    title: text("title").notNull(),
    summary: text("summary").notNull(),
    link: text("link"),
    announcedAt: integer("announced_at", { mode: "timestamp_ms" }).notNull(),
    /** the upstream objection deadline */
    deadlineAt: integer("deadline_at", { mode: "timestamp_ms" }).notNull(),
    receivedAt: integer("received_at", { mode: "timestamp_ms" }).notNull(),
    /** `open` until the processor answers upstream (register only): `objected` or `approved` */
    state: text("state", { enum: ["open", "objected", "approved"] }).notNull(),
    respondedAt: integer("responded_at", { mode: "timestamp_ms" }),
    respondedBy: text("responded_by", { mode: "json" }).$type<Person | null>(),
    /** the reason sent upstream with an objection, as sent */
    responseReason: text("response_reason"),
  },
  (t) => [uniqueIndex("upstream_changes_entry_idx").on(t.sourceId, t.entryKey), index("upstream_changes_processor_idx").on(t.processorId, t.id)],
);

/** A proposed change per agreement, one row each: what a draft warns about where the agreement's notice cannot fit. */
export interface DraftAgreement {
  agreement_id: string;
  notice_days: number;
  /** the notice end if the draft were submitted when it was made */
  notice_ends_at: string;
  /** the notice ends on or before the upstream deadline minus the margin */
  fits: boolean;
}

/**
 * A change request not yet submitted: made from an upstream change, reviewed and submitted by the
 * processor (docs/rules.md, rule 14). Submitting makes a change request like any other.
 */
export const changeRequestDrafts = sqliteTable(
  "change_request_drafts",
  {
    id: text("id").primaryKey(),
    processorId: text("processor_id")
      .notNull()
      .references(() => organisations.id),
    upstreamChangeId: text("upstream_change_id").references(() => upstreamChanges.id),
    operations: text("operations", { mode: "json" }).$type<Operation[]>().notNull(),
    reason: text("reason").notNull(),
    effectiveDate: integer("effective_date", { mode: "timestamp_ms" }),
    /** the agreements it covers, with what their notice would be */
    agreements: text("agreements", { mode: "json" }).$type<DraftAgreement[]>().notNull(),
    /** notices must end by this instant: the upstream deadline minus the source's margin; null: no upstream deadline */
    noticeEndBy: integer("notice_end_by", { mode: "timestamp_ms" }),
    state: text("state", { enum: ["draft", "submitted", "discarded"] }).notNull(),
    changeRequestId: text("change_request_id").references(() => changeRequests.id),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("change_request_drafts_processor_idx").on(t.processorId, t.id)],
);
