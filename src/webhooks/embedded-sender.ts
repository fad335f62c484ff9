import { Webhook } from "svix";
import { DELIVERY_TIMEOUT_MS, RESPONSE_EXCERPT_BYTES } from "../domain/webhooks";
import type { DeliverySender, SendInput, SendResult } from "./relay";

/**
 * Signs with the svix package (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
 * `webhook-signature`, several space-separated signatures while an old secret overlaps).
 */
export function signHeaders(msgId: string, timestamp: Date, payload: string, secrets: string[]): Record<string, string> {
  return {
    "webhook-id": msgId,
    "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
    "webhook-signature": secrets.map((s) => new Webhook(s).sign(msgId, timestamp, payload)).join(" "),
  };
}

/** The embedded sender: POSTs the signed event to the endpoint itself; 2xx is success. */
export function createEmbeddedSender(opts: { fetch: typeof fetch; wallClock: () => Date; userAgent?: string }): DeliverySender {
  return {
    async send({ event, endpoint, payload, secrets }: SendInput): Promise<SendResult> {
      if (!endpoint) return { statusCode: null, durationMs: 0, responseExcerpt: null, error: "no endpoint" };
      const started = opts.wallClock();
      try {
        const res = await opts.fetch(endpoint.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "user-agent": opts.userAgent ?? "SubprocessorRegistry-Webhooks/1.0",
            ...signHeaders(event.id, started, payload, secrets),
          },
          body: payload,
          redirect: "manual", // a redirect could lead anywhere; it counts as a failure
          signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
        });
        const text = await readExcerpt(res);
        return { statusCode: res.status, durationMs: opts.wallClock().getTime() - started.getTime(), responseExcerpt: text, error: null };
      } catch (err) {
        const e = err as Error & { cause?: { code?: string; message?: string } };
        const reason = e.name === "TimeoutError" ? `timed out after ${DELIVERY_TIMEOUT_MS / 1000} s` : (e.cause?.message ?? e.message);
        return { statusCode: null, durationMs: opts.wallClock().getTime() - started.getTime(), responseExcerpt: null, error: reason };
      }
    },
  };
}

/** The start of a response body, for the attempt log; the rest is not read. */
async function readExcerpt(res: Response): Promise<string | null> {
  if (!res.body) return null;
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < RESPONSE_EXCERPT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return new TextDecoder().decode(all.slice(0, RESPONSE_EXCERPT_BYTES));
}
