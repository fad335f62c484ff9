import type { z } from "zod";
import { approvedDecisionExample } from "../decisions/decisions.examples";
import { EXAMPLE_IDS, EXAMPLE_TIMES, listExample } from "../examples";
import type { Event } from "./events.schemas";

/** What the controller's approval told both parties. */
export const approvedEventExample: z.output<typeof Event> = {
  object: "event",
  id: EXAMPLE_IDS.approvedEvent,
  type: "decision.approved",
  created_at: EXAMPLE_TIMES.approved,
  agreement_id: EXAMPLE_IDS.agreement,
  change_request_id: EXAMPLE_IDS.changeRequest,
  data: { decision: approvedDecisionExample },
};

/** The new annex version the approval made, in the same instant. */
const versionCreatedEvent: z.output<typeof Event> = {
  ...approvedEventExample,
  id: EXAMPLE_IDS.versionCreatedEvent,
  type: "annex.version_created",
  data: {
    decision: approvedDecisionExample,
    annex: {
      agreement_id: EXAMPLE_IDS.agreement,
      version: 2,
      effective_at: EXAMPLE_TIMES.approved,
      change_request_id: EXAMPLE_IDS.changeRequest,
      third_country: false,
      kind: "decision",
      changes: {
        locations: { added: ["azure-north-europe"], removed: [], changed: [] },
        sub_processors: { added: ["microsoft-ireland"], removed: [], changed: [{ ref: "hetzner", fields: ["description"] }] },
      },
    },
  },
};

export const eventListExample = listExample([versionCreatedEvent, approvedEventExample]);

/** The test event of POST /v1/webhook-endpoints/{endpoint_id}/ping. */
export const pingEventExample: z.output<typeof Event> = {
  object: "event",
  id: EXAMPLE_IDS.pingEvent,
  type: "webhook_endpoint.ping",
  created_at: EXAMPLE_TIMES.now,
  agreement_id: null,
  change_request_id: null,
  data: { endpoint_id: EXAMPLE_IDS.endpoint, message: "ping" },
};
