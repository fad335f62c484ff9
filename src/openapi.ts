import { createClient } from "@libsql/client";
import { createApp, OPENAPI_INFO } from "./app";
import { buildDeps } from "./build-deps";
import { parseEnv } from "./env";
import { openApiDocument } from "./http/document";

/** The OpenAPI 3.1 document of the routes, as served at /openapi.json (no database is touched). */
export function generateOpenApiDocument() {
  const app = createApp(buildDeps(parseEnv({ LOG_LEVEL: "silent" }), { client: createClient({ url: ":memory:" }) }));
  return openApiDocument(app, OPENAPI_INFO);
}

/** The document as committed under openapi/: stable key order, two-space indent, final newline. */
export const serialiseOpenApi = (doc: unknown) => `${JSON.stringify(doc, null, 2)}\n`;
