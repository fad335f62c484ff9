import { serve } from "@hono/node-server";
import { Agent, request } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { createTestContext } from "../helpers/app";
import { snapshotState } from "../helpers/db-snapshot";
import { createOrg } from "../helpers/factories";

describe("limits and headers", () => {
  it("a body over 256 KiB is refused with 413 problem+json, and nothing is written", async () => {
    const t = await createTestContext();
    const before = await snapshotState(t);
    const res = await t.call(t.operatorKey, "POST", "/v1/organisations", { name: "x".repeat(300 * 1024) });
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.body.code).toBe("payload_too_large");
    expect(await snapshotState(t)).toEqual(before);
  });

  it("over a kept-alive connection, a 413 closes it (the rest of the body is never read) and says so; the client's next request gets through", async () => {
    const t = await createTestContext();
    const server = serve({ fetch: t.app.fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise((resolve) => server.once("listening", resolve));
    const port = (server.address() as AddressInfo).port;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (method: string, path: string, body?: string) =>
      new Promise<{ status: number; connection?: string }>((resolve, reject) => {
        const req = request({ host: "127.0.0.1", port, method, path, agent, headers: { Authorization: `Bearer ${t.operatorKey}`, "Content-Type": "application/json" } }, (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode!, connection: res.headers.connection }));
        });
        req.on("error", reject);
        req.end(body);
      });
    try {
      const refused = await send("POST", "/v1/organisations", JSON.stringify({ name: "x".repeat(300 * 1024) }));
      expect(refused).toEqual({ status: 413, connection: "close" });
      expect((await send("GET", "/v1/organisations")).status).toBe(200);
    } finally {
      agent.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("anything but JSON on a JSON route is 415", async () => {
    const t = await createTestContext();
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml"]) {
      const res = await t.call(t.operatorKey, "POST", "/v1/organisations", "name=x", { "Content-Type": type });
      expect(res.status, type).toBe(415);
      expect(res.body.code).toBe("unsupported_media_type");
    }
  });

  it("per key: RateLimit-* headers on every answer, then 429 with Retry-After; another key is not affected", async () => {
    const t = await createTestContext({ requestsPerMinute: 10 });
    const a = await createOrg(t); // the operator's key: 2 of its 10
    const b = await createOrg(t);
    const answers = [];
    for (let i = 0; i < 11; i++) answers.push(await t.call(a.key, "GET", "/v1/organisations/me"));
    expect(answers.slice(0, 10).every((r) => r.status === 200)).toBe(true);
    expect(answers[0]!.headers.get("ratelimit-limit")).toBe("10");
    expect(answers[9]!.headers.get("ratelimit-remaining")).toBe("0");
    const limited = answers[10]!;
    expect(limited.status).toBe(429);
    expect(limited.headers.get("content-type")).toContain("application/problem+json");
    expect(limited.body.code).toBe("rate_limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await t.call(b.key, "GET", "/v1/organisations/me")).status).toBe(200);
  });

  it("security headers and a request id on every response, errors included", async () => {
    const t = await createTestContext();
    for (const res of [await t.call(null, "GET", "/healthz"), await t.call(null, "GET", "/v1/agreements"), await t.call(null, "GET", "/nope")]) {
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
      expect(res.headers.get("strict-transport-security")).toContain("max-age");
      expect(res.headers.get("x-request-id")).toMatch(/^req_[0-9A-Z]{26}$/);
      if (res.status >= 400) expect(res.body.request_id).toBe(res.headers.get("x-request-id"));
    }
  });

  it("an unexpected error is a 500 problem without a stack trace or SQL, logged with its request id", async () => {
    const t = await createTestContext();
    const logged: Record<string, unknown>[] = [];
    t.deps.logger = { info: () => {}, error: (msg, fields) => logged.push({ msg, ...fields }) };
    const org = await createOrg(t);
    await t.client.execute("DROP TABLE decisions"); // the database breaks under the service
    const res = await t.call(org.key, "GET", "/v1/decisions");
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ code: "internal_error", status: 500 });
    const text = JSON.stringify(res.body);
    expect(text).not.toMatch(/SQLITE|select |no such table|at .*\.ts/i);
    expect(logged.at(-1)).toMatchObject({ msg: "unhandled error", request_id: res.body.request_id });
  });
});
