import ipaddr from "ipaddr.js";

/**
 * Where webhooks may be delivered. Pure: no Node, Hono or drizzle imports, so the Worker bundle can use it.
 * The Node-only connect-time guard (DNS rebinding) lives in ./guarded-fetch.ts.
 */
export interface AddressPolicy {
  /**
   * Local development and tests: plain http, loopback/private addresses and local host names
   * (localhost, *.local, *.internal, single-label names) are allowed. Credentials, odd schemes and
   * malformed or over-long URLs are refused in both modes.
   */
  allowInsecure: boolean;
}

export type WebhookUrlRule = "url" | "https_required" | "credentials_not_allowed" | "private_address" | "hostname_not_allowed";

export interface WebhookUrlViolation {
  rule: WebhookUrlRule;
  detail: string;
}

export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** Suffixes (and the names themselves) never delivered to in production; metadata.google.internal is under .internal. */
/**
 * Names that point inside: loopback and LAN conventions (`localhost.localdomain`, RFC 8375
 * `home.arpa`), cluster and cloud-internal DNS (`*.svc`, `*.internal`), mDNS (`*.local`), and public
 * names whose every host is 127.0.0.1 (`localtest.me`, `lvh.me`, `vcap.me`).
 */
const REFUSED_NAME_SUFFIXES = [
  "localhost",
  "localdomain",
  "local",
  "internal",
  "intranet",
  "lan",
  "corp",
  "home.arpa",
  "arpa",
  "svc",
  "localtest.me",
  "lvh.me",
  "vcap.me",
  "lacolhost.com",
] as const;

/** An IPv4 address spelled inside a name, dotted or dashed (`10.0.0.1.nip.io`, `127-0-0-1.sslip.io`). */
const EMBEDDED_IPV4 = /(?:^|[.-])(\d{1,3})[.-](\d{1,3})[.-](\d{1,3})[.-](\d{1,3})(?=$|[.-])/g;

/**
 * Checks a URL when an endpoint is created or updated: scheme, credentials, literal IP and name rules.
 * Returns null when acceptable, else { rule, detail }. Names are not resolved here (the Worker cannot);
 * the Node relay re-checks every resolved address at connect time (createGuardedFetch).
 */
export function checkWebhookUrl(url: string, policy: AddressPolicy): WebhookUrlViolation | null {
  if (typeof url !== "string" || url.length === 0) return { rule: "url", detail: "the URL is empty" };
  if (url.length > MAX_WEBHOOK_URL_LENGTH) {
    return { rule: "url", detail: `the URL is longer than ${MAX_WEBHOOK_URL_LENGTH} characters` };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { rule: "url", detail: "the URL is not a valid absolute URL" };
  }

  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    return { rule: "url", detail: `the scheme ${JSON.stringify(parsed.protocol.slice(0, -1))} is not supported; use https` };
  }
  if (parsed.protocol === "http:" && !policy.allowInsecure) {
    return { rule: "https_required", detail: "webhook URLs must use https" };
  }
  if (parsed.username !== "" || parsed.password !== "") {
    return { rule: "credentials_not_allowed", detail: "webhook URLs must not contain a user name or password" };
  }
  // WHATWG URL parsing has already lower-cased the host and normalised every IPv4 spelling
  // (2130706433, 0x7f.1, 0177.0.0.1, 127.1) to dotted decimal, and IPv6 to its compressed form in brackets.
  const host = parsed.hostname;
  if (host === "") return { rule: "url", detail: "the URL has no host" };
  if (policy.allowInsecure) return null;

  const literal = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : ipaddr.IPv4.isValidFourPartDecimal(host) ? host : null;
  if (literal !== null) {
    const range = refusedRange(literal);
    return range === null ? null : { rule: "private_address", detail: `${literal} is a ${range} address, not a public one` };
  }

  const name = host.replace(/\.+$/, "");
  for (const suffix of REFUSED_NAME_SUFFIXES) {
    if (name === suffix || name.endsWith(`.${suffix}`)) {
      return { rule: "hostname_not_allowed", detail: `the host name ${name} is not a public host name (*.${suffix})` };
    }
  }
  if (!name.includes(".")) {
    // "metadata", "kubernetes", ...: resolved through the server's DNS search domains, never a customer's endpoint
    return { rule: "hostname_not_allowed", detail: `the host name ${name} is not a fully qualified public domain name` };
  }
  // wildcard DNS services answer a name with the address written in it
  for (const m of name.matchAll(EMBEDDED_IPV4)) {
    const ip = m.slice(1, 5).join(".");
    const range = ipaddr.IPv4.isValidFourPartDecimal(ip) ? refusedRange(ip) : null;
    if (range !== null) return { rule: "private_address", detail: `the host name ${name} names ${ip}, a ${range} address, not a public one` };
  }
  return null;
}

/**
 * The addresses a name resolves to must all be public. `resolve` is the platform's resolver
 * (Node: the system's, as the relay connects; Workers: DNS over HTTPS). A name that does not
 * resolve now is accepted: the Node relay checks every address again at connect time.
 */
export async function checkResolvedHost(url: string, policy: AddressPolicy, resolve: HostResolver | undefined): Promise<WebhookUrlViolation | null> {
  if (policy.allowInsecure || !resolve) return null;
  const host = new URL(url).hostname;
  if (host.startsWith("[") || ipaddr.IPv4.isValidFourPartDecimal(host)) return null;
  const name = host.replace(/\.+$/, "");
  let addresses: string[];
  try {
    addresses = await resolve(name);
  } catch {
    return null;
  }
  for (const ip of addresses) {
    const range = refusedRange(ip);
    if (range !== null) return { rule: "private_address", detail: `the host name ${name} resolves to ${ip}, a ${range} address, not a public one` };
  }
  return null;
}

/** Every address a name resolves to (IPv4 and IPv6). */
export type HostResolver = (name: string) => Promise<string[]>;

/** True when an IP address (v4 or v6 string) may receive deliveries under the policy. */
export function isAllowedAddress(ip: string, policy: AddressPolicy): boolean {
  const addr = parseAddress(ip);
  if (addr === null) return false;
  if (policy.allowInsecure) return true;
  return refusedRangeOf(addr) === null;
}

/**
 * The ipaddr.js range name of a refused address ("loopback", "private", "linkLocal", "ipv4Mapped"…),
 * "invalid" for a string that is no IP address, or null for a public unicast address.
 */
export function refusedRange(ip: string): string | null {
  const addr = parseAddress(ip);
  return addr === null ? "invalid" : refusedRangeOf(addr);
}

function parseAddress(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (typeof ip !== "string") return null;
  const bare = ip.startsWith("[") && ip.endsWith("]") ? ip.slice(1, -1) : ip;
  if (!ipaddr.isValid(bare)) return null;
  try {
    // process() unwraps IPv4-mapped IPv6 (::ffff:127.0.0.1) to the IPv4 address it stands for
    return ipaddr.process(bare);
  } catch {
    return null;
  }
}

function refusedRangeOf(addr: ipaddr.IPv4 | ipaddr.IPv6): string | null {
  // Everything ipaddr.js classifies as anything but "unicast" is refused: loopback, private, linkLocal
  // (incl. 169.254.169.254), carrierGradeNat, unspecified, multicast, broadcast, reserved, benchmarking,
  // uniqueLocal, ipv4Mapped/rfc6145, and whole translation prefixes (6to4, teredo, rfc6052 NAT64), which
  // may embed any IPv4 address.
  const range: string = addr.range();
  if (range !== "unicast") return range;
  // ipaddr.js knows ::/96 (deprecated IPv4-compatible, ::a.b.c.d) only as far as :: and ::1; refuse the rest too.
  if (addr.kind() === "ipv6" && (addr as ipaddr.IPv6).parts.slice(0, 6).every((part) => part === 0)) return "ipv4Compatible";
  return null;
}
