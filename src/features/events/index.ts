import { createRouter } from "../../http/router";
import * as handlers from "./events.handlers";
import * as routes from "./events.routes";

export const eventsRouter = createRouter()
  .openapi(routes.listEventTypes, handlers.listEventTypes)
  .openapi(routes.listEvents, handlers.listEvents)
  .openapi(routes.getEvent, handlers.getEvent);

/** The routes anyone may call without an API key (src/app.ts skips authentication for them). */
export const eventsPublicRoutes = [routes.listEventTypes];
