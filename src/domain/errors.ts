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

/** Stable error codes; each maps to one HTTP status and one problem type. */
export const ERROR_STATUS = {
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
  idempotency_key_reused: 422,
  idempotency_in_progress: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  rate_limited: 429,
  internal_error: 500,
  upstream_unavailable: 502,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** The one error type thrown by domain and service code; `onError` turns it into problem+json. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors: FieldError[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "AppError";
    this.status = ERROR_STATUS[code];
  }
}

export const notFound = (what: string) => new AppError("not_found", `No such ${what}.`);
/** A 422 for a body that breaks rules; each error is about the JSON body unless it says otherwise. */
export const validationFailed = (errors: FieldError[], message = "The request does not satisfy the rules of the annex.") =>
  new AppError("validation_failed", message, errors.map((e) => ({ in: "json", ...e })));
