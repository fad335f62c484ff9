import { createServer, type IncomingMessage, type Server } from "node:http";
import type { LookupAddress } from "node:dns";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type AddressPolicy, checkResolvedHost, checkWebhookUrl, isAllowedAddress, MAX_WEBHOOK_URL_LENGTH } from "../../src/webhooks/address-policy";
import { dohResolveHost } from "../../src/webhooks/doh-resolver";
import { createGuardedFetch, createPolicyLookup, PolicyRefusedError } from "../../src/webhooks/guarded-fetch";

const production: AddressPolicy = { allowInsecure: false };
const insecure: AddressPolicy = { allowInsecure: true };

/** Every refused class, as the address string a resolver could return (and, bracketed for v6, as a URL host). */
const refusedAddresses: [cls: string, ip: string][] = [
  ["loopback 127/8", "127.0.0.1"],
  ["loopback 127/8 (top)", "127.255.255.254"],
  ["private 10/8", "10.0.0.1"],
  ["private 10/8 (top)", "10.255.255.255"],
  ["private 172.16/12 (bottom)", "172.16.0.1"],
  ["private 172.16/12 (top)", "172.31.255.255"],
  ["private 192.168/16", "192.168.1.1"],
  ["link-local 169.254/16", "169.254.0.1"],
  ["cloud metadata 169.254.169.254", "169.254.169.254"],
  ["unspecified 0.0.0.0", "0.0.0.0"],
  ["this-network 0/8", "0.1.2.3"],
  ["carrier-grade NAT 100.64/10", "100.64.0.1"],
  ["carrier-grade NAT 100.64/10 (top)", "100.127.255.254"],
  ["multicast 224/4", "224.0.0.1"],
  ["multicast 239/8", "239.255.255.250"],
  ["broadcast", "255.255.255.255"],
  ["reserved 240/4", "240.0.0.1"],
  ["reserved TEST-NET-1", "192.0.2.1"],
  ["reserved benchmarking 198.18/15", "198.18.0.1"],
  ["reserved IETF 192.0.0/24", "192.0.0.8"],
  ["IPv6 loopback ::1", "::1"],
  ["IPv6 unspecified ::", "::"],
  ["unique local fc00::/7 (fc)", "fc00::1"],
  ["unique local fc00::/7 (fd)", "fd12:3456:789a::1"],
  ["IPv6 link-local fe80::/10", "fe80::1"],
  ["IPv6 link-local fe80::/10 (febf)", "febf::1"],
  ["IPv6 multicast ff00::/8", "ff02::1"],
  ["IPv4-mapped loopback", "::ffff:127.0.0.1"],
  ["IPv4-mapped loopback (hex)", "::ffff:7f00:1"],
  ["IPv4-mapped private", "::ffff:10.0.0.1"],
  ["IPv4-mapped metadata", "::ffff:169.254.169.254"],
  ["IPv4-translated (rfc6145)", "::ffff:0:7f00:1"],
  ["IPv4-compatible (deprecated ::/96)", "::7f00:1"],
  ["6to4 embedding 127.0.0.1", "2002:7f00:1::1"],
  ["6to4 embedding 10.0.0.1", "2002:a00:1::"],
  ["teredo", "2001:0:4136:e378:8000:63bf:3fff:fdd2"],
  ["NAT64 64:ff9b::/96 embedding 127.0.0.1", "64:ff9b::7f00:1"],
  ["NAT64 local-use 64:ff9b:1::/48", "64:ff9b:1::a00:1"],
  ["IPv6 documentation 2001:db8::/32", "2001:db8::1"],
  ["IPv6 site-local (deprecated) fec0::/10", "fec0::1"],
  ["IPv6 discard 100::/64", "100::1"],
];

const publicAddresses: [cls: string, ip: string][] = [
  ["public IPv4", "93.184.216.34"],
  ["public IPv4 (DNS)", "8.8.8.8"],
  ["just above 172.16/12", "172.32.0.1"],
  ["just below 172.16/12", "172.15.255.255"],
  ["just above 100.64/10", "100.128.0.1"],
  ["11/8", "11.0.0.1"],
  ["public IPv6", "2606:4700::1111"],
  ["public IPv6 (Google)", "2001:4860:4860::8888"],
  ["IPv4-mapped public", "::ffff:93.184.216.34"],
];

const urlHost = (ip: string) => (ip.includes(":") ? `[${ip}]` : ip);

describe("checkWebhookUrl: literal IP addresses", () => {
  it.each(refusedAddresses)("refuses %s (%s) in production", (_cls, ip) => {
    const result = checkWebhookUrl(`https://${urlHost(ip)}/hooks`, production);
    expect(result).toMatchObject({ rule: "private_address" });
    expect(result?.detail).toMatch(/not a public one/);
  });

  it.each([
    ["decimal integer", "https://2130706433/"],
    ["hex", "https://0x7f.1/"],
    ["octal", "https://0177.0.0.1/"],
    ["short form", "https://127.1/"],
    ["short private", "https://10.1/"],
    ["decimal metadata", "https://2852039166/latest/meta-data/"],
    ["uppercase IPv6 mapped", "https://[::FFFF:127.0.0.1]/"],
    ["with port and path", "https://192.168.0.10:8443/x?y=1"],
  ])("refuses an odd IPv4 spelling (%s) %s, normalised by URL parsing", (_what, url) => {
    expect(checkWebhookUrl(url, production)).toMatchObject({ rule: "private_address" });
  });

  it.each(publicAddresses)("accepts %s (%s) in production", (_cls, ip) => {
    expect(checkWebhookUrl(`https://${urlHost(ip)}/hooks`, production)).toBeNull();
  });

  it.each(refusedAddresses)("accepts %s (%s) in insecure mode", (_cls, ip) => {
    expect(checkWebhookUrl(`http://${urlHost(ip)}:8080/hooks`, insecure)).toBeNull();
  });
});

describe("checkWebhookUrl: scheme, shape, credentials and names", () => {
  it.each<[string, AddressPolicy, string | null]>([
    ["https://example.com/hooks", production, null],
    ["https://hooks.example.com:8443/a/b?c=d#e", production, null],
    ["HTTPS://EXAMPLE.COM/", production, null],
    ["http://example.com/hooks", production, "https_required"],
    ["http://93.184.216.34/hooks", production, "https_required"],
    ["http://example.com/hooks", insecure, null],
    ["https://example.com/hooks", insecure, null],
    ["ftp://example.com/file", production, "url"],
    ["ftp://example.com/file", insecure, "url"],
    ["file:///etc/passwd", production, "url"],
    ["file:///etc/passwd", insecure, "url"],
    ["javascript:alert(1)", insecure, "url"],
    ["data:text/plain,hi", insecure, "url"],
    ["ws://example.com/", insecure, "url"],
    ["wss://example.com/", production, "url"],
    ["gopher://example.com/", insecure, "url"],
    ["", production, "url"],
    ["not a url", production, "url"],
    ["/relative/path", production, "url"],
    ["https://", production, "url"],
    ["https://exa mple.com/", production, "url"],
    ["https://[::1/", production, "url"],
    ["https://1.2.3.4.5/", production, "url"],
    ["https://user:pass@example.com/", production, "credentials_not_allowed"],
    ["https://user@example.com/", production, "credentials_not_allowed"],
    ["https://:secret@example.com/", production, "credentials_not_allowed"],
    ["http://user:pass@127.0.0.1:3000/", insecure, "credentials_not_allowed"],
  ])("%s (allowInsecure: %o) → %s", (url, policy, rule) => {
    const result = checkWebhookUrl(url, policy);
    if (rule === null) expect(result).toBeNull();
    else expect(result).toMatchObject({ rule, detail: expect.any(String) });
  });

  it("limits the URL to 2048 characters", () => {
    const base = "https://example.com/";
    const exact = base + "a".repeat(MAX_WEBHOOK_URL_LENGTH - base.length);
    expect(exact).toHaveLength(2048);
    expect(checkWebhookUrl(exact, production)).toBeNull();
    expect(checkWebhookUrl(`${exact}a`, production)).toMatchObject({ rule: "url" });
    expect(checkWebhookUrl(`${exact}a`, insecure)).toMatchObject({ rule: "url" });
  });

  const refusedNames = [
    "localhost",
    "LOCALHOST",
    "localhost.",
    "api.localhost",
    "a.b.localhost",
    "printer.local",
    "db.internal",
    "metadata.google.internal",
    "METADATA.GOOGLE.INTERNAL.",
    "host.docker.internal",
    "metadata",
    "intranet",
  ];
  it.each(refusedNames)("refuses the host name %s in production", (name) => {
    expect(checkWebhookUrl(`https://${name}/hooks`, production)).toMatchObject({ rule: "hostname_not_allowed" });
  });
  it.each(refusedNames)("accepts the host name %s in insecure mode", (name) => {
    expect(checkWebhookUrl(`http://${name}:8787/hooks`, insecure)).toBeNull();
  });

  it.each(["localhost.example.com", "internal.example.com", "local.example.org", "mylocalhost.com", "example.internalx", "xn--bcher-kva.example"])(
    "accepts the public-looking name %s in production",
    (name) => {
      expect(checkWebhookUrl(`https://${name}/hooks`, production)).toBeNull();
    },
  );

  it.each(["http://127.0.0.1:3000/hooks", "http://localhost:8787/hooks", "http://[::1]:8080/hooks", "http://10.0.0.2/hooks"])(
    "accepts local development URL %s in insecure mode only",
    (url) => {
      expect(checkWebhookUrl(url, insecure)).toBeNull();
      expect(checkWebhookUrl(url, production)).not.toBeNull();
    },
  );
});

describe("isAllowedAddress", () => {
  it.each(refusedAddresses)("refuses %s (%s) in production, allows it in insecure mode", (_cls, ip) => {
    expect(isAllowedAddress(ip, production)).toBe(false);
    expect(isAllowedAddress(ip, insecure)).toBe(true);
  });

  it.each(publicAddresses)("allows %s (%s) in both modes", (_cls, ip) => {
    expect(isAllowedAddress(ip, production)).toBe(true);
    expect(isAllowedAddress(ip, insecure)).toBe(true);
  });

  it.each(["", "example.com", "localhost", "1.2.3.4.5", "::g", "300.1.1.1", "1.2.3.4/8", " 1.2.3.4"])("refuses %j, which is no IP address, in both modes", (value) => {
    expect(isAllowedAddress(value, production)).toBe(false);
    expect(isAllowedAddress(value, insecure)).toBe(false);
  });

  it.each<[string, boolean]>([
    ["[::1]", false],
    ["[2606:4700::1111]", true],
    ["fe80::1%eth0", false],
    ["2130706433", false],
    ["0x7f.1", false],
  ])("classifies the spelling %s (allowed in production: %o)", (value, allowed) => {
    expect(isAllowedAddress(value, production)).toBe(allowed);
  });
});

describe("createPolicyLookup (the agent's connect.lookup)", () => {
  const lookup = (policy: AddressPolicy, addresses: string[], options: { all?: boolean; family?: number }) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number }>((resolve) => {
      createPolicyLookup(policy, async () => addresses)("hooks.example.test", options, (err, address, family) => resolve({ err, address, family }));
    });

  it("returns every checked address for all: true (happy eyeballs)", async () => {
    const r = await lookup(production, ["93.184.216.34", "2606:4700::1111"], { all: true });
    expect(r.err).toBeNull();
    expect(r.address).toEqual([
      { address: "93.184.216.34", family: 4 },
      { address: "2606:4700::1111", family: 6 },
    ]);
  });

  it("returns the first address of the wanted family otherwise", async () => {
    expect(await lookup(production, ["2606:4700::1111", "93.184.216.34"], {})).toMatchObject({ err: null, address: "2606:4700::1111", family: 6 });
    expect(await lookup(production, ["2606:4700::1111", "93.184.216.34"], { family: 4 })).toMatchObject({ err: null, address: "93.184.216.34", family: 4 });
    expect((await lookup(production, ["93.184.216.34"], { family: 6 })).err).toMatchObject({ code: "ENOTFOUND" });
  });

  it.each(refusedAddresses)("refuses a name resolving to %s (%s), even next to a public address", async (_cls, ip) => {
    for (const addresses of [[ip], ["93.184.216.34", ip]]) {
      const { err } = await lookup(production, addresses, { all: true });
      expect(err).toBeInstanceOf(PolicyRefusedError);
      expect(err).toMatchObject({ code: "EADDRREFUSED_POLICY", hostname: "hooks.example.test", address: ip });
      expect(err?.message).toContain(ip);
    }
  });

  it("allows private addresses in insecure mode", async () => {
    expect(await lookup(insecure, ["127.0.0.1"], {})).toMatchObject({ err: null, address: "127.0.0.1", family: 4 });
  });

  it("fails with ENOTFOUND when the resolver answers nothing or garbage", async () => {
    expect((await lookup(insecure, [], { all: true })).err).toMatchObject({ code: "ENOTFOUND" });
    expect((await lookup(insecure, ["not-an-ip"], { all: true })).err).toMatchObject({ code: "ENOTFOUND" });
  });
});

describe("createGuardedFetch against a real server on 127.0.0.1", () => {
  let server: Server;
  let port: number;
  let received: { method?: string; url?: string; body: string; host?: string }[] = [];

  const readBody = async (req: IncomingMessage) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    return body;
  };

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const body = await readBody(req);
      received.push({ method: req.method, url: req.url, body, host: req.headers.host });
      if (req.url === "/slow") return; // never answers
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true, body }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  beforeEach(() => {
    received = [];
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const toLoopback = async () => ["127.0.0.1"];

  /** Rejects with undici's TypeError("fetch failed"); returns its cause. */
  const refusal = async (promise: Promise<Response>) => {
    const err = await promise.then(
      () => {
        throw new Error("expected the fetch to be refused");
      },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TypeError);
    return (err as TypeError & { cause?: unknown }).cause;
  };

  it("production: refuses https://localhost:PORT when the resolver says 127.0.0.1, before any byte is sent", async () => {
    const guarded = createGuardedFetch(production, { resolve: toLoopback });
    const cause = await refusal(guarded(`https://localhost:${port}/hooks`, { method: "POST", body: "{}" }));
    expect(cause).toBeInstanceOf(PolicyRefusedError);
    expect(cause).toMatchObject({ code: "EADDRREFUSED_POLICY", address: "127.0.0.1", hostname: "localhost" });
    expect((cause as Error).message).toMatch(/127\.0\.0\.1.*loopback/);
    expect(received).toHaveLength(0);
  });

  it("production: refuses https://localhost:PORT with the real node:dns resolver", async () => {
    const cause = await refusal(createGuardedFetch(production)(`https://localhost:${port}/hooks`));
    expect(cause).toMatchObject({ code: "EADDRREFUSED_POLICY", hostname: "localhost" });
    expect(received).toHaveLength(0);
  });

  it("production: refuses a public-looking name that resolves to a private address (DNS rebinding)", async () => {
    const asked: string[] = [];
    const guarded = createGuardedFetch(production, {
      resolve: async (host) => {
        asked.push(host);
        return ["93.184.216.34", "10.0.0.5"];
      },
    });
    const cause = await refusal(guarded("https://hooks.customer.example/webhook", { method: "POST", body: "{}" }));
    expect(cause).toMatchObject({ code: "EADDRREFUSED_POLICY", address: "10.0.0.5", hostname: "hooks.customer.example" });
    expect((cause as Error).message).toContain("10.0.0.5");
    expect(asked).toEqual(["hooks.customer.example"]);
  });

  it.each(["127.0.0.1", "[::ffff:127.0.0.1]", "[::1]", "169.254.169.254", "2130706433"])(
    "production: refuses the literal host %s at connect time (no DNS lookup happens for literals)",
    async (host) => {
      const cause = await refusal(createGuardedFetch(production, { resolve: toLoopback })(`https://${host}:${port}/hooks`));
      expect(cause).toMatchObject({ code: "EADDRREFUSED_POLICY" });
      expect(received).toHaveLength(0);
    },
  );

  it("production: refuses plain http at connect time, without resolving", async () => {
    const asked: string[] = [];
    const guarded = createGuardedFetch(production, {
      resolve: async (host) => {
        asked.push(host);
        return ["93.184.216.34"];
      },
    });
    const cause = await refusal(guarded("http://hooks.customer.example/webhook"));
    expect(cause).toMatchObject({ code: "EHTTPS_REQUIRED_POLICY" });
    expect(asked).toEqual([]);
  });

  it("insecure: the same fetch to http://localhost:PORT reaches the server", async () => {
    const guarded = createGuardedFetch(insecure, { resolve: toLoopback });
    const res = await guarded(`http://localhost:${port}/hooks`, {
      method: "POST",
      headers: { "content-type": "application/json", "webhook-id": "msg_1" },
      body: JSON.stringify({ type: "ping" }),
      signal: AbortSignal.timeout(5000),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, body: '{"type":"ping"}' });
    expect(received).toEqual([{ method: "POST", url: "/hooks", body: '{"type":"ping"}', host: `localhost:${port}` }]);
  });

  it("insecure: works with the real node:dns resolver and with literal 127.0.0.1", async () => {
    const guarded = createGuardedFetch(insecure);
    expect((await guarded(`http://localhost:${port}/a`)).status).toBe(200);
    expect((await guarded(`http://127.0.0.1:${port}/b`)).status).toBe(200);
    expect(received.map((r) => r.url)).toEqual(["/a", "/b"]);
  });

  it("insecure: accepts a global Request and a URL object as input", async () => {
    const guarded = createGuardedFetch(insecure);
    const req = new Request(`http://127.0.0.1:${port}/req`, { method: "PUT", headers: { "x-test": "1" }, body: "payload" });
    const res = await guarded(req);
    expect(await res.json()).toEqual({ ok: true, body: "payload" });
    expect((await guarded(new URL(`http://127.0.0.1:${port}/url`))).status).toBe(200);
    expect(received.map((r) => [r.method, r.url, r.body])).toEqual([
      ["PUT", "/req", "payload"],
      ["GET", "/url", ""],
    ]);
  });

  it("honours AbortSignal.timeout", async () => {
    const guarded = createGuardedFetch(insecure);
    const started = Date.now();
    const err = await guarded(`http://127.0.0.1:${port}/slow`, { signal: AbortSignal.timeout(150) }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "TimeoutError" });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe("names that point inside, refused at registration", () => {
  it.each([
    ["localhost.localdomain", "hostname_not_allowed"],
    ["printer.lan", "hostname_not_allowed"],
    ["api.default.svc", "hostname_not_allowed"],
    ["db.default.svc.cluster.local", "hostname_not_allowed"],
    ["metadata.google.internal", "hostname_not_allowed"],
    ["router.home.arpa", "hostname_not_allowed"],
    ["anything.localtest.me", "hostname_not_allowed"],
    ["app.lvh.me", "hostname_not_allowed"],
    ["10.0.0.1.nip.io", "private_address"],
    ["127-0-0-1.sslip.io", "private_address"],
    ["app.192.168.1.5.nip.io", "private_address"],
    ["169-254-169-254.sslip.io", "private_address"],
  ])("%s: %s", (name, rule) => {
    expect(checkWebhookUrl(`https://${name}/hooks`, production)).toMatchObject({ rule });
  });

  it.each(["8.8.8.8.nip.io", "api-93-184-216-34.example.com", "hooks.example.com", "v2.api.example.org"])("%s is a public name", (name) => {
    expect(checkWebhookUrl(`https://${name}/hooks`, production)).toBeNull();
  });
});

describe("the addresses a name resolves to, at registration", () => {
  const zone: Record<string, string[]> = {
    "hooks.example.com": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
    "rebind.example.com": ["10.1.2.3"],
    "mixed.example.com": ["93.184.216.34", "::1"],
    "metadata.example.com": ["169.254.169.254"],
  };
  const resolve = async (name: string) => {
    const found = zone[name];
    if (!found) throw Object.assign(new Error(`queryA ENOTFOUND ${name}`), { code: "ENOTFOUND" });
    return found;
  };

  it.each([
    ["rebind.example.com", "10.1.2.3"],
    ["mixed.example.com", "::1"],
    ["metadata.example.com", "169.254.169.254"],
  ])("%s resolves to %s: refused", async (name, ip) => {
    const refused = await checkResolvedHost(`https://${name}/hooks`, production, resolve);
    expect(refused).toMatchObject({ rule: "private_address" });
    expect(refused!.detail).toContain(ip);
  });

  it("a public name is accepted; one that does not resolve now is left to the relay's check at connect time", async () => {
    expect(await checkResolvedHost("https://hooks.example.com/hooks", production, resolve)).toBeNull();
    expect(await checkResolvedHost("https://not-yet.example.com/hooks", production, resolve)).toBeNull();
    expect(await checkResolvedHost("https://rebind.example.com/hooks", insecure, resolve)).toBeNull();
  });

  it("DNS over HTTPS (the Worker's resolver) reads A and AAAA answers, a CNAME chain's final addresses", async () => {
    const asked: string[] = [];
    const doh = dohResolveHost(async (input) => {
      const url = new URL(String(input));
      asked.push(`${url.searchParams.get("name")} ${url.searchParams.get("type")}`);
      const answers =
        url.searchParams.get("type") === "A"
          ? [
              { type: 5, data: "edge.example.net." },
              { type: 1, data: "10.9.8.7" },
            ]
          : [{ type: 28, data: "2001:db8::1" }];
      return new Response(JSON.stringify({ Status: 0, Answer: answers }), { headers: { "content-type": "application/dns-json" } });
    });
    expect(await doh("hooks.example.com")).toEqual(["10.9.8.7", "2001:db8::1"]);
    expect(asked).toEqual(["hooks.example.com A", "hooks.example.com AAAA"]);
    expect(await checkResolvedHost("https://hooks.example.com/x", production, doh)).toMatchObject({ rule: "private_address" });
  });
});
