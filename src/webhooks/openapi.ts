import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { EVENT_TYPES, type EventType } from "../domain/events";
import { EVENT_DATA as DATA } from "../features/events/event-data.schemas";
import { Timestamp } from "../http/schemas";

const SIGNATURE_HEADERS = z.object({
  "webhook-id": z.string().openapi({ description: "The event id; the same on every retry, so a receiver can drop duplicates" }),
  "webhook-timestamp": z.string().openapi({ description: "Unix seconds when this attempt was signed" }),
  "webhook-signature": z.string().openapi({ description: "`v1,<base64 HMAC-SHA256>`, space-separated when two secrets overlap after a rotation" }),
});

/** The `webhooks` section of the OpenAPI document: every event type and its Standard Webhooks body. */
export function registerWebhookDocs(registry: OpenAPIHono["openAPIRegistry"]) {
  registry.registerComponent("securitySchemes", "webhookSignature", {
    type: "apiKey",
    in: "header",
    name: "webhook-signature",
    description:
      "Standard Webhooks (https://www.standardwebhooks.com): the service signs `{webhook-id}.{webhook-timestamp}.{body}` with HMAC-SHA256 under the endpoint's secret (`whsec_…`, base64 after the prefix) and sends `v1,<base64 signature>` in `webhook-signature`. A receiver recomputes it over the raw body, compares in constant time, and refuses timestamps more than 5 minutes away; any Standard Webhooks or Svix library does all of this.",
  });
  for (const [type, description] of Object.entries(EVENT_TYPES) as [EventType, string][]) {
    const name = `${type.replace(/[._](\w)/g, (_, c: string) => c.toUpperCase()).replace(/^\w/, (c) => c.toUpperCase())}Webhook`;
    registry.registerWebhook({
      method: "post",
      path: type,
      operationId: name.replace(/Webhook$/, "").replace(/^\w/, (c) => `on${c.toUpperCase()}`),
      summary: type,
      description,
      tags: ["Webhooks"],
      security: [{ webhookSignature: [] }],
      request: {
        headers: SIGNATURE_HEADERS,
        body: {
          required: true,
          content: {
            "application/json": {
              schema: z.object({ type: z.literal(type), timestamp: Timestamp.openapi({ description: "When the event happened" }), data: DATA[type] }).openapi(name),
            },
          },
        },
      },
      responses: { 200: { description: "Any 2xx acknowledges the delivery; 410 Gone disables the endpoint; anything else is retried" } },
    });
  }
}
