import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The audit trail: one record for every write and every read of an annex, appended in the
 * transaction of what it records. Each record's hash covers its content and the previous
 * record's hash, so a changed or removed row breaks the chain at that point.
 */
export const auditRecords = sqliteTable(
  "audit_records",
  {
    // AUTOINCREMENT: a seq is never reused, so a removed record leaves a gap verify can see
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    id: text("id").notNull().unique(),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
    /** who: "operator", "organisation" (through a key or a signed-in person, see user_id) or "system" (the scheduler, the relay, the mailer) */
    actorType: text("actor_type", { enum: ["operator", "organisation", "system"] }).notNull(),
    organisationId: text("organisation_id"),
    keyId: text("key_id"),
    keyPrefix: text("key_prefix"),
    action: text("action").notNull(),
    resourceType: text("resource_type").notNull(),
    resourceId: text("resource_id").notNull(),
    /** the agreement the record is about: its two parties may read it */
    agreementId: text("agreement_id"),
    processorId: text("processor_id"),
    controllerId: text("controller_id"),
    requestId: text("request_id"),
    clientIp: text("client_ip"),
    outcome: text("outcome").notNull(),
    /** the person acting (a console user, or a key tied to a user), as they were then */
    userId: text("user_id"),
    userName: text("user_name"),
    userEmail: text("user_email"),
    /** what else the record must prove, as JSON: e.g. to whom a notice was sent */
    detail: text("detail"),
    /**
     * The personal data of the record (client IP, the person's name and address) is kept out of its
     * hashed content: the content covers this digest of it instead, salted so that it cannot be
     * guessed back. Retention erases the data and the salt after the period; the digest stays, so
     * the chain still verifies (docs/rules.md, rule 8, "Retention"). Null on records written before.
     */
    personalDigest: text("personal_digest"),
    personalSalt: text("personal_salt"),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [
    index("audit_organisation_idx").on(t.organisationId, t.seq),
    index("audit_processor_idx").on(t.processorId, t.seq),
    index("audit_controller_idx").on(t.controllerId, t.seq),
  ],
);

/**
 * Signed checkpoints of the audit trail: the record at `seq` had `hash` at `at`, signed with the
 * audit signing key, which the database never holds (docs/rules.md, rule 8, "Checkpoints"). Both
 * parties receive the checkpoints that cover their records, so a rewrite, truncation or forged
 * append after one is found by anyone who kept it.
 */
export const auditCheckpoints = sqliteTable("audit_checkpoints", {
  /** the sequence number of the record it seals */
  seq: integer("seq").primaryKey(),
  hash: text("hash").notNull(),
  at: integer("at", { mode: "timestamp_ms" }).notNull(),
  /** names the signing key (src/core/audit-signing.ts) */
  keyId: text("key_id").notNull(),
  /** Ed25519 over `checkpointText`, base64url */
  signature: text("signature").notNull(),
});
