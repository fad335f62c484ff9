import type { Svix } from "svix";
import type { Db } from "../../db/client";
import { RESPONSE_EXCERPT_BYTES } from "../domain/webhooks";
import type { DeliverySender, SendInput, SendResult } from "./relay";
import { createSvixClient, describeSvixError, svixStatus } from "./svix-mirror";

export interface SvixSenderOptions {
  apiKey: string;
  serverUrl?: string;
  /** kept for the relay's wiring; the sender needs nothing from the database */
  db?: Db;
  /** tests: a client of their own (default: one from apiKey/serverUrl, without the package's retries) */
  svix?: Svix;
}

/** Svix's answer to a message create: accepted, it delivers from here on. */
const ACCEPTED = 202;

/**
 * The Svix sender: hands each event to Svix, which signs it and delivers it to the
 * organisation's endpoints by their filters. One application per organisation (uid = its id),
 * the event id as Svix's message id (eventId) and as the idempotency key, so a retry after a lost
 * answer never makes a second message. A failure (5xx, 429, network) is retried by the relay on
 * its schedule, every attempt recorded; Svix retries the endpoints on its own.
 */
export function createSvixSender(opts: SvixSenderOptions): DeliverySender {
  const svix = opts.svix ?? createSvixClient({ apiKey: opts.apiKey, serverUrl: opts.serverUrl, retries: false });
  return {
    async send({ delivery, event, endpoint, payload }: SendInput): Promise<SendResult> {
      const started = performance.now();
      const took = () => performance.now() - started;
      const app = delivery.organisationId;
      const create = () =>
        svix.message.create(
          app,
          {
            eventType: event.type,
            eventId: event.id,
            payload: JSON.parse(payload) as { type: string; timestamp: string; data: unknown },
            // creates the organisation's application if Svix has none yet (ignored when it has)
            application: { name: app, uid: app },
          },
          { idempotencyKey: event.id, withContent: false },
        );
      try {
        if (endpoint) {
          // one endpoint only (a resend or a ping): Svix re-sends its message to that endpoint
          try {
            await svix.messageAttempt.resend(app, event.id, endpoint.id, { idempotencyKey: delivery.id });
            return { statusCode: ACCEPTED, durationMs: took(), responseExcerpt: excerpt({ resent: event.id, endpoint: endpoint.id }), error: null };
          } catch (err) {
            // Svix has no message for the event yet: send it (Svix cannot aim a new message at one endpoint)
            if (svixStatus(err) !== 404) throw err;
          }
        }
        const out = await create();
        return { statusCode: ACCEPTED, durationMs: took(), responseExcerpt: excerpt({ svix_message_id: out.id, event_id: out.eventId ?? event.id }), error: null };
      } catch (err) {
        const status = svixStatus(err);
        // 409: Svix already has a message with this eventId in the application; it was handed over before
        if (status === 409) return { statusCode: 200, durationMs: took(), responseExcerpt: excerpt({ event_id: event.id, already_in_svix: true }), error: null };
        return { statusCode: status, durationMs: took(), responseExcerpt: null, error: describeSvixError(err) };
      }
    },
  };
}

const excerpt = (value: unknown) => JSON.stringify(value).slice(0, RESPONSE_EXCERPT_BYTES);
