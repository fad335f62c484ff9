// Node only: imported by the Node entry / relay, never by the Worker (which uses plain fetch and checkWebhookUrl).
import type { LookupAddress, LookupOptions } from "node:dns";
import { lookup as dnsLookup } from "node:dns/promises";
import { isIP, type LookupFunction } from "node:net";
import type { Dispatcher, RequestInit as UndiciRequestInit } from "undici";
import { type AddressPolicy, isAllowedAddress, refusedRange } from "./address-policy";

export type PolicyRefusalCode = "EADDRREFUSED_POLICY" | "EHTTPS_REQUIRED_POLICY";

/**
 * Why the guarded fetch refused to open a connection. undici's fetch rejects with
 * `TypeError("fetch failed")` whose `cause` is this error.
 */
export class PolicyRefusedError extends Error {
  override readonly name = "PolicyRefusedError";
  constructor(
    readonly code: PolicyRefusalCode,
    message: string,
    readonly hostname: string,
    /** the refused address, when the refusal is about an address */
    readonly address?: string,
  ) {
    super(message);
  }
}

export interface GuardedFetchOptions {
  /**
   * Test seam: resolves a host name to IP address strings instead of node:dns lookup (getaddrinfo).
   * Every address it returns is checked; one refused address refuses the connection.
   */
  resolve?: (hostname: string) => Promise<string[]>;
  /** TCP/TLS connect timeout in ms (undici's default: 10 s). */
  connectTimeout?: number;
}

const defaultResolve = async (hostname: string): Promise<string[]> => (await dnsLookup(hostname, { all: true })).map((entry) => entry.address);

/** The system resolver, as the relay connects, for the check at registration (at most 3 s). */
export const nodeResolveHost = (hostname: string): Promise<string[]> =>
  Promise.race([defaultResolve(hostname), new Promise<never>((_, reject) => setTimeout(() => reject(new Error("DNS timeout")), 3000).unref())]);

function addressRefused(hostname: string, address: string): PolicyRefusedError {
  return new PolicyRefusedError(
    "EADDRREFUSED_POLICY",
    `refusing to connect to ${address}${hostname === address ? "" : ` (resolved from ${hostname})`}: ${refusedRange(address)} addresses may not receive webhooks`,
    hostname,
    address,
  );
}

function notFound(hostname: string, detail: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname} (${detail})`), { code: "ENOTFOUND", hostname });
}

/**
 * The `lookup` given to net/tls.connect: resolves the name (node:dns or `resolve`), refuses the connection
 * when ANY resolved address is refused by the policy, and hands only the checked addresses to the socket,
 * so there is no second resolution an attacker's DNS could answer differently (no rebinding window).
 * Handles both `all: true` (Node's happy-eyeballs path, the default in Node 20) and single-address calls.
 */
export function createPolicyLookup(policy: AddressPolicy, resolve: (hostname: string) => Promise<string[]> = defaultResolve): LookupFunction {
  return (hostname, options: LookupOptions, callback) => {
    const fail = (err: NodeJS.ErrnoException) => callback(err, "");
    let resolving: Promise<string[]>;
    try {
      resolving = resolve(hostname);
    } catch (err) {
      fail(err as NodeJS.ErrnoException);
      return;
    }
    resolving.then((addresses) => {
      if (!Array.isArray(addresses) || addresses.length === 0) return fail(notFound(hostname, "no addresses"));
      const entries: LookupAddress[] = [];
      for (const address of addresses) {
        const family = isIP(address);
        if (family === 0) return fail(notFound(hostname, `resolver returned ${JSON.stringify(address)}, not an IP address`));
        if (!isAllowedAddress(address, policy)) return fail(addressRefused(hostname, address));
        entries.push({ address, family });
      }
      const wanted = options.family === 4 || options.family === "IPv4" ? 4 : options.family === 6 || options.family === "IPv6" ? 6 : 0;
      const usable = wanted === 0 ? entries : entries.filter((entry) => entry.family === wanted);
      const first = usable[0];
      if (first === undefined) return fail(notFound(hostname, `no IPv${wanted} address`));
      if (options.all) callback(null, usable);
      else callback(null, first.address, first.family);
    }, fail);
  };
}

/**
 * Node only: a fetch that resolves the host itself and refuses to connect to a refused address,
 * so DNS rebinding between check and connect is impossible. Built on an undici Agent whose connector
 *  - in production mode refuses anything but https (also after a redirect),
 *  - refuses literal IP hosts the policy refuses (net.connect skips `lookup` for those), and
 *  - resolves names through `createPolicyLookup` (node:dns), refusing when any resolved address is refused.
 * Refusals reject with TypeError("fetch failed") whose `cause` is a PolicyRefusedError
 * (code "EADDRREFUSED_POLICY" naming the address, or "EHTTPS_REQUIRED_POLICY").
 * The returned function is undici's own fetch with the Agent as dispatcher, typed as the global fetch;
 * pass a URL string or URL (a global Request is converted), AbortSignal.timeout() works as usual.
 */
export function createGuardedFetch(policy: AddressPolicy, options: GuardedFetchOptions = {}): typeof fetch {
  // undici is loaded with the first request: a service that never sends a webhook never holds it in memory
  let client: Promise<{ dispatcher: Dispatcher; undiciFetch: typeof import("undici").fetch }> | undefined;
  const load = async () => {
    const { Agent, buildConnector, fetch: undiciFetch } = await import("undici");
    const connectSocket = buildConnector({
      lookup: createPolicyLookup(policy, options.resolve),
      ...(options.connectTimeout === undefined ? {} : { timeout: options.connectTimeout }),
    });
    const dispatcher = new Agent({
      connect: (connectOptions, callback) => {
        // undici has already removed the brackets of an IPv6 literal
        const { hostname, protocol } = connectOptions;
        if (!policy.allowInsecure && protocol !== "https:") {
          callback(new PolicyRefusedError("EHTTPS_REQUIRED_POLICY", `refusing to connect to ${hostname} over ${protocol.replace(/:$/, "")}: https is required`, hostname), null);
          return;
        }
        if (isIP(hostname) !== 0 && !isAllowedAddress(hostname, policy)) {
          callback(addressRefused(hostname, hostname), null);
          return;
        }
        connectSocket(connectOptions, callback);
      },
    });
    return { dispatcher, undiciFetch };
  };

  const guardedFetch = async (input: unknown, init?: unknown): Promise<unknown> => {
    client ??= load();
    const { dispatcher, undiciFetch } = await client;
    const extra = { ...(init as UndiciRequestInit | undefined), dispatcher };
    if (typeof input === "string" || input instanceof URL) return undiciFetch(input, extra);
    // A Request from the global fetch implementation is another class than undici's; rebuild it.
    const req = input as Request;
    const hasBody = req.body !== null && req.method !== "GET" && req.method !== "HEAD";
    return undiciFetch(req.url, {
      method: req.method,
      headers: req.headers as unknown as UndiciRequestInit["headers"],
      redirect: req.redirect,
      signal: req.signal,
      ...(hasBody ? { body: req.body as unknown as UndiciRequestInit["body"], duplex: "half" as const } : {}),
      ...extra,
    });
  };
  return guardedFetch as unknown as typeof fetch;
}
