import { and, eq, isNull, sql } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
import { schema } from "../../db/client";
import { prepared } from "../../db/prepared";
import { AppError } from "../domain/errors";
import { hashSecret } from "../core/crypto";
import type { AppEnv } from "./router";
import { roleAllows } from "../domain/people";
import { actingUser } from "../core/actor";

const LAST_USED_GRANULARITY_MS = 60_000;
const READ_METHODS = new Set(["GET", "HEAD"]);

/**
 * Resolves `Authorization: Bearer sk_…` to an actor. An unknown, revoked or expired key is the
 * same 401; a read-scoped key gets 403 on any write. The key's last use is recorded after a
 * successful request, at most once a minute, so a refused request changes nothing.
 */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new AppError("unauthenticated", "Send an API key as `Authorization: Bearer sk_live_…`.");
  const { db, readDb, clock } = c.get("deps");
  // The lookup is by hash, so the secret is never compared character by character.
  const hash = await hashSecret(match[1]!);
  const k = schema.apiKeys;
  const key = await prepared(readDb, "auth.key", (db) =>
    db
      .select()
      .from(k)
      .where(and(eq(k.secretHash, sql.placeholder("hash")), isNull(k.revokedAt)))
      .limit(1)
      .prepare(),
  ).get({ hash });
  const now = clock.now();
  if (!key || (key.expiresAt && key.expiresAt <= now)) throw new AppError("unauthenticated", "The API key is unknown, revoked or expired.");
  // a key tied to a person acts as them: not past their role, and not once they are deactivated
  const user = key.userId ? await readDb.query.users.findFirst({ where: eq(schema.users.id, key.userId) }) : undefined;
  if (key.userId && (!user || user.status === "deactivated")) throw new AppError("unauthenticated", "The API key is unknown, revoked or expired.");
  const scope = user && !roleAllows(user.role, "decider") ? "read" : key.scope;
  if (scope === "read" && !READ_METHODS.has(c.req.method)) throw new AppError("forbidden", "This key is read-only; use a write key for changes.");
  c.set(
    "actor",
    key.organisationId === null
      ? { kind: "operator", keyId: key.id, keyPrefix: key.prefix }
      : { kind: "organisation", organisationId: key.organisationId, keyId: key.id, keyPrefix: key.prefix, scope, ...(user ? { user: actingUser(user) } : {}) },
  );
  await next();
  if (c.res.status < 400 && (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() >= LAST_USED_GRANULARITY_MS))
    await db.update(k).set({ lastUsedAt: now }).where(eq(k.id, key.id));
});
