import {
  type Client,
  createClient,
  type InStatement,
  type InValue,
  LibsqlBatchError,
  LibsqlError,
  type ResultSet,
  type Row,
  type Transaction,
  type TransactionMode,
} from "@libsql/client";
import Database from "libsql";
import { registerReadClient } from "./read-client";

/** A FIFO async lock: one holder at a time, the rest wait without blocking the event loop. */
class WriteLock {
  private tail: Promise<void> = Promise.resolve();
  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const ready = this.tail.then(() => release);
    this.tail = this.tail.then(() => held);
    return ready;
  }
}

export { readClientOf } from "./read-client";

/**
 * Opens a libSQL database. For a local file the driver is synchronous, and SQLite lets one
 * connection write at a time: a second writer would wait for the lock inside a synchronous
 * call, blocking the event loop — and with it the transaction that holds the lock. So writes
 * of this process take turns on an async lock first; SQLite's busy timeout is left for writers
 * in other processes (a second service, a migration).
 */
export function openDatabase(url: string, authToken?: string): Client {
  if (!url.startsWith("file:")) return createClient({ url, authToken });
  const client = createClient({ url, authToken, timeout: 5000 });
  const path = url.slice("file:".length).replace(/\?.*$/, "");
  const reader = path === ":memory:" ? null : new PreparedConnection(path, { queryOnly: true });
  // writes and transactions of this process take turns (the lock), so one connection serves them all
  const writer = path === ":memory:" ? null : new PreparedConnection(path);
  const lock = new WriteLock();
  const locked = async <T>(run: () => Promise<T>): Promise<T> => {
    const release = await lock.acquire();
    try {
      return await run();
    } finally {
      release();
    }
  };
  const proxy = new Proxy(client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      const fn = value as (...a: unknown[]) => Promise<unknown>;
      switch (prop) {
        case "execute":
          // the caller chose this client to write (or to read what it must see in order with its writes)
          return (stmt: InStatement, ...rest: unknown[]) => locked(() => (writer ? writer.execute(stmt) : fn.call(target, stmt, ...rest)));
        case "close":
          return () => {
            reader?.close();
            writer?.close();
            return fn.call(target);
          };
        case "batch":
        case "executeMultiple":
        case "migrate":
          return (...args: unknown[]) => locked(() => fn.apply(target, args));
        case "transaction":
          return async (...args: unknown[]) => {
            const release = await lock.acquire();
            try {
              if (writer) return holdUntilDone(writer.begin((args[0] as TransactionMode | undefined) ?? "write"), release);
              return holdUntilDone((await fn.apply(target, args)) as Transaction, release);
            } catch (err) {
              release();
              throw err;
            }
          };
        default:
          return fn.bind(target);
      }
    },
  });
  if (reader) registerReadClient(proxy, readOnlyClient(client, reader));
  return proxy;
}

/** A client that only reads, on its own connection; anything but `execute` belongs to the writing client. */
function readOnlyClient(client: Client, reader: PreparedConnection): Client {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === "execute") return (stmt: InStatement) => reader.execute(stmt);
      if (prop === "close") return () => {};
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return () => {
        throw new Error(`The read client only executes single reads; use the database client for ${String(prop)}.`);
      };
    },
  });
}

/** The transaction keeps the lock until it commits, rolls back or closes. */
function holdUntilDone(tx: Transaction, release: () => void): Transaction {
  let released = false;
  const done = () => {
    if (!released) {
      released = true;
      release();
    }
  };
  return new Proxy(tx, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      if (prop === "commit" || prop === "rollback")
        return async (...args: unknown[]) => {
          try {
            return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          } finally {
            done();
          }
        };
      if (prop === "close")
        return (...args: unknown[]) => {
          try {
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          } finally {
            done();
          }
        };
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
}

type Connection = InstanceType<typeof Database>;
type Statement = ReturnType<Connection["prepare"]>;

/** Statements kept prepared; queries with IN lists of every length would otherwise grow it without end. */
const PREPARED_LIMIT = 500;
const VALUES = Symbol("values");

/**
 * A connection that keeps its statements prepared. The client prepares every statement anew
 * and asks for its columns twice: about 125 µs a statement where SQLite itself needs 10 to 20
 * (npm run bench: annex read). The service keeps two on a file: one for reads outside a
 * transaction (WAL: a read sees what is committed when it starts, as on any pooled connection),
 * one for writes and transactions, which the write lock already serialises. Results have the
 * client's shape: rows by index and by column name, the first of duplicate names winning.
 */
class PreparedConnection {
  private readonly db: Connection;
  private readonly prepared = new Map<string, { statement: Statement; reader: boolean; limitLast: boolean; columns: string[]; columnTypes: string[]; proto: object }>();

  constructor(path: string, options: { queryOnly?: boolean } = {}) {
    this.db = new Database(path, { timeout: 5000 });
    // a read connection refuses writes: a write that took it by mistake fails instead of skipping the lock
    if (options.queryOnly) this.db.exec("PRAGMA query_only = 1");
  }

  async execute(stmt: InStatement): Promise<ResultSet> {
    return this.run(stmt);
  }

  /** Synchronous underneath, as the client's own file connections are. */
  run(stmt: InStatement): ResultSet {
    const sql = typeof stmt === "string" ? stmt : stmt.sql;
    const args =
      typeof stmt === "string" || stmt.args === undefined
        ? []
        : Array.isArray(stmt.args)
          ? stmt.args.map(toSql)
          : Object.fromEntries(Object.entries(stmt.args).map(([k, v]) => [k.replace(/^[@$:]/, ""), toSql(v)]));
    try {
      const entry = this.prepare(sql);
      if (!entry.reader) {
        const info = entry.statement.run(args);
        return resultSet([], [], [], info.changes, BigInt(info.lastInsertRowid));
      }
      // LIMIT 1 (drizzle binds it as the last argument): one step instead of a cursor
      const single = entry.limitLast && Array.isArray(args) && args.at(-1) === 1;
      const raw = single ? [entry.statement.get(args) as unknown[] | undefined].filter((r) => r !== undefined) : (entry.statement.all(args) as unknown[][]);
      const rows = raw.map((values) => {
        const row = Object.create(entry.proto) as Record<string | symbol, unknown>;
        row[VALUES] = values;
        for (let i = 0; i < values.length; i++) {
          if (values[i] instanceof Buffer) values[i] = fromSql(values[i]);
          const name = entry.columns[i]!;
          if (!Object.hasOwn(row, name)) row[name] = values[i];
        }
        return row as unknown as Row;
      });
      return resultSet(entry.columns, entry.columnTypes, rows, 0, undefined);
    } catch (e) {
      throw asLibsqlError(e);
    }
  }

  /** A transaction on this connection; the caller holds the write lock until it ends. */
  begin(mode: TransactionMode): Transaction {
    this.exec(mode === "write" ? "BEGIN IMMEDIATE" : mode === "read" ? "BEGIN TRANSACTION READONLY" : "BEGIN DEFERRED");
    let closed = false;
    const end = (sql: string) => {
      if (closed) return;
      closed = true;
      if (this.db.inTransaction) this.exec(sql);
    };
    const open = () => {
      if (closed) throw new LibsqlError("The transaction is closed", "TRANSACTION_CLOSED");
    };
    return {
      execute: async (stmtOrSql: InStatement | string, args?: unknown) => {
        open();
        return this.run(typeof stmtOrSql === "string" ? { sql: stmtOrSql, args: (args ?? []) as InValue[] } : stmtOrSql);
      },
      batch: async (stmts: InStatement[]) => {
        open();
        // as the client's own batches: a failed statement is named by its index
        return stmts.map((s, i) => {
          try {
            return this.run(s);
          } catch (e) {
            const err = e as LibsqlError;
            throw new LibsqlBatchError(err.message, i, err.code, err.extendedCode, err.rawCode, err);
          }
        });
      },
      executeMultiple: async (sql: string) => {
        open();
        this.exec(sql);
      },
      commit: async () => {
        open();
        try {
          this.exec("COMMIT");
          closed = true;
        } catch (e) {
          end("ROLLBACK");
          throw e;
        }
      },
      rollback: async () => end("ROLLBACK"),
      close: () => end("ROLLBACK"),
      get closed() {
        return closed;
      },
    } as Transaction;
  }

  private exec(sql: string) {
    try {
      this.db.exec(sql);
    } catch (e) {
      throw asLibsqlError(e);
    }
  }

  private prepare(sql: string) {
    let entry = this.prepared.get(sql);
    if (entry) {
      // most recently used last: the oldest goes first when the cache is full
      this.prepared.delete(sql);
      this.prepared.set(sql, entry);
      return entry;
    }
    const statement = this.db.prepare(sql);
    const reader = statement.reader;
    if (reader) statement.raw(true);
    const defs = reader ? statement.columns() : [];
    // index access reads the row's values, as the client's rows allow (drizzle maps rows by index)
    const proto = Object.defineProperty({}, "length", { value: defs.length });
    for (let i = 0; i < defs.length; i++)
      Object.defineProperty(proto, i, {
        get(this: Record<symbol, unknown[]>) {
          return this[VALUES]![i];
        },
      });
    entry = { statement, reader, limitLast: /\blimit \?\s*$/i.test(sql), columns: defs.map((c) => c.name), columnTypes: defs.map((c) => c.type ?? ""), proto };
    this.prepared.set(sql, entry);
    if (this.prepared.size > PREPARED_LIMIT) this.prepared.delete(this.prepared.keys().next().value!);
    return entry;
  }

  close() {
    this.prepared.clear();
    if (this.db.open) this.db.close();
  }
}

function resultSet(columns: string[], columnTypes: string[], rows: Row[], rowsAffected: number, lastInsertRowid: bigint | undefined): ResultSet {
  return {
    columns,
    columnTypes,
    rows,
    rowsAffected,
    lastInsertRowid,
    toJSON: () => ({ columns, columnTypes, rows: rows.map((r) => Array.from(r as ArrayLike<unknown>)), rowsAffected, lastInsertRowid: lastInsertRowid?.toString() ?? null }),
  };
}

function asLibsqlError(e: unknown): LibsqlError {
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
