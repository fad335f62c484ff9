import { getTableColumns, getTableName, is, SQL, sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { DbOrTx } from "./client";

/** Rows per statement: a few MB of JSON at most, whatever the row. */
const ROWS_PER_STATEMENT = 2000;

/**
 * Inserts many rows with one statement per 2,000: the rows travel as one JSON parameter and
 * SQLite unpacks them with json_each. Against drizzle's multi-row VALUES this builds no SQL
 * per value (the ORM's query building was most of the cost), is not bound by SQLite's limit on
 * parameters, and is one round trip to a remote database. Values are mapped as drizzle maps
 * them (dates, JSON, booleans); a column no row sets is left to its database default.
 */
export async function insertRows<T extends SQLiteTable>(tx: DbOrTx, table: T, rows: T["$inferInsert"][]): Promise<void> {
  for (const statement of insertRowsSql(table, rows)) await tx.run(statement);
}

/** Rows of one table as the driver takes them: quoted column names, and each row's values in their order. */
export interface BulkRows {
  table: string;
  columns: string[];
  rows: unknown[][];
}

/** Bulk rows as one item of a batch: the write thread binds them to statements of its own (db/write-thread.ts). */
export interface BulkInsert {
  bulk: BulkRows;
}

/**
 * `rows` as driver values, mapped as drizzle maps them (dates, JSON, booleans); a column no row
 * sets is left out, to its database default. Null when there are no rows.
 */
export function bulkRows<T extends SQLiteTable>(table: T, rows: T["$inferInsert"][]): BulkRows | null {
  if (!rows.length) return null;
  const all = getTableColumns(table);
  const keys = Object.keys(all).filter((k) => rows.some((r) => (r as Record<string, unknown>)[k] !== undefined));
  const columns = keys.map((k) => all[k]!);
  return {
    table: getTableName(table),
    columns: columns.map((c) => `"${c.name}"`),
    rows: rows.map((row) =>
      keys.map((k, j) => {
        const column = columns[j]!;
        let value = (row as Record<string, unknown>)[k];
        // another row sets the column: this one gets its default, as drizzle's insert would
        if (value === undefined) value = column.defaultFn ? column.defaultFn() : column.default;
        if (value === undefined || value === null) return null;
        if (is(value, SQL)) throw new Error(`insertRows: ${getTableName(table)}.${k} is an SQL expression; use drizzle's insert for those`);
        return column.mapToDriverValue(value);
      }),
    ),
  };
}

/** The statements of `insertRows`, for a caller that sends them in a batch of its own. */
export function insertRowsSql<T extends SQLiteTable>(table: T, rows: T["$inferInsert"][]): SQL[] {
  const bulk = bulkRows(table, rows);
  return bulk ? bulkRowsSql(bulk) : [];
}

/** Bulk rows as INSERT … SELECT FROM json_each statements, 2,000 rows each. */
export function bulkRowsSql({ table, columns, rows }: BulkRows): SQL[] {
  const out: SQL[] = [];
  const picks = columns.map((_, i) => `value ->> ${i}`).join(", ");
  const head = sql.raw(`INSERT INTO "${table}" (${columns.join(", ")}) SELECT ${picks} FROM json_each(`);
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) out.push(sql.join([head, sql`${JSON.stringify(rows.slice(i, i + ROWS_PER_STATEMENT))}`, sql.raw(")")]));
  return out;
}
