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
} from "./webhook-endpoints.schemas";

const tags = ["Webhooks"];
const security = [{ bearer: [] }];
const AttemptList = listOf(DeliveryAttempt, "DeliveryAttemptList");

export const createWebhookEndpoint = createRoute({
  method: "post",
  path: "/v1/webhook-endpoints",
  operationId: "createWebhookEndpoint",
  summary: "Subscribe an endpoint to the organisation's events; the signing secret is shown once",
  tags,
  security,
  request: { headers: IdempotencyHeader, body: jsonBody(CreateEndpointBody) },
  responses: { 201: jsonContent(WebhookEndpointWithSecret, "The endpoint and its secret"), ...errorResponses(403, 415, 422) },
});

export const listWebhookEndpoints = createRoute({
  method: "get",
  path: "/v1/webhook-endpoints",
  operationId: "listWebhookEndpoints",
  summary: "The organisation's webhook endpoints",
  tags,
  security,
  request: { query: PageQuery },
  responses: { 200: jsonContent(listOf(WebhookEndpoint, "WebhookEndpointList"), "Endpoints, newest first"), ...errorResponses(403) },
});

export const getWebhookEndpoint = createRoute({
  method: "get",
  path: "/v1/webhook-endpoints/{endpoint_id}",
  operationId: "getWebhookEndpoint",
  summary: "One webhook endpoint",
  tags,
  security,
  request: { params: EndpointIdParam },
  responses: { 200: jsonContent(WebhookEndpoint, "The endpoint"), ...errorResponses(403, 404) },
});

export const updateWebhookEndpoint = createRoute({
  method: "patch",
  path: "/v1/webhook-endpoints/{endpoint_id}",
  operationId: "updateWebhookEndpoint",
  summary: "Change an endpoint's URL, description, event types, or enable/disable it",
  tags,
  security,
  request: { params: EndpointIdParam, body: jsonBody(UpdateEndpointBody) },
  responses: { 200: jsonContent(WebhookEndpoint, "The endpoint"), ...errorResponses(403, 404, 415, 422) },
});

export const deleteWebhookEndpoint = createRoute({
  method: "delete",
  path: "/v1/webhook-endpoints/{endpoint_id}",
  operationId: "deleteWebhookEndpoint",
  summary: "Delete an endpoint; what it still had queued is cancelled",
  tags,
  security,
  request: { params: EndpointIdParam },
  responses: { 200: jsonContent(DeletedEndpoint, "Deleted"), ...errorResponses(403, 404) },
});

export const rotateWebhookSecret = createRoute({
  method: "post",
  path: "/v1/webhook-endpoints/{endpoint_id}/rotate-secret",
  operationId: "rotateWebhookSecret",
  summary: "Issue a new signing secret; for 24 hours deliveries carry signatures with both",
  tags,
  security,
  request: { headers: IdempotencyHeader, params: EndpointIdParam },
  responses: { 200: jsonContent(WebhookEndpointWithSecret, "The endpoint and its new secret"), ...errorResponses(403, 404) },
});

export const pingWebhookEndpoint = createRoute({
  method: "post",
  path: "/v1/webhook-endpoints/{endpoint_id}/ping",
  operationId: "pingWebhookEndpoint",
  summary: "Send a test event (webhook_endpoint.ping) to this endpoint",
  tags,
  security,
  request: { headers: IdempotencyHeader, params: EndpointIdParam },
  responses: { 202: jsonContent(Event, "The test event, queued"), ...errorResponses(403, 404, 409) },
});

export const listWebhookEndpointAttempts = createRoute({
  method: "get",
  path: "/v1/webhook-endpoints/{endpoint_id}/attempts",
  operationId: "listWebhookEndpointAttempts",
  summary: "Every delivery attempt to this endpoint, newest first",
  tags,
  security,
  request: { params: EndpointIdParam, query: PageQuery },
  responses: { 200: jsonContent(AttemptList, "Attempts"), ...errorResponses(403, 404) },
});

export const listEventAttempts = createRoute({
  method: "get",
  path: "/v1/events/{event_id}/attempts",
  operationId: "listEventAttempts",
  summary: "The attempts to deliver this event to the caller's endpoints",
  tags,
  security,
  request: { params: EventIdParam, query: PageQuery },
  responses: { 200: jsonContent(AttemptList, "Attempts"), ...errorResponses(403, 404) },
});

export const resendEvent = createRoute({
  method: "post",
  path: "/v1/events/{event_id}/resend",
  operationId: "resendEvent",
  summary: "Queue this event again for one of the caller's endpoints",
  tags,
  security,
  request: { headers: IdempotencyHeader, params: EventIdParam, body: jsonBody(ResendBody) },
  responses: { 202: jsonContent(Delivery, "The new delivery"), ...errorResponses(403, 404, 409, 415, 422) },
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
