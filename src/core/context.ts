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

/** What a service verb runs with: the dependencies, who is acting, and the request it came in (for the audit trail). */
export interface Ctx extends Deps {
  actor: Actor;
  request?: { id: string; ip: string | null };
  idempotency?: IdempotencyClaim;
}

export const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
