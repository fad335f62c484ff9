import { describe, expect, it } from "vitest";
import { createEmbeddedSender } from "../../src/webhooks/embedded-sender";
import { createGuardedFetch } from "../../src/webhooks/guarded-fetch";
import { createTestContext } from "../helpers/app";
import { snapshotState } from "../helpers/db-snapshot";
import { createOrg } from "../helpers/factories";
import { testRelay } from "../helpers/relay";

describe("webhook endpoints", () => {
  it("create (secret once), read, list, update, delete", async () => {
    const t = await createTestContext();
    const org = await createOrg(t);
    const created = await t.call(org.key, "POST", "/v1/webhook-endpoints", {
      url: "https://hooks.example.com/registry",
      description: "GRC tool",
      event_types: ["decision.objected", "annex.version_created"],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      object: "webhook_endpoint",
      url: "https://hooks.example.com/registry",
      enabled: true,
      disabled_reason: null,
      event_types: ["decision.objected", "annex.version_created"],
    });
    const id = created.body.id;
    const read = await t.call(org.key, "GET", `/v1/webhook-endpoints/${id}`);
    expect(read.body).not.toHaveProperty("secret");
    expect(JSON.stringify(read.body)).not.toContain(created.body.secret);
    const list = await t.call(org.key, "GET", "/v1/webhook-endpoints");
    expect(list.body.data.map((e: { id: string }) => e.id)).toEqual([id]);
    expect(JSON.stringify(list.body)).not.toContain(created.body.secret);

    const updated = await t.call(org.key, "PATCH", `/v1/webhook-endpoints/${id}`, { event_types: null, enabled: false, description: null });
    expect(updated.body).toMatchObject({ event_types: null, enabled: false, disabled_reason: "manual", description: null });
    const pingDisabled = await t.call(org.key, "POST", `/v1/webhook-endpoints/${id}/ping`);
    expect(pingDisabled.status).toBe(409);

    const deleted = await t.call(org.key, "DELETE", `/v1/webhook-endpoints/${id}`);
    expect(deleted.body).toEqual({ object: "webhook_endpoint", id, deleted: true });
    expect((await t.call(org.key, "GET", `/v1/webhook-endpoints/${id}`)).status).toBe(404);
    expect((await t.call(org.key, "GET", "/v1/webhook-endpoints")).body.data).toEqual([]);
  });

  it.each([
    [{ url: "not a url" }, "/url", "url"],
    [{ url: "ftp://hooks.example.com/x" }, "/url", "url"],
    [{ url: "https://user:pw@hooks.example.com/x" }, "/url", "credentials_not_allowed"],
    [{ url: "https://hooks.example.com/x", event_types: ["no.such_event"] }, "/event_types/0", "invalid_value"],
    [{ url: "https://hooks.example.com/x", event_types: [] }, "/event_types", "too_small"],
    [{ url: "https://hooks.example.com/x", secret: "whsec_mine" }, "/secret", "unknown_field"],
  ])("refuses %j (%s %s) and writes nothing", async (body, pointer, rule) => {
    const t = await createTestContext({ webhooks: { allowInsecure: false } });
    const org = await createOrg(t);
    const before = await snapshotState(t);
    const res = await t.call(org.key, "POST", "/v1/webhook-endpoints", body);
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.errors).toContainEqual(expect.objectContaining({ pointer, rule }));
    expect(await snapshotState(t)).toEqual(before);
  });
});

describe("SSRF: in production mode (https only, public addresses only)", () => {
  it.each([
    ["plain http", "http://hooks.example.com/x", "https_required"],
    ["loopback 127/8", "https://127.0.0.1/x", "private_address"],
    ["loopback 127/8, not .1", "https://127.45.1.9:8443/x", "private_address"],
    ["private 10/8", "https://10.1.2.3/x", "private_address"],
    ["private 172.16/12", "https://172.20.0.5/x", "private_address"],
    ["private 192.168/16", "https://192.168.1.10/x", "private_address"],
    ["link-local 169.254/16", "https://169.254.10.10/x", "private_address"],
    ["cloud metadata 169.254.169.254", "https://169.254.169.254/latest/meta-data/", "private_address"],
    ["IPv6 loopback ::1", "https://[::1]/x", "private_address"],
    ["IPv6 unique local fc00::/7", "https://[fd12:3456:789a::1]/x", "private_address"],
    ["IPv4-mapped IPv6 of a loopback", "https://[::ffff:127.0.0.1]/x", "private_address"],
    ["localhost by name", "https://localhost/x", "hostname_not_allowed"],
    ["metadata host name", "https://metadata.google.internal/x", "hostname_not_allowed"],
  ])("refuses %s when the endpoint is created or updated", async (_name, url, rule) => {
    const t = await createTestContext({ webhooks: { allowInsecure: false } });
    const org = await createOrg(t);
    const created = await t.call(org.key, "POST", "/v1/webhook-endpoints", { url });
    expect(created.status).toBe(422);
    expect(created.body.errors).toEqual([expect.objectContaining({ in: "json", pointer: "/url", rule })]);
    const ok = await t.call(org.key, "POST", "/v1/webhook-endpoints", { url: "https://hooks.example.com/x" });
    expect(ok.status).toBe(201);
    const updated = await t.call(org.key, "PATCH", `/v1/webhook-endpoints/${ok.body.id}`, { url });
    expect(updated.status).toBe(422);
    expect((await t.call(org.key, "GET", `/v1/webhook-endpoints/${ok.body.id}`)).body.url).toBe("https://hooks.example.com/x");
  });

  it("resolves the name at registration: one that points inside now is refused, and nothing is written", async () => {
    const zone: Record<string, string[]> = { "hooks.example.com": ["93.184.216.34"], "intranet-hooks.example.com": ["10.20.30.40"] };
    const resolveHost = async (name: string) => zone[name] ?? Promise.reject(new Error(`ENOTFOUND ${name}`));
    const t = await createTestContext({ webhooks: { allowInsecure: false, resolveHost } });
    const org = await createOrg(t);
    const before = await snapshotState(t);
    const refused = await t.call(org.key, "POST", "/v1/webhook-endpoints", { url: "https://intranet-hooks.example.com/x" });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ pointer: "/url", rule: "private_address", detail: expect.stringContaining("10.20.30.40") })]);
    expect(await snapshotState(t)).toEqual(before);
    const ok = await t.call(org.key, "POST", "/v1/webhook-endpoints", { url: "https://hooks.example.com/x" });
    expect(ok.status).toBe(201);
    const moved = await t.call(org.key, "PATCH", `/v1/webhook-endpoints/${ok.body.id}`, { url: "https://intranet-hooks.example.com/x" });
    expect(moved.status).toBe(422);
  });

  it("checks the address again at every delivery, after DNS resolution: a name that now resolves to a private address is refused", async () => {
    const t = await createTestContext({ webhooks: { allowInsecure: false } });
    const org = await createOrg(t);
    const ep = await t.call(org.key, "POST", "/v1/webhook-endpoints", { url: "https://hooks.example.com/x" });
    expect(ep.status).toBe(201);
    // DNS rebinding: the public name now points at the metadata service
    const guarded = createGuardedFetch({ allowInsecure: false }, { resolve: async () => ["169.254.169.254"] });
    const relay = testRelay(t, { sender: createEmbeddedSender({ fetch: guarded, wallClock: () => new Date() }) });
    await t.call(org.key, "POST", `/v1/webhook-endpoints/${ep.body.id}/ping`);
    await relay.drain();
    const attempts = await t.call(org.key, "GET", `/v1/webhook-endpoints/${ep.body.id}/attempts`);
    expect(attempts.body.data).toHaveLength(1);
    expect(attempts.body.data[0]).toMatchObject({ outcome: "failed", status_code: null });
    expect(attempts.body.data[0].error).toContain("169.254.169.254");
    expect(attempts.body.data[0].next_attempt_at).not.toBeNull();
  });
});
