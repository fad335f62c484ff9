import type { Client } from "@libsql/client";
import type { BatchItem, BatchResponse } from "drizzle-orm/batch";
import type { Db, DbOrTx } from "./client";

/**
 * Reads that do not depend on one another. Over HTTP (Turso, the Worker) they travel as one batch:
 * one round trip instead of one each. On a local file there is no round trip to save, and each
 * runs as it would alone.
 */
export async function readTogether<T extends [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]>(db: DbOrTx, queries: T): Promise<BatchResponse<T>> {
  // a transaction, or a local file: as they are
  if (isLocal(db)) return (await Promise.all(queries)) as BatchResponse<T>;
  return (db as Db).batch(queries) as Promise<BatchResponse<T>>;
}

/** A transaction or a local file: no round trip to save (a hot path may use its prepared statements instead). */
export function isLocal(db: DbOrTx): boolean {
  const client = (db as { $client?: Client }).$client;
  return !client || client.protocol === "file";
}
