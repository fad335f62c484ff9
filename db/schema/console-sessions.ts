import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { apiKeys, organisations } from "./organisations";

/**
 * A signed-in decision console: an organisation's API key pasted once, exchanged for a
 * server-side session. Only the SHA-256 of the session token is stored; the key's scope is
 * copied so a read-only key gets a read-only console, and the key is re-checked on every request.
 */
export const consoleSessions = sqliteTable(
  "console_sessions",
  {
    /** SHA-256 of the cookie's token, hex */
    id: text("id").primaryKey(),
    organisationId: text("organisation_id")
      .notNull()
      .references(() => organisations.id),
    keyId: text("key_id")
      .notNull()
      .references(() => apiKeys.id),
    keyScope: text("key_scope", { enum: ["read", "write"] }).notNull(),
    /** the per-session CSRF token every form carries */
    csrfToken: text("csrf_token").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("console_sessions_organisation_idx").on(t.organisationId)],
);
