import type { RateLimitBinding } from "../deps";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { rateLimiter } from "hono-rate-limiter";
import { AppError } from "../domain/errors";
import type { AppEnv } from "./router";

export const MAX_BODY_BYTES = 256 * 1024;

/** Bodies over 256 KiB are refused before they are read whole. */
export const limitBody = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new AppError("payload_too_large", `The request body is larger than ${MAX_BODY_BYTES / 1024} KiB.`);
  },
});

export interface RateLimitOptions {
  /** requests per key per minute */
  perMinute: number;
  /** on Workers: the Rate Limiting binding (counts across isolates); otherwise an in-memory store per process */
  binding?: RateLimitBinding;
}

/**
 * Per-key rate limit (hono-rate-limiter): `RateLimit-*` headers on every answer, and a 429
 * problem with `Retry-After` past the limit.
 */
export function limitRate(opts: RateLimitOptions) {
  const common = {
    keyGenerator: (c: Parameters<Parameters<typeof createMiddleware<AppEnv>>[0]>[0]) => c.get("keyHash") ?? "system",
    handler: () => {
      throw new AppError("rate_limited", `More than ${opts.perMinute} requests a minute with this key; retry after the time in Retry-After.`);
    },
  };
  return opts.binding
    ? rateLimiter<AppEnv>({ ...common, binding: opts.binding as never })
    : rateLimiter<AppEnv>({ ...common, windowMs: 60_000, limit: opts.perMinute, standardHeaders: "draft-6" });
}

/** One log line a request, with its id, so every log line can be traced to its request. */
export const logRequests = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  await next();
  c.get("deps").logger.info("request", {
    request_id: c.get("requestId"),
    method: c.req.method,
    path: c.req.path,
    status: c.res.status,
    duration_ms: Math.round(performance.now() - started),
  });
});
