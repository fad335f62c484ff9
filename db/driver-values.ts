// What the Node file connections share: statements as SQLite takes them, results and errors as the
// libSQL client gives them. db/connect.ts (this process's connections) and db/write-thread.ts (the
// connection on a thread of its own) both use them.
import { type InStatement, type InValue, LibsqlError, type ResultSet, type Row } from "@libsql/client";

const VALUES = Symbol("values");

/** Statements each connection keeps prepared; queries with IN lists of every length would otherwise grow the cache without end. */
export const PREPARED_LIMIT = 500;

/** A statement's text and its arguments as the driver binds them. */
export function driverStatement(stmt: InStatement): { sql: string; args: unknown[] | Record<string, unknown> } {
  if (typeof stmt === "string") return { sql: stmt, args: [] };
  const args =
    stmt.args === undefined
      ? []
      : Array.isArray(stmt.args)
        ? stmt.args.map(toSql)
        : Object.fromEntries(Object.entries(stmt.args).map(([k, v]) => [k.replace(/^[@$:]/, ""), toSql(v)]));
  return { sql: stmt.sql, args };
}

/** The prototype of a result's rows: index access reads the row's values, as the client's rows allow (drizzle maps rows by index). */
export function rowProto(length: number): object {
  const proto = Object.defineProperty({}, "length", { value: length });
  for (let i = 0; i < length; i++)
    Object.defineProperty(proto, i, {
      get(this: Record<symbol, unknown[]>) {
        return this[VALUES]![i];
      },
    });
  return proto;
}

/** Raw rows (arrays of values) in the client's shape: by index and by column name, the first of duplicate names winning. */
export function rowsOf(proto: object, columns: string[], raw: unknown[][]): Row[] {
  return raw.map((values) => {
    const row = Object.create(proto) as Record<string | symbol, unknown>;
    row[VALUES] = values;
    for (let i = 0; i < values.length; i++) {
      if (values[i] instanceof Uint8Array) values[i] = fromSql(values[i]);
      const name = columns[i]!;
      if (!Object.hasOwn(row, name)) row[name] = values[i];
    }
    return row as unknown as Row;
  });
}

export function resultSet(columns: string[], columnTypes: string[], rows: Row[], rowsAffected: number, lastInsertRowid: bigint | undefined): ResultSet {
  return {
    columns,
    columnTypes,
    rows,
    rowsAffected,
    lastInsertRowid,
    toJSON: () => ({ columns, columnTypes, rows: rows.map((r) => Array.from(r as ArrayLike<unknown>)), rowsAffected, lastInsertRowid: lastInsertRowid?.toString() ?? null }),
  };
}

export function asLibsqlError(e: unknown): LibsqlError {
  if (e instanceof LibsqlError) return e;
  const err = e as { code?: string; rawCode?: number; message?: string };
  return new LibsqlError(err.message ?? String(e), err.code ?? "SQLITE_ERROR", undefined, err.rawCode, e as Error);
}

/** Arguments as the client passes them to SQLite. */
function toSql(value: InValue | undefined): unknown {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Date) return value.valueOf();
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (value === undefined) throw new TypeError("undefined cannot be passed as argument to the database");
  if (typeof value === "number" && !Number.isFinite(value)) throw new RangeError("Only finite numbers (not Infinity or NaN) can be passed as arguments");
  return value;
}

/** Values as the client returns them: blobs as ArrayBuffers. */
function fromSql(value: unknown): unknown {
  if (value instanceof Uint8Array) return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength);
  return value;
}
