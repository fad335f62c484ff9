import type { Context } from "hono";
import { AppError } from "../../domain/errors";
import { defaultNotices, isNoticeKind, type NoticeKind } from "../../domain/notices";
import { ROLES, type Role } from "../../domain/people";
import { clientIp, ctxOf } from "../../http/context";
import type { AppEnv } from "../../http/router";
import { PEOPLE } from "../../i18n/people";
import { endSession, peekLink, redeemLink, requestSignInLink } from "../../features/users/sign-in.service";
import { getUser, inviteUser, listUsers, unsubscribe, updateUser } from "../../features/users/users.service";
import { ssoAvailable } from "../../features/users/sso.service";
import { BACK, type ConsoleEnv, html, pageOf, pickLang } from "./console.handlers";
import { clearSessionCookie, setSessionCookie } from "./console.session";
import { AccountPage, LinkInvalidPage, LinkPage, PeoplePage, SignInPage, UnsubscribePage } from "./people.views";

type C = Context<ConsoleEnv>;
const app = (c: C) => c as unknown as Context<AppEnv>;
const str = (v: unknown) => (typeof v === "string" ? v.trim() : "");
const nextOf = (v: unknown) => {
  const next = str(v);
  return next && BACK.test(next) ? next : undefined;
};
const requestOf = (c: C) => ({ id: c.get("requestId"), ip: clientIp(app(c)) });

export const signInForm = async (c: C) => html(c, <SignInPage {...pageOf(c)} sso={await ssoAvailable(c.get("deps"))} />);

/** Asks for a link: the same page whether or not the address has an account; 429 past the limits. */
export async function signInSubmit(c: C) {
  const form = await c.req.parseBody();
  const email = str(form.email);
  const sso = await ssoAvailable(c.get("deps"));
  if (!email.includes("@") || email.length > 254) return html(c, <SignInPage {...pageOf(c)} sso={sso} error={PEOPLE[pickLang(c)].link_invalid} />, 422);
  const result = await requestSignInLink(c.get("deps"), { email, ip: clientIp(app(c)), next: nextOf(form.back ?? c.req.query("back")) });
  if (result === "limited") return html(c, <SignInPage {...pageOf(c)} sso={sso} error={PEOPLE[pickLang(c)].link_limited} />, 429);
  return html(c, <SignInPage {...pageOf(c)} sso={sso} sent />);
}

/** The page a link opens: whom it signs in, and a button. Visiting it uses nothing. */
export async function linkPage(c: C) {
  const token = c.req.query("token") ?? "";
  const link = token ? await peekLink(c.get("deps"), token) : null;
  if (!link) return html(c, <LinkInvalidPage {...pageOf(c)} />, 410);
  const org = await c.get("deps").db.query.organisations.findFirst({ where: (o, { eq }) => eq(o.id, link.user.organisationId) });
  c.header("Referrer-Policy", "no-referrer");
  return html(
    c,
    <LinkPage {...pageOf(c)} token={token} next={nextOf(c.req.query("next"))} email={link.user.email} organisation={org?.name ?? ""} invitation={link.purpose === "invitation"} />,
  );
}

/** Uses the link: a session, then the page the person was going to. */
export async function linkSubmit(c: C) {
  const form = await c.req.parseBody();
  const redeemed = await redeemLink(c.get("deps"), { token: str(form.token), request: requestOf(c) });
  if (!redeemed) return html(c, <LinkInvalidPage {...pageOf(c)} />, 410);
  setSessionCookie(app(c), redeemed.session);
  return c.redirect(nextOf(form.next) ?? "/console", 303);
}

export async function signOut(c: C) {
  await endSession(c.get("deps"), c.get("session").id);
  clearSessionCookie(app(c));
  return c.redirect("/console/sign-in", 303);
}

const ctx = (c: C) => ctxOf(app(c));

const PEOPLE_DONE = ["invited", "updated"] as const;

async function renderPeople(c: C, extra: { error?: string } = {}, status = 200) {
  const session = c.get("session");
  if (session.role !== "admin") throw new AppError("forbidden", "Only an admin manages people.");
  const users = (await listUsers({ ctx: ctx(c), limit: 100 })).data;
  const done = PEOPLE_DONE.find((d) => d === c.req.query("done"));
  const m = PEOPLE[pickLang(c)];
  return html(c, <PeoplePage {...pageOf(c, session)} users={users} selfId={session.actor.user!.id} done={done && m.done[done]} {...extra} />, status);
}

export const peoplePage = (c: C) => renderPeople(c);

export async function invite(c: C) {
  const form = await c.req.parseBody();
  const role = ROLES.find((r) => r === form.role) ?? "viewer";
  const m = PEOPLE[pickLang(c)];
  try {
    await inviteUser({ ctx: ctx(c), input: { email: str(form.email), name: str(form.name) || undefined, role } });
  } catch (err) {
    if (err instanceof AppError && err.code === "validation_failed") {
      const taken = err.errors.some((e) => e.rule === "unique");
      return renderPeople(c, { error: taken ? m.address_taken : err.message }, 422);
    }
    throw err;
  }
  return c.redirect("/console/people?done=invited", 303);
}

export async function updatePerson(c: C) {
  const form = await c.req.parseBody();
  const role = ROLES.find((r) => r === form.role) as Role | undefined;
  const status = form.status === "active" || form.status === "deactivated" ? form.status : undefined;
  try {
    await updateUser({ ctx: ctx(c), id: c.req.param("id")!, input: { role, status } });
  } catch (err) {
    if (err instanceof AppError && err.code === "invalid_state") return renderPeople(c, { error: PEOPLE[pickLang(c)].last_admin }, 409);
    throw err;
  }
  return c.redirect("/console/people?done=updated", 303);
}

export async function accountPage(c: C) {
  const session = c.get("session");
  const user = await getUser({ ctx: ctx(c), id: session.actor.user!.id });
  const chosen = (user.notices ?? defaultNotices(user.role)) as readonly NoticeKind[];
  const done = c.req.query("done") === "saved" ? PEOPLE[pickLang(c)].done.saved : undefined;
  return html(c, <AccountPage {...pageOf(c, session)} user={user} chosen={chosen} done={done} />);
}

export async function saveAccount(c: C) {
  const form = await c.req.parseBody({ all: true });
  const raw = form.notices;
  const notices = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String).filter(isNoticeKind);
  const language = form.language === "da" || form.language === "sv" || form.language === "en" ? form.language : null;
  await updateUser({ ctx: ctx(c), id: c.get("session").actor.user!.id, input: { notices: [...new Set(notices)], language } });
  return c.redirect("/console/account?done=saved", 303);
}

/**
 * A mail's unsubscribe link: GET shows one button; POST (the button, or a mail client's RFC 8058
 * one-click request) turns that kind of notice off. The link's token is the person's mail token.
 */
export async function unsubscribePage(c: Context<AppEnv>) {
  const kind = c.req.query("k") ?? "";
  if (!isNoticeKind(kind)) return c.notFound();
  const action = new URL(c.req.url).pathname + new URL(c.req.url).search;
  const page = { lang: pickLang(c), path: "/console" };
  if (c.req.method === "POST") {
    const ok = await unsubscribe(c.get("deps"), { userId: c.req.query("u") ?? "", token: c.req.query("t") ?? "", kind });
    if (!ok) return c.notFound();
    return html(c, <UnsubscribePage {...page} kind={kind} action={action} done />);
  }
  return html(c, <UnsubscribePage {...page} kind={kind} action={action} done={false} />);
}
