import type { AppRouteHandler } from "../../http/router";
import { ctxOf } from "../../http/context";
import type * as R from "./webhook-endpoints.routes";
import * as service from "./webhook-endpoints.service";

const id = (c: { req: { valid(t: "param"): { endpoint_id: string } } }) => c.req.valid("param").endpoint_id;

export const createWebhookEndpoint: AppRouteHandler<R.CreateWebhookEndpointRoute> = async (c) =>
  c.json(await service.createEndpoint({ ctx: ctxOf(c, 201), input: c.req.valid("json") }), 201);

export const listWebhookEndpoints: AppRouteHandler<R.ListWebhookEndpointsRoute> = async (c) => c.json(await service.listEndpoints({ ctx: ctxOf(c), ...c.req.valid("query") }), 200);

export const getWebhookEndpoint: AppRouteHandler<R.GetWebhookEndpointRoute> = async (c) => c.json(await service.getEndpoint({ ctx: ctxOf(c), id: id(c) }), 200);

export const updateWebhookEndpoint: AppRouteHandler<R.UpdateWebhookEndpointRoute> = async (c) =>
  c.json(await service.updateEndpoint({ ctx: ctxOf(c), id: id(c), input: c.req.valid("json") }), 200);

export const deleteWebhookEndpoint: AppRouteHandler<R.DeleteWebhookEndpointRoute> = async (c) => c.json(await service.deleteEndpoint({ ctx: ctxOf(c), id: id(c) }), 200);

export const rotateWebhookSecret: AppRouteHandler<R.RotateWebhookSecretRoute> = async (c) => c.json(await service.rotateSecret({ ctx: ctxOf(c, 200), id: id(c) }), 200);

export const pingWebhookEndpoint: AppRouteHandler<R.PingWebhookEndpointRoute> = async (c) => c.json(await service.pingEndpoint({ ctx: ctxOf(c, 202), id: id(c) }), 202);

export const listWebhookEndpointAttempts: AppRouteHandler<R.ListWebhookEndpointAttemptsRoute> = async (c) =>
  c.json(await service.listEndpointAttempts({ ctx: ctxOf(c), id: id(c), ...c.req.valid("query") }), 200);

export const listEventAttempts: AppRouteHandler<R.ListEventAttemptsRoute> = async (c) =>
  c.json(await service.listEventAttempts({ ctx: ctxOf(c), eventId: c.req.valid("param").event_id, ...c.req.valid("query") }), 200);

export const resendEvent: AppRouteHandler<R.ResendEventRoute> = async (c) =>
  c.json(await service.resendEvent({ ctx: ctxOf(c, 202), eventId: c.req.valid("param").event_id, input: c.req.valid("json") }), 202);

export const openWebhookPortal: AppRouteHandler<R.OpenWebhookPortalRoute> = async (c) => c.json(await service.openPortal({ ctx: ctxOf(c) }), 200);
