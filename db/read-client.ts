import type { Client } from "@libsql/client";

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
