import { z } from "@hono/zod-openapi";
import { EVENT_TYPE_NAMES, EVENT_TYPES } from "../../domain/events";
import { Timestamp } from "../../http/schemas";

export const EventType = z.enum(EVENT_TYPE_NAMES).openapi("EventType", {
  description: Object.entries(EVENT_TYPES)
    .map(([k, v]) => `\`${k}\`: ${v}`)
    .join("\n"),
});

export const Event = z
  .object({
    object: z.literal("event"),
    id: z.string().openapi({ description: "Stable; also the webhook-id of its deliveries", example: "evt_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C" }),
    type: EventType,
    created_at: Timestamp,
    agreement_id: z.string().nullable(),
    change_request_id: z.string().nullable(),
    data: z
      .record(z.string(), z.unknown())
      .openapi({ description: "decision events: `{ decision }`; annex.version_created: `{ decision, annex }`; notice.reminder: `{ decision, days_before, notice_ends_at }`" }),
  })
  .openapi("Event");

export const ListEventsQuery = z.object({
  type: EventType.optional(),
  agreement_id: z.string().optional(),
  order: z.enum(["desc", "asc"]).default("desc").openapi({ description: "desc: newest first; asc: oldest first, to follow the feed with the cursor" }),
});

export const EventIdParam = z.object({
  event_id: z.string().openapi({ param: { name: "event_id", in: "path" }, example: "evt_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C" }),
});
