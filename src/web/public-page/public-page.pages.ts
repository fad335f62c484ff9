import type { Context } from "hono";
import type { AppEnv } from "../../http/router";
import * as service from "../../features/public-page/public-page.service";
import { conditionalResponse } from "./public-page.conditional";
import { atomFeed, jsonFeed } from "./public-page.feeds";
import { renderPublicPage } from "./public-page.render";

// The open routes below have no API key and no actor: they read only what the processor published.

const loadView = (c: Context<AppEnv>) => {
  const { db, clock } = c.get("deps");
  return service.loadPublicView({ db, clock, slug: c.req.param("slug") ?? "" });
};

const urlsFor = (c: Context<AppEnv>, slug: string) => {
  const page = `${new URL(c.req.url).origin}${service.publicPath(slug)}`;
  return { page, atom: `${page}/feed.atom`, json: `${page}/feed.json` };
};

/** The page allows nothing to run or load: only its own inline style. */
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export async function getPublicPage(c: Context<AppEnv>) {
  const view = await loadView(c);
  const path = service.publicPath(view.slug);
  const body = await renderPublicPage(view, { atom: `${path}/feed.atom`, json: `${path}/feed.json` });
  return conditionalResponse(c, body, "text/html; charset=utf-8", view.lastModified, { "Content-Security-Policy": PAGE_CSP });
}

// public data without credentials: a web-based reader on another origin may fetch the feeds
const FEED_HEADERS = { "Access-Control-Allow-Origin": "*" };

export async function getPublicAtomFeed(c: Context<AppEnv>) {
  const view = await loadView(c);
  return conditionalResponse(c, await atomFeed(view, urlsFor(c, view.slug)), "application/atom+xml; charset=utf-8", view.lastModified, FEED_HEADERS);
}

export async function getPublicJsonFeed(c: Context<AppEnv>) {
  const view = await loadView(c);
  return conditionalResponse(c, await jsonFeed(view, urlsFor(c, view.slug)), "application/feed+json; charset=utf-8", view.lastModified, FEED_HEADERS);
}
