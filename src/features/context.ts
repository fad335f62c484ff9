import type { Context } from "hono";
import type { Deps } from "../deps";
import type { Actor } from "../http/auth";
import type { AppEnv } from "../http/router";

/** What a service verb runs with: the dependencies, who is acting, and the request it came in (for the audit trail). */
export interface Ctx extends Deps {
  actor: Actor;
  request?: { id: string; ip: string | null };
}

/** The caller's address: Cloudflare's header at the edge (only there can it be trusted), the socket on Node. */
export function clientIp(c: Context<AppEnv>): string | null {
  const atEdge = (c.req.raw as { cf?: unknown }).cf !== undefined;
  if (atEdge) return c.req.header("cf-connecting-ip") ?? null;
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? null;
}

export const ctxOf = (c: Context<AppEnv>): Ctx => ({ ...c.get("deps"), actor: c.get("actor"), request: { id: c.get("requestId"), ip: clientIp(c) } });

export const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
