import { and, eq } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
import { schema } from "../../db/client";
import { AppError } from "../domain/errors";
import type { IdempotencyClaim } from "../core/context";
import { hashSecret } from "../core/crypto";
import type { AppEnv } from "./router";

/**
 * `Idempotency-Key` on any POST: the first response (2xx or 4xx) is kept for 24 hours and
 * replayed for the same key and body; the same key with another body is refused. A 5xx is not
 * kept, so the client may retry. Keys belong to the calling organisation (or the operator).
 */
export const idempotency = createMiddleware<AppEnv>(async (c, next) => {
  const key = c.req.header("idempotency-key");
  if (c.req.method !== "POST" || key === undefined) return next();
  if (key.length < 1 || key.length > 255)
    throw new AppError("invalid_request", "Idempotency-Key must be 1 to 255 characters.", [
      { in: "header", pointer: "/Idempotency-Key", rule: "length", detail: "1–255 characters" },
    ]);
  const actor = c.get("actor");
  const scope = actor.kind === "organisation" ? actor.organisationId : actor.kind;
  const { db, clock } = c.get("deps");
  const requestHash = await hashSecret(`${c.req.method} ${new URL(c.req.url).pathname}\n${await c.req.text()}`);
  const t = schema.idempotencyKeys;
  const claimed = await db.insert(t).values({ scope, key, requestHash, status: null, response: null, createdAt: clock.now() }).onConflictDoNothing().returning();
  if (!claimed.length) {
    const first = await db.query.idempotencyKeys.findFirst({ where: and(eq(t.scope, scope), eq(t.key, key)) });
    if (!first || first.requestHash !== requestHash)
      throw new AppError("idempotency_key_reused", "This Idempotency-Key was used with another request; use a new key for a new request.");
    if (first.status === null) throw new AppError("idempotency_in_progress", "The first request with this Idempotency-Key is still running; retry shortly.");
    return c.body(first.response ?? "", first.status as 200, {
      "Content-Type": first.status < 400 ? "application/json" : "application/problem+json",
      "Idempotent-Replayed": "true",
    });
  }
  const claimed_: IdempotencyClaim = { scope, key, stored: false };
  c.set("idempotency", claimed_);
  await next();
  // stored with the verb's change, in its commit
  if (claimed_.stored) return;
  const claim = and(eq(t.scope, scope), eq(t.key, key));
  if (c.res.status >= 500) await db.delete(t).where(claim);
  else
    await db
      .update(t)
      .set({ status: c.res.status, response: await c.res.clone().text() })
      .where(claim);
});
