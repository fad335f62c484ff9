import { and, eq, isNull } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
import { schema } from "../../db/client";
import { AppError } from "../domain/errors";
import type { AppEnv } from "./router";

/** Who is calling: the operator, or one organisation; always through one key. */
export type Actor =
  | { kind: "operator"; keyId: string; keyPrefix: string }
  | { kind: "organisation"; organisationId: string; keyId: string; keyPrefix: string };

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

/** SHA-256 of a secret, hex: what the database keeps instead of the secret. */
export async function hashSecret(secret: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Resolves `Authorization: Bearer sk_…` to an actor; any failure is the same 401. */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new AppError("unauthenticated", "Send an API key as `Authorization: Bearer sk_live_…`.");
  const { db } = c.get("deps");
  // The lookup is by hash, so the secret is never compared character by character.
  const hash = await hashSecret(match[1]!);
  const key = await db.query.apiKeys.findFirst({ where: and(eq(schema.apiKeys.secretHash, hash), isNull(schema.apiKeys.revokedAt)) });
  if (!key) throw new AppError("unauthenticated", "The API key is unknown or revoked.");
  c.set(
    "actor",
    key.organisationId === null
      ? { kind: "operator", keyId: key.id, keyPrefix: key.prefix }
      : { kind: "organisation", organisationId: key.organisationId, keyId: key.id, keyPrefix: key.prefix },
  );
  await next();
});

/** The calling organisation; the operator key gets 403 (it manages, it never reads an annex or decides). */
export function requireOrganisation(actor: Actor): string {
  if (actor.kind !== "organisation") throw new AppError("forbidden", "The operator key manages organisations and keys; use an organisation's key for this.");
  return actor.organisationId;
}

export function requireOperator(actor: Actor): void {
  if (actor.kind !== "operator") throw new AppError("forbidden", "Only the operator key may do this.");
}
