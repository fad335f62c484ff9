import { createRoute, z } from "@hono/zod-openapi";
import { listOf, PageQuery } from "../../http/pagination";
import { errorResponses, jsonContent, publicErrorResponses } from "../../http/router";
import { Event, EventIdParam, ListEventsQuery } from "./events.schemas";

const tags = ["Events"];
const security = [{ bearer: [] }];

export const listEvents = createRoute({
  method: "get",
  path: "/v1/events",
  operationId: "listEvents",
  summary: "The events feed: every event of the caller's agreements",
  tags,
  security,
  request: { query: PageQuery.extend(ListEventsQuery.shape) },
  responses: { 200: jsonContent(listOf(Event, "EventList"), "Events"), ...errorResponses(403) },
});

export const getEvent = createRoute({
  method: "get",
  path: "/v1/events/{event_id}",
  operationId: "getEvent",
  summary: "One event",
  tags,
  security,
  request: { params: EventIdParam },
  responses: { 200: jsonContent(Event, "The event"), ...errorResponses(403, 404) },
});

export type ListEventsRoute = typeof listEvents;
export type GetEventRoute = typeof getEvent;

export const EventType = z
  .object({
    object: z.literal("event_type"),
    type: z.string().openapi({ example: "decision.objected" }),
    description: z.string(),
    data_schema: z.record(z.string(), z.unknown()).openapi({ description: "The JSON Schema (2020-12) of the event's `data`, as the feed and every webhook carry it" }),
  })
  .openapi("EventType");

export const listEventTypes = createRoute({
  method: "get",
  path: "/v1/event-types",
  operationId: "listEventTypes",
  summary: "Every event type, what it means and the schema of its data",
  description: "The catalogue the events feed and webhooks share: subscribe an endpoint to some of these types (`event_types`), or read them from the feed. Public: no API key.",
  tags,
  security: [],
  responses: {
    200: jsonContent(z.object({ object: z.literal("list"), data: z.array(EventType), has_more: z.literal(false) }).openapi("EventTypeList"), "Every event type"),
    ...publicErrorResponses({}),
  },
});
export type ListEventTypesRoute = typeof listEventTypes;
