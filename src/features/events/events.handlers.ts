import { z } from "@hono/zod-openapi";
import { EVENT_TYPES, type EventType } from "../../domain/events";
import type { AppRouteHandler } from "../../http/router";
import { EVENT_DATA } from "./event-data.schemas";
import { ctxOf } from "../../http/context";
import type * as R from "./events.routes";
import * as service from "./events.service";

export const listEvents: AppRouteHandler<R.ListEventsRoute> = async (c) => c.json(await service.listEvents({ ctx: ctxOf(c), ...c.req.valid("query") }), 200);

export const getEvent: AppRouteHandler<R.GetEventRoute> = async (c) => c.json(await service.getEvent({ ctx: ctxOf(c), id: c.req.valid("param").event_id }), 200);

/** The catalogue of event types, built once: descriptions and each type's data schema as JSON Schema. */
const EVENT_TYPE_LIST = {
  object: "list" as const,
  data: (Object.entries(EVENT_TYPES) as [EventType, string][]).map(([type, description]) => ({
    object: "event_type" as const,
    type,
    description,
    data_schema: z.toJSONSchema(EVENT_DATA[type], { unrepresentable: "any" }) as Record<string, unknown>,
  })),
  has_more: false as const,
};

export const listEventTypes: AppRouteHandler<R.ListEventTypesRoute> = async (c) => c.json(EVENT_TYPE_LIST, 200);
