import { and, eq, isNull, sql } from "drizzle-orm";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { type Db, schema } from "../../db/client";
import { prepared } from "../../db/prepared";
import { AppError } from "../domain/errors";
import { hashSecret } from "../core/crypto";
import type { AppEnv } from "./router";
import { roleAllows } from "../domain/people";
import { type Actor, actingUser } from "../core/actor";
import type { DeferredKey } from "../core/context";
import { KEY_COLUMNS, type KeyFound } from "../core/keyed-reads";

const LAST_USED_GRANULARITY_MS = 60_000;
const READ_METHODS = new Set(["GET", "HEAD"]);

const k = schema.apiKeys;
const u = schema.users;

const byHash = and(eq(k.secretHash, sql.placeholder("hash")), isNull(k.revokedAt));

const keyQuery = (db: Db) => db.select(KEY_COLUMNS).from(k).leftJoin(u, eq(u.id, k.userId));

const unknownKey = () => new AppError("unauthenticated", "The API key is unknown, revoked or expired.");

/**
 * Who a key acts as, or the refusal: an unknown, revoked or expired key is the same 401; a key
 * tied to a person acts as them (not past their role, and not once they are deactivated); a
 * read-scoped key gets 403 on any write.
 */
function actorOf(found: KeyFound | undefined, method: string, now: Date): Actor {
  if (!found) throw unknownKey();
  const { key, user } = found;
  if (key.expiresAt && key.expiresAt <= now) throw unknownKey();
  if (key.userId && (!user || user.status === "deactivated")) throw unknownKey();
  const scope = user && !roleAllows(user.role, "decider") ? "read" : key.scope;
  if (scope === "read" && !READ_METHODS.has(method)) throw new AppError("forbidden", "This key is read-only; use a write key for changes.");
  return key.organisationId === null
    ? { kind: "operator", keyId: key.id, keyPrefix: key.prefix }
    : { kind: "organisation", organisationId: key.organisationId, keyId: key.id, keyPrefix: key.prefix, scope, ...(user ? { user: actingUser(user) } : {}) };
}

/**
 * A key read later, with the route's own first reads (at the edge, in the same round trip):
 * the route reads what is scoped to the key's organisation through `organisation`, a subquery,
 * and nothing is answered or written until `settle` has found the key good.
 */
function deferredKey(db: Db, hash: string, method: string, now: Date): DeferredKey & { found?: KeyFound } {
  const pending: DeferredKey & { found?: KeyFound } = {
    hash,
    read: () =>
      keyQuery(db)
        .where(and(eq(k.secretHash, hash), isNull(k.revokedAt)))
        .limit(1),
    // built when a route asks for it: the annex read, the hottest, reads the key its own way
    get organisation() {
      return sql`(select ${k.organisationId} from ${k} where ${k.secretHash} = ${hash} and ${k.revokedAt} is null)`;
    },
    settle: (rows) => {
      pending.settled = true;
      pending.found = (rows as KeyFound[])[0];
      pending.actor = actorOf(pending.found, method, now);
      return pending.actor;
    },
  };
  return pending;
}

/**
 * Resolves `Authorization: Bearer sk_…` to an actor (see `actorOf`). The lookup is by hash, so
 * the secret is never compared character by character. The hot routes `defer` names read the key
 * with their own first reads (at the edge, one round trip for both); the others read it here. The
 * key's last use is recorded after a successful request, at most once a minute, so a refused
 * request changes nothing.
 */
export function authenticate(defer: (c: Context<AppEnv>) => boolean) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new AppError("unauthenticated", "Send an API key as `Authorization: Bearer sk_live_…`.");
    const { db, readDb, clock } = c.get("deps");
    const hash = await hashSecret(match[1]!);
    c.set("keyHash", hash);
    const now = clock.now();
    let found: () => KeyFound | undefined;
    // an Idempotency-Key is claimed before the route runs, by the key's organisation: read it first then
    if (c.req.header("idempotency-key") === undefined && defer(c)) {
      const pending = deferredKey(db, hash, c.req.method, now);
      c.set("deferredKey", pending);
      found = () => pending.found;
    } else {
      const key = await prepared(readDb, "auth.key", (db) => keyQuery(db).where(byHash).limit(1).prepare()).get({ hash });
      c.set("actor", actorOf(key, c.req.method, now));
      found = () => key;
    }
    await next();
    const key = found()?.key;
    if (key && c.res.status < 400 && (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() >= LAST_USED_GRANULARITY_MS))
      await db.update(k).set({ lastUsedAt: now }).where(eq(k.id, key.id));
  });
}
