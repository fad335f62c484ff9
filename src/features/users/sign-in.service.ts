import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { schema } from "../../../db/client";
import { type Actor, actingUser } from "../../core/actor";
import type { Ctx } from "../../core/context";
import { hashSecret, randomToken } from "../../core/crypto";
import { mailRow } from "../../core/mail-outbox";
import { countRequest } from "../../core/request-limits";
import { commit, Conflict, guarded } from "../../core/writer";
import type { Deps } from "../../deps";
import { mailLanguage } from "../../domain/notices";
import { normaliseEmail } from "../../domain/people";
import { signInUrl, tokenFor, type UserRow } from "./users.service";

/**
 * Sign-in by e-mail link and the sessions it opens (docs/rules.md, "People and sign-in"). Links
 * are single use, live 15 minutes and are stored hashed; asking for one answers the same whether
 * or not the address has an account; sessions are server-side, end when idle or at an absolute
 * limit, and get a new token as they are used.
 */
export const LINK_MINUTES = 15;
/** Link requests per address, and per client address, in a window. */
export const LINK_LIMITS = { perAddress: 5, perIp: 20, windowMs: 15 * 60_000 } as const;
export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_ABSOLUTE_MS = 12 * 3600_000;
/** A session's token is replaced when it is used this long after the last replacement. */
export const SESSION_ROTATE_MS = 10 * 60_000;

type Writer = Pick<Deps, "db" | "clock" | "newId" | "webhooks" | "publicUrl" | "wallClock">;

const t = schema.signInTokens;
const s = schema.userSessions;

/** A person acting in the console: their organisation, as them, with their role's reach. */
export const userActor = (user: UserRow): Extract<Actor, { kind: "organisation" }> => ({
  kind: "organisation",
  organisationId: user.organisationId,
  keyId: null,
  keyPrefix: null,
  scope: user.role === "viewer" ? "read" : "write",
  user: actingUser(user),
});

/**
 * Asks for a sign-in link. Both the address and the client address are counted first, whether or
 * not the address has an account, so the answer (sent, or limited) tells nothing about it. A link
 * goes only to an address of a person who is not deactivated.
 */
export async function requestSignInLink(deps: Writer, input: { email: string; ip: string | null; next?: string }): Promise<"sent" | "limited"> {
  const email = normaliseEmail(input.email);
  const now = deps.clock.now();
  const { limited, writes: counted } = await countRequest(deps, now, LINK_LIMITS.windowMs, [
    { subject: `email:${email}`, max: LINK_LIMITS.perAddress },
    ...(input.ip ? [{ subject: `ip:${input.ip}`, max: LINK_LIMITS.perIp }] : []),
  ]);
  if (limited) {
    await commit(deps, { writes: counted });
    return "limited";
  }
  const user = await deps.db.query.users.findFirst({ where: eq(schema.users.email, email) });
  if (!user || user.status === "deactivated") {
    await commit(deps, { writes: counted });
    return "sent";
  }
  const organisation = await deps.db.query.organisations.findFirst({ where: eq(schema.organisations.id, user.organisationId) });
  const { token, row } = await tokenFor(deps, user.id, "sign_in", LINK_MINUTES * 60_000);
  const mail = mailRow(deps, {
    kind: "sign_in",
    userId: user.id,
    organisationId: user.organisationId,
    toAddress: user.email,
    language: mailLanguage(user.language, organisation?.country ?? ""),
    payload: { url: signInUrl(deps, token, input.next), expires_minutes: LINK_MINUTES, organisation_name: organisation?.name ?? "" },
  });
  await commit(deps, { writes: [...counted, deps.db.insert(t).values(row), deps.db.insert(schema.mails).values(mail)] });
  return "sent";
}

/** Whether a link's token is one that can still be used, without using it: what the page behind the link shows first. */
export async function peekLink(deps: Pick<Deps, "db" | "clock">, token: string) {
  const row = await deps.db.query.signInTokens.findFirst({ where: eq(t.id, await hashSecret(token)) });
  if (!row || row.usedAt || row.expiresAt <= deps.clock.now()) return null;
  const user = await deps.db.query.users.findFirst({ where: eq(schema.users.id, row.userId) });
  return user && user.status !== "deactivated" ? { purpose: row.purpose, user } : null;
}

/**
 * Uses a link: it is spent in the same change that records the sign-in and opens the session, so
 * two uses of one link cannot both sign in. Null when the link is unknown, used, expired, or its
 * person deactivated.
 */
export async function redeemLink(deps: Writer, input: { token: string; request?: Ctx["request"] }): Promise<{ user: UserRow; session: string } | null> {
  const link = await peekLink(deps, input.token);
  if (!link) return null;
  const now = deps.clock.now();
  const spend = deps.db
    .update(t)
    .set({ usedAt: now })
    .where(and(eq(t.id, await hashSecret(input.token)), isNull(t.usedAt), gt(t.expiresAt, now)));
  try {
    return { user: link.user, session: await openSession(deps, link.user, "email", { spend: guarded("sign_in_token.unused", spend), request: input.request }) };
  } catch (err) {
    if (err instanceof Conflict) return null;
    throw err;
  }
}

/**
 * Opens a session for a person (after a link or single sign-on): the sign-in is recorded in the
 * audit trail with the person and the client address, and an invited person becomes active.
 */
export async function openSession(
  deps: Writer,
  user: UserRow,
  method: "email" | "sso",
  opts: { spend?: ReturnType<typeof guarded>; request?: Ctx["request"] } = {},
): Promise<string> {
  const token = randomToken();
  const wall = deps.wallClock.now();
  const now = deps.clock.now();
  await commit(
    { ...deps, actor: userActor(user), request: opts.request },
    {
      writes: [
        ...(opts.spend ? [opts.spend] : []),
        deps.db
          .update(schema.users)
          .set({ status: "active", lastSignInAt: now, updatedAt: now })
          .where(and(eq(schema.users.id, user.id), sql`status <> 'deactivated'`)),
        deps.db.insert(s).values({
          id: await hashSecret(token),
          userId: user.id,
          organisationId: user.organisationId,
          method,
          csrfToken: randomToken(),
          createdAt: wall,
          rotatedAt: wall,
          lastSeenAt: wall,
          expiresAt: new Date(wall.getTime() + SESSION_ABSOLUTE_MS),
        }),
      ],
      audit: [{ action: "user.signed_in", resourceType: "user", resourceId: user.id, detail: { method } }],
    },
  );
  return token;
}

export interface LiveSession {
  id: string;
  user: UserRow;
  organisationName: string;
  csrfToken: string;
  /** a new cookie token, when this use replaced it */
  rotatedToken?: string;
}

/**
 * The live session of a cookie's token: not revoked, not idle past its limit, within its absolute
 * limit, its person not deactivated. Using it moves its idle limit, and, now and then, its token.
 */
export async function loadSession(deps: Pick<Deps, "db" | "wallClock">, token: string): Promise<LiveSession | null> {
  const id = await hashSecret(token);
  // the session, its person and their organisation in one read: every console request makes it
  const [found] = await deps.db
    .select({ row: s, user: schema.users, organisationName: schema.organisations.name })
    .from(s)
    .innerJoin(schema.users, eq(schema.users.id, s.userId))
    .innerJoin(schema.organisations, eq(schema.organisations.id, s.organisationId))
    .where(and(eq(s.id, id), isNull(s.revokedAt)))
    .limit(1);
  const wall = deps.wallClock.now();
  if (!found) return null;
  const { row, user } = found;
  if (row.expiresAt <= wall || row.lastSeenAt.getTime() + SESSION_IDLE_MS <= wall.getTime()) return null;
  if (user.status === "deactivated" || user.organisationId !== row.organisationId) return null;
  const session: LiveSession = { id, user, organisationName: found.organisationName, csrfToken: row.csrfToken };
  if (wall.getTime() - row.rotatedAt.getTime() >= SESSION_ROTATE_MS) {
    const fresh = randomToken();
    const freshId = await hashSecret(fresh);
    // only the first of two requests racing with the old token replaces it; the other goes on as it was
    const moved = await deps.db
      .update(s)
      .set({ id: freshId, rotatedAt: wall, lastSeenAt: wall })
      .where(and(eq(s.id, id), eq(s.rotatedAt, row.rotatedAt)))
      .returning({ id: s.id });
    if (moved.length) return { ...session, id: freshId, rotatedToken: fresh };
  } else if (wall.getTime() - row.lastSeenAt.getTime() >= 60_000) {
    // the idle limit moves at most once a minute: a page's requests do not each write
    await deps.db.update(s).set({ lastSeenAt: wall }).where(eq(s.id, id));
  }
  return session;
}

export async function endSession(deps: Pick<Deps, "db" | "wallClock">, id: string) {
  await deps.db.update(s).set({ revokedAt: deps.wallClock.now() }).where(eq(s.id, id));
}
