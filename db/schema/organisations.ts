import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { Address } from "../../src/domain/annex";
import type { RegistrationScheme } from "../../src/domain/registration";

export const organisations = sqliteTable("organisations", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  registrationScheme: text("registration_scheme").$type<RegistrationScheme>().notNull(),
  registrationNumber: text("registration_number").notNull(),
  country: text("country").notNull(),
  /** JSON: { street, postal_code, city, region, country } */
  address: text("address", { mode: "json" }).$type<Address>().notNull(),
  /** a public authority (a municipality, a region, a state agency): GDPR Art. 49(3) bars it from Art. 49(1)(a)–(c) */
  publicAuthority: integer("public_authority", { mode: "boolean" }).notNull().default(false),
  /** IANA time zone its deadlines are counted in: a notice to it ends at 24:00 there (docs/rules.md, rule 4) */
  timeZone: text("time_zone").notNull().default("UTC"),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
});

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    /** null for the operator's keys */
    organisationId: text("organisation_id").references(() => organisations.id),
    name: text("name").notNull(),
    /** the visible start of the secret, e.g. sk_live_Ab12 */
    prefix: text("prefix").notNull(),
    /** SHA-256 of the whole secret, hex; the secret itself is never stored */
    secretHash: text("secret_hash").notNull().unique(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
    /** read: GET only; write: everything the organisation may do */
    scope: text("scope", { enum: ["read", "write"] })
      .notNull()
      .default("write"),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }),
    /** updated at most once a minute, after a successful request */
    lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
    /** the person the key acts for; null: an organisation key. A deactivated user's keys stop working. */
    userId: text("user_id"),
  },
  (t) => [index("api_keys_organisation_idx").on(t.organisationId)],
);
