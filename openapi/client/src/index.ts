// A typed client of the Subprocessor Registry API: openapi-fetch over the types generated from
// openapi/openapi.json (schema.d.ts, written by `npm run openapi`).
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { components, operations, paths } from "./schema";

export type { components, operations, paths, webhooks } from "./schema";
export { verifyWebhook, WebhookVerificationError, type WebhookEvent, type WebhookEventType } from "./webhooks";

/** The body of every error answer (`application/problem+json`, RFC 9457): switch on `code`, show `detail`. */
export type Problem = components["schemas"]["Problem"];
/** A named schema of the API, e.g. `Schema<"ChangeRequest">`. */
export type Schema<Name extends keyof components["schemas"]> = components["schemas"][Name];
/** The JSON body an operation takes, by its operationId, e.g. `RequestBody<"submitChangeRequest">`. */
export type RequestBody<Operation extends keyof operations> = operations[Operation] extends { requestBody?: { content: { "application/json": infer Body } } } ? Body : never;
export type RegistryClient = Client<paths>;

export interface RegistryClientOptions {
  /** where the API is served, without `/v1` (e.g. `https://registry.example.eu`) */
  baseUrl: string;
  /** an organisation's (or the operator's) API key, sent as `Authorization: Bearer <key>` */
  apiKey: string;
  /** another fetch (tests, proxies, an in-process app); the global fetch by default */
  fetch?: (request: Request) => Promise<Response>;
}

/**
 * A client whose calls are typed by path, method, parameters and body:
 * `const { data, error } = await client.GET("/v1/decisions/{decision_id}", { params: { path: { decision_id } } })`,
 * with `data` the success body and `error` a {@link Problem}.
 */
export function createRegistryClient({ baseUrl, apiKey, fetch }: RegistryClientOptions): RegistryClient {
  const client = createClient<paths>({ baseUrl, ...(fetch ? { fetch } : {}) });
  client.use(bearer(apiKey));
  return client;
}

function bearer(apiKey: string): Middleware {
  return {
    onRequest({ request }) {
      request.headers.set("Authorization", `Bearer ${apiKey}`);
      return request;
    },
  };
}

/**
 * A new Idempotency-Key for a POST: `params: { header: { "idempotency-key": key } }`. Send the same
 * key again when retrying that request (after a timeout, say) and the service replays its first
 * answer for 24 hours instead of doing it twice; a new request needs a new key.
 */
export const newIdempotencyKey = (): string => crypto.randomUUID();
