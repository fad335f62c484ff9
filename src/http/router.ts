import { OpenAPIHono, type RouteConfig, type RouteHandler, z } from "@hono/zod-openapi";
import type { ZodError } from "zod";
import type { Deps } from "../deps";
import type { FieldError } from "../domain/errors";
import type { Actor } from "../core/actor";
import type { IdempotencyClaim } from "../core/context";
import { ERROR_CODES } from "../domain/errors";
import { ERROR_STATUS, ERROR_TITLES, problem } from "./problem";

export interface AppEnv {
  Variables: {
    requestId: string;
    deps: Deps;
    actor: Actor;
    idempotency?: IdempotencyClaim;
  };
}

export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

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
    defaultHook: (result, c) => {
      if (result.success) return;
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
  429: { "Retry-After": header("Seconds to wait before trying again", "integer"), ...RATE_LIMIT_HEADERS },
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
          content: { "application/problem+json": { schema: ProblemSchema } },
        },
      ]),
  );
}

/** A JSON response body of a route, with the headers every answer carries. */
export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  headers: REQUEST_ID_HEADER,
  description,
});

/** A required JSON request body of a route. */
export const jsonBody = <T extends z.ZodType>(schema: T, description?: string) => ({
  content: { "application/json": { schema } },
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
