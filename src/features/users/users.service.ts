import { and, desc, eq, lt, sql } from "drizzle-orm";
import type { z } from "zod";
import { schema } from "../../../db/client";
import { type Actor, actingUser, personOf } from "../../core/actor";
import type { Ctx } from "../../core/context";
import { iso } from "../../core/context";
import { hashSecret, randomToken, sameSecret } from "../../core/crypto";
import { mailRow } from "../../core/mail-outbox";
import { decodeCursor, toPage } from "../../core/pagination";
import { commit, guarded, retryOnConflict } from "../../core/writer";
import { AppError, notFound, validationFailed } from "../../domain/errors";
import { defaultNotices, mailLanguage, type NoticeKind } from "../../domain/notices";
import { normaliseEmail, type Role, roleAllows } from "../../domain/people";
import type { InviteUserBody, UpdateUserBody } from "./users.schemas";

const u = schema.users;
export type UserRow = typeof u.$inferSelect;

/** How long an invitation's link can be used. */
export const INVITATION_DAYS = 7;

export const presentUser = (r: UserRow) => ({
  object: "user" as const,
  id: r.id,
  organisation_id: r.organisationId,
  email: r.email,
  name: r.name,
  role: r.role,
  language: r.language,
  notices: (r.notices ?? null) as NoticeKind[] | null,
  status: r.status,
  source: r.source,
  invited_by: r.invitedBy ?? null,
  created_at: r.createdAt.toISOString(),
  last_sign_in_at: iso(r.lastSignInAt),
});

/**
 * The organisation whose people the caller manages: the operator names it (it invites the first
 * admin); an organisation manages its own, through a key of its own or as a signed-in admin.
 */
function managedOrganisation(actor: Actor, named?: string): string {
  if (actor.kind === "operator") {
    if (!named) throw new AppError("forbidden", "The operator invites people into a named organisation: POST /v1/organisations/{organisation_id}/users.");
    return named;
  }
  if (actor.kind !== "organisation") throw new AppError("forbidden", "Only an organisation or the operator manages people.");
  if (named) throw new AppError("forbidden", "This route is the operator's; an organisation invites its people with POST /v1/users.");
  if (actor.user && !roleAllows(actor.user.role, "admin")) throw new AppError("forbidden", "Only an admin of the organisation manages its people.");
  return actor.organisationId;
}

/** The link a sign-in or invitation mail carries: it opens a page that asks before it signs in (a mail scanner's visit uses nothing). */
export const signInUrl = (ctx: Pick<Ctx, "publicUrl">, token: string, next?: string) =>
  `${ctx.publicUrl}/console/sign-in/link?token=${encodeURIComponent(token)}${next ? `&next=${encodeURIComponent(next)}` : ""}`;

/** A single-use token row for a user, and the token itself (only its hash is stored). */
export async function tokenFor(ctx: Pick<Ctx, "clock">, userId: string, purpose: "sign_in" | "invitation", ttlMs: number) {
  const token = randomToken();
  const now = ctx.clock.now();
  const row: typeof schema.signInTokens.$inferInsert = { id: await hashSecret(token), userId, purpose, createdAt: now, expiresAt: new Date(now.getTime() + ttlMs) };
  return { token, row };
}

/**
 * Invites a person into an organisation: an invited user, a single-use link valid for 7 days and
 * its mail, committed together. An address belongs to one person in the register.
 */
export async function inviteUser({ ctx, input, organisationId }: { ctx: Ctx; input: z.infer<typeof InviteUserBody>; organisationId?: string }) {
  const org = managedOrganisation(ctx.actor, organisationId);
  const organisation = await ctx.db.query.organisations.findFirst({ where: eq(schema.organisations.id, org) });
  if (!organisation) throw notFound("organisation");
  const email = normaliseEmail(input.email);
  if (await ctx.db.query.users.findFirst({ where: eq(u.email, email) }))
    throw validationFailed([{ pointer: "/email", rule: "unique", detail: "This address already belongs to a person in the register." }], "The person cannot be invited.");
  const now = ctx.clock.now();
  const row: UserRow = {
    id: ctx.newId("user"),
    organisationId: org,
    email,
    name: input.name ?? null,
    role: input.role,
    language: input.language ?? null,
    notices: null,
    status: "invited",
    source: "invitation",
    invitedBy: personOf(ctx.actor),
    mailToken: randomToken(),
    createdAt: now,
    updatedAt: now,
    lastSignInAt: null,
  };
  const { token, row: tokenRow } = await tokenFor(ctx, row.id, "invitation", INVITATION_DAYS * 86_400_000);
  const mail = mailRow(ctx, {
    kind: "invitation",
    userId: row.id,
    organisationId: org,
    toAddress: email,
    language: mailLanguage(row.language, organisation.country),
    payload: {
      url: signInUrl(ctx, token),
      organisation_name: organisation.name,
      invited_by: row.invitedBy?.name ?? row.invitedBy?.email ?? null,
      role: row.role,
      expires_days: INVITATION_DAYS,
    },
  });
  const user = presentUser(row);
  await commit(ctx, {
    // the unique index refuses a second invitation of the same address that raced this one
    writes: [ctx.db.insert(u).values(row), ctx.db.insert(schema.signInTokens).values(tokenRow), ctx.db.insert(schema.mails).values(mail)],
    audit: [{ action: "user.invited", resourceType: "user", resourceId: row.id, detail: { organisation_id: org, role: row.role } }],
    response: user,
  });
  return user;
}

/** The organisation's people, newest first: anyone of the organisation may read who else is in it. */
export async function listUsers({ ctx, limit, cursor }: { ctx: Ctx; limit: number; cursor?: string }) {
  if (ctx.actor.kind !== "organisation") throw new AppError("forbidden", "The operator key manages organisations and keys; use an organisation's key for this.");
  const org = ctx.actor.organisationId;
  const after = decodeCursor(cursor, "string");
  const rows = await ctx.db.query.users.findMany({
    where: and(eq(u.organisationId, org), after ? lt(u.id, after) : undefined),
    orderBy: desc(u.id),
    limit: limit + 1,
  });
  return toPage(rows.map(presentUser), limit, (r) => r.id);
}

/** A person of the caller's organisation; anyone else's answers as a missing one. */
async function loadUser(ctx: Ctx, id: string): Promise<UserRow> {
  if (ctx.actor.kind !== "organisation") throw new AppError("forbidden", "The operator key manages organisations and keys; use an organisation's key for this.");
  const row = await ctx.db.query.users.findFirst({ where: and(eq(u.id, id), eq(u.organisationId, ctx.actor.organisationId)) });
  if (!row) throw notFound("user");
  return row;
}

export const getUser = async ({ ctx, id }: { ctx: Ctx; id: string }) => presentUser(await loadUser(ctx, id));

/** What only an admin may change: the role and whether the person can sign in. A person may change their own name, language and notices. */
const ADMIN_FIELDS = ["role", "status"] as const;

/**
 * Changes a person: their name, language and notices (themselves or an admin), their role or
 * status (an admin). Deactivating ends their sessions and revokes the keys tied to them. The last
 * active admin stays an admin: the guard counts the others in the same statement.
 */
export async function updateUser({ ctx, id, input }: { ctx: Ctx; id: string; input: z.infer<typeof UpdateUserBody> }) {
  return retryOnConflict(async () => {
    const row = await loadUser(ctx, id);
    const actor = ctx.actor as Extract<Actor, { kind: "organisation" }>;
    const self = actor.user?.id === row.id;
    const byAdmin = !actor.user || roleAllows(actor.user.role, "admin");
    if (!byAdmin && (!self || ADMIN_FIELDS.some((f) => input[f] !== undefined))) throw new AppError("forbidden", "Only an admin changes another person, or a role or status.");
    const now = ctx.clock.now();
    const status = input.status === undefined ? row.status : input.status === "deactivated" ? "deactivated" : row.lastSignInAt ? "active" : "invited";
    const next: UserRow = {
      ...row,
      name: input.name === undefined ? row.name : input.name,
      role: (input.role ?? row.role) as Role,
      status,
      language: input.language === undefined ? row.language : input.language,
      notices: input.notices === undefined ? row.notices : input.notices,
      updatedAt: now,
    };
    const losesAdmin = row.role === "admin" && row.status !== "deactivated" && (next.role !== "admin" || next.status === "deactivated");
    const others = sql`(SELECT count(*) FROM users WHERE organisation_id = ${row.organisationId} AND role = 'admin' AND status <> 'deactivated' AND id <> ${row.id})`;
    const update = ctx.db
      .update(u)
      .set({ name: next.name, role: next.role, status: next.status, language: next.language, notices: next.notices, updatedAt: now })
      .where(and(eq(u.id, row.id), eq(u.updatedAt, row.updatedAt), losesAdmin ? sql`${others} > 0` : undefined));
    if (losesAdmin) {
      const count = await ctx.db.get<{ n: number }>(sql`SELECT ${others} AS n`);
      if (!count || Number(count.n) === 0) throw new AppError("invalid_state", "The organisation's last active admin cannot stop being one; make another person admin first.");
    }
    const deactivating = next.status === "deactivated" && row.status !== "deactivated";
    const writes = [
      guarded("user.unchanged", update),
      ...(deactivating
        ? [
            ctx.db
              .update(schema.userSessions)
              .set({ revokedAt: ctx.wallClock.now() })
              .where(and(eq(schema.userSessions.userId, row.id), sql`revoked_at IS NULL`)),
            ctx.db
              .update(schema.apiKeys)
              .set({ revokedAt: now })
              .where(and(eq(schema.apiKeys.userId, row.id), sql`revoked_at IS NULL`)),
          ]
        : []),
    ];
    // what changed, but not a new name: personal data stays out of the hashed record
    const changed = Object.fromEntries(Object.entries(input).filter(([k, v]) => v !== undefined && k !== "name"));
    const user = presentUser(next);
    await commit(ctx, {
      writes,
      audit: [{ action: deactivating ? "user.deactivated" : "user.updated", resourceType: "user", resourceId: row.id, detail: changed }],
      response: user,
    });
    return user;
  });
}

/**
 * A mail's one-click unsubscribe: the person's mail token proves the link came in a mail to them;
 * the kind of notice is turned off, and the change recorded as theirs.
 */
export async function unsubscribe(deps: Pick<Ctx, "db" | "clock" | "newId" | "webhooks">, input: { userId: string; token: string; kind: NoticeKind }): Promise<boolean> {
  const row = await deps.db.query.users.findFirst({ where: eq(u.id, input.userId) });
  if (!row || !sameSecret(input.token, row.mailToken)) return false;
  const notices = (row.notices ?? defaultNotices(row.role)).filter((k) => k !== input.kind);
  await commit(
    { ...deps, actor: { kind: "organisation", organisationId: row.organisationId, keyId: null, keyPrefix: null, scope: "read", user: actingUser(row) } },
    {
      writes: [deps.db.update(u).set({ notices, updatedAt: deps.clock.now() }).where(eq(u.id, row.id))],
      audit: [{ action: "user.unsubscribed", resourceType: "user", resourceId: row.id, detail: { kind: input.kind } }],
    },
  );
  return true;
}

/** The link in a mail that turns off its kind of notice (List-Unsubscribe). */
export const unsubscribeUrl = (publicUrl: string, user: Pick<UserRow, "id" | "mailToken">, kind: string) =>
  `${publicUrl}/mail/unsubscribe?u=${encodeURIComponent(user.id)}&k=${encodeURIComponent(kind)}&t=${encodeURIComponent(user.mailToken)}`;
