import type { Client, InStatement, ResultSet, Transaction, TransactionMode } from "@libsql/client";
import type { BulkInsert } from "./bulk";

/** The read connection of each client `openDatabase` made (a local file only). Kept apart from db/connect.ts, which the Worker does not load. */
const READERS = new WeakMap<Client, Client>();

export function registerReadClient(client: Client, reader: Client): void {
  READERS.set(client, reader);
}

/**
 * The client to read through outside a transaction: for a local file its own connection, which
 * refuses writes (`PRAGMA query_only`), so the caller says it reads by choosing it; elsewhere (Turso,
 * memory) the client itself. Writes and transactions go through the client `openDatabase` returned.
 */
export function readClientOf(client: Client): Client {
  return READERS.get(client) ?? client;
}

/** A transaction on the write thread (db/write-thread.ts). */
export interface ThreadTransaction extends Transaction {
  /** Statements and bulk rows, sent at once: they run in order behind the batches sent before, and none runs once one has failed. */
  batch(items: (InStatement | BulkInsert)[]): Promise<ResultSet[]>;
}

type BeginOnThread = (mode: TransactionMode) => Promise<ThreadTransaction>;
/** The write thread of each client `openDatabase` made (a local file only). */
const THREADS = new WeakMap<Client, BeginOnThread>();

export function registerWriteThread(client: Client, begin: BeginOnThread): void {
  THREADS.set(client, begin);
}

/** A transaction on the client's write thread, under its write lock; none where it has no thread (Turso, memory). */
export function threadTransactionOf(client: Client): BeginOnThread | undefined {
  return THREADS.get(client);
}
