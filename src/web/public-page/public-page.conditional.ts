import type { Context } from "hono";

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** True when the client's copy is current (RFC 9110 §13.1.2, §13.1.3, §13.2.2): If-None-Match wins over If-Modified-Since. */
export function isNotModified(headers: { ifNoneMatch?: string; ifModifiedSince?: string }, etag: string, lastModified: Date): boolean {
  if (headers.ifNoneMatch !== undefined) {
    const tags = headers.ifNoneMatch.split(",").map((t) => t.trim());
    // weak comparison, as for GET: W/"x" matches "x"
    return tags.some((t) => t === "*" || t.replace(/^W\//, "") === etag);
  }
  if (headers.ifModifiedSince !== undefined) {
    const since = Date.parse(headers.ifModifiedSince);
    return !Number.isNaN(since) && lastModified.getTime() <= since;
  }
  return false;
}

/**
 * A GET answer that caches can revalidate: a strong ETag over the body, Last-Modified at
 * second precision, and 304 Not Modified (no body, same validators) for a current copy.
 * `variant` names the representation (its language): hashed with the body, so each language of
 * the same resource has an ETag of its own, and a copy in one never validates another.
 */
export async function conditionalResponse(c: Context, body: string, contentType: string, lastModified: Date, extra: Record<string, string> = {}, variant = "") {
  const etag = `"${(await sha256Hex(`${variant}\n${body}`)).slice(0, 40)}"`;
  const seconds = new Date(Math.floor(lastModified.getTime() / 1000) * 1000);
  const headers = { ETag: etag, "Last-Modified": seconds.toUTCString(), "Cache-Control": "public, max-age=60", ...extra };
  if (isNotModified({ ifNoneMatch: c.req.header("if-none-match"), ifModifiedSince: c.req.header("if-modified-since") }, etag, seconds)) return c.body(null, 304, headers);
  return c.body(body, 200, { ...headers, "Content-Type": contentType });
}
