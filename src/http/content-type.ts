import { createMiddleware } from "hono/factory";
import { AppError } from "../domain/errors";
import { limitBody } from "./limits";
import type { AppEnv } from "./router";

/**
 * A request's body: none to check on a GET or HEAD (the fetch API gives them none, and asking for
 * one would make the Node adapter build the whole request object for nothing, on the hottest
 * reads); otherwise under 256 KiB (`limitBody`), and JSON on a write that has one.
 */
export const bodyChecks = createMiddleware<AppEnv>((c, next) =>
  c.req.method === "GET" || c.req.method === "HEAD"
    ? next()
    : limitBody(c, async () => {
        await requireJsonBody(c, next);
      }),
);

/** Writes with a body must send JSON; an empty body (e.g. confirm) needs no content type. */
const requireJsonBody = createMiddleware<AppEnv>(async (c, next) => {
  if (["POST", "PUT", "PATCH"].includes(c.req.method)) {
    const type = c.req.header("content-type");
    const length = c.req.header("content-length");
    const hasBody = type !== undefined || (length !== undefined && length !== "0") || c.req.header("transfer-encoding") !== undefined;
    // a media type, optionally with well-formed `; name=value` parameters (RFC 9110 §8.3.1)
    if (hasBody && !/^application\/([\w.-]+\+)?json(\s*;\s*[\w!#$&^.+-]+=("[^"]*"|[\w!#$&^.+-]+))*\s*$/i.test(type ?? ""))
      throw new AppError("unsupported_media_type", `Send the body as application/json (got ${type ?? "no content type"}).`);
  }
  await next();
});
