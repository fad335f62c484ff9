import { type Client, createClient, type InStatement, type InValue, LibsqlBatchError, LibsqlError, type ResultSet, type Transaction, type TransactionMode } from "@libsql/client";
import Database from "libsql";
import { asLibsqlError, driverStatement, PREPARED_LIMIT, resultSet, rowProto, rowsOf } from "./driver-values";
import { registerReadClient, registerWriteThread } from "./read-client";
import { WriteThread } from "./write-thread";

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
  // the large changes are written on a thread of their own, under the same lock
  const thread = path === ":memory:" ? null : new WriteThread(path);
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
          // settles once the write thread has closed its connection too (a caller that removes the file waits for it)
          return () => {
            reader?.close();
            writer?.close();
            const closing = thread?.close().catch(() => {});
            fn.call(target);
            return closing;
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
  if (thread)
    registerWriteThread(proxy, async (mode) => {
      const release = await lock.acquire();
      try {
        return thread.begin(mode, release);
      } catch (err) {
        release();
        throw err;
      }
    });
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
    const { sql, args } = driverStatement(stmt);
    try {
      const entry = this.prepare(sql);
      if (!entry.reader) {
        const info = entry.statement.run(args);
        return resultSet([], [], [], info.changes, BigInt(info.lastInsertRowid));
      }
      // LIMIT 1 (drizzle binds it as the last argument): one step instead of a cursor
      const single = entry.limitLast && Array.isArray(args) && args.at(-1) === 1;
      const raw = single ? [entry.statement.get(args) as unknown[] | undefined].filter((r) => r !== undefined) : (entry.statement.all(args) as unknown[][]);
      return resultSet(entry.columns, entry.columnTypes, rowsOf(entry.proto, entry.columns, raw), 0, undefined);
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
    const columns = defs.map((c) => c.name);
    entry = { statement, reader, limitLast: /\blimit \?\s*$/i.test(sql), columns, columnTypes: defs.map((c) => c.type ?? ""), proto: rowProto(columns.length) };
    this.prepared.set(sql, entry);
    if (this.prepared.size > PREPARED_LIMIT) this.prepared.delete(this.prepared.keys().next().value!);
    return entry;
  }

  close() {
    this.prepared.clear();
    if (this.db.open) this.db.close();
  }
}
