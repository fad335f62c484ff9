import { createRoute } from "@hono/zod-openapi";
import { listOf, PageQuery } from "../../http/pagination";
import { errorResponses, jsonBody, jsonContent } from "../../http/router";
import { IdempotencyHeader } from "../../http/schemas";
import { EventIdParam } from "../events/events.schemas";
import {
  CreateEndpointBody,
  DeletedEndpoint,
  Delivery,
  DeliveryAttempt,
  EndpointIdParam,
  Event,
  ResendBody,
  UpdateEndpointBody,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
  WebhookPortal,
} from "./webhook-endpoints.schemas";
import { pingEventExample } from "../events/events.examples";
import {
  attemptListExample,
  createdEndpointExample,
  createEndpointExample,
  deletedEndpointExample,
  deliveryExample,
  endpointExample,
  endpointListExample,
  resendExample,
  rotatedEndpointExample,
  updatedEndpointExample,
  updateEndpointExample,
} from "./webhook-endpoints.examples";

/** Who manages webhooks: said once for the routes below. */
const OWNER_READS = "Any key of an organisation (`read` scope suffices); the operator key gets 403, and another organisation's endpoint answers 404, like an unknown one.";
const OWNER_WRITES =
  "An organisation's key with `write` scope (tied to a person: a decider or an admin); the operator key gets 403, and another organisation's endpoint answers 404, like an unknown one.";

const tags = ["Webhooks"];
const security = [{ bearer: [] }];
const AttemptList = listOf(DeliveryAttempt, "DeliveryAttemptList");

export const createWebhookEndpoint = createRoute({
  method: "post",
  path: "/v1/webhook-endpoints",
  operationId: "createWebhookEndpoint",
  summary: "Subscribe an endpoint to the organisation's events; the signing secret is shown once",
  description:
    "An organisation's key with `write` scope (tied to a person: a decider or an admin); the operator key gets 403. The endpoint gets the organisation's events of `event_types` (null: all), signed as Standard Webhooks with the `secret`, which only this answer and rotate-secret show. The URL must be https and resolve to public addresses only (422 otherwise). Send an `Idempotency-Key` to retry safely.",
  tags,
  security,
  request: { headers: IdempotencyHeader, body: jsonBody(CreateEndpointBody, undefined, createEndpointExample) },
  responses: { 201: jsonContent(WebhookEndpointWithSecret, "The endpoint and its secret", createdEndpointExample), ...errorResponses(403, 415, 422) },
});

export const listWebhookEndpoints = createRoute({
  method: "get",
  path: "/v1/webhook-endpoints",
  operationId: "listWebhookEndpoints",
  summary: "The organisation's webhook endpoints",
  description:
    "Any key of an organisation (`read` scope suffices); the operator key gets 403. The organisation's endpoints, newest first, enabled or not (with why one was disabled); deleted ones are gone. Never their secrets.",
  tags,
  security,
  request: { query: PageQuery },
  responses: { 200: jsonContent(listOf(WebhookEndpoint, "WebhookEndpointList"), "Endpoints, newest first", endpointListExample), ...errorResponses(403) },
});

export const getWebhookEndpoint = createRoute({
  method: "get",
  path: "/v1/webhook-endpoints/{endpoint_id}",
  operationId: "getWebhookEndpoint",
  summary: "One webhook endpoint",
  description: `${OWNER_READS} Whether it is enabled, why it was disabled (\`manual\`, \`gone\`: it answered 410, \`failing\`: 5 days of failures) and until when a rotated secret still signs; never the secret.`,
  tags,
  security,
  request: { params: EndpointIdParam },
  responses: { 200: jsonContent(WebhookEndpoint, "The endpoint", endpointExample), ...errorResponses(403, 404) },
});

export const updateWebhookEndpoint = createRoute({
  method: "patch",
  path: "/v1/webhook-endpoints/{endpoint_id}",
  operationId: "updateWebhookEndpoint",
  summary: "Change an endpoint's URL, description, event types, or enable/disable it",
  description: `${OWNER_WRITES} Only the fields sent change. \`enabled: false\` disables it (\`manual\`); \`enabled: true\` re-enables an endpoint however it was disabled, and its run of failures starts over. A new URL is checked as on creation (422).`,
  tags,
  security,
  request: { params: EndpointIdParam, body: jsonBody(UpdateEndpointBody, undefined, updateEndpointExample) },
  responses: { 200: jsonContent(WebhookEndpoint, "The endpoint", updatedEndpointExample), ...errorResponses(403, 404, 415, 422) },
});

export const deleteWebhookEndpoint = createRoute({
  method: "delete",
  path: "/v1/webhook-endpoints/{endpoint_id}",
  operationId: "deleteWebhookEndpoint",
  summary: "Delete an endpoint; what it still had queued is cancelled",
  description: `${OWNER_WRITES} The endpoint gets nothing more and is no longer listed, but its delivery attempts stay readable (GET /v1/events/{event_id}/attempts); afterwards it answers 404.`,
  tags,
  security,
  request: { params: EndpointIdParam },
  responses: { 200: jsonContent(DeletedEndpoint, "Deleted", deletedEndpointExample), ...errorResponses(403, 404) },
});

export const rotateWebhookSecret = createRoute({
  method: "post",
  path: "/v1/webhook-endpoints/{endpoint_id}/rotate-secret",
  operationId: "rotateWebhookSecret",
  summary: "Issue a new signing secret; for 24 hours deliveries carry signatures with both",
  description: `${OWNER_WRITES} The new \`secret\` is shown in this answer only; until \`previous_secret_expires_at\` every delivery is signed with the old and the new secret, so the receiver can switch without losing one. Send an \`Idempotency-Key\` to retry safely: a replay returns the same secret.`,
  tags,
  security,
  request: { headers: IdempotencyHeader, params: EndpointIdParam },
  responses: { 200: jsonContent(WebhookEndpointWithSecret, "The endpoint and its new secret", rotatedEndpointExample), ...errorResponses(403, 404) },
});

export const pingWebhookEndpoint = createRoute({
  method: "post",
  path: "/v1/webhook-endpoints/{endpoint_id}/ping",
  operationId: "pingWebhookEndpoint",
  summary: "Send a test event (webhook_endpoint.ping) to this endpoint",
  description: `${OWNER_WRITES} A \`webhook_endpoint.ping\` event is queued for this endpoint only (it is in the organisation's feed too); follow its delivery with GET /v1/events/{event_id}/attempts. 409 \`invalid_state\` when the endpoint is disabled.`,
  tags,
  security,
  request: { headers: IdempotencyHeader, params: EndpointIdParam },
  responses: { 202: jsonContent(Event, "The test event, queued", pingEventExample), ...errorResponses(403, 404, 409) },
});

export const listWebhookEndpointAttempts = createRoute({
  method: "get",
  path: "/v1/webhook-endpoints/{endpoint_id}/attempts",
  operationId: "listWebhookEndpointAttempts",
  summary: "Every delivery attempt to this endpoint, newest first",
  description: `${OWNER_READS} Each attempt's outcome, HTTP status (null when no answer came), duration, the first KiB of the answer, and when the next retry is due.`,
  tags,
  security,
  request: { params: EndpointIdParam, query: PageQuery },
  responses: { 200: jsonContent(AttemptList, "Attempts", attemptListExample), ...errorResponses(403, 404) },
});

export const listEventAttempts = createRoute({
  method: "get",
  path: "/v1/events/{event_id}/attempts",
  operationId: "listEventAttempts",
  summary: "The attempts to deliver this event to the caller's endpoints",
  description:
    "Any key of an organisation that may see the event (`read` scope suffices); the operator key gets 403, and an event the caller may not see answers 404. Only the attempts to the caller's own endpoints, never to the other party's, newest first.",
  tags,
  security,
  request: { params: EventIdParam, query: PageQuery },
  responses: { 200: jsonContent(AttemptList, "Attempts", attemptListExample), ...errorResponses(403, 404) },
});

export const resendEvent = createRoute({
  method: "post",
  path: "/v1/events/{event_id}/resend",
  operationId: "resendEvent",
  summary: "Queue this event again for one of the caller's endpoints",
  description:
    "An organisation's key with `write` scope (tied to a person: a decider or an admin) that may see the event; the operator key gets 403. A new delivery to one of the caller's own endpoints, whatever became of earlier ones: 422 for an endpoint that is not the caller's, 409 `invalid_state` for a disabled one. Send an `Idempotency-Key` to retry safely.",
  tags,
  security,
  request: { headers: IdempotencyHeader, params: EventIdParam, body: jsonBody(ResendBody, undefined, resendExample) },
  responses: { 202: jsonContent(Delivery, "The new delivery", deliveryExample), ...errorResponses(403, 404, 409, 415, 422) },
});

export type CreateWebhookEndpointRoute = typeof createWebhookEndpoint;
export type ListWebhookEndpointsRoute = typeof listWebhookEndpoints;
export type GetWebhookEndpointRoute = typeof getWebhookEndpoint;
export type UpdateWebhookEndpointRoute = typeof updateWebhookEndpoint;
export type DeleteWebhookEndpointRoute = typeof deleteWebhookEndpoint;
export type RotateWebhookSecretRoute = typeof rotateWebhookSecret;
export type PingWebhookEndpointRoute = typeof pingWebhookEndpoint;
export type ListWebhookEndpointAttemptsRoute = typeof listWebhookEndpointAttempts;
export type ListEventAttemptsRoute = typeof listEventAttempts;
export type ResendEventRoute = typeof resendEvent;

export const openWebhookPortal = createRoute({
  method: "post",
  path: "/v1/webhook-endpoints/portal",
  operationId: "openWebhookPortal",
  summary: "A link to Svix's app portal for the organisation's deliveries (Svix mode)",
  description:
    "An organisation's key with `write` scope (a person's key: decider or admin). In Svix mode (`SVIX_API_KEY` set), a link to Svix's app portal signed in as the calling organisation, valid for one hour: every message and delivery attempt, and replaying them. Endpoints are still created and changed through this API, which Svix mirrors, so the portal grants no endpoint management and shows no secrets. Without Svix the service delivers itself: 409 `invalid_state`. Audited as `webhook_portal.open`.",
  tags,
  security,
  responses: { 200: jsonContent(WebhookPortal, "The link"), ...errorResponses(403, 409, 502) },
});

export type OpenWebhookPortalRoute = typeof openWebhookPortal;
