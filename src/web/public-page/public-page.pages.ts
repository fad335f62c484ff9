import type { Context } from "hono";
import type { AppEnv } from "../../http/router";
import * as service from "../../features/public-page/public-page.service";
import type { Lang } from "../../i18n/messages";
import { isLang, negotiateLang } from "../../i18n/negotiate";
import { conditionalResponse } from "./public-page.conditional";
import { atomFeed, jsonFeed } from "./public-page.feeds";
import { renderPublicPage } from "./public-page.render";

// The open routes below have no API key and no actor: they read only what the processor published.

const loadView = (c: Context<AppEnv>) => {
  const { db, clock } = c.get("deps");
  return service.loadPublicView({ db, clock, slug: c.req.param("slug") ?? "" });
};

/** `?lang=` for a language other than English: English is the page's and the feeds' default address. */
export const langQuery = (lang: Lang) => (lang === "en" ? "" : `?lang=${lang}`);

const urlsFor = (c: Context<AppEnv>, slug: string, lang: Lang) => {
  const page = `${new URL(c.req.url).origin}${service.publicPath(slug)}`;
  const q = langQuery(lang);
  return { page: `${page}${q}`, atom: `${page}/feed.atom${q}`, json: `${page}/feed.json${q}` };
};

/** The page allows nothing to run or load: only its own inline style, and its subscribe form posting to this site. */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** The page's language: `?lang=da|sv|en`, else the best of Accept-Language, else English (src/i18n/negotiate.ts). */
export const pageLang = (c: Context) => negotiateLang(c.req.header("accept-language"), c.req.query("lang"));

/** The feeds' language: `?lang=` only, as feed readers send Accept-Language headers of their own; else English. */
export const feedLang = (c: Context): Lang => {
  const lang = c.req.query("lang");
  return isLang(lang) ? lang : "en";
};

export async function getPublicPage(c: Context<AppEnv>) {
  const view = await loadView(c);
  const lang = pageLang(c);
  const path = service.publicPath(view.slug);
  const q = langQuery(lang);
  const body = await renderPublicPage(
    view,
    { atom: `${path}/feed.atom${q}`, json: `${path}/feed.json${q}`, lang: (l) => `${path}?lang=${l}`, subscribe: `${path}/subscribe` },
    lang,
  );
  return conditionalResponse(
    c,
    body,
    "text/html; charset=utf-8",
    view.lastModified,
    // the same address answers in the language the request asks for: a cache keeps one copy per language
    { "Content-Security-Policy": PAGE_CSP, "Content-Language": lang, Vary: "Accept-Language" },
    lang,
  );
}

// public data without credentials: a web-based reader on another origin may fetch the feeds
const FEED_HEADERS = { "Access-Control-Allow-Origin": "*" };

export async function getPublicAtomFeed(c: Context<AppEnv>) {
  const view = await loadView(c);
  const lang = feedLang(c);
  const body = await atomFeed(view, urlsFor(c, view.slug, lang), lang);
  return conditionalResponse(c, body, "application/atom+xml; charset=utf-8", view.lastModified, { ...FEED_HEADERS, "Content-Language": lang }, lang);
}

export async function getPublicJsonFeed(c: Context<AppEnv>) {
  const view = await loadView(c);
  const lang = feedLang(c);
  const body = await jsonFeed(view, urlsFor(c, view.slug, lang), lang);
  return conditionalResponse(c, body, "application/feed+json; charset=utf-8", view.lastModified, { ...FEED_HEADERS, "Content-Language": lang }, lang);
}
