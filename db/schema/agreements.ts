import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { AnnexContent } from "../../src/domain/annex";
import { organisations } from "./organisations";

export const agreements = sqliteTable(
  "agreements",
  {
    id: text("id").primaryKey(),
    processorId: text("processor_id").notNull().references(() => organisations.id),
    controllerId: text("controller_id").notNull().references(() => organisations.id),
    title: text("title").notNull(),
    controllerReference: text("controller_reference"),
    authorisation: text("authorisation", { enum: ["specific", "general"] }).notNull(),
    noticeDays: integer("notice_days").notNull(),
    thirdCountryTransfers: text("third_country_transfers", { enum: ["prohibited", "with_transfer_mechanism"] }).notNull(),
    status: text("status", { enum: ["proposed", "active", "declined"] }).notNull(),
    /** the baseline annex while proposed; version 1 holds it once confirmed */
    proposedAnnex: text("proposed_annex", { mode: "json" }).$type<AnnexContent>(),
    declineReason: text("decline_reason"),
    currentVersion: integer("current_version"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    activatedAt: integer("activated_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("agreements_processor_idx").on(t.processorId, t.id), index("agreements_controller_idx").on(t.controllerId, t.id)],
);

/** Every version of an agreement's annex; rows are only ever inserted. */
export const annexVersions = sqliteTable(
  "annex_versions",
  {
    agreementId: text("agreement_id").notNull().references(() => agreements.id),
    version: integer("version").notNull(),
    content: text("content", { mode: "json" }).$type<AnnexContent>().notNull(),
    /** the instant from which this version is in force */
    effectiveAt: integer("effective_at", { mode: "timestamp_ms" }).notNull(),
    /** the change request this version applied; null for the baseline */
    changeRequestId: text("change_request_id"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.agreementId, t.version] }), index("annex_versions_effective_idx").on(t.agreementId, t.effectiveAt)],
);
