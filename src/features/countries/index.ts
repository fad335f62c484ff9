import { createRouter } from "../../http/router";
import * as handlers from "./countries.handlers";
import * as routes from "./countries.routes";

export const countriesRouter = createRouter().openapi(routes.listCountries, handlers.listCountries).openapi(routes.getCountry, handlers.getCountry, handlers.refuseMalformedCode);

/** The routes anyone may call without an API key (src/app.ts skips authentication for them). */
export const countriesPublicRoutes = [routes.listCountries, routes.getCountry];
