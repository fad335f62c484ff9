// Webhook deliveries follow Standard Webhooks: verified with the standardwebhooks package, typed
// by the `webhooks` section of the OpenAPI document.
import { Webhook } from "standardwebhooks";
import type { webhooks } from "./schema";

export { WebhookVerificationError } from "standardwebhooks";

/** Every event type the service sends (`change_request.submitted`, `decision.approved`, …). */
export type WebhookEventType = keyof webhooks;

/** The body a webhook of this type delivers: `{ type, timestamp, data }`. */
type EventBody<T extends WebhookEventType> = webhooks[T] extends { post: { requestBody: { content: { "application/json": infer Body } } } } ? Body : never;

/** A delivered event, discriminated by `type`: `if (event.type === "decision.objected") event.data.decision…` */
export type WebhookEvent<T extends WebhookEventType = WebhookEventType> = { [K in T]: EventBody<K> }[T];

/** Headers as a fetch `Request` or Node's `IncomingMessage` has them. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

/**
 * Checks a delivery's signature (`webhook-id`, `webhook-timestamp`, `webhook-signature`) against the
 * endpoint's secret (`whsec_…`) and returns its event. `body` is the raw request body, exactly as
 * received: parse it only after this. Throws `WebhookVerificationError` when the signature does not
 * match or the timestamp is more than 5 minutes away; answer 400 then. Deliveries may repeat: drop a
 * `webhook-id` seen before.
 */
export function verifyWebhook(secret: string, body: string, headers: WebhookHeaders): WebhookEvent {
  const flat: Record<string, string> = {};
  const entries = headers instanceof Headers ? headers.entries() : Object.entries(headers);
  for (const [name, value] of entries) if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(" ") : value;
  return new Webhook(secret).verify(body, flat) as WebhookEvent;
}
