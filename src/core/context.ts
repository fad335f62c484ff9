import type { SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Deps } from "../deps";
import type { Actor } from "./actor";

/**
 * An Idempotency-Key the request claimed. The verb's answer is stored with its change, in the
 * same commit, so a retry after a crash is answered from it and never runs the verb again.
 */
export interface IdempotencyClaim {
  scope: string;
  key: string;
  /** the status the handler answers with on success; unset, the answer is stored after the response */
  status?: number;
  /** the answer was committed with the change */
  stored: boolean;
}

/**
 * An API key not yet read: a hot route reads it with its own first reads (`readWithKey`; at the
 * edge one round trip for all), so until then the request has no actor.
 */
export interface DeferredKey {
  /** the SHA-256 of the presented secret, as `api_keys.secret_hash` keeps it */
  hash: string;
  /** the key and the person it is tied to, by the key's hash */
  read(): BatchItem<"sqlite">;
  /** the key's organisation as a subquery, for reads scoped to it before it is known */
  organisation: SQL;
  /** the actor from what `read` found, or the 401 or 403 the key earns */
  settle(rows: unknown): Actor;
  /** what `settle` made of the key; `settled` even when it refused it */
  actor?: Actor;
  settled?: boolean;
}

/** What a service verb runs with: the dependencies, who is acting, and the request it came in (for the audit trail). */
export interface Ctx extends Deps {
  actor: Actor;
  /** set while the key is still to be read with the route's first reads */
  deferredKey?: DeferredKey;
  request?: { id: string; ip: string | null };
  idempotency?: IdempotencyClaim;
}

export const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
