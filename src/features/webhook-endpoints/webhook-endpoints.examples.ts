import type { z } from "zod";
import { EXAMPLE_IDS, EXAMPLE_TIMES, listExample } from "../examples";
import type {
  CreateEndpointBody,
  DeletedEndpoint,
  Delivery,
  DeliveryAttempt,
  ResendBody,
  UpdateEndpointBody,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
} from "./webhook-endpoints.schemas";

export const createEndpointExample: z.input<typeof CreateEndpointBody> = {
  url: "https://integration.aarhus.example/hooks/subprocessor-registry",
  description: "ESDH: opens a case for each change",
  event_types: ["change_request.submitted", "notice.reminder", "decision.overdue", "annex.version_created"],
};

/** The municipality's endpoint: its case-management system opens a case for every change to decide. */
export const endpointExample: z.output<typeof WebhookEndpoint> = {
  object: "webhook_endpoint",
  id: EXAMPLE_IDS.endpoint,
  url: "https://integration.aarhus.example/hooks/subprocessor-registry",
  description: "ESDH: opens a case for each change",
  event_types: ["change_request.submitted", "notice.reminder", "decision.overdue", "annex.version_created"],
  enabled: true,
  disabled_reason: null,
  failing_since: null,
  previous_secret_expires_at: null,
  created_at: EXAMPLE_TIMES.endpointCreated,
  updated_at: EXAMPLE_TIMES.endpointCreated,
};

export const createdEndpointExample: z.output<typeof WebhookEndpointWithSecret> = { ...endpointExample, secret: "whsec_/OZpdM8RvZHFqLfUD9bCw4YG6R82f7TI" };

export const endpointListExample = listExample([endpointExample]);

export const updateEndpointExample: z.input<typeof UpdateEndpointBody> = { event_types: null, description: "ESDH: every event of our agreements" };

export const updatedEndpointExample: z.output<typeof WebhookEndpoint> = {
  ...endpointExample,
  event_types: null,
  description: "ESDH: every event of our agreements",
  updated_at: EXAMPLE_TIMES.now,
};

export const deletedEndpointExample: z.output<typeof DeletedEndpoint> = { object: "webhook_endpoint", id: EXAMPLE_IDS.endpoint, deleted: true };

/** Rotated: for 24 hours the previous secret signs too. */
export const rotatedEndpointExample: z.output<typeof WebhookEndpointWithSecret> = {
  ...endpointExample,
  previous_secret_expires_at: "2026-11-23T10:00:00.000Z",
  updated_at: EXAMPLE_TIMES.now,
  secret: "whsec_k2Yw0V9rQf4mX7TzLp3sHc8uNb6EaJd1",
};

/** A failed attempt and the retry that delivered the approval. */
export const attemptListExample = listExample<z.output<typeof DeliveryAttempt>>([
  {
    object: "delivery_attempt",
    id: EXAMPLE_IDS.attempt,
    event_id: EXAMPLE_IDS.approvedEvent,
    endpoint_id: EXAMPLE_IDS.endpoint,
    delivery_id: EXAMPLE_IDS.delivery,
    attempted_at: "2026-11-20T10:15:07.000Z",
    outcome: "succeeded",
    status_code: 204,
    duration_ms: 142,
    response_excerpt: "",
    error: null,
    next_attempt_at: null,
  },
  {
    object: "delivery_attempt",
    id: EXAMPLE_IDS.failedAttempt,
    event_id: EXAMPLE_IDS.approvedEvent,
    endpoint_id: EXAMPLE_IDS.endpoint,
    delivery_id: EXAMPLE_IDS.delivery,
    attempted_at: "2026-11-20T10:15:02.000Z",
    outcome: "failed",
    status_code: 503,
    duration_ms: 30,
    response_excerpt: "Service Unavailable",
    error: null,
    next_attempt_at: "2026-11-20T10:15:07.000Z",
  },
]);

export const resendExample: z.input<typeof ResendBody> = { endpoint_id: EXAMPLE_IDS.endpoint };

export const deliveryExample: z.output<typeof Delivery> = {
  object: "delivery",
  id: EXAMPLE_IDS.resentDelivery,
  event_id: EXAMPLE_IDS.approvedEvent,
  endpoint_id: EXAMPLE_IDS.endpoint,
  state: "pending",
  next_attempt_at: "2026-11-22T10:05:00.000Z",
};
