import type { Context } from "hono";
import type { ErrorCode, FieldError } from "../domain/errors";

/** The HTTP status of each error code: the one place the transport meets the codes. */
export const ERROR_STATUS: Record<ErrorCode, number> = {
  malformed_json: 400,
  invalid_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  route_not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  invalid_state: 409,
  notice_only: 409,
  instruction_conflict: 409,
  not_in_register: 409,
  controllers_pending: 409,
  idempotency_key_reused: 422,
  idempotency_in_progress: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  rate_limited: 429,
  internal_error: 500,
  upstream_unavailable: 502,
};

export const ERROR_TITLES: Record<ErrorCode, string> = {
  malformed_json: "Malformed JSON",
  invalid_request: "Invalid request",
  unauthenticated: "Authentication required",
  forbidden: "Forbidden",
  not_found: "Not found",
  route_not_found: "No such route",
  method_not_allowed: "Method not allowed",
  conflict: "Conflict",
  invalid_state: "Invalid state",
  notice_only: "A notice needs no decision",
  instruction_conflict: "Conflicts with the controller's instruction",
  not_in_register: "The upstream change is not in this register",
  controllers_pending: "Controllers have yet to approve",
  idempotency_key_reused: "Idempotency key reused",
  idempotency_in_progress: "Idempotent request in progress",
  payload_too_large: "Payload too large",
  unsupported_media_type: "Unsupported media type",
  validation_failed: "Validation failed",
  rate_limited: "Too many requests",
  internal_error: "Internal error",
  upstream_unavailable: "Upstream service unavailable",
};

/** The problem type URI of an error code (RFC 9457 §3.1.1). */
export const problemType = (code: ErrorCode) => `https://subprocessor-registry.dev/problems/${code.replaceAll("_", "-")}`;

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance: string;
  request_id?: string;
  errors?: (FieldError & { in?: string })[];
  [extra: string]: unknown;
}

/** A problem of an error code, about a request (its path and id): the body the service sends, and the document's examples. */
export function problemOf(
  code: ErrorCode,
  detail: string,
  request: { instance: string; requestId?: string },
  errors: Problem["errors"] = [],
  extra: Record<string, unknown> = {},
): Problem {
  return {
    type: problemType(code),
    title: ERROR_TITLES[code],
    status: ERROR_STATUS[code],
    detail,
    code,
    instance: request.instance,
    request_id: request.requestId,
    ...(errors.length ? { errors } : {}),
    ...extra,
  };
}

export const problemBody = (c: Context, code: ErrorCode, detail: string, errors: Problem["errors"] = [], extra: Record<string, unknown> = {}): Problem =>
  problemOf(code, detail, { instance: new URL(c.req.url).pathname, requestId: c.get("requestId") }, errors, extra);

/** Answers with an RFC 9457 application/problem+json body. */
export function problem(c: Context, code: ErrorCode, detail: string, errors: Problem["errors"] = [], extra: Record<string, unknown> = {}) {
  const body = problemBody(c, code, detail, errors, extra);
  // RFC 9110 §11.6.1: a 401 names the scheme it wants
  const headers: Record<string, string> = { "Content-Type": "application/problem+json" };
  if (body.status === 401) headers["WWW-Authenticate"] = 'Bearer realm="subprocessor-registry"';
  // the rest of a body too large is never read, so the connection cannot carry another request:
  // say so (RFC 9112 §9.6), or a client reusing it fails its next request
  if (code === "payload_too_large") headers.Connection = "close";
  return c.body(JSON.stringify(body), body.status as 400, headers);
}
