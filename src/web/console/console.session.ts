import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Actor } from "../../core/actor";
import { type LiveSession, loadSession as loadLive, SESSION_ABSOLUTE_MS, userActor } from "../../features/users/sign-in.service";
import type { Role } from "../../domain/people";
import { sameSecret } from "../../core/crypto";
import type { AppEnv } from "../../http/router";

/**
 * The console's session cookie: HttpOnly, Secure (browsers treat http://localhost as trustworthy,
 * so local use works too), SameSite=Lax so the link in a notice opens the page signed in, and only
 * sent to /console. Not `__Host-`: that prefix demands Path=/. The session itself is server-side
 * (src/features/users/sign-in.service.ts).
 */
export const SESSION_COOKIE = "console_session";
const COOKIE_OPTS = { httpOnly: true, secure: true, sameSite: "Lax", path: "/console" } as const;

export interface ConsoleSession {
  id: string;
  organisationId: string;
  organisationName: string;
  userName: string;
  role: Role;
  scope: "read" | "write";
  csrfToken: string;
  actor: Extract<Actor, { kind: "organisation" }>;
}

export const setSessionCookie = (c: Context<AppEnv>, token: string) => setCookie(c, SESSION_COOKIE, token, { ...COOKIE_OPTS, maxAge: SESSION_ABSOLUTE_MS / 1000 });
export const clearSessionCookie = (c: Context<AppEnv>) => deleteCookie(c, SESSION_COOKIE, COOKIE_OPTS);

const consoleSession = (s: LiveSession): ConsoleSession => {
  const actor = userActor(s.user);
  return {
    id: s.id,
    organisationId: s.user.organisationId,
    organisationName: s.organisationName,
    userName: s.user.name ?? s.user.email,
    role: s.user.role,
    scope: actor.scope,
    csrfToken: s.csrfToken,
    actor,
  };
};

/** The live session of the request's cookie; a replaced token goes back in the cookie. */
export async function loadSession(c: Context<AppEnv>): Promise<ConsoleSession | null> {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) return null;
  const live = await loadLive(c.get("deps"), token);
  if (!live) return null;
  if (live.rotatedToken) setSessionCookie(c, live.rotatedToken);
  return consoleSession(live);
}

/** Constant-time comparison of the form's CSRF token with the session's. */
export const csrfMatches = (sent: unknown, expected: string) => typeof sent === "string" && sameSecret(sent, expected);
