import { createRouter } from "../../http/router";
import * as handlers from "./public-page.handlers";
import * as routes from "./public-page.routes";

// /v1/organisations/me/public-page: OpenAPI routes behind the API key. The page itself is src/web/public-page.
export const publicPageRouter = createRouter().openapi(routes.getOwnPublicPage, handlers.getOwnPublicPage).openapi(routes.updateOwnPublicPage, handlers.updateOwnPublicPage);
