import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { Person } from "../../src/domain/people";
import { organisations } from "./organisations";

/**
 * The people of an organisation: who signs in to the console, with a role (docs/rules.md,
 * "People and sign-in"). An address belongs to one organisation. A deactivated user keeps its
 * row, so the history that names it stays readable.
 */
export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    organisationId: text("organisation_id")
      .notNull()
      .references(() => organisations.id),
    /** lower case; unique across the register */
    email: text("email").notNull(),
    name: text("name"),
    role: text("role", { enum: ["admin", "decider", "viewer"] }).notNull(),
    /** da, sv or en; null: from the organisation's country */
    language: text("language", { enum: ["da", "sv", "en"] }),
    /** the notices the user gets by e-mail; null: the defaults of the role */
    notices: text("notices", { mode: "json" }).$type<string[] | null>(),
    /** invited: has not signed in yet; active; deactivated: can no longer sign in */
    status: text("status", { enum: ["invited", "active", "deactivated"] }).notNull(),
    /** how the user came: invited by e-mail, or provisioned by the organisation's single sign-on */
    source: text("source", { enum: ["invitation", "sso"] }).notNull(),
    invitedBy: text("invited_by", { mode: "json" }).$type<Person | null>(),
    /** the secret of the user's one-click unsubscribe links (List-Unsubscribe) */
    mailToken: text("mail_token").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
    lastSignInAt: integer("last_sign_in_at", { mode: "timestamp_ms" }),
  },
  (t) => [uniqueIndex("users_email_idx").on(t.email), index("users_organisation_idx").on(t.organisationId, t.id)],
);

/**
 * A sign-in link or an invitation: single use, short-lived, only the SHA-256 of its token stored.
 */
export const signInTokens = sqliteTable(
  "sign_in_tokens",
  {
    /** SHA-256 of the link's token, hex */
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    purpose: text("purpose", { enum: ["sign_in", "invitation"] }).notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    usedAt: integer("used_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("sign_in_tokens_user_idx").on(t.userId)],
);

/** Requests for a sign-in link or a page subscription, per address and per client address (as hashes), for the rate limits (src/core/request-limits.ts). */
export const signInRequests = sqliteTable(
  "sign_in_requests",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** SHA-256 of "email:<address>" or "ip:<address>" */
    subject: text("subject").notNull(),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("sign_in_requests_subject_idx").on(t.subject, t.at)],
);

/**
 * A signed-in person's console session, server-side. The cookie holds a token; only its SHA-256 is
 * stored. It ends after a time idle and at an absolute limit, and its token is replaced as it is used.
 */
export const userSessions = sqliteTable(
  "user_sessions",
  {
    /** SHA-256 of the cookie's token, hex */
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    organisationId: text("organisation_id")
      .notNull()
      .references(() => organisations.id),
    /** email (a sign-in link) or sso */
    method: text("method", { enum: ["email", "sso"] }).notNull(),
    /** the per-session CSRF token every form carries */
    csrfToken: text("csrf_token").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    /** when the token was last replaced */
    rotatedAt: integer("rotated_at", { mode: "timestamp_ms" }).notNull(),
    lastSeenAt: integer("last_seen_at", { mode: "timestamp_ms" }).notNull(),
    /** the absolute end, however active the session */
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("user_sessions_user_idx").on(t.userId)],
);

/** An organisation's single sign-on: its OpenID provider, and who may come in through it. */
export const ssoConnections = sqliteTable("sso_connections", {
  organisationId: text("organisation_id")
    .primaryKey()
    .references(() => organisations.id),
  /** the issuer; discovery reads <issuer>/.well-known/openid-configuration */
  issuer: text("issuer").notNull(),
  clientId: text("client_id").notNull(),
  /** kept to authenticate to the provider, so stored as is (like a webhook secret) */
  clientSecret: text("client_secret").notNull(),
  /** only addresses of this domain may sign in (e.g. kommune.dk) */
  emailDomain: text("email_domain").notNull(),
  /** the role of a user provisioned on first sign-in */
  defaultRole: text("default_role", { enum: ["admin", "decider", "viewer"] }).notNull(),
  enabled: integer("enabled", { mode: "boolean" }).notNull(),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
});

/** A single sign-on under way: its state, nonce and PKCE verifier, for 10 minutes. */
export const ssoFlows = sqliteTable("sso_flows", {
  /** SHA-256 of the `state` parameter, hex */
  id: text("id").primaryKey(),
  organisationId: text("organisation_id")
    .notNull()
    .references(() => organisations.id),
  codeVerifier: text("code_verifier").notNull(),
  nonce: text("nonce").notNull(),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
});
