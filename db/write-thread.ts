import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { type InStatement, LibsqlBatchError, LibsqlError, type ResultSet, type TransactionMode } from "@libsql/client";
import type { BulkInsert } from "./bulk";
import type { ThreadTransaction } from "./read-client";
import { asLibsqlError, driverStatement, PREPARED_LIMIT, resultSet, rowProto, rowsOf } from "./driver-values";

/**
 * The thread's side: a connection for each client, statements kept prepared, messages run in the
 * order they came. A batch that fails marks its transaction failed: the batches already sent
 * behind it are refused unrun, and its COMMIT rolls it back. Plain JavaScript, so that it runs
 * as it is under tsx, vitest and the built service alike.
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const connections = new Map();
function connection(conn, path) {
  let c = connections.get(conn);
  if (!c) {
    c = { db: new Database(path, { timeout: 5000 }), prepared: new Map(), failed: null };
    connections.set(conn, c);
  }
  return c;
}
function prepare(c, sql) {
  let statement = c.prepared.get(sql);
  if (statement) {
    c.prepared.delete(sql);
    c.prepared.set(sql, statement);
    return statement;
  }
  statement = c.db.prepare(sql);
  if (statement.reader) statement.raw(true);
  c.prepared.set(sql, statement);
  if (c.prepared.size > ${PREPARED_LIMIT}) c.prepared.delete(c.prepared.keys().next().value);
  return statement;
}
// rows a statement binds: SQLite takes up to 32,766 parameters
const ROWS = (columns) => Math.max(1, Math.min(500, Math.floor(32766 / columns)));
function insert(c, { table, columns, rows }) {
  const per = ROWS(columns.length);
  const tuple = "(" + columns.map(() => "?").join(", ") + ")";
  let changes = 0;
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    const statement = prepare(c, 'INSERT INTO "' + table + '" (' + columns.join(", ") + ") VALUES " + new Array(chunk.length).fill(tuple).join(", "));
    changes += statement.run(chunk.flat()).changes;
  }
  return { changes, lastInsertRowid: 0n };
}
function run(c, item) {
  if (item.bulk) return insert(c, item.bulk);
  const { sql, args } = item;
  const statement = prepare(c, sql);
  if (statement.reader) return { columns: statement.columns().map((col) => [col.name, col.type || ""]), rows: statement.all(args) };
  const info = statement.run(args);
  return { changes: info.changes, lastInsertRowid: BigInt(info.lastInsertRowid) };
}
const fault = (e, index) => ({ message: e && e.message ? e.message : String(e), code: e && e.code, rawCode: e && e.rawCode, index });
function exec(c, sql) {
  const begin = sql.startsWith("BEGIN");
  if (sql === "ROLLBACK") {
    c.failed = null;
    if (c.db.inTransaction) c.db.exec(sql);
    return;
  }
  // a transaction that a statement failed in is rolled back, never committed
  if (sql === "COMMIT" && c.failed) {
    const failed = c.failed;
    c.failed = null;
    if (c.db.inTransaction) c.db.exec("ROLLBACK");
    throw failed;
  }
  try {
    c.db.exec(sql);
    if (begin) c.failed = null;
  } catch (e) {
    // the batches sent behind a BEGIN that failed must not run outside a transaction
    if (begin) c.failed = fault({ message: "the transaction did not begin: " + (e && e.message), code: e && e.code });
    throw e;
  }
}
parentPort.on("message", ({ id, conn, path, exec: sql, batch, open, close }) => {
  if (open) {
    // opened ahead, with its schema read: the first change does not wait for either
    connection(conn, path).db.prepare("SELECT 1 FROM sqlite_master LIMIT 1").get();
    return;
  }
  if (close) {
    const c = connections.get(conn);
    connections.delete(conn);
    try {
      if (c && c.db.open) c.db.close();
      parentPort.postMessage({ id });
    } catch (e) {
      parentPort.postMessage({ id, error: fault(e) });
    }
    return;
  }
  const c = connection(conn, path);
  if (sql !== undefined) {
    try {
      exec(c, sql);
      parentPort.postMessage({ id });
    } catch (e) {
      parentPort.postMessage({ id, error: fault(e) });
    }
    return;
  }
  if (c.failed) return parentPort.postMessage({ id, error: c.failed });
  const results = [];
  for (let i = 0; i < batch.length; i++) {
    try {
      results.push(run(c, batch[i]));
    } catch (e) {
      c.failed = fault({ message: "an earlier statement of the transaction failed: " + (e && e.message), code: "SQLITE_ABORT" });
      return parentPort.postMessage({ id, error: fault(e, i) });
    }
  }
  parentPort.postMessage({ id, results });
});
`;

/** A statement as the driver binds it, or bulk rows. */
type Sent = ReturnType<typeof driverStatement> | BulkInsert;
type Reply = { id: number; error?: { message: string; code?: string; rawCode?: number; index?: number }; results?: ThreadResult[] };
type ThreadResult = { columns: [string, string][]; rows: unknown[][] } | { changes: number; lastInsertRowid: bigint };

/** The process's write thread: started at the first large change, and then kept, idle and not keeping the process alive, for the next. */
class Thread {
  private worker: Worker | null = null;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();

  private start(): Worker {
    const worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { driver: createRequire(import.meta.url).resolve("libsql") } });
    worker.on("message", (reply: Reply) => {
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (!this.waiting.size) worker.unref();
      waiter?.resolve(reply);
    });
    worker.on("error", (err) => this.fail(worker, err));
    worker.on("exit", (code) => this.fail(worker, new Error(`the write thread exited (${code})`)));
    return worker;
  }

  /** A thread that died fails what it owed; the next change starts another. */
  private fail(worker: Worker, err: Error) {
    if (this.worker !== worker) return;
    this.worker = null;
    for (const waiter of this.waiting.values()) waiter.reject(err);
    this.waiting.clear();
  }

  post(message: { conn: number } & ({ path: string; exec: string } | { path: string; batch: Sent[] } | { close: true })): Promise<Reply> {
    this.worker ??= this.start();
    const id = this.nextId++;
    // the thread keeps the process alive while it owes an answer, and not when idle
    if (!this.waiting.size) this.worker.ref();
    const reply = new Promise<Reply>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    this.worker.postMessage({ id, ...message });
    return reply;
  }

  /** Opens a client's connection on the thread ahead of its first change, if the thread runs (it opens it itself otherwise). */
  open(conn: number, path: string) {
    this.worker?.postMessage({ conn, path, open: true });
  }

  /** Closes a client's connection on the thread, if the thread runs; settles when it has closed. */
  async close(conn: number): Promise<void> {
    if (!this.worker) return;
    const { error } = await this.post({ conn, close: true });
    if (error) throw asLibsqlError(error);
  }
}

const THREAD = new Thread();
let connections = 0;
let transactions = 0;

/** Transactions begun on the write thread in this process: whether large changes took it (the tests ask). */
export const writeThreadTransactions = () => transactions;

/**
 * A write connection on the write thread, for the large changes (a change request to a thousand
 * agreements, a sweep slice of thousands of decisions). SQLite runs synchronously: on this
 * process's own connection the event loop waits for every statement. Here the writer sends each
 * part of a change as soon as it is built, and builds the next while SQLite runs the last (README,
 * "How it is built"). It is one more connection to the same file: the caller
 * holds the client's write lock around it, as around the others.
 */
export class WriteThread {
  private readonly conn = connections++;

  constructor(private readonly path: string) {
    THREAD.open(this.conn, path);
  }

  private post(message: { exec: string } | { batch: Sent[] }): Promise<Reply> {
    return THREAD.post({ conn: this.conn, path: this.path, ...message });
  }

  private async exec(sql: string): Promise<void> {
    const { error } = await this.post({ exec: sql });
    if (error) throw asLibsqlError(error);
  }

  /** Runs the statements and bulk rows in order, in the transaction; a failed one is named by its index, as in the client's own batches. */
  async batch(items: (InStatement | BulkInsert)[]): Promise<ResultSet[]> {
    const { error, results } = await this.post({ batch: items.map((item) => (typeof item === "object" && "bulk" in item ? item : driverStatement(item))) });
    if (error) {
      const err = asLibsqlError(error);
      if (error.index === undefined) throw err;
      throw new LibsqlBatchError(err.message, error.index, err.code, err.extendedCode, err.rawCode, err);
    }
    return results!.map((r) => {
      if ("changes" in r) return resultSet([], [], [], r.changes, r.lastInsertRowid);
      const columns = r.columns.map(([name]) => name);
      return resultSet(
        columns,
        r.columns.map(([, type]) => type),
        rowsOf(rowProto(columns.length), columns, r.rows),
        0,
        undefined,
      );
    });
  }

  /**
   * A transaction on the thread; `release` (the write lock) is called once it has ended on the
   * thread. Its `batch` sends at once and does not wait for the batches before it: they run in
   * order, and once one fails the later ones are refused.
   */
  begin(mode: TransactionMode, release: () => void): ThreadTransaction {
    transactions++;
    const begun = this.exec(mode === "write" ? "BEGIN IMMEDIATE" : mode === "read" ? "BEGIN TRANSACTION READONLY" : "BEGIN DEFERRED");
    let closed = false;
    const end = async (sql: "COMMIT" | "ROLLBACK") => {
      if (closed) return;
      closed = true;
      try {
        await this.exec(sql);
      } catch (e) {
        if (sql === "COMMIT") await this.exec("ROLLBACK").catch(() => {});
        throw e;
      } finally {
        release();
      }
    };
    const open = async () => {
      if (closed) throw new LibsqlError("The transaction is closed", "TRANSACTION_CLOSED");
      await begun;
    };
    // a failed BEGIN surfaces in the first statement's answer
    begun.catch(() => {});
    const batch = (items: (InStatement | BulkInsert)[]) => {
      if (closed) return Promise.reject(new LibsqlError("The transaction is closed", "TRANSACTION_CLOSED"));
      // sent behind the BEGIN at once; a failed BEGIN is the answer
      return Promise.all([begun, this.batch(items)]).then(([, results]) => results);
    };
    return {
      // sent at once, as `batch` is: in order with what the caller sends next
      execute: (stmtOrSql: InStatement | string, args?: unknown) =>
        batch([typeof stmtOrSql === "string" ? { sql: stmtOrSql, args: (args ?? []) as never } : stmtOrSql]).then(([result]) => result!),
      batch,
      executeMultiple: async (sql: string) => {
        await open();
        await this.exec(sql);
      },
      commit: () => end("COMMIT"),
      rollback: () => end("ROLLBACK"),
      close: () => void end("ROLLBACK").catch(() => {}),
      get closed() {
        return closed;
      },
    } as ThreadTransaction;
  }

  /** Settles when the connection has closed on the thread (the last connection to close a file checkpoints it). */
  close(): Promise<void> {
    return THREAD.close(this.conn);
  }
}
