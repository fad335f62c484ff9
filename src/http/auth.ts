import { createHash } from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
import { schema } from "../../db/client";
import { prepared } from "../../db/prepared";
import { AppError } from "../domain/errors";
import type { AppEnv } from "./router";

/** Who is calling: the operator, or one organisation; always through one key. */
export type Actor =
  | { kind: "operator"; keyId: string; keyPrefix: string }
  | { kind: "organisation"; organisationId: string; keyId: string; keyPrefix: string; scope: "read" | "write" }
  | { kind: "system"; keyId: null; keyPrefix: null; name: "scheduler" | "relay" };

/** The service acting by itself: the scheduler's sweeps, the relay's disabling of an endpoint. */
export const SCHEDULER: Actor = { kind: "system", keyId: null, keyPrefix: null, name: "scheduler" };
export const RELAY: Actor = { kind: "system", keyId: null, keyPrefix: null, name: "relay" };

const SECRET_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A new API key secret: `sk_live_` and 32 base62 characters (190 random bits). */
export function generateSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let s = "";
  // 248 = 4 * 62: rejecting larger bytes keeps every character equally likely
  for (const b of bytes) if (b < 248) s += SECRET_ALPHABET[b % 62];
  while (s.length < 32) {
    const [b] = crypto.getRandomValues(new Uint8Array(1));
    if (b! < 248) s += SECRET_ALPHABET[b! % 62];
  }
  return `sk_live_${s}`;
}

export const secretPrefix = (secret: string) => secret.slice(0, 12);

/** SHA-256 of a text, hex. Synchronous (node:crypto, also on Workers with nodejs_compat): a chain of audit hashes does not wait on a promise per record. */
export const sha256Hex = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");

/** SHA-256 of a secret, hex: what the database keeps instead of the secret. */
export async function hashSecret(secret: string): Promise<string> {
  return sha256Hex(secret);
}

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
  const { db, clock } = c.get("deps");
  // The lookup is by hash, so the secret is never compared character by character.
  const hash = await hashSecret(match[1]!);
  const k = schema.apiKeys;
  const key = await prepared(db, "auth.key", (db) =>
    db
      .select()
      .from(k)
      .where(and(eq(k.secretHash, sql.placeholder("hash")), isNull(k.revokedAt)))
      .limit(1)
      .prepare(),
  ).get({ hash });
  const now = clock.now();
  if (!key || (key.expiresAt && key.expiresAt <= now)) throw new AppError("unauthenticated", "The API key is unknown, revoked or expired.");
  if (key.scope === "read" && !READ_METHODS.has(c.req.method)) throw new AppError("forbidden", "This key is read-only; use a write key for changes.");
  c.set(
    "actor",
    key.organisationId === null
      ? { kind: "operator", keyId: key.id, keyPrefix: key.prefix }
      : { kind: "organisation", organisationId: key.organisationId, keyId: key.id, keyPrefix: key.prefix, scope: key.scope },
  );
  await next();
  if (c.res.status < 400 && (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() >= LAST_USED_GRANULARITY_MS))
    await db.update(k).set({ lastUsedAt: now }).where(eq(k.id, key.id));
});

/** The calling organisation; the operator key gets 403 (it manages, it never reads an annex or decides). */
export function requireOrganisation(actor: Actor): string {
  if (actor.kind !== "organisation") throw new AppError("forbidden", "The operator key manages organisations and keys; use an organisation's key for this.");
  return actor.organisationId;
}

export function requireOperator(actor: Actor): void {
  if (actor.kind !== "operator") throw new AppError("forbidden", "Only the operator key may do this.");
}
