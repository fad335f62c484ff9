import type { AppRouteHandler } from "../../http/router";
import { ctxOf } from "../../http/context";
import type * as R from "./events.routes";
import * as service from "./events.service";

export const listEvents: AppRouteHandler<R.ListEventsRoute> = async (c) => c.json(await service.listEvents({ ctx: ctxOf(c), ...c.req.valid("query") }), 200);

export const getEvent: AppRouteHandler<R.GetEventRoute> = async (c) => c.json(await service.getEvent({ ctx: ctxOf(c), id: c.req.valid("param").event_id }), 200);
