import type { Context } from "hono";
import type { Ctx } from "../core/context";
import type { AppEnv } from "./router";

/** The caller's address: Cloudflare's header at the edge (only there can it be trusted), the socket on Node. */
export function clientIp(c: Context<AppEnv>): string | null {
  const atEdge = (c.req.raw as { cf?: unknown }).cf !== undefined;
  if (atEdge) return c.req.header("cf-connecting-ip") ?? null;
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? null;
}

/**
 * The service context of a request: its dependencies, the authenticated actor and the request's
 * id and address. `answers`: the status the handler answers with on success, for a verb that
 * stores its answer to an Idempotency-Key with its change.
 */
export const ctxOf = (c: Context<AppEnv>, answers?: number): Ctx => {
  const idempotency = c.get("idempotency");
  if (idempotency && answers) idempotency.status = answers;
  const request = { id: c.get("requestId"), ip: clientIp(c) };
  const deferredKey = c.get("deferredKey");
  if (!deferredKey) return { ...c.get("deps"), actor: c.get("actor"), request, idempotency };
  // the key is read with the route's first reads: no actor before them
  return {
    ...c.get("deps"),
    get actor() {
      if (!deferredKey.actor) throw new Error("the actor was asked for before the request's key was read (readWithKey)");
      return deferredKey.actor;
    },
    deferredKey,
    request,
    idempotency,
  };
};
