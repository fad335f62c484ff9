import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { EVENT_TYPES, type EventType } from "../domain/events";
import { Decision } from "../features/decisions/decisions.schemas";
import { WebhookEndpoint } from "../features/webhook-endpoints/webhook-endpoints.schemas";
import { Timestamp } from "../http/schemas";

const withDecision = (extra: z.ZodRawShape = {}) => z.object({ decision: Decision, ...extra });

/** The `data` of each event type: what a receiver gets, enough to act without another call. */
const DATA: Record<EventType, z.ZodType> = {
  "change_request.submitted": withDecision(),
  "decision.approved": withDecision(),
  "decision.objected": withDecision(),
  "decision.withdrawn": withDecision(),
  "decision.deemed_approved": withDecision(),
  "decision.overdue": withDecision(),
  "notice.reminder": withDecision({ days_before: z.number().int().openapi({ example: 7 }), notice_ends_at: Timestamp }),
  "annex.version_created": withDecision({
    annex: z.object({
      agreement_id: z.string(),
      version: z.number().int(),
      effective_at: Timestamp,
      change_request_id: z.string(),
      third_country: z.boolean(),
      changes: z.object({
        locations: z.object({ added: z.array(z.string()), removed: z.array(z.string()), changed: z.array(z.object({ ref: z.string(), fields: z.array(z.string()) })) }),
        sub_processors: z.object({ added: z.array(z.string()), removed: z.array(z.string()), changed: z.array(z.object({ ref: z.string(), fields: z.array(z.string()) })) }),
      }),
    }),
  }),
  "change_request.failed": withDecision({ errors: z.array(z.object({ pointer: z.string(), rule: z.string(), detail: z.string() })) }),
  "webhook_endpoint.disabled": z.object({
    endpoint: WebhookEndpoint,
    reason: z.enum(["gone", "failing"]),
    detail: z.string(),
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
  }),
  "webhook_endpoint.ping": z.object({ endpoint_id: z.string(), message: z.literal("ping") }),
};

const SIGNATURE_HEADERS = z.object({
  "webhook-id": z.string().openapi({ description: "The event id; the same on every retry, so a receiver can drop duplicates" }),
  "webhook-timestamp": z.string().openapi({ description: "Unix seconds when this attempt was signed" }),
  "webhook-signature": z.string().openapi({ description: "`v1,<base64 HMAC-SHA256>`, space-separated when two secrets overlap after a rotation" }),
});

/** The `webhooks` section of the OpenAPI document: every event type and its Standard Webhooks body. */
export function registerWebhookDocs(registry: OpenAPIHono["openAPIRegistry"]) {
  for (const [type, description] of Object.entries(EVENT_TYPES) as [EventType, string][]) {
    const name = `${type.replace(/[._](\w)/g, (_, c: string) => c.toUpperCase()).replace(/^\w/, (c) => c.toUpperCase())}Webhook`;
    registry.registerWebhook({
      method: "post",
      path: type,
      summary: type,
      description,
      tags: ["Webhooks"],
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
