import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { EventType } from "../../src/domain/events";

/**
 * The events feed and the outbox in one: every state change inserts its events in the same
 * transaction. An event about an agreement is visible to its two parties; one about an
 * organisation only to it.
 */
export const events = sqliteTable(
  "events",
  {
    id: text("id").primaryKey(),
    type: text("type").$type<EventType>().notNull(),
    agreementId: text("agreement_id"),
    processorId: text("processor_id"),
    controllerId: text("controller_id"),
    organisationId: text("organisation_id"),
    changeRequestId: text("change_request_id"),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    index("events_processor_idx").on(t.processorId, t.id),
    index("events_controller_idx").on(t.controllerId, t.id),
    index("events_organisation_idx").on(t.organisationId, t.id),
    index("events_agreement_idx").on(t.agreementId, t.id),
  ],
);

/** Responses to POSTs sent with an Idempotency-Key, replayed for the same key and body. */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    /** the operator or organisation the key belongs to */
    scope: text("scope").notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    /** null while the first request is still running */
    status: integer("status"),
    response: text("response"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] }), index("idempotency_created_idx").on(t.createdAt)],
);
