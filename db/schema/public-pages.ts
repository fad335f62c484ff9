import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { organisations } from "./organisations";

/**
 * A processor's opt-in public sub-processor page: one per organisation. The slug stays
 * reserved while the page is disabled; a disabled page answers exactly like an unknown one.
 */
export const publicPages = sqliteTable("public_pages", {
  organisationId: text("organisation_id")
    .primaryKey()
    .references(() => organisations.id),
  slug: text("slug").notNull().unique(),
  enabled: integer("enabled", { mode: "boolean" }).notNull(),
  /** "all" of the processor's active agreements (including later ones), or a list of agreement ids */
  agreements: text("agreements", { mode: "json" }).$type<"all" | string[]>().notNull(),
  /** the addresses of the processor's own processing locations are shown only when it chooses */
  showOwnLocations: integer("show_own_locations", { mode: "boolean" }).notNull().default(false),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
});
