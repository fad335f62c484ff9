import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { EventType } from "../../src/domain/events";
import { organisations } from "./organisations";

export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    organisationId: text("organisation_id")
      .notNull()
      .references(() => organisations.id),
    url: text("url").notNull(),
    description: text("description"),
    /** event types to receive; null: all */
    eventTypes: text("event_types", { mode: "json" }).$type<EventType[] | null>(),
    enabled: integer("enabled", { mode: "boolean" }).notNull(),
    /** why it was disabled: by its owner, 410 Gone, or failing for 5 days */
    disabledReason: text("disabled_reason", { enum: ["manual", "gone", "failing"] }),
    /** whsec_…: the signing secret; it has to be kept to sign, so it is stored as is */
    secret: text("secret").notNull(),
    /** after a rotation the old secret signs too, until this instant */
    previousSecret: text("previous_secret"),
    previousSecretExpiresAt: integer("previous_secret_expires_at", { mode: "timestamp_ms" }),
    /** the first failure of the current run of failures; null after a success */
    failingSince: integer("failing_since", { mode: "timestamp_ms" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
    deletedAt: integer("deleted_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("webhook_endpoints_organisation_idx").on(t.organisationId, t.id)],
);

/**
 * The outbox: one row per event and endpoint (embedded delivery) or per event and
 * organisation (Svix hands it to that organisation's endpoints). Written in the transaction
 * that records the event; a relay claims due rows with a lease.
 */
export const deliveries = sqliteTable(
  "deliveries",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id").notNull(),
    organisationId: text("organisation_id").notNull(),
    /** null when Svix delivers to the organisation's endpoints */
    endpointId: text("endpoint_id"),
    state: text("state", { enum: ["pending", "succeeded", "failed", "cancelled"] }).notNull(),
    attempts: integer("attempts").notNull(),
    nextAttemptAt: integer("next_attempt_at", { mode: "timestamp_ms" }).notNull(),
    leaseOwner: text("lease_owner"),
    leaseUntil: integer("lease_until", { mode: "timestamp_ms" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("deliveries_due_idx").on(t.state, t.nextAttemptAt), index("deliveries_event_idx").on(t.eventId), index("deliveries_endpoint_idx").on(t.endpointId, t.state)],
);

/** Every attempt to deliver, kept for the owner to read. */
export const deliveryAttempts = sqliteTable(
  "delivery_attempts",
  {
    id: text("id").primaryKey(),
    deliveryId: text("delivery_id").notNull(),
    eventId: text("event_id").notNull(),
    endpointId: text("endpoint_id"),
    organisationId: text("organisation_id").notNull(),
    attemptedAt: integer("attempted_at", { mode: "timestamp_ms" }).notNull(),
    /** null when no HTTP response came (timeout, refused address, network error) */
    statusCode: integer("status_code"),
    durationMs: integer("duration_ms").notNull(),
    responseExcerpt: text("response_excerpt"),
    error: text("error"),
    outcome: text("outcome", { enum: ["succeeded", "failed"] }).notNull(),
    nextAttemptAt: integer("next_attempt_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("delivery_attempts_endpoint_idx").on(t.endpointId, t.id), index("delivery_attempts_event_idx").on(t.eventId, t.id)],
);
