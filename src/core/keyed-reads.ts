import type { SQL } from "drizzle-orm";
import type { BatchItem, BatchResponse } from "drizzle-orm/batch";
import { schema } from "../../db/client";
import { readTogether } from "../../db/read-together";
import { requireOrganisation } from "./actor";
import type { Ctx, DeferredKey } from "./context";

/**
 * A route's first reads, and the request's API key with them when it is still to be read (at
 * the edge: one round trip for both). The key is settled before anything read is used: an unknown
 * key is a 401 whatever the reads found.
 */
export async function readWithKey<T extends [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]>(ctx: Ctx, queries: T): Promise<BatchResponse<T>> {
  const key = ctx.deferredKey;
  if (!key || key.settled) return readTogether(ctx.db, queries);
  const [found, ...rest] = await readTogether(ctx.db, [key.read(), ...queries]);
  key.settle(found);
  return rest as BatchResponse<T>;
}

/** The calling organisation; while the key is still to be read, the subquery that names it. */
export function callerOrganisation(ctx: Ctx): string | SQL {
  const key = ctx.deferredKey;
  return key && !key.settled ? key.organisation : requireOrganisation(ctx.actor);
}

/**
 * The key of a request refused before its route read anything (a body that does not parse or
 * validate): read alone, so that a bad key is still told 401 first, as on every other route.
 */
export async function settleKey(key: DeferredKey | undefined) {
  if (key && !key.settled) key.settle(await (key.read() as unknown as Promise<unknown>));
}

const k = schema.apiKeys;
const u = schema.users;

/** What judging a request needs of its key, and of the person the key is tied to (if any): read on every request, so no more. */
export const KEY_COLUMNS = {
  key: { id: k.id, prefix: k.prefix, organisationId: k.organisationId, scope: k.scope, userId: k.userId, expiresAt: k.expiresAt, lastUsedAt: k.lastUsedAt },
  user: { id: u.id, name: u.name, email: u.email, role: u.role, status: u.status },
};
type Picked<T extends Record<string, { _: { data: unknown; notNull: boolean } }>> = {
  [K in keyof T]: T[K]["_"]["notNull"] extends true ? T[K]["_"]["data"] : T[K]["_"]["data"] | null;
};
/** A key found by its hash, with the person it is tied to (if any): one statement. */
export type KeyFound = { key: Picked<typeof KEY_COLUMNS.key>; user: Picked<typeof KEY_COLUMNS.user> | null };
