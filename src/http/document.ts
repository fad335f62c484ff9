import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./router";

type Doc = ReturnType<OpenAPIHono<AppEnv>["getOpenAPI31Document"]>;
type Config = Parameters<OpenAPIHono<AppEnv>["getOpenAPI31Document"]>[0];
type Json = unknown;

const REF = "#/components/schemas/";

const refName = (node: Json) =>
  node && typeof node === "object" && typeof (node as { $ref?: unknown }).$ref === "string" && (node as { $ref: string }).$ref.startsWith(REF)
    ? (node as { $ref: string }).$ref.slice(REF.length)
    : undefined;

function visit(node: Json, fn: (node: Json) => void) {
  if (!node || typeof node !== "object") return;
  fn(node);
  for (const child of Object.values(node)) visit(child, fn);
}

/**
 * Input schemas of their own where a field has a default. A field with a default is optional in a
 * request and always present in a response; a generated client reads `default` in a named schema as
 * "always present" (openapi-typescript's default), so a request body whose schema, or a schema it
 * uses, declares a default is written out in the request body itself (titled with its name), where
 * such fields are optional. The named schema stays for the responses that use it.
 */
function inlineDefaultedInputs(doc: Doc) {
  const schemas = (doc.components?.schemas ?? {}) as Record<string, Json>;
  const defaulted = new Map<string, boolean>();
  const hasDefault = (name: string, seen = new Set<string>()): boolean => {
    if (defaulted.has(name)) return defaulted.get(name)!;
    if (seen.has(name)) return false;
    seen.add(name);
    let found = false;
    visit(schemas[name], (n) => {
      const ref = refName(n);
      if (ref ? hasDefault(ref, seen) : Object.hasOwn(n as object, "default")) found = true;
    });
    defaulted.set(name, found);
    return found;
  };
  const inline = (node: Json): Json => {
    if (!node || typeof node !== "object") return node;
    const ref = refName(node);
    if (ref !== undefined) return hasDefault(ref) ? { title: ref, ...(inline(schemas[ref]) as object) } : node;
    if (Array.isArray(node)) return node.map(inline);
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, inline(v)]));
  };
  for (const item of Object.values(doc.paths ?? {}))
    for (const op of Object.values(item as Record<string, { requestBody?: { content?: Record<string, { schema?: Json }> } }>)) {
      for (const media of Object.values(op?.requestBody?.content ?? {})) if (media.schema) media.schema = inline(media.schema);
    }
  // a named schema only requests used is now used nowhere
  const used = new Set<string>();
  const mark = (node: Json) =>
    visit(node, (n) => {
      const ref = refName(n);
      if (ref !== undefined && !used.has(ref)) {
        used.add(ref);
        mark(schemas[ref]);
      }
    });
  mark({ paths: doc.paths, webhooks: doc.webhooks });
  for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name];
}

type Operation = {
  security?: unknown[];
  parameters?: { in: string; name: string }[];
  responses: Record<string, { headers?: Record<string, unknown> }>;
};

const IDEMPOTENCY_KEY = {
  in: "header",
  name: "idempotency-key",
  required: false,
  description:
    "Any keyed POST takes one (1–255 characters): the first answer (2xx or 4xx) is kept for 24 hours and replayed for the same key and body, with `Idempotent-Replayed: true`; the same key with another body is 422 `idempotency_key_reused`, and while the first request still runs, 409 `idempotency_in_progress`.",
  schema: { type: "string", minLength: 1, maxLength: 255, example: "8e03978e-40d5-43e8-bc93-6894a57f9324" },
};
const REPLAYED = { description: "`true` when this is the kept answer to an earlier request with the same Idempotency-Key", schema: { type: "string", enum: ["true"] } };

/**
 * Idempotency-Key, as the middleware takes it (src/http/idempotency.ts): on every keyed POST, with
 * the two refusals it adds and `Idempotent-Replayed` on every answer that can be replayed.
 */
function declareIdempotency(doc: Doc) {
  const operations = Object.values(doc.paths ?? {}).flatMap((item) => Object.values(item as Record<string, Operation>));
  // the 409 and 422 as every route declares them (errorResponses in ./router.ts), already in document form
  const declared = (status: string) => operations.find((op) => op.responses?.[status])!.responses[status]!;
  const refusals = { "409": declared("409"), "422": declared("422") };
  for (const item of Object.values(doc.paths ?? {})) {
    const op = (item as { post?: Operation }).post;
    if (!op?.security?.length) continue;
    op.parameters ??= [];
    if (!op.parameters.some((p) => p.in === "header" && p.name.toLowerCase() === "idempotency-key")) op.parameters.push(IDEMPOTENCY_KEY);
    for (const status of ["409", "422"] as const) op.responses[status] ??= structuredClone(refusals[status]);
    for (const [status, response] of Object.entries(op.responses)) if (Number(status) < 500) response.headers = { ...response.headers, "Idempotent-Replayed": REPLAYED };
  }
}

/** The OpenAPI document of the app, as served at /openapi.json and committed under openapi/. */
export function openApiDocument(app: OpenAPIHono<AppEnv>, config: Config): Doc {
  const doc = structuredClone(app.getOpenAPI31Document(config));
  inlineDefaultedInputs(doc);
  declareIdempotency(doc);
  return doc;
}
