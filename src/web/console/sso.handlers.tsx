import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { FC } from "hono/jsx";
import { AppError } from "../../domain/errors";
import { FLOW_MINUTES, finishSso, ssoAvailable, startSso } from "../../features/users/sso.service";
import { sameSecret } from "../../core/crypto";
import { clientIp } from "../../http/context";
import type { AppEnv } from "../../http/router";
import { PEOPLE } from "../../i18n/people";
import { type ConsoleEnv, html, pageOf, pickLang } from "./console.handlers";
import { setSessionCookie } from "./console.session";
import { Layout, type Page } from "./console.views";
import { SignInPage } from "./people.views";

type C = Context<ConsoleEnv>;
const app = (c: C) => c as unknown as Context<AppEnv>;

/**
 * Binds a sign-in under way to the browser that started it: the state goes in a cookie, and the
 * callback signs in only when the answer's state is the cookie's. Without it, a link with a code
 * for someone else's account would sign the person who opens it in as that account.
 * SameSite=Lax: the provider sends the browser back with a top-level GET, which carries it.
 */
const FLOW_COOKIE = "console_sso";
const FLOW_COOKIE_OPTS = { httpOnly: true, secure: true, sameSite: "Lax", path: "/console/sso" } as const;

const callbackUri = (c: C) => `${c.get("deps").publicUrl}/console/sso/callback`;

/** The sign-in page again, with why single sign-on did not go on (the language switch leads back to sign-in, not here). */
const signInAgain = async (c: C, error: "sso_unavailable" | "sso_failed", status: number) =>
  html(c, <SignInPage {...pageOf(c)} path="/console/sign-in" sso={await ssoAvailable(c.get("deps"))} error={PEOPLE[pickLang(c)][error]} />, status);

/** The step from the form to the provider: it goes on at once, and says where in a link too. */
const ToProvider: FC<Page & { url: string }> = (p) => {
  const m = PEOPLE[p.lang];
  return (
    <Layout {...p} title={m.sso_heading}>
      <h1>{m.sso_heading}</h1>
      <p>
        <a href={p.url}>{m.sso_continue}</a>
      </p>
    </Layout>
  );
};

/**
 * The single sign-on form: off to the provider of the address's domain, or back with why not.
 * Not a redirect: the console's Content-Security-Policy (`form-action 'self'`) also governs
 * where a form's answer redirects, so browsers would stop a 303 to the provider. The answer is a
 * page that goes on by itself (Refresh, which that policy does not govern), with a link.
 */
export async function ssoStart(c: C) {
  const form = await c.req.parseBody();
  const email = typeof form.email === "string" ? form.email.trim() : "";
  if (!email.includes("@") || email.length > 254) return signInAgain(c, "sso_unavailable", 422);
  let started: Awaited<ReturnType<typeof startSso>>;
  try {
    started = await startSso(c.get("deps"), { email, redirectUri: callbackUri(c) });
  } catch (err) {
    // the provider could not be reached: nothing was started
    if (!(err instanceof AppError)) throw err;
    c.get("deps").logger.info("single sign-on not started", { request_id: c.get("requestId"), reason: err.message });
    return signInAgain(c, "sso_failed", 502);
  }
  if (!started) return signInAgain(c, "sso_unavailable", 422);
  setCookie(app(c), FLOW_COOKIE, started.state, { ...FLOW_COOKIE_OPTS, maxAge: FLOW_MINUTES * 60 });
  c.header("Refresh", `0; url=${started.url}`);
  return html(c, <ToProvider {...pageOf(c)} path="/console/sign-in" url={started.url} />);
}

/** Where the provider sends the browser back: a session and the inbox, or the sign-in page with why not (never an error page). */
export async function ssoCallback(c: C) {
  const search = new URL(c.req.url).search;
  const state = new URLSearchParams(search).get("state") ?? "";
  const bound = getCookie(c, FLOW_COOKIE) ?? "";
  deleteCookie(c, FLOW_COOKIE, FLOW_COOKIE_OPTS);
  const refuse = (reason: string) => {
    c.get("deps").logger.info("single sign-on refused", { request_id: c.get("requestId"), reason });
    return signInAgain(c, "sso_failed", 400);
  };
  if (!state || !bound || !sameSecret(state, bound)) return refuse("the answer's state is not the one this browser started with");
  try {
    // the redirect URI as registered at the provider, whatever address the request came in on
    const token = await finishSso(c.get("deps"), { callbackUrl: `${callbackUri(c)}${search}`, request: { id: c.get("requestId"), ip: clientIp(app(c)) } });
    setSessionCookie(app(c), token);
    return c.redirect("/console", 303);
  } catch (err) {
    if (err instanceof AppError) return refuse(err.message);
    throw err;
  }
}
