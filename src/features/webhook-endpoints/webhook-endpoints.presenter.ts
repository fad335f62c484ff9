import type { schema } from "../../../db/client";
import { iso } from "../../core/context";

type EndpointRow = typeof schema.webhookEndpoints.$inferSelect;
type AttemptRow = typeof schema.deliveryAttempts.$inferSelect;

/** An endpoint as its owner sees it; the secret only ever appears in the create and rotate answers. */
export const presentEndpoint = (e: EndpointRow) => ({
  object: "webhook_endpoint" as const,
  id: e.id,
  url: e.url,
  description: e.description,
  event_types: e.eventTypes ?? null,
  enabled: e.enabled,
  disabled_reason: e.disabledReason,
  failing_since: iso(e.failingSince),
  previous_secret_expires_at: e.previousSecret ? iso(e.previousSecretExpiresAt) : null,
  created_at: e.createdAt.toISOString(),
  updated_at: e.updatedAt.toISOString(),
});

export const presentAttempt = (a: AttemptRow) => ({
  object: "delivery_attempt" as const,
  id: a.id,
  event_id: a.eventId,
  endpoint_id: a.endpointId,
  delivery_id: a.deliveryId,
  attempted_at: a.attemptedAt.toISOString(),
  outcome: a.outcome,
  status_code: a.statusCode,
  duration_ms: a.durationMs,
  response_excerpt: a.responseExcerpt,
  error: a.error,
  next_attempt_at: iso(a.nextAttemptAt),
});
