/**
 * A small Hrana-over-HTTP server backed by a local SQLite/libSQL file.
 *
 * Cloudflare Workers reach the database with `@libsql/client/web`, which speaks Hrana over HTTP. There is
 * no `sqld` binary in the test environment, so this module implements the part of the protocol that the
 * client uses, on top of the `libsql` native package (better-sqlite3 compatible API). It is used by the
 * test-suite and by `npm run dev:worker` to run the Worker locally.
 *
 * Protocol references: tursodatabase/libsql docs/HTTP_V2_SPEC.md and docs/HRANA_3_SPEC.md, cross-checked
 * against `@libsql/hrana-client` (node_modules/@libsql/hrana-client/lib-esm/http/*.js).
 *
 * What the client actually does (0.18 / hrana-client 0.10):
 *   - `openHttp()` defaults to protocol version 2, so it goes straight to `POST /v2/pipeline` with JSON.
 *     When asked for version 3 it probes only `GET /v3-protobuf` (the JSON `/v3` probe is commented out)
 *     and falls back to v2 on a non-2xx answer. We do not speak protobuf, so `/v3-protobuf` is a 404 and
 *     every client ends up on JSON v2. `/v3/pipeline` and `/v3/cursor` (JSON) are implemented anyway for
 *     clients that use them; they are cheap given the shared code.
 *   - every `execute`/`batch`/`executeMultiple` opens a fresh stream (baton `null`) and closes it in the same
 *     HTTP request; `batch()` and transactions store their SQL texts first (`store_sql`/`close_sql`);
 *     `transaction()` keeps the stream (and therefore the SQLite connection) open across requests, tied
 *     together by the baton.
 *
 * Design:
 *   - One SQLite connection per stream, and each connection lives in its own worker thread. `libsql` is
 *     synchronous: with every connection on the main thread, a connection waiting on `busy_timeout` for a
 *     lock would freeze the event loop — including the HTTP request that would COMMIT and release that lock
 *     (and, in tests, the client itself, which shares the process). In a worker the wait blocks only that
 *     worker, so SQLite's own busy handler serialises concurrent writers exactly like it does in sqld.
 *   - Workers are pooled: a stream that ends in autocommit state and did not change connection-level state
 *     (PRAGMA, ATTACH, TEMP objects) hands its connection back for the next stream, because spawning a worker
 *     costs ~25 ms and the client opens a new stream for every single `execute()`.
 *   - Streams idle for longer than `streamIdleTimeoutMs` expire: their connection is closed, which rolls back
 *     any open transaction and releases its locks.
 *   - Error codes follow sqld by default: the primary SQLite code (`SQLITE_CONSTRAINT`), since that is what
 *     production (Turso/sqld) sends and what application code will see there. `errorCodes: "extended"`
 *     sends libsql's extended code (`SQLITE_CONSTRAINT_UNIQUE`) instead.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { Worker } from "node:worker_threads";

// ---------------------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------------------

export interface HranaServer {
  /** Base URL to give to `createClient({ url })`, e.g. `http://127.0.0.1:PORT`. */
  url: string;
  /** Stops accepting requests, closes every stream (rolling back open transactions) and all connections. */
  close(): Promise<void>;
}

export interface HranaServerOptions {
  /** Filesystem path of the SQLite database file (created if missing). */
  path: string;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** TCP port; 0 (the default) picks an ephemeral port. */
  port?: number;
  /** A stream unused for this long is closed and its transaction rolled back. Default 10 000 ms. */
  streamIdleTimeoutMs?: number;
  /** `PRAGMA busy_timeout` of every connection. Default 5 000 ms. */
  busyTimeoutMs?: number;
  /**
   * `"primary"` (default, like sqld): `SQLITE_CONSTRAINT`. `"extended"`: `SQLITE_CONSTRAINT_UNIQUE`.
   * Application code that must also work against Turso should only rely on the primary code.
   */
  errorCodes?: "primary" | "extended";
  /** Sees every pipeline request's body as it arrives: tests count round trips and statements with it. */
  onPipeline?: (body: unknown) => void;
}

export async function startHranaServer(opts: HranaServerOptions): Promise<HranaServer> {
  const server = new HranaHttpServer(opts);
  await server.start(opts.host ?? "127.0.0.1", opts.port ?? 0);
  return { url: server.url, close: () => server.close() };
}

// ---------------------------------------------------------------------------------------------------------
// Protocol structures (JSON encoding). Incoming ones are validated by hand: the body is untrusted input.
// ---------------------------------------------------------------------------------------------------------

type ProtoValue = { type: "null" } | { type: "integer"; value: string } | { type: "float"; value: number } | { type: "text"; value: string } | { type: "blob"; base64: string };

interface ProtoError {
  message: string;
  code: string;
}

interface ProtoCol {
  name: string | null;
  decltype: string | null;
}

interface ProtoStmtResult {
  cols: ProtoCol[];
  rows: ProtoValue[][];
  affected_row_count: number;
  last_insert_rowid: string | null;
  // Added to StmtResult in later revisions of the Hrana 3 spec. `libsql` does not expose
  // sqlite3_stmt_status(), so these are approximations: rows returned / rows changed.
  rows_read: number;
  rows_written: number;
  query_duration_ms: number;
}

interface ProtoBatchResult {
  step_results: (ProtoStmtResult | null)[];
  step_errors: (ProtoError | null)[];
}

type StreamResult = { type: "ok"; response: Record<string, unknown> & { type: string } } | { type: "error"; error: ProtoError };

type CursorEntry =
  | { type: "step_begin"; step: number; cols: ProtoCol[] }
  | { type: "step_end"; affected_row_count: number; last_insert_rowid: string | null }
  | { type: "step_error"; step: number; error: ProtoError }
  | { type: "row"; row: ProtoValue[] }
  | { type: "error"; error: ProtoError };

/** An error reported to the client inside a `StreamResult` / batch step, as `{ message, code }`. */
class HranaError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = "HranaError";
  }
}

/** An error that fails the whole HTTP request; per the spec the stream is then no longer valid. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------------------

/** What crosses the worker boundary (structured clone keeps bigint and Uint8Array intact). */
type SqlValue = null | bigint | number | string | Uint8Array;

const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;

function decodeValue(value: unknown): SqlValue {
  if (!isRecord(value)) throw new HranaError("Argument value must be an object", "ARGS_INVALID");
  switch (value.type) {
    case "null":
      return null;
    case "integer": {
      // Integers travel as strings so that 64-bit values survive JSON; bind them as bigint so SQLite
      // stores an INTEGER (a JS number would be bound as REAL).
      const text = value.value;
      if (typeof text !== "string" || !/^-?\d+$/.test(text)) {
        throw new HranaError("Integer argument must be a decimal string", "ARGS_INVALID");
      }
      const int = BigInt(text);
      if (int < MIN_INT64 || int > MAX_INT64) throw new HranaError("Integer argument out of 64-bit range", "ARGS_INVALID");
      return int;
    }
    case "float":
      if (typeof value.value !== "number") throw new HranaError("Float argument must be a number", "ARGS_INVALID");
      return value.value;
    case "text":
      if (typeof value.value !== "string") throw new HranaError("Text argument must be a string", "ARGS_INVALID");
      return value.value;
    case "blob":
      if (typeof value.base64 !== "string") throw new HranaError("Blob argument must carry base64", "ARGS_INVALID");
      return new Uint8Array(Buffer.from(value.base64, "base64"));
    default:
      throw new HranaError(`Unknown argument value type ${JSON.stringify(value.type)}`, "ARGS_INVALID");
  }
}

function encodeValue(value: unknown): ProtoValue {
  if (value === null || value === undefined) return { type: "null" };
  // Statements run with safeIntegers(true): INTEGER columns arrive as bigint, REAL ones as number.
  if (typeof value === "bigint") return { type: "integer", value: value.toString() };
  if (typeof value === "number") {
    // JSON cannot carry ±Infinity (SQLite can produce it, e.g. 1e308*10); NULL is the least surprising
    // stand-in that does not break the client's decoder. SQLite itself never produces NaN.
    return Number.isFinite(value) ? { type: "float", value } : { type: "null" };
  }
  if (typeof value === "string") return { type: "text", value };
  if (value instanceof Uint8Array) return { type: "blob", base64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") };
  throw new HranaError(`Cannot encode value of type ${typeof value}`, "INTERNAL_ERROR");
}

// ---------------------------------------------------------------------------------------------------------
// A light SQL scanner. SQLite (through libsql) does not tell us what we need to answer like sqld does, so
// we look at the tokens ourselves:
//   - how many statements a text holds: `execute` must contain exactly one (libsql silently ignores the
//     rest, sqld answers SQL_MANY_STATEMENTS); semicolons inside CREATE TRIGGER … BEGIN … END do not count;
//   - the statement kind: sqld reports `affected_row_count` only for INSERT/UPDATE/DELETE (sqlite3_changes()
//     is stale after anything else) and `last_insert_rowid` only for INSERT;
//   - parameter names, for `describe`.
// ---------------------------------------------------------------------------------------------------------

interface Token {
  kind: "word" | "string" | "ident" | "param" | "number" | "punct";
  text: string;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";
const isIdentStart = (c: string | undefined): boolean => c !== undefined && (/[A-Za-z_]/.test(c) || c.charCodeAt(0) > 127);
const isIdentChar = (c: string | undefined): boolean => c !== undefined && (/[A-Za-z0-9_$]/.test(c) || c.charCodeAt(0) > 127);

function* tokenize(sql: string): Generator<Token> {
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f") {
      i++;
    } else if (c === "-" && next === "-") {
      const end = sql.indexOf("\n", i);
      i = end < 0 ? n : end + 1;
    } else if (c === "/" && next === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === "'" || c === '"' || c === "`") {
      // Quotes are escaped by doubling them. An unterminated literal runs to the end; SQLite reports it.
      let j = i + 1;
      for (;;) {
        const k = sql.indexOf(c, j);
        if (k < 0) {
          j = n;
          break;
        }
        if (sql[k + 1] === c) {
          j = k + 2;
          continue;
        }
        j = k + 1;
        break;
      }
      yield { kind: c === "'" ? "string" : "ident", text: sql.slice(i, j) };
      i = j;
    } else if (c === "[") {
      const end = sql.indexOf("]", i);
      const j = end < 0 ? n : end + 1;
      yield { kind: "ident", text: sql.slice(i, j) };
      i = j;
    } else if (c === "?") {
      let j = i + 1;
      while (isDigit(sql[j])) j++;
      yield { kind: "param", text: sql.slice(i, j) };
      i = j;
    } else if ((c === ":" || c === "@" || c === "$") && isIdentChar(next)) {
      let j = i + 1;
      while (isIdentChar(sql[j])) j++;
      yield { kind: "param", text: sql.slice(i, j) };
      i = j;
    } else if (isIdentStart(c)) {
      let j = i + 1;
      while (isIdentChar(sql[j])) j++;
      yield { kind: "word", text: sql.slice(i, j) };
      i = j;
    } else if (isDigit(c) || (c === "." && isDigit(next))) {
      let j = i + 1;
      while (j < n) {
        const d = sql[j]!;
        if (/[0-9A-Za-z_.]/.test(d) || ((d === "+" || d === "-") && /[eE]/.test(sql[j - 1]!) && !/^0[xX]/.test(sql.slice(i, j)))) j++;
        else break;
      }
      yield { kind: "number", text: sql.slice(i, j) };
      i = j;
    } else {
      yield { kind: "punct", text: c };
      i++;
    }
  }
}

interface SqlInfo {
  /** Number of non-empty statements in the text. */
  statements: number;
  /** Leading keyword of the first statement (the main one after a WITH clause), upper-cased. */
  kind: string | undefined;
  /** Parameter names of the first statement, indexed like SQLite does (index 0 = parameter 1). */
  params: (string | null)[];
}

const MAIN_AFTER_WITH = new Set(["SELECT", "INSERT", "REPLACE", "UPDATE", "DELETE", "VALUES"]);
const READONLY_KINDS = new Set(["SELECT", "VALUES", "EXPLAIN", "BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"]);

function analyzeSql(sql: string): SqlInfo {
  let statements = 0;
  let inStatement = false;
  let depth = 0;
  // First words of the current statement: enough to recognise CREATE [TEMP] TRIGGER.
  let words: string[] = [];
  let trigger = false;
  let inTriggerBody = false;
  let caseDepth = 0;

  let kind: string | undefined;
  let withClause = false;
  const params: (string | null)[] = [];
  const named = new Map<string, number>();

  for (const token of tokenize(sql)) {
    if (token.kind === "punct" && token.text === ";" && depth === 0 && !inTriggerBody) {
      if (inStatement) statements++;
      inStatement = false;
      words = [];
      trigger = false;
      continue;
    }
    inStatement = true;
    const first = statements === 0;

    if (token.kind === "punct") {
      if (token.text === "(") depth++;
      else if (token.text === ")" && depth > 0) depth--;
    } else if (token.kind === "word") {
      const upper = token.text.toUpperCase();
      if (words.length < 3) {
        words.push(upper);
        trigger = words[0] === "CREATE" && (words[1] === "TRIGGER" || ((words[1] === "TEMP" || words[1] === "TEMPORARY") && words[2] === "TRIGGER"));
      }
      if (trigger && depth === 0) {
        if (!inTriggerBody && upper === "BEGIN") inTriggerBody = true;
        else if (inTriggerBody && upper === "CASE") caseDepth++;
        else if (inTriggerBody && upper === "END") {
          if (caseDepth > 0) caseDepth--;
          else inTriggerBody = false;
        }
      }
      if (first) {
        if (kind === undefined) {
          kind = upper;
          withClause = upper === "WITH";
        } else if (withClause && depth === 0 && MAIN_AFTER_WITH.has(upper)) {
          kind = upper;
          withClause = false;
        }
      }
    } else if (token.kind === "param" && first) {
      // SQLite numbering: "?" takes the next index, "?NNN" index NNN, a name keeps its first index.
      if (token.text === "?") {
        params.push(null);
      } else if (token.text.startsWith("?")) {
        const index = Number(token.text.slice(1));
        while (params.length < index) params.push(null);
        if (index >= 1) params[index - 1] = token.text;
      } else if (!named.has(token.text)) {
        params.push(token.text);
        named.set(token.text, params.length);
      }
    }
  }
  if (inStatement) statements++;
  return { statements, kind: withClause ? "WITH" : kind, params };
}

/** Statements that change per-connection state; a connection that ran one is not reused by another stream. */
const CONNECTION_STATE_RE = /\b(PRAGMA|ATTACH|DETACH|TEMP|TEMPORARY|load_extension)\b/i;

// ---------------------------------------------------------------------------------------------------------
// Connections: one libsql connection in one worker thread, driven by a tiny request/response RPC.
// ---------------------------------------------------------------------------------------------------------

/** Result of running one statement in a worker. */
interface QueryResult {
  cols: ProtoCol[];
  rows: SqlValue[][];
  rowCount: number;
  changes: number;
  lastInsertRowid: string | null;
  durationMs: number;
}

type WorkerRequest =
  | { op: "query"; sql: string; args: SqlValue[] | Record<string, SqlValue> | undefined; wantRows: boolean; iud: boolean; insert: boolean }
  | { op: "exec"; sql: string }
  | { op: "describe"; sql: string }
  | { op: "close" };

interface WorkerReply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: { message: string; code: string };
  autocommit: boolean;
}

/**
 * The worker's source, evaluated as a CommonJS script (`eval: true`) so that it runs the same way under
 * vitest, tsx or plain node, without needing a TypeScript loader inside the worker.
 */
const WORKER_SOURCE = `
"use strict";
const { parentPort, workerData } = require("node:worker_threads");

function serializeError(e) {
  if (e && typeof e.code === "string" && e.code.startsWith("SQLITE_")) {
    return { message: String(e.message), code: e.code };
  }
  return { message: String((e && e.message) || e), code: "INTERNAL_ERROR" };
}

let db;
try {
  const Database = require(workerData.libsqlPath);
  db = new Database(workerData.path);
  db.exec("PRAGMA busy_timeout = " + Number(workerData.busyTimeoutMs));
  db.exec("PRAGMA foreign_keys = ON");
} catch (e) {
  try { if (db) db.close(); } catch {}
  db = undefined;
  parentPort.postMessage({ id: 0, ok: false, error: serializeError(e), autocommit: true });
  parentPort.close();
}

if (db) {
  // changes() and last_insert_rowid() as bigint: run()'s lastInsertRowid is a lossy JS number.
  let infoStmt;
  const info = () => {
    if (!infoStmt) {
      infoStmt = db.prepare("SELECT changes(), last_insert_rowid()");
      infoStmt.safeIntegers(true);
      infoStmt.raw(true);
    }
    return infoStmt.all()[0];
  };

  const prepare = (sql) => {
    const stmt = db.prepare(sql);
    stmt.safeIntegers(true);
    let reader = true;
    try { stmt.raw(true); } catch { reader = false; } // raw() throws for statements without result columns
    return { stmt, reader };
  };

  const ops = {
    query(m) {
      const { stmt, reader } = prepare(m.sql);
      const cols = reader ? stmt.columns().map((c) => ({ name: c.name ?? null, decltype: c.type ?? null })) : [];
      const start = performance.now();
      let rows = [];
      if (reader) rows = m.args === undefined ? stmt.all() : stmt.all(m.args);
      else if (m.args === undefined) stmt.run();
      else stmt.run(m.args);
      const durationMs = performance.now() - start;
      let changes = 0;
      let lastInsertRowid = null;
      if (m.iud) {
        const [c, rowid] = info();
        changes = Number(c);
        if (m.insert) lastInsertRowid = String(rowid);
      }
      return { cols, rows: m.wantRows ? rows : [], rowCount: rows.length, changes, lastInsertRowid, durationMs };
    },
    exec(m) {
      db.exec(m.sql);
      return null;
    },
    describe(m) {
      const { stmt, reader } = prepare(m.sql);
      return reader ? stmt.columns().map((c) => ({ name: c.name ?? null, decltype: c.type ?? null })) : [];
    },
  };

  parentPort.postMessage({ id: 0, ok: true, value: null, autocommit: true });
  parentPort.on("message", (m) => {
    if (m.op === "close") {
      // close() rolls back an open transaction and releases the file locks.
      let error;
      try { db.close(); } catch (e) { error = serializeError(e); }
      parentPort.postMessage({ id: m.id, ok: error === undefined, error, value: null, autocommit: true });
      parentPort.close();
      return;
    }
    let reply;
    try {
      reply = { id: m.id, ok: true, value: ops[m.op](m) };
    } catch (e) {
      reply = { id: m.id, ok: false, error: serializeError(e) };
    }
    reply.autocommit = !db.inTransaction;
    parentPort.postMessage(reply);
  });
}
`;

/** An error raised by SQLite (or libsql) inside a worker; `code` is the extended code, e.g. SQLITE_BUSY_SNAPSHOT. */
class SqliteError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = "SqliteError";
  }
}

class Connection {
  /** Mirrors `!db.inTransaction` after the last operation; every worker reply carries it. */
  autocommit = true;
  /** Set when the connection ran something that changes per-connection state (see CONNECTION_STATE_RE). */
  dirty = false;
  /** Set once the worker is gone (closed, crashed or failed to open). */
  dead = false;
  /** Runs while the connection sits in the pool; see IDLE_CONNECTION_TTL_MS. */
  poolTimer: NodeJS.Timeout | undefined;

  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  readonly #exited: Promise<void>;
  #nextId = 1;
  #closing: Promise<void> | undefined;

  private constructor(
    worker: Worker,
    private readonly closeGraceMs: number,
  ) {
    this.#worker = worker;
    // The HTTP server keeps the process alive while it listens; idle pooled workers must not.
    worker.unref();
    this.#exited = new Promise((resolve) => worker.once("exit", () => resolve()));
    worker.on("message", (reply: WorkerReply) => this.#onReply(reply));
    worker.on("error", (error) => this.#fail(new HranaError(`Database worker failed: ${error.message}`, "INTERNAL_ERROR")));
    worker.on("exit", () => this.#fail(new HranaError("Database connection is closed", "STREAM_CLOSED")));
  }

  static async open(params: { libsqlPath: string; path: string; busyTimeoutMs: number }): Promise<Connection> {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: params });
    const conn = new Connection(worker, params.busyTimeoutMs + 5_000);
    // Request id 0 is the worker's "opened" (or "failed to open") announcement.
    await new Promise<unknown>((resolve, reject) => conn.#pending.set(0, { resolve, reject }));
    return conn;
  }

  call<T>(request: WorkerRequest): Promise<T> {
    if (this.dead || this.#closing !== undefined) return Promise.reject(new HranaError("Database connection is closed", "STREAM_CLOSED"));
    return this.#send(request) as Promise<T>;
  }

  /** Closes the connection gracefully (rolling back any transaction), after the operation in progress. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (!this.dead) {
        // A graceful close lets libsql release its locks. Terminating a thread that still holds a
        // connection could leave the file locked for every other connection in this process, so
        // terminate() is only the fallback for a worker that does not answer at all.
        const timer = setTimeout(() => void this.#worker.terminate(), this.closeGraceMs);
        timer.unref();
        await this.#send({ op: "close" }).catch(() => undefined);
        await this.#exited;
        clearTimeout(timer);
      }
      this.dead = true;
    })();
    return this.#closing;
  }

  #send(request: WorkerRequest): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, ...request });
    });
  }

  #onReply(reply: WorkerReply): void {
    const pending = this.#pending.get(reply.id);
    if (pending === undefined) return;
    this.#pending.delete(reply.id);
    this.autocommit = reply.autocommit;
    if (reply.ok) {
      pending.resolve(reply.value);
    } else {
      const error = reply.error ?? { message: "Unknown error", code: "INTERNAL_ERROR" };
      pending.reject(error.code.startsWith("SQLITE_") ? new SqliteError(error.message, error.code) : new HranaError(error.message, error.code));
    }
  }

  #fail(error: Error): void {
    this.dead = true;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Streams and the HTTP server
// ---------------------------------------------------------------------------------------------------------

class Stream {
  /** SQL texts stored with `store_sql`; their scope is the stream (HTTP_V2_SPEC). */
  readonly sqls = new Map<number, string>();
  closed = false;
  idleTimer: NodeJS.Timeout | undefined;

  constructor(readonly conn: Connection) {}
}

/**
 * Pooled connections. The client runs up to 20 requests at once by default, each on its own stream, so a
 * burst needs ~20 connections; spawning them on every burst made 100 parallel reads take seconds. Each
 * idle worker costs ~7 MB, so the ones beyond MIN_IDLE_CONNECTIONS are closed after IDLE_CONNECTION_TTL_MS.
 */
const MAX_IDLE_CONNECTIONS = 20;
const MIN_IDLE_CONNECTIONS = 2;
const IDLE_CONNECTION_TTL_MS = 30_000;
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const MAX_REMEMBERED_EXPIRED_BATONS = 1024;

class HranaHttpServer {
  url = "";

  readonly #dbPath: string;
  readonly #libsqlPath: string;
  readonly #idleTimeoutMs: number;
  readonly #busyTimeoutMs: number;
  readonly #errorCodes: "primary" | "extended";
  readonly #onPipeline: ((body: unknown) => void) | undefined;
  readonly #http: Server;
  /** Streams waiting for their next request, by current baton. A stream being served is in no map. */
  readonly #streams = new Map<string, Stream>();
  /** Batons of streams that expired, so that a late request gets STREAM_EXPIRED instead of BATON_INVALID. */
  readonly #expiredBatons = new Set<string>();
  readonly #idleConnections: Connection[] = [];
  readonly #connections = new Set<Connection>();
  #closing: Promise<void> | undefined;

  constructor(opts: HranaServerOptions) {
    this.#dbPath = opts.path;
    // Resolved from this file so that workers load the same `libsql` build as the rest of the project.
    this.#libsqlPath = createRequire(import.meta.url).resolve("libsql");
    this.#idleTimeoutMs = opts.streamIdleTimeoutMs ?? 10_000;
    this.#busyTimeoutMs = opts.busyTimeoutMs ?? 5_000;
    this.#errorCodes = opts.errorCodes ?? "primary";
    this.#onPipeline = opts.onPipeline;
    this.#http = createServer((req, res) => void this.#handle(req, res));
  }

  async start(host: string, port: number): Promise<void> {
    // Open one connection up front: a bad path fails here rather than on the first request, the WAL switch
    // happens before any concurrent access, and the connection is pooled for the first stream.
    const conn = await this.#openConnection();
    try {
      // WAL lets readers proceed while a writer holds the lock. Best effort: switching needs the file
      // to be otherwise unused, and an existing WAL setting is persistent anyway.
      await conn.call({ op: "query", sql: "PRAGMA journal_mode = WAL", args: undefined, wantRows: false, iud: false, insert: false }).catch(() => undefined);
      await new Promise<void>((resolve, reject) => {
        this.#http.once("error", reject);
        this.#http.listen(port, host, () => {
          this.#http.off("error", reject);
          resolve();
        });
      });
    } catch (error) {
      await this.close();
      throw error;
    }
    this.#releaseConnection(conn);
    const address = this.#http.address() as AddressInfo;
    const hostPart = address.family === "IPv6" ? `[${address.address}]` : address.address;
    this.url = `http://${hostPart}:${address.port}`;
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      const closed = new Promise<void>((resolve) => this.#http.close(() => resolve()));
      this.#http.closeIdleConnections();
      for (const stream of this.#streams.values()) clearTimeout(stream.idleTimer);
      this.#streams.clear();
      for (const conn of this.#idleConnections) clearTimeout(conn.poolTimer);
      this.#idleConnections.length = 0;
      // Each connection finishes the statement it is running (a writer waiting on busy_timeout may still
      // succeed once the transactions holding the lock are rolled back), then closes; requests queued
      // behind it fail with STREAM_CLOSED and still get their HTTP answer before the sockets are dropped.
      await Promise.all([...this.#connections].map((conn) => conn.close()));
      this.#http.closeAllConnections();
      await closed;
    })();
    return this.#closing;
  }

  // --- HTTP ---------------------------------------------------------------------------------------------

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (this.#closing) throw new HttpError(503, "The server is shutting down", "SERVER_CLOSING");
      const path = new URL(req.url ?? "/", "http://localhost").pathname.replace(/\/+$/, "") || "/";
      const method = req.method ?? "GET";

      if (method === "GET" || method === "HEAD") {
        // Version probes: a 2xx answer means "supported". `/v3-protobuf` is left to the 404 below so that
        // clients fall back to JSON.
        if (path === "/" || path === "/health" || path === "/v2" || path === "/v3") {
          sendText(res, 200, "ok");
          return;
        }
      } else if (method === "POST") {
        if (path === "/v2/pipeline" || path === "/v3/pipeline") {
          sendJson(res, 200, await this.#pipeline(await readJsonBody(req)));
          return;
        }
        if (path === "/v3/cursor") {
          const lines = await this.#cursor(await readJsonBody(req));
          res.writeHead(200, { "content-type": "text/plain" });
          res.end(lines.map((line) => `${JSON.stringify(line)}\n`).join(""));
          return;
        }
      }
      if (path.startsWith("/v3-protobuf")) throw new HttpError(404, "Protobuf encoding is not supported by this server", "NOT_FOUND");
      throw new HttpError(404, `No such endpoint: ${method} ${path}`, "NOT_FOUND");
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) {
        // The client parses an `application/json` error body into `{ message, code }`.
        sendJson(res, error.status, { message: error.message, code: error.code });
      } else {
        const message = error instanceof Error ? error.message : String(error);
        sendJson(res, 500, { message: `Internal server error: ${message}`, code: "INTERNAL_ERROR" });
      }
    }
  }

  // --- Pipelines and cursors ------------------------------------------------------------------------------

  async #pipeline(body: unknown): Promise<{ baton: string | null; base_url: null; results: StreamResult[] }> {
    if (!isRecord(body) || !Array.isArray(body.requests)) throw new HttpError(400, "Pipeline body must have a `requests` array", "PROTO_ERROR");
    this.#onPipeline?.(body);
    const stream = await this.#acquireStream(body.baton);
    const results: StreamResult[] = [];
    // The spec: the server executes all requests in order, even if some of them fail.
    for (const request of body.requests) results.push(await this.#runRequest(stream, request));
    return { baton: this.#parkStream(stream), base_url: null, results };
  }

  async #cursor(body: unknown): Promise<[{ baton: string | null; base_url: null }, ...CursorEntry[]]> {
    if (!isRecord(body)) throw new HttpError(400, "Cursor body must be an object", "PROTO_ERROR");
    const stream = await this.#acquireStream(body.baton);
    // The batch is run to completion and then sent as cursor entries: simpler than true streaming and
    // indistinguishable for the client on the small results that tests produce.
    const entries: CursorEntry[] = [];
    try {
      const result = await this.#batch(stream, body.batch);
      result.step_results.forEach((stepResult, step) => {
        const stepError = result.step_errors[step];
        if (stepResult) {
          entries.push({ type: "step_begin", step, cols: stepResult.cols });
          for (const row of stepResult.rows) entries.push({ type: "row", row });
          entries.push({ type: "step_end", affected_row_count: stepResult.affected_row_count, last_insert_rowid: stepResult.last_insert_rowid });
        } else if (stepError) {
          entries.push({ type: "step_error", step, error: stepError });
        }
      });
    } catch (error) {
      if (stream.conn.dead) await this.#closeStream(stream);
      entries.push({ type: "error", error: this.#toProtoError(error) });
    }
    return [{ baton: this.#parkStream(stream), base_url: null }, ...entries];
  }

  /** Finds the stream for a baton (or opens one for `null`) and takes it out of the map while it is served. */
  async #acquireStream(baton: unknown): Promise<Stream> {
    if (baton === null || baton === undefined) return new Stream(await this.#takeConnection());
    if (typeof baton !== "string") throw new HttpError(400, "The baton must be a string or null", "PROTO_ERROR");
    const stream = this.#streams.get(baton);
    if (stream === undefined) {
      if (this.#expiredBatons.has(baton)) throw new HttpError(400, "The stream has expired due to inactivity", "STREAM_EXPIRED");
      throw new HttpError(400, "Invalid baton: unknown, already used, or its stream was closed", "BATON_INVALID");
    }
    // Each baton is single use: a second request with the same baton (e.g. a client that does not wait
    // for the previous response) is rejected, so requests on one stream are strictly serial.
    this.#streams.delete(baton);
    clearTimeout(stream.idleTimer);
    return stream;
  }

  /** After a request: hands out a fresh baton for an open stream and arms its idle timer; `null` if closed. */
  #parkStream(stream: Stream): string | null {
    if (stream.closed) return null;
    if (this.#closing) {
      void this.#closeStream(stream);
      return null;
    }
    const baton = randomBytes(24).toString("base64url");
    this.#streams.set(baton, stream);
    stream.idleTimer = setTimeout(() => {
      this.#streams.delete(baton);
      this.#expiredBatons.add(baton);
      if (this.#expiredBatons.size > MAX_REMEMBERED_EXPIRED_BATONS) {
        const oldest = this.#expiredBatons.values().next().value;
        if (oldest !== undefined) this.#expiredBatons.delete(oldest);
      }
      void this.#closeStream(stream);
    }, this.#idleTimeoutMs);
    stream.idleTimer.unref();
    return baton;
  }

  async #closeStream(stream: Stream): Promise<void> {
    if (stream.closed) return;
    stream.closed = true;
    clearTimeout(stream.idleTimer);
    stream.sqls.clear();
    this.#releaseConnection(stream.conn);
  }

  // --- Connection pool ------------------------------------------------------------------------------------

  async #openConnection(): Promise<Connection> {
    try {
      const conn = await Connection.open({ libsqlPath: this.#libsqlPath, path: this.#dbPath, busyTimeoutMs: this.#busyTimeoutMs });
      this.#connections.add(conn);
      return conn;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new HttpError(500, `Cannot open database ${this.#dbPath}: ${message}`, "INTERNAL_ERROR");
    }
  }

  async #takeConnection(): Promise<Connection> {
    // LIFO: the most recently used connections are reused, the others age out of the pool.
    for (let conn = this.#idleConnections.pop(); conn !== undefined; conn = this.#idleConnections.pop()) {
      clearTimeout(conn.poolTimer);
      if (!conn.dead) return conn;
      this.#connections.delete(conn);
    }
    return this.#openConnection();
  }

  /** Pools a connection that is back in a pristine state; closes (and so rolls back) any other one. */
  #releaseConnection(conn: Connection): void {
    if (!this.#closing && !conn.dead && conn.autocommit && !conn.dirty && this.#idleConnections.length < MAX_IDLE_CONNECTIONS) {
      this.#idleConnections.push(conn);
      conn.poolTimer = setTimeout(() => {
        const index = this.#idleConnections.indexOf(conn);
        if (index < 0 || this.#idleConnections.length <= MIN_IDLE_CONNECTIONS) return;
        this.#idleConnections.splice(index, 1);
        this.#closeConnection(conn);
      }, IDLE_CONNECTION_TTL_MS);
      conn.poolTimer.unref();
      return;
    }
    this.#closeConnection(conn);
  }

  #closeConnection(conn: Connection): void {
    clearTimeout(conn.poolTimer);
    void conn.close().finally(() => this.#connections.delete(conn));
  }

  // --- Stream requests ------------------------------------------------------------------------------------

  async #runRequest(stream: Stream, request: unknown): Promise<StreamResult> {
    try {
      // The spec makes any request after `close` an error.
      if (stream.closed) throw new HranaError("The stream is closed", "STREAM_CLOSED");
      return { type: "ok", response: await this.#handleRequest(stream, request) };
    } catch (error) {
      // A connection that died (worker crashed, server closing) cannot serve the stream any more.
      if (stream.conn.dead) await this.#closeStream(stream);
      return { type: "error", error: this.#toProtoError(error) };
    }
  }

  async #handleRequest(stream: Stream, request: unknown): Promise<Record<string, unknown> & { type: string }> {
    if (!isRecord(request)) throw new HranaError("A stream request must be an object", "PROTO_ERROR");
    switch (request.type) {
      case "close":
        await this.#closeStream(stream);
        return { type: "close" };
      case "execute":
        return { type: "execute", result: await this.#execute(stream, request.stmt) };
      case "batch":
        return { type: "batch", result: await this.#batch(stream, request.batch) };
      case "sequence": {
        // Several statements separated by semicolons, rows ignored; stops at the first error.
        const sql = this.#resolveSql(stream, request);
        if (CONNECTION_STATE_RE.test(sql)) stream.conn.dirty = true;
        await stream.conn.call({ op: "exec", sql });
        return { type: "sequence" };
      }
      case "describe":
        return { type: "describe", result: await this.#describe(stream, request) };
      case "store_sql": {
        const { sql_id: sqlId, sql } = request;
        if (!Number.isInteger(sqlId) || typeof sql !== "string") throw new HranaError("store_sql needs an integer `sql_id` and a string `sql`", "PROTO_ERROR");
        if (stream.sqls.has(sqlId as number)) throw new HranaError(`SQL text with id ${String(sqlId)} is already stored`, "SQL_ID_IN_USE");
        stream.sqls.set(sqlId as number, sql);
        return { type: "store_sql" };
      }
      case "close_sql":
        // Closing an unknown id is not an error (spec).
        if (typeof request.sql_id === "number") stream.sqls.delete(request.sql_id);
        return { type: "close_sql" };
      case "get_autocommit":
        return { type: "get_autocommit", is_autocommit: stream.conn.autocommit };
      default:
        throw new HranaError(`Unknown stream request type ${JSON.stringify(request.type)}`, "PROTO_ERROR");
    }
  }

  /** `sql` or `sql_id` (a text stored with `store_sql`): exactly one of them must be given. */
  #resolveSql(stream: Stream, holder: Record<string, unknown>): string {
    const { sql, sql_id: sqlId } = holder;
    const hasSql = sql !== undefined && sql !== null;
    const hasId = sqlId !== undefined && sqlId !== null;
    if (hasSql === hasId) throw new HranaError("Exactly one of `sql` and `sql_id` must be given", "PROTO_ERROR");
    if (hasSql) {
      if (typeof sql !== "string") throw new HranaError("`sql` must be a string", "PROTO_ERROR");
      return sql;
    }
    const stored = typeof sqlId === "number" ? stream.sqls.get(sqlId) : undefined;
    if (stored === undefined) throw new HranaError(`No SQL text stored with id ${String(sqlId)}`, "SQL_NOT_FOUND");
    return stored;
  }

  async #execute(stream: Stream, stmt: unknown): Promise<ProtoStmtResult> {
    if (!isRecord(stmt)) throw new HranaError("`stmt` must be an object", "PROTO_ERROR");
    const sql = this.#resolveSql(stream, stmt);
    const info = analyzeSql(sql);
    if (info.statements === 0) throw new HranaError("The SQL text contains no statement", "SQL_NO_STATEMENT");
    if (info.statements > 1) throw new HranaError("The SQL text contains more than one statement; use a batch or a sequence", "SQL_MANY_STATEMENTS");

    const positional = Array.isArray(stmt.args) ? stmt.args : [];
    const namedArgs = Array.isArray(stmt.named_args) ? stmt.named_args : [];
    if (positional.length > 0 && namedArgs.length > 0) {
      // libsql binds either an array or an object, and it cannot tell us which index a name has.
      throw new HranaError("Positional and named arguments cannot be mixed", "ARGS_BOTH_POSITIONAL_AND_NAMED");
    }
    let args: SqlValue[] | Record<string, SqlValue> | undefined;
    if (positional.length > 0) {
      args = positional.map(decodeValue);
    } else if (namedArgs.length > 0) {
      const named: Record<string, SqlValue> = {};
      for (const arg of namedArgs) {
        if (!isRecord(arg) || typeof arg.name !== "string") throw new HranaError("A named argument needs a string `name`", "ARGS_INVALID");
        // Hrana names carry the SQLite prefix (":a", "@a", "$a") or not; libsql wants them without it.
        named[/^[:@$]/.test(arg.name) ? arg.name.slice(1) : arg.name] = decodeValue(arg.value);
      }
      args = named;
    }

    if (CONNECTION_STATE_RE.test(sql)) stream.conn.dirty = true;
    const iud = info.kind === "INSERT" || info.kind === "REPLACE" || info.kind === "UPDATE" || info.kind === "DELETE";
    const result = await stream.conn.call<QueryResult>({
      op: "query",
      sql,
      args,
      wantRows: stmt.want_rows !== false,
      iud,
      insert: info.kind === "INSERT" || info.kind === "REPLACE",
    });
    return {
      cols: result.cols,
      rows: result.rows.map((row) => row.map(encodeValue)),
      affected_row_count: result.changes,
      last_insert_rowid: result.lastInsertRowid,
      rows_read: result.rowCount,
      rows_written: result.changes,
      query_duration_ms: result.durationMs,
    };
  }

  async #batch(stream: Stream, batch: unknown): Promise<ProtoBatchResult> {
    if (!isRecord(batch) || !Array.isArray(batch.steps)) throw new HranaError("`batch` must have a `steps` array", "PROTO_ERROR");
    const stepResults: (ProtoStmtResult | null)[] = [];
    const stepErrors: (ProtoError | null)[] = [];

    const evaluate = (cond: unknown): boolean => {
      if (!isRecord(cond)) throw new HranaError("A batch condition must be an object", "PROTO_ERROR");
      switch (cond.type) {
        // A step that was skipped, or that has not run yet, is neither ok nor error.
        case "ok":
          return typeof cond.step === "number" && (stepResults[cond.step] ?? null) !== null;
        case "error":
          return typeof cond.step === "number" && (stepErrors[cond.step] ?? null) !== null;
        case "not":
          return !evaluate(cond.cond);
        case "and":
          if (!Array.isArray(cond.conds)) throw new HranaError("`and` needs `conds`", "PROTO_ERROR");
          return cond.conds.every(evaluate);
        case "or":
          if (!Array.isArray(cond.conds)) throw new HranaError("`or` needs `conds`", "PROTO_ERROR");
          return cond.conds.some(evaluate);
        case "is_autocommit":
          return stream.conn.autocommit;
        default:
          throw new HranaError(`Unknown batch condition type ${JSON.stringify(cond.type)}`, "PROTO_ERROR");
      }
    };

    for (const step of batch.steps) {
      if (!isRecord(step)) throw new HranaError("A batch step must be an object", "PROTO_ERROR");
      if (step.condition !== undefined && step.condition !== null && !evaluate(step.condition)) {
        stepResults.push(null);
        stepErrors.push(null);
        continue;
      }
      try {
        stepResults.push(await this.#execute(stream, step.stmt));
        stepErrors.push(null);
      } catch (error) {
        // A dead connection fails the whole request; a statement error is recorded for the step only.
        if (stream.conn.dead) throw error;
        stepResults.push(null);
        stepErrors.push(this.#toProtoError(error));
      }
    }
    return { step_results: stepResults, step_errors: stepErrors };
  }

  async #describe(stream: Stream, request: Record<string, unknown>): Promise<Record<string, unknown>> {
    const sql = this.#resolveSql(stream, request);
    const info = analyzeSql(sql);
    if (info.statements === 0) throw new HranaError("The SQL text contains no statement", "SQL_NO_STATEMENT");
    if (info.statements > 1) throw new HranaError("The SQL text contains more than one statement", "SQL_MANY_STATEMENTS");
    // Preparing (not running) the statement validates it and yields the result columns.
    const cols = await stream.conn.call<ProtoCol[]>({ op: "describe", sql });
    return {
      params: info.params.map((name) => ({ name })),
      cols: cols.map((col) => ({ name: col.name ?? "", decltype: col.decltype })),
      is_explain: info.kind === "EXPLAIN",
      // Approximation of sqlite3_stmt_readonly(), which libsql does not expose.
      is_readonly: info.kind !== undefined && READONLY_KINDS.has(info.kind),
    };
  }

  #toProtoError(error: unknown): ProtoError {
    if (error instanceof SqliteError) {
      // Extended codes look like SQLITE_<PRIMARY>_<DETAIL>; primary names contain no further underscore.
      const code = this.#errorCodes === "extended" ? error.code : error.code.split("_").slice(0, 2).join("_");
      return { message: error.message, code };
    }
    if (error instanceof HranaError) return { message: error.message, code: error.code };
    return { message: error instanceof Error ? error.message : String(error), code: "INTERNAL_ERROR" };
  }
}

// ---------------------------------------------------------------------------------------------------------
// HTTP helpers
// ---------------------------------------------------------------------------------------------------------

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    // Keep draining past the limit so that the client receives the 413 instead of a reset connection.
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  if (size > MAX_BODY_BYTES) throw new HttpError(413, `Request body larger than ${MAX_BODY_BYTES} bytes`, "PAYLOAD_TOO_LARGE");
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new HttpError(400, "Request body is not valid JSON (protobuf is not supported)", "PROTO_ERROR");
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  // Exactly `application/json`, no charset: the client compares the content type verbatim before it
  // decodes an error body into `{ message, code }`.
  const data = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(data) });
  res.end(data);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "text/plain", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
