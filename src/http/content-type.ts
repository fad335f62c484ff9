import { createMiddleware } from "hono/factory";
import { AppError } from "../domain/errors";
import type { AppEnv } from "./router";

/** Writes with a body must send JSON; an empty body (e.g. confirm) needs no content type. */
export const requireJsonBody = createMiddleware<AppEnv>(async (c, next) => {
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
