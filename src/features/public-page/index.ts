import { createRouter } from "../../http/router";
import * as handlers from "./public-page.handlers";
import * as routes from "./public-page.routes";

// /v1/organisations/me/public-page: OpenAPI routes behind the API key.
// /public/{slug}…: plain Hono routes, open to anyone and outside the OpenAPI document (they
// answer HTML and feeds, never JSON API errors other than 404, and need no key).
export const publicPageRouter = createRouter()
  .openapi(routes.getOwnPublicPage, handlers.getOwnPublicPage)
  .openapi(routes.updateOwnPublicPage, handlers.updateOwnPublicPage)
  .get("/public/:slug/feed.atom", handlers.getPublicAtomFeed)
  .get("/public/:slug/feed.json", handlers.getPublicJsonFeed)
  .get("/public/:slug", handlers.getPublicPage);
