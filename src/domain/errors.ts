/** One field that failed a rule: a JSON pointer into the request, the rule's name, and why. */
export interface FieldError {
  pointer: string;
  rule: string;
  detail: string;
  /** the part of the request: json (body), query, path or header */
  in?: "json" | "query" | "path" | "header";
  /** the covered agreement whose annex the operation failed against */
  agreement_id?: string;
}

/** Stable error codes, the same for every transport; the HTTP adapter (src/http/problem.ts) maps each to a status. */
export const ERROR_CODES = [
  "malformed_json",
  "invalid_request",
  "unauthenticated",
  "forbidden",
  "not_found",
  "route_not_found",
  "method_not_allowed",
  "conflict",
  "invalid_state",
  "notice_only",
  "instruction_conflict",
  "not_in_register",
  "controllers_pending",
  "idempotency_key_reused",
  "idempotency_in_progress",
  "payload_too_large",
  "unsupported_media_type",
  "validation_failed",
  "rate_limited",
  "internal_error",
  "upstream_unavailable",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The one error type thrown by domain and service code; `onError` turns it into problem+json. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors: FieldError[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const notFound = (what: string) => new AppError("not_found", `No such ${what}.`);
/** A 422 for a body that breaks rules; each error is about the JSON body unless it says otherwise. */
export const validationFailed = (errors: FieldError[], message = "The request does not satisfy the rules of the annex.") =>
  new AppError(
    "validation_failed",
    message,
    errors.map((e) => ({ in: "json", ...e })),
  );
