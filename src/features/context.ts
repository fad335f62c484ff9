import type { Context } from "hono";
import type { Deps } from "../deps";
import type { Actor } from "../http/auth";
import type { AppEnv } from "../http/router";

/** What a service verb runs with: the dependencies and who is acting. */
export interface Ctx extends Deps {
  actor: Actor;
}

export const ctxOf = (c: Context<AppEnv>): Ctx => ({ ...c.get("deps"), actor: c.get("actor") });

export const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
