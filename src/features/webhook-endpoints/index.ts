import { createRouter } from "../../http/router";
import * as handlers from "./webhook-endpoints.handlers";
import * as routes from "./webhook-endpoints.routes";

export const webhookEndpointsRouter = createRouter()
  .openapi(routes.openWebhookPortal, handlers.openWebhookPortal)
  .openapi(routes.createWebhookEndpoint, handlers.createWebhookEndpoint)
  .openapi(routes.listWebhookEndpoints, handlers.listWebhookEndpoints)
  .openapi(routes.getWebhookEndpoint, handlers.getWebhookEndpoint)
  .openapi(routes.updateWebhookEndpoint, handlers.updateWebhookEndpoint)
  .openapi(routes.deleteWebhookEndpoint, handlers.deleteWebhookEndpoint)
  .openapi(routes.rotateWebhookSecret, handlers.rotateWebhookSecret)
  .openapi(routes.pingWebhookEndpoint, handlers.pingWebhookEndpoint)
  .openapi(routes.listWebhookEndpointAttempts, handlers.listWebhookEndpointAttempts)
  .openapi(routes.listEventAttempts, handlers.listEventAttempts)
  .openapi(routes.resendEvent, handlers.resendEvent);
