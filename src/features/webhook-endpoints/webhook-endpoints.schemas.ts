import { z } from "@hono/zod-openapi";
import { text, Timestamp } from "../../http/schemas";
import { Event, EventType } from "../events/events.schemas";

const Url = z.string().min(1).max(2048).openapi({ example: "https://case.example.dk/hooks/subprocessors" });
const EventTypes = z.array(EventType).min(1).max(50).nullable().openapi({ description: "The event types to receive; null: all" });

export const CreateEndpointBody = z
  .strictObject({
    url: Url,
    description: text(500).optional(),
    event_types: EventTypes.default(null),
    enabled: z.boolean().default(true),
  })
  .openapi("CreateWebhookEndpoint");

export const UpdateEndpointBody = z
  .strictObject({
    url: Url.optional(),
    description: text(500).nullable().optional(),
    event_types: EventTypes.optional(),
    enabled: z.boolean().optional().openapi({ description: "true re-enables an endpoint that was disabled; its failure count starts over" }),
  })
  .openapi("UpdateWebhookEndpoint");

export const WebhookEndpoint = z
  .object({
    object: z.literal("webhook_endpoint"),
    id: z.string().openapi({ example: "ep_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C" }),
    url: z.string(),
    description: z.string().nullable(),
    event_types: z.array(EventType).nullable(),
    enabled: z.boolean(),
    disabled_reason: z.enum(["manual", "gone", "failing"]).nullable().openapi({ description: "gone: it answered 410; failing: 5 days of failures" }),
    failing_since: Timestamp.nullable(),
    previous_secret_expires_at: Timestamp.nullable().openapi({ description: "Until then the previous secret signs too" }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("WebhookEndpoint");

export const WebhookEndpointWithSecret = WebhookEndpoint.extend({
  secret: z.string().openapi({ description: "whsec_…: shown once", example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }),
}).openapi("WebhookEndpointWithSecret");

export const DeletedEndpoint = z.object({ object: z.literal("webhook_endpoint"), id: z.string(), deleted: z.literal(true) }).openapi("DeletedWebhookEndpoint");

export const DeliveryAttempt = z
  .object({
    object: z.literal("delivery_attempt"),
    id: z.string().openapi({ example: "atm_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C" }),
    event_id: z.string(),
    endpoint_id: z.string().nullable(),
    delivery_id: z.string(),
    attempted_at: Timestamp,
    outcome: z.enum(["succeeded", "failed"]),
    status_code: z.number().int().nullable().openapi({ description: "null when no response came (timeout, refused address, network error)" }),
    duration_ms: z.number().int(),
    response_excerpt: z.string().nullable().openapi({ description: "The first KiB of the response body" }),
    error: z.string().nullable(),
    next_attempt_at: Timestamp.nullable().openapi({ description: "When the next retry is due; null when none will follow" }),
  })
  .openapi("DeliveryAttempt");

export const EndpointIdParam = z.object({
  endpoint_id: z.string().openapi({ param: { name: "endpoint_id", in: "path" }, example: "ep_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C" }),
});

export const ResendBody = z.strictObject({ endpoint_id: z.string().openapi({ description: "One of the caller's endpoints" }) }).openapi("ResendEvent");

export const Delivery = z
  .object({
    object: z.literal("delivery"),
    id: z.string(),
    event_id: z.string(),
    endpoint_id: z.string().nullable(),
    state: z.enum(["pending", "succeeded", "failed", "cancelled"]),
    next_attempt_at: Timestamp,
  })
  .openapi("Delivery");

export { Event };

export const WebhookPortal = z
  .object({
    object: z.literal("webhook_portal"),
    url: z
      .string()
      .openapi({ description: "Svix's app portal, signed in as this organisation; a credential, for one person", example: "https://app.svix.com/login#key=eyJhcHBJZCI6ImFwcF8y…" }),
    expires_at: Timestamp.openapi({ description: "The link works until then (one hour)" }),
  })
  .openapi("WebhookPortal");
