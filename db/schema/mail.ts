import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The mail outbox: one row per message to one address, written in the transaction of what it
 * tells (an event's notice) or of the sign-in or invitation it carries. A mailer claims due rows
 * with a lease, renders them in the recipient's language, sends, and records each attempt.
 */
export const mails = sqliteTable(
  "mails",
  {
    id: text("id").primaryKey(),
    /** sign_in, invitation, or the event type a notice tells of */
    kind: text("kind").notNull(),
    /** the event a notice tells of */
    eventId: text("event_id"),
    userId: text("user_id"),
    organisationId: text("organisation_id"),
    toAddress: text("to_address").notNull(),
    language: text("language", { enum: ["da", "sv", "en"] }).notNull(),
    /** what a sign-in or invitation mail needs besides the event (its link); emptied once sent */
    payload: text("payload", { mode: "json" }).$type<Record<string, unknown> | null>(),
    /** the change request the mail belongs to: its mails are one thread */
    threadId: text("thread_id"),
    state: text("state", { enum: ["pending", "sent", "failed", "cancelled"] }).notNull(),
    attempts: integer("attempts").notNull(),
    nextAttemptAt: integer("next_attempt_at", { mode: "timestamp_ms" }).notNull(),
    leaseOwner: text("lease_owner"),
    leaseUntil: integer("lease_until", { mode: "timestamp_ms" }),
    sentAt: integer("sent_at", { mode: "timestamp_ms" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("mails_due_idx").on(t.state, t.nextAttemptAt), index("mails_event_idx").on(t.eventId), index("mails_user_idx").on(t.userId, t.id)],
);

/** Every attempt to send a mail: when, and what the mail server or API answered. */
export const mailAttempts = sqliteTable(
  "mail_attempts",
  {
    id: text("id").primaryKey(),
    mailId: text("mail_id").notNull(),
    attemptedAt: integer("attempted_at", { mode: "timestamp_ms" }).notNull(),
    outcome: text("outcome", { enum: ["sent", "failed"] }).notNull(),
    /** the server's answer (SMTP response, API status) or the error */
    response: text("response"),
    nextAttemptAt: integer("next_attempt_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("mail_attempts_mail_idx").on(t.mailId, t.id)],
);
