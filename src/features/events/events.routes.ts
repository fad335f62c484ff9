import { createRoute } from "@hono/zod-openapi";
import { listOf, PageQuery } from "../../http/pagination";
import { errorResponses, jsonContent } from "../../http/router";
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
