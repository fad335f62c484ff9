import type { Context } from "hono";
import type { AppEnv, AppRouteHandler } from "../../http/router";
import { ctxOf } from "../../http/context";
import { conditionalResponse } from "./public-page.conditional";
import { atomFeed, jsonFeed } from "./public-page.feeds";
import { renderPublicPage } from "./public-page.render";
import type * as R from "./public-page.routes";
import * as service from "./public-page.service";

export const getOwnPublicPage: AppRouteHandler<R.GetOwnPublicPageRoute> = async (c) => c.json(await service.getOwnPublicPage({ ctx: ctxOf(c) }), 200);

export const updateOwnPublicPage: AppRouteHandler<R.UpdateOwnPublicPageRoute> = async (c) =>
  c.json(await service.updateOwnPublicPage({ ctx: ctxOf(c), input: c.req.valid("json") }), 200);

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
