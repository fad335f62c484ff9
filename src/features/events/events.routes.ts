import { createRoute, z } from "@hono/zod-openapi";
import { listOf, PageQuery } from "../../http/pagination";
import { errorResponses, jsonContent, publicErrorResponses } from "../../http/router";
import { Event, EventIdParam, ListEventsQuery } from "./events.schemas";
import { approvedEventExample, eventListExample } from "./events.examples";
import { EVENT_DATA } from "./event-data.schemas";
import { EVENT_TYPES } from "../../domain/events";

const tags = ["Events"];
const security = [{ bearer: [] }];

export const listEvents = createRoute({
  method: "get",
  path: "/v1/events",
  operationId: "listEvents",
  summary: "The events feed: every event of the caller's agreements",
  description:
    "Any key of an organisation (`read` scope suffices); the operator key gets 403. The events of every agreement the caller is party to and its own (pings of its endpoints, audit checkpoints), the same events its webhooks get, with the same ids. Newest first, or with `order=asc` oldest first to follow the feed with `cursor`; filter by `type` and `agreement_id`.",
  tags,
  security,
  request: { query: PageQuery.extend(ListEventsQuery.shape) },
  responses: { 200: jsonContent(listOf(Event, "EventList"), "Events", eventListExample), ...errorResponses(403) },
});

export const getEvent = createRoute({
  method: "get",
  path: "/v1/events/{event_id}",
  operationId: "getEvent",
  summary: "One event",
  description:
    "Any key of an organisation that may see the event (`read` scope suffices): a party to its agreement, or the organisation it is about; for anyone else it answers 404, like an unknown one, and the operator key gets 403. Its `data` is what the webhook delivery carried, described per type by GET /v1/event-types.",
  tags,
  security,
  request: { params: EventIdParam },
  responses: { 200: jsonContent(Event, "The event", approvedEventExample), ...errorResponses(403, 404) },
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
  // not "EventType": that name is the enum of the types (events.schemas.ts), and one name holds one schema in the document
  .openapi("EventTypeEntry");

export const listEventTypes = createRoute({
  method: "get",
  path: "/v1/event-types",
  operationId: "listEventTypes",
  summary: "Every event type, what it means and the schema of its data",
  description: "The catalogue the events feed and webhooks share: subscribe an endpoint to some of these types (`event_types`), or read them from the feed. Public: no API key.",
  tags,
  security: [],
  responses: {
    200: jsonContent(z.object({ object: z.literal("list"), data: z.array(EventType), has_more: z.literal(false) }).openapi("EventTypeList"), "Every event type", {
      object: "list",
      // one entry of the catalogue, as it answers it
      data: [
        {
          object: "event_type",
          type: "webhook_endpoint.ping",
          description: EVENT_TYPES["webhook_endpoint.ping"],
          data_schema: z.toJSONSchema(EVENT_DATA["webhook_endpoint.ping"], { unrepresentable: "any" }) as Record<string, unknown>,
        },
      ],
      has_more: false,
    }),
    ...publicErrorResponses({}),
  },
});
export type ListEventTypesRoute = typeof listEventTypes;
