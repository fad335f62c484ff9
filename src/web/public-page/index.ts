import { Hono } from "hono";
import type { AppEnv } from "../../http/router";
import * as pages from "./public-page.pages";
import * as subscriptions from "./public-page.subscriptions";

// /public/{slug}…: open to anyone, outside the OpenAPI document (they answer HTML and feeds, never
// JSON API errors other than 404, and need no key).
export const publicPagesRouter = new Hono<AppEnv>()
  .get("/public/:slug/feed.atom", pages.getPublicAtomFeed)
  .get("/public/:slug/feed.json", pages.getPublicJsonFeed)
  .get("/public/:slug", pages.getPublicPage)
  .post("/public/:slug/subscribe", subscriptions.postSubscribe)
  .get("/public/:slug/subscription/confirm", subscriptions.getConfirm)
  .post("/public/:slug/subscription/confirm", subscriptions.postConfirm)
  .on(["GET", "POST"], "/public/:slug/unsubscribe", subscriptions.unsubscribePage);
