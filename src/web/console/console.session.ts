import { and, eq, isNull } from "drizzle-orm";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { schema } from "../../../db/client";
import type { Deps } from "../../deps";
import type { Actor } from "../../core/actor";
import { hashSecret } from "../../core/crypto";
import type { AppEnv } from "../../http/router";

/**
 * The console's session cookie. Always Secure (browsers treat http://localhost and
 * 127.0.0.1 as trustworthy, so local use works too), HttpOnly, SameSite=Strict and only
 * sent to /console. Not `__Host-`: that prefix demands Path=/.
 */
export const SESSION_COOKIE = "console_session";
export const SESSION_HOURS = 8;
const COOKIE_OPTS = { httpOnly: true, secure: true, sameSite: "Strict", path: "/console" } as const;

const randomToken = () => {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
};

export interface ConsoleSession {
  id: string;
  organisationId: string;
  organisationName: string;
  scope: "read" | "write";
  csrfToken: string;
  actor: Extract<Actor, { kind: "organisation" }>;
}

export type SignInResult = { ok: true; token: string } | { ok: false; reason: "invalid" | "operator" };

/** Exchanges a pasted API key for a session; the operator key and unknown, revoked or expired keys cannot sign in. */
export async function signIn(deps: Deps, secret: string): Promise<SignInResult> {
  const k = schema.apiKeys;
  const key = secret ? await deps.db.query.apiKeys.findFirst({ where: and(eq(k.secretHash, await hashSecret(secret)), isNull(k.revokedAt)) }) : undefined;
  if (!key || (key.expiresAt && key.expiresAt <= deps.clock.now())) return { ok: false, reason: "invalid" };
  // a session lasts in real time: moving a test clock neither ends it nor keeps it alive
  const now = deps.wallClock.now();
  if (key.organisationId === null) return { ok: false, reason: "operator" };
  const token = randomToken();
  await deps.db.insert(schema.consoleSessions).values({
    id: await hashSecret(token),
    organisationId: key.organisationId,
    keyId: key.id,
    keyScope: key.scope,
    csrfToken: randomToken(),
    createdAt: now,
    expiresAt: new Date(now.getTime() + SESSION_HOURS * 3600_000),
  });
  return { ok: true, token };
}

export const setSessionCookie = (c: Context<AppEnv>, token: string) => setCookie(c, SESSION_COOKIE, token, { ...COOKIE_OPTS, maxAge: SESSION_HOURS * 3600 });
export const clearSessionCookie = (c: Context<AppEnv>) => deleteCookie(c, SESSION_COOKIE, COOKIE_OPTS);

/** The live session of the request's cookie: the session and its key must both be unrevoked and unexpired. */
export async function loadSession(c: Context<AppEnv>): Promise<ConsoleSession | null> {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) return null;
  const { db, clock, wallClock } = c.get("deps");
  const now = clock.now();
  const s = await db.query.consoleSessions.findFirst({ where: and(eq(schema.consoleSessions.id, await hashSecret(token)), isNull(schema.consoleSessions.revokedAt)) });
  if (!s || s.expiresAt <= wallClock.now()) return null;
  const key = await db.query.apiKeys.findFirst({ where: eq(schema.apiKeys.id, s.keyId) });
  if (!key || key.revokedAt || (key.expiresAt && key.expiresAt <= now) || key.organisationId !== s.organisationId) return null;
  const org = await db.query.organisations.findFirst({ where: eq(schema.organisations.id, s.organisationId) });
  return {
    id: s.id,
    organisationId: s.organisationId,
    organisationName: org?.name ?? "",
    scope: s.keyScope,
    csrfToken: s.csrfToken,
    actor: { kind: "organisation", organisationId: s.organisationId, keyId: key.id, keyPrefix: key.prefix, scope: s.keyScope },
  };
}

export async function revokeSession(deps: Deps, id: string) {
  await deps.db.update(schema.consoleSessions).set({ revokedAt: deps.wallClock.now() }).where(eq(schema.consoleSessions.id, id));
}

/** Constant-time comparison of the form's CSRF token with the session's. */
export function csrfMatches(sent: unknown, expected: string): boolean {
  if (typeof sent !== "string" || sent.length !== expected.length) return false;
  let diff = 0;
  for (let i = 0; i < sent.length; i++) diff |= sent.charCodeAt(i) ^ expected.charCodeAt(i);
  return diff === 0;
}
