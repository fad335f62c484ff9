import { createClient } from "@libsql/client";
import { createDb } from "../db/client";
import { createApp, OPENAPI_INFO } from "./app";
import { defaultWebhookConfig, silentLogger, systemClock } from "./deps";
import { createIdGenerator } from "./domain/ids";

/** The OpenAPI 3.1 document of the routes, as served at /openapi.json (no database is touched). */
export function generateOpenApiDocument() {
  const app = createApp({
    db: createDb(createClient({ url: ":memory:" })),
    clock: systemClock,
    newId: createIdGenerator(() => new Date(0), (b) => b),
    logger: silentLogger,
    webhooks: defaultWebhookConfig,
  });
  return app.getOpenAPI31Document(OPENAPI_INFO);
}

/** The document as committed under openapi/: stable key order, two-space indent, final newline. */
export const serialiseOpenApi = (doc: unknown) => `${JSON.stringify(doc, null, 2)}\n`;
