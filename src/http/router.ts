import { OpenAPIHono, type RouteConfig, type RouteHandler, z } from "@hono/zod-openapi";
import "./messages";
import type { Context, TypedResponse } from "hono";
import type { JSONParsed } from "hono/utils/types";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";
import type { Deps } from "../deps";
import type { FieldError } from "../domain/errors";
import type { Actor } from "../core/actor";
import type { DeferredKey, IdempotencyClaim } from "../core/context";
import { ERROR_CODES } from "../domain/errors";
import { settleKey } from "../core/keyed-reads";
import { ERROR_STATUS, ERROR_TITLES, type Problem, problem, problemOf } from "./problem";
import type { ErrorCode } from "../domain/errors";

export interface AppEnv {
  Variables: {
    requestId: string;
    deps: Deps;
    actor: Actor;
    /** the SHA-256 of the presented key: what the rate limit counts by */
    keyHash?: string;
    deferredKey?: DeferredKey;
    idempotency?: IdempotencyClaim;
  };
}

export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

/** `answer` sent as `c.json` sends it, from the JSON of it the service made already (while its change was being written). */
export function serialisedJson<T, S extends ContentfulStatusCode>(c: Context<AppEnv>, _answer: T, json: string, status: S) {
  return c.body(json, status, { "Content-Type": "application/json" }) as unknown as Response & TypedResponse<JSONParsed<T>, S, "json">;
}

const valueAt = (input: unknown, path: PropertyKey[]) =>
  path.reduce<unknown>((v, key) => (v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[key] : undefined), input);

/** Zod issues as problem+json field errors: a JSON pointer into the request part and the rule. */
export function fieldErrors(error: ZodError, part: string, input?: unknown) {
  return error.issues.flatMap((issue) => {
    const pointer = `/${issue.path.map((p) => String(p).replaceAll("~", "~0").replaceAll("/", "~1")).join("/")}`;
    const params = "params" in issue ? (issue.params as Record<string, unknown> | undefined) : undefined;
    let rule: string = typeof params?.rule === "string" ? params.rule : issue.code;
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        in: part as FieldError["in"],
        pointer: `${pointer === "/" ? "" : pointer}/${key}`,
        rule: "unknown_field",
        detail: `"${key}" is not a field of this object.`,
      }));
    }
    // zod 4 leaves the input out of its issues, so look the value up in what was sent
    if (issue.code === "invalid_type" && valueAt(input, issue.path) === undefined) rule = "required";
    return [{ in: part as FieldError["in"], pointer, rule, detail: issue.message }];
  });
}

/** A router whose validation failures are problem+json naming each field and rule. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    strict: false,
    defaultHook: async (result, c) => {
      if (result.success) return;
      // a bad key is answered before a bad request
      await settleKey(c.get("deferredKey"));
      const part = result.target === "param" ? "path" : result.target;
      const errors = fieldErrors(result.error as unknown as ZodError, part, (result as { data?: unknown }).data);
      const code = part === "json" ? "validation_failed" : "invalid_request";
      return problem(c, code, `The request ${part === "json" ? "body" : part} is not valid: ${errors.map((e) => `${e.pointer} (${e.rule})`).join(", ")}.`, errors);
    },
  });
}

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "https://subprocessor-registry.dev/problems/validation-failed" }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.enum(ERROR_CODES).openapi({
      example: "validation_failed",
      description: `Stable and machine-readable, the same for every transport: ${ERROR_CODES.map((c) => `\`${c}\` (${ERROR_STATUS[c]}): ${ERROR_TITLES[c]}`).join("; ")}.`,
    }),
    instance: z.string(),
    request_id: z.string().optional(),
    errors: z
      .array(
        z.object({
          in: z.string().optional().openapi({ description: "json, query, path or header" }),
          pointer: z.string().openapi({ description: "RFC 6901 JSON pointer to the field", example: "/annex/sub_processors/0/address/country" }),
          rule: z.string().openapi({ example: "iso_3166_1_alpha_2" }),
          detail: z.string(),
        }),
      )
      .optional(),
  })
  .openapi("Problem");

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Malformed request (bad JSON, query or path parameter)",
  401: "Missing, unknown or revoked API key",
  403: "The key's organisation may not do this",
  404: "No such resource, or it belongs to another organisation",
  409: "The resource is not in a state that allows this",
  413: "Request body too large",
  415: "Request body is not application/json",
  422: "The body breaks a rule; `errors` names each field and rule (or an Idempotency-Key was reused with another request: `idempotency_key_reused`)",
  429: "Too many requests for this key: wait `Retry-After` seconds",
  502: "A service this one relies on (Svix, an organisation's OpenID provider) did not answer or refused; nothing was changed, try again",
};

const header = (description: string, type: "string" | "integer" = "string") => ({ description, schema: { type } });

/** Every answer carries the request's id, which every log line and problem names. */
export const REQUEST_ID_HEADER = { "X-Request-Id": header("This request's id, as in the logs and the audit trail") };

/** The rate limit of the key (draft-ietf-httpapi-ratelimit-headers), on every answer to a keyed request. */
const RATE_LIMIT_HEADERS = {
  "RateLimit-Limit": header("Requests a key may make per window", "integer"),
  "RateLimit-Remaining": header("Requests left in this window", "integer"),
  "RateLimit-Reset": header("Seconds until the window resets", "integer"),
};

const ERROR_HEADERS: Record<number, Record<string, ReturnType<typeof header>>> = {
  401: { "WWW-Authenticate": header('`Bearer realm="subprocessor-registry"`: send an API key as a bearer token') },
  413: { Connection: header("`close`: the rest of the body is not read, so the connection ends with this answer") },
  429: { "Retry-After": header("Seconds to wait before trying again", "integer"), ...RATE_LIMIT_HEADERS },
};

/** What each status's problem looks like, one typical case per status. */
const PROBLEM_EXAMPLES: Record<number, { code: ErrorCode; detail: string; errors?: Problem["errors"] }> = {
  400: { code: "malformed_json", detail: "The request body is not valid JSON.", errors: [{ in: "json", pointer: "", rule: "json", detail: "Unexpected end of JSON input" }] },
  401: { code: "unauthenticated", detail: "Send an API key as `Authorization: Bearer sk_live_…`." },
  403: { code: "forbidden", detail: "This key is read-only; use a write key for changes." },
  404: { code: "not_found", detail: "No such agreement." },
  409: { code: "invalid_state", detail: "The decision is already approved; final states are final." },
  413: { code: "payload_too_large", detail: "The request body is too large." },
  415: { code: "unsupported_media_type", detail: "Send the body as application/json." },
  422: {
    code: "validation_failed",
    detail: "The request body is not valid: /annex/sub_processors/0/address/country (iso_3166_1_alpha_2).",
    errors: [
      {
        in: "json",
        pointer: "/annex/sub_processors/0/address/country",
        rule: "iso_3166_1_alpha_2",
        detail: "Not an ISO 3166-1 alpha-2 country code (upper case, e.g. DK, SE, US).",
      },
    ],
  },
  429: { code: "rate_limited", detail: "More than 600 requests a minute with this key; retry after the time in Retry-After." },
  502: { code: "upstream_unavailable", detail: "Svix did not accept the change: 503 Service Unavailable." },
};

const problemExample = (status: number) => {
  const { code, detail, errors } = PROBLEM_EXAMPLES[status] ?? PROBLEM_EXAMPLES[400]!;
  return problemOf(code, detail, { instance: "/v1/agreements", requestId: "req_01JD3Q6W8Y0X1K2M3N4P5Q6R7S" }, errors);
};

/**
 * The error responses a route declares, all problem+json, from one place: 400 and 401 on every
 * route, 429 on every keyed route, 413 wherever a body is taken (with its 415), and what the route adds.
 */
export function errorResponses(...statuses: number[]) {
  const all = [400, 401, ...statuses, ...(statuses.includes(415) ? [413] : []), 429];
  return Object.fromEntries(
    [...new Set(all)]
      .sort((a, b) => a - b)
      .map((s) => [
        s,
        {
          description: ERROR_DESCRIPTIONS[s] ?? "Error",
          headers: { ...REQUEST_ID_HEADER, ...ERROR_HEADERS[s] },
          content: { "application/problem+json": { schema: ProblemSchema, example: problemExample(s) } },
        },
      ]),
  );
}

/** A JSON response body of a route, with the headers every answer carries, and an example of it for the reference. */
export const jsonContent = <T extends z.ZodType>(schema: T, description: string, example?: NoInfer<z.output<T>>) => ({
  content: { "application/json": { schema, ...(example === undefined ? {} : { example }) } },
  headers: REQUEST_ID_HEADER,
  description,
});

/** A required JSON request body of a route, and an example of it for the reference. */
export const jsonBody = <T extends z.ZodType>(schema: T, description?: string, example?: NoInfer<z.input<T>>) => ({
  content: { "application/json": { schema, ...(example === undefined ? {} : { example }) } },
  required: true,
  description,
});

/** The problem+json errors of a public route, described for it; 401 is declared as on every route, but a public route never answers it. */
export function publicErrorResponses(descriptions: Record<number, string>) {
  // no key, no per-key rate limit
  const { 429: _limited, ...responses } = errorResponses(...Object.keys(descriptions).map(Number));
  const described: Record<number, string> = { 401: "Never returned: this operation is public and ignores any Authorization header", ...descriptions };
  return Object.fromEntries(Object.entries(responses).map(([status, r]) => [status, { ...r, description: described[Number(status)] ?? r.description }]));
}
