import { type AddressPolicy, checkResolvedHost, checkWebhookUrl, type HostResolver, type WebhookUrlViolation } from "./address-policy";

/** The redirects followed at most, as the Fetch standard's. */
const MAX_REDIRECTS = 20;
const REDIRECT = new Set([301, 302, 303, 307, 308]);

/** Why the checked fetch did not ask an address: the `cause` of the TypeError it rejects with. */
export class AddressRefusedError extends Error {
  override readonly name = "AddressRefusedError";
  constructor(
    readonly url: string,
    readonly violation: WebhookUrlViolation,
  ) {
    super(`refusing ${url}: ${violation.detail} (${violation.rule})`);
  }
}

/**
 * Workers: a GET that follows redirects itself and asks no address a webhook could not be registered
 * with (docs/rules.md, rules 9 and 14): each one, the first and every redirect's, passes
 * `checkWebhookUrl` and, where a resolver is given, `checkResolvedHost` (the check at registration)
 * before it is fetched. Workers' own fetch reaches no private address, but it cannot be told which
 * address to connect to, so a name that resolves differently by then is not caught: the README's
 * webhook section says what that leaves. Refusals reject with `TypeError("fetch failed")` whose
 * `cause` is an AddressRefusedError, as the Node guard's do. Other methods than GET and HEAD get
 * the redirect itself as their answer, never a second request.
 */
export function createCheckedFetch(policy: AddressPolicy, options: { fetch?: typeof fetch; resolveHost?: HostResolver } = {}): typeof fetch {
  const fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
  const check = async (url: string) => {
    const violation = checkWebhookUrl(url, policy) ?? (await checkResolvedHost(url, policy, options.resolveHost));
    if (violation) throw new TypeError("fetch failed", { cause: new AddressRefusedError(url, violation) });
  };
  const checkedFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    // checked before a Request is built: one with credentials in its URL would throw a TypeError of its own
    let url = input instanceof Request ? input.url : String(input);
    await check(url);
    const request = new Request(input, init);
    if (request.redirect !== "follow" || (request.method !== "GET" && request.method !== "HEAD")) return fetchFn(request, { redirect: "manual" });
    for (let redirects = 0; ; redirects++) {
      const res = await fetchFn(url, { method: request.method, headers: request.headers, signal: request.signal, redirect: "manual" });
      const location = res.headers.get("location");
      if (!REDIRECT.has(res.status) || location === null) return res;
      await res.body?.cancel().catch(() => {});
      if (redirects === MAX_REDIRECTS) throw new TypeError("fetch failed", { cause: new Error(`more than ${MAX_REDIRECTS} redirects`) });
      url = new URL(location, url).href;
      await check(url);
    }
  };
  return checkedFetch as typeof fetch;
}
