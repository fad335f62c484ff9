import type { HostResolver } from "./address-policy";

const DOH = "https://cloudflare-dns.com/dns-query";

/**
 * A resolver for Workers, which have no DNS API: DNS over HTTPS (RFC 8484's JSON form at
 * Cloudflare's resolver), A and AAAA, at most 3 s each. Used to check a webhook URL's addresses at
 * registration; a Worker cannot pin the address its fetch then connects to (docs/rules.md, rule 9 and
 * the README's webhook section say what that leaves).
 */
export function dohResolveHost(fetchFn: typeof fetch = fetch): HostResolver {
  const ask = async (name: string, type: "A" | "AAAA") => {
    const res = await fetchFn(`${DOH}?name=${encodeURIComponent(name)}&type=${type}`, { headers: { accept: "application/dns-json" }, signal: AbortSignal.timeout(3000) });
    if (!res.ok) throw new Error(`DNS over HTTPS answered ${res.status}`);
    const body = (await res.json()) as { Answer?: { type: number; data: string }[] };
    // 1: A, 28: AAAA; a CNAME chain's final addresses come in the same answer
    return (body.Answer ?? []).filter((a) => a.type === 1 || a.type === 28).map((a) => a.data);
  };
  return async (name) => [...(await ask(name, "A")), ...(await ask(name, "AAAA"))];
}
