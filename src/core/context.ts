import type { Deps } from "../deps";
import type { Actor } from "./actor";

/** What a service verb runs with: the dependencies, who is acting, and the request it came in (for the audit trail). */
export interface Ctx extends Deps {
  actor: Actor;
  request?: { id: string; ip: string | null };
}

export const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
