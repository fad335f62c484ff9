import { sql } from "drizzle-orm";
import { check, integer, sqliteTable } from "drizzle-orm/sqlite-core";

/**
 * Test mode only (TEST_CLOCK=1): the instant of the service's test clock, one row. On Workers
 * every isolate reads it before a request, so a clock moved through one isolate is moved for all.
 */
export const testClockState = sqliteTable(
  "test_clock",
  {
    id: integer("id").primaryKey(),
    now: integer("now", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [check("test_clock_one_row", sql`${t.id} = 1`)],
);
