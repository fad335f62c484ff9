import type { Context } from "hono";
import type { Child, FC } from "hono/jsx";
import { AppError } from "../../domain/errors";
import { publicPath } from "../../features/public-page/public-page.service";
import { confirm, enabledPage, peekConfirmation, peekUnsubscribe, subscribe, type SubscriptionView, unsubscribe } from "../../features/public-page/subscriptions.service";
import { LINK_LIMITS } from "../../features/users/sign-in.service";
import { clientIp } from "../../http/context";
import type { AppEnv } from "../../http/router";
import type { Lang } from "../../i18n/messages";
import { isLang } from "../../i18n/negotiate";
import { langQuery, PAGE_CSP, pageLang } from "./public-page.pages";
import { STYLE, SubscribeForm } from "./public-page.render";
import { type Words, wordsFor } from "./public-page.words";

// Subscribing to a public page by e-mail (docs/rules.md, "Public page subscriptions"): the form's
// answer, the page behind a confirmation link (a button: a mail scanner that follows the link
// confirms nothing), and the page behind an unsubscribe link, whose POST is also the RFC 8058
// one-click request a mail client sends without an origin. No session exists here, so the two
// posts of our own forms are checked for coming from this site, as hono's csrf() middleware does.

type C = Context<AppEnv>;

const str = (v: unknown) => (typeof v === "string" ? v.trim() : "");

/** A form post from one of our pages: the browser says so (Sec-Fetch-Site), or its Origin is ours. */
const fromThisSite = (c: C) => c.req.header("sec-fetch-site") === "same-origin" || c.req.header("origin") === new URL(c.req.url).origin;

/** The language of a page behind a mail's link: `?lang=`, else the subscription's own. */
const linkLang = (c: C, fallback: Lang): Lang => {
  const lang = c.req.query("lang");
  return isLang(lang) ? lang : fallback;
};

const pageHref = (slug: string, lang: Lang) => `${publicPath(slug)}${langQuery(lang)}`;

/** A small standalone page in the public page's style: a heading, what happened, a way back. */
const Page: FC<{ w: Words; title: string; back?: string; children?: Child }> = ({ w, title, back, children }) => (
  <html lang={w.lang}>
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{title}</title>
      <style dangerouslySetInnerHTML={{ __html: STYLE }} />
    </head>
    <body>
      <main>
        <h1>{title}</h1>
        {children}
        {back ? (
          <p>
            <a href={back}>{w.m.back_to_page}</a>
          </p>
        ) : null}
      </main>
    </body>
  </html>
);

/** Never cached (the pages behind links carry their secrets in the address), nothing loaded, forms only to this site. */
async function html(c: C, w: Words, page: { toString(): string | Promise<string> }, status: 200 | 403 | 404 | 410 | 422 | 429 = 200, headers: Record<string, string> = {}) {
  const body = `<!DOCTYPE html>\n${await page.toString()}`;
  return c.html(body, status, { "Cache-Control": "no-store", "Content-Security-Policy": PAGE_CSP, "Content-Language": w.lang, ...headers });
}

const Message: FC<{ text: string; tone: "error" | "done" }> = ({ text, tone }) =>
  tone === "error" ? (
    <p class="error" role="alert">
      {text}
    </p>
  ) : (
    <p class="done" role="status">
      {text}
    </p>
  );

/** A page that says one thing: what was done, or why not. */
const say = (
  c: C,
  w: Words,
  m: { title: string; text: string; tone: "error" | "done"; back?: string },
  status: Parameters<typeof html>[3] = 200,
  headers: Record<string, string> = {},
) =>
  html(
    c,
    w,
    <Page w={w} title={m.title} back={m.back}>
      <Message tone={m.tone} text={m.text} />
    </Page>,
    status,
    headers,
  );

/**
 * POST /public/{slug}/subscribe: the same answer whether or not the address was subscribed; 429 past
 * the limits; 422 with the form again for a malformed address (nothing written); 403 for a post
 * from another site; an unknown or unpublished page is the page's 404.
 */
export async function postSubscribe(c: C) {
  const slug = c.req.param("slug") ?? "";
  const form = await c.req.parseBody();
  const chosen = str(form.lang);
  const w = wordsFor(isLang(chosen) ? chosen : pageLang(c));
  const back = pageHref(slug, w.lang);
  if (!fromThisSite(c)) return say(c, w, { title: w.m.subscribe_heading, text: w.m.form_refused, tone: "error", back }, 403);
  const email = str(form.email);
  try {
    const answer = await subscribe(c.get("deps"), { slug, email, lang: w.lang, ip: clientIp(c) });
    if (answer === "limited")
      return say(c, w, { title: w.m.subscribe_heading, text: w.m.subscribe_limited, tone: "error", back }, 429, { "Retry-After": String(LINK_LIMITS.windowMs / 1000) });
  } catch (err) {
    if (!(err instanceof AppError && err.code === "validation_failed")) throw err;
    const again = (
      <SubscribeForm action={`${publicPath(slug)}/subscribe`} processorName={(await enabledPage(c.get("deps"), slug)).name} w={w} error={w.m.subscribe_invalid} email={email} />
    );
    return html(
      c,
      w,
      <Page w={w} title={w.m.subscribe_heading} back={back}>
        {again}
      </Page>,
      422,
    );
  }
  return say(c, w, { title: w.m.subscribe_sent_title, text: w.m.subscribe_sent, tone: "done", back });
}

/** A link that is not (or no longer) one: 410 for a used or expired confirmation, 404 for an unsubscribe link that is not ours. */
const invalidLink = (c: C, status: 404 | 410) => {
  const w = wordsFor(pageLang(c));
  const back = pageHref(c.req.param("slug") ?? "", w.lang);
  if (status === 410) return say(c, w, { title: w.m.confirm_title, text: w.m.link_invalid, tone: "error", back }, 410);
  return say(c, w, { title: w.m.unsubscribe_title, text: w.m.unsubscribe_invalid, tone: "error", back }, 404);
};

const backOf = (found: SubscriptionView, lang: Lang) => (found.slug ? pageHref(found.slug, lang) : undefined);

/** GET …/subscription/confirm?token=: whose subscription, and a button; visiting it confirms nothing. */
export async function getConfirm(c: C) {
  const token = c.req.query("token") ?? "";
  const found = await peekConfirmation(c.get("deps"), token);
  if (!found) return invalidLink(c, 410);
  const w = wordsFor(linkLang(c, found.language));
  return html(
    c,
    w,
    <Page w={w} title={w.m.confirm_title}>
      <form method="post" action={new URL(c.req.url).pathname}>
        <p>{w.m.confirm_intro(found.address, found.pageName)}</p>
        <input type="hidden" name="token" value={token} />
        <input type="hidden" name="lang" value={w.lang} />
        <button type="submit">{w.m.confirm_button}</button>
      </form>
    </Page>,
  );
}

/** POST …/subscription/confirm: uses the link, once. */
export async function postConfirm(c: C) {
  const form = await c.req.parseBody();
  const chosen = str(form.lang);
  if (!fromThisSite(c)) {
    const w = wordsFor(isLang(chosen) ? chosen : pageLang(c));
    return say(c, w, { title: w.m.confirm_title, text: w.m.form_refused, tone: "error" }, 403);
  }
  const found = await confirm(c.get("deps"), str(form.token));
  if (!found) return invalidLink(c, 410);
  const w = wordsFor(isLang(chosen) ? chosen : found.language);
  return say(c, w, { title: w.m.confirm_title, text: w.m.confirmed(found.pageName), tone: "done", back: backOf(found, w.lang) });
}

/**
 * GET|POST …/unsubscribe?s=&t=: GET shows one button; POST (that button, or a mail client's
 * one-click `List-Unsubscribe=One-Click` with no origin) unsubscribes. A link whose secret is not
 * the subscription's is 404.
 */
export async function unsubscribePage(c: C) {
  const link = { id: c.req.query("s") ?? "", secret: c.req.query("t") ?? "" };
  const deps = c.get("deps");
  const found = c.req.method === "POST" ? await unsubscribe(deps, link) : await peekUnsubscribe(deps, link);
  if (!found) return invalidLink(c, 404);
  const w = wordsFor(linkLang(c, found.language));
  if (found.status === "unsubscribed") return say(c, w, { title: w.m.unsubscribe_title, text: w.m.unsubscribed(found.pageName), tone: "done", back: backOf(found, w.lang) });
  const url = new URL(c.req.url);
  return html(
    c,
    w,
    <Page w={w} title={w.m.unsubscribe_title}>
      <form method="post" action={url.pathname + url.search}>
        <p>{w.m.unsubscribe_intro(found.address, found.pageName)}</p>
        <button type="submit">{w.m.unsubscribe_button}</button>
      </form>
    </Page>,
  );
}
