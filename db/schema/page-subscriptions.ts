import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { organisations } from "./organisations";

/**
 * An address subscribed to a processor's public sub-processor page (docs/rules.md, "Public page
 * subscriptions"): double opt-in (pending until the mailed link is used), then a digest of the
 * page's new upcoming and applied changes, until one click unsubscribes it. One row per page and
 * address: subscribing again reuses it.
 */
export const pageSubscriptions = sqliteTable(
  "page_subscriptions",
  {
    id: text("id").primaryKey(),
    /** the page's processor: a page is keyed by its organisation (public_pages.organisation_id) */
    organisationId: text("organisation_id")
      .notNull()
      .references(() => organisations.id),
    /** lower case */
    address: text("address").notNull(),
    /** the page's language the person used to subscribe: their mails are in it */
    language: text("language", { enum: ["da", "sv", "en"] }).notNull(),
    status: text("status", { enum: ["pending", "active", "unsubscribed"] }).notNull(),
    /** SHA-256 of the confirmation link's token, hex; null once used */
    confirmTokenHash: text("confirm_token_hash"),
    confirmExpiresAt: integer("confirm_expires_at", { mode: "timestamp_ms" }),
    /** the secret of the unsubscribe links in every mail; compared in constant time */
    unsubscribeSecret: text("unsubscribe_secret").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    confirmedAt: integer("confirmed_at", { mode: "timestamp_ms" }),
    /** the last time it was unsubscribed */
    unsubscribedAt: integer("unsubscribed_at", { mode: "timestamp_ms" }),
    /** the page's changes up to this instant have been mailed (or were there before it was confirmed) */
    notifiedThrough: integer("notified_through", { mode: "timestamp_ms" }),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("page_subscriptions_page_address_idx").on(t.organisationId, t.address),
    uniqueIndex("page_subscriptions_confirm_idx").on(t.confirmTokenHash),
    index("page_subscriptions_status_idx").on(t.status, t.organisationId),
  ],
);
