import { sql } from "drizzle-orm";
import { check, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Always empty. A change is sent as one batch, so a condition it was planned on (a decision
 * still pending, the audit chain's end unmoved) cannot be checked between statements by the
 * caller: the batch checks it itself by inserting the condition's name here when it does not
 * hold, which the CHECK refuses, which rolls the whole batch back (src/core/writer.ts).
 */
export const writeGuards = sqliteTable("write_guards", { failed: text("failed") }, (t) => [check("write_guards_never_hold_a_row", sql`${t.failed} IS NULL`)]);
