import type { Person } from "../../src/domain/people";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { AnnexContent, StoredClassification } from "../../src/domain/annex";
import { organisations } from "./organisations";

export const agreements = sqliteTable(
  "agreements",
  {
    id: text("id").primaryKey(),
    processorId: text("processor_id")
      .notNull()
      .references(() => organisations.id),
    controllerId: text("controller_id")
      .notNull()
      .references(() => organisations.id),
    title: text("title").notNull(),
    controllerReference: text("controller_reference"),
    authorisation: text("authorisation", { enum: ["specific", "general"] }).notNull(),
    noticeDays: integer("notice_days").notNull(),
    thirdCountryTransfers: text("third_country_transfers", { enum: ["prohibited", "with_transfer_mechanism"] }).notNull(),
    /** days an open question extends the notice after it is answered (docs/rules.md, rule 13); null: questions do not extend it (the default) */
    questionExtensionDays: integer("question_extension_days"),
    status: text("status", { enum: ["proposed", "active", "declined"] }).notNull(),
    /** the baseline annex while proposed; version 1 holds it once confirmed */
    proposedAnnex: text("proposed_annex", { mode: "json" }).$type<AnnexContent>(),
    declineReason: text("decline_reason"),
    currentVersion: integer("current_version"),
    /** the version of the terms in force (agreement_terms); authorisation, notice_days and third_country_transfers above are its copy */
    termsVersion: integer("terms_version").notNull().default(1),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    activatedAt: integer("activated_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("agreements_processor_idx").on(t.processorId, t.id), index("agreements_controller_idx").on(t.controllerId, t.id)],
);

/** Every version of an agreement's annex; rows are only ever inserted. */
export const annexVersions = sqliteTable(
  "annex_versions",
  {
    agreementId: text("agreement_id")
      .notNull()
      .references(() => agreements.id),
    version: integer("version").notNull(),
    content: text("content", { mode: "json" }).$type<AnnexContent>().notNull(),
    /** the instant from which this version is in force */
    effectiveAt: integer("effective_at", { mode: "timestamp_ms" }).notNull(),
    /** the change request this version applied; null for the baseline */
    changeRequestId: text("change_request_id"),
    /** the classification of every entry under the legal data in force when this version was made (null: made before it was kept) */
    classification: text("classification", { mode: "json" }).$type<StoredClassification>(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.agreementId, t.version] }), index("annex_versions_effective_idx").on(t.agreementId, t.effectiveAt)],
);

/**
 * Every version of an agreement's terms: the controller's instruction (third-country transfers),
 * the notice period and the kind of authorisation. Version 1 is the signed agreement; the controller
 * amends (docs/rules.md, rule 11); rows are only ever inserted.
 */
export const agreementTerms = sqliteTable(
  "agreement_terms",
  {
    agreementId: text("agreement_id")
      .notNull()
      .references(() => agreements.id),
    version: integer("version").notNull(),
    authorisation: text("authorisation", { enum: ["specific", "general"] }).notNull(),
    noticeDays: integer("notice_days").notNull(),
    thirdCountryTransfers: text("third_country_transfers", { enum: ["prohibited", "with_transfer_mechanism"] }).notNull(),
    questionExtensionDays: integer("question_extension_days"),
    /** from this instant these terms are in force */
    effectiveAt: integer("effective_at", { mode: "timestamp_ms" }).notNull(),
    /** the controller's reason; null for version 1 */
    reason: text("reason"),
    /** the approval this amendment was made with, if any */
    decisionId: text("decision_id"),
    amendedByKey: text("amended_by_key"),
    /** the person who amended the terms, as they were then; null: a key */
    amendedBy: text("amended_by", { mode: "json" }).$type<Person | null>(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.agreementId, t.version] }), index("agreement_terms_effective_idx").on(t.effectiveAt)],
);

/**
 * Which releases of the legal reference data (src/domain/countries.ts) have been checked against the
 * annexes in force: when a release reclassifies an entry, both parties get `classification.changed`
 * once, and the stored versions keep the classification they were approved under.
 */
export const legalDataChecks = sqliteTable("legal_data_checks", {
  release: text("release").primaryKey(),
  checkedAt: integer("checked_at", { mode: "timestamp_ms" }).notNull(),
  /** how many agreements had an entry classified differently */
  changedAgreements: integer("changed_agreements").notNull(),
});
