import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
// oidc-provider ships no type declarations; the few parts used here are typed below
// @ts-expect-error no declaration file for "oidc-provider"
import { Provider as UntypedProvider } from "oidc-provider";

/** A person with an account at the test provider: what they type to log in, and the claims the provider asserts about them. */
export interface TestAccount {
  login: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
}

export interface TestOidcProvider {
  /** http://127.0.0.1:<port>: the issuer, and where discovery reads /.well-known/openid-configuration */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** every account, by login name; add to it at any time */
  accounts: Map<string, TestAccount>;
  /** the path of every request the provider got, in order (its UserInfo endpoint is /me) */
  requests: string[];
  /**
   * Logs in at the provider as a person's browser would, without a browser: follows the
   * authorization URL's redirects with fetch (keeping the provider's cookies), posts the login
   * form and the consent form, and returns the URL the provider sends the browser back to (the
   * redirect URI with `code` and `state`, or with an `error`).
   */
  login(authorizationUrl: string, login: string, password?: string): Promise<URL>;
  close(): Promise<void>;
}

/** Every account's password at the test provider. */
export const TEST_PASSWORD = "correct horse battery staple";

interface Interaction {
  uid: string;
  prompt: { name: string; details: { missingOIDCScope?: string[]; missingOIDCClaims?: string[] } };
  params: Record<string, string | undefined>;
  session?: { accountId?: string };
  grantId?: string;
}

interface Grant {
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: string[]): void;
  save(): Promise<string>;
}

interface Provider {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
  interactionFinished(req: IncomingMessage, res: ServerResponse, result: unknown, opts: { mergeWithLastSubmission: boolean }): Promise<void>;
  Grant: { new (init: { accountId: string; clientId: string }): Grant; find(id: string): Promise<Grant | undefined> };
}

const htmlText = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The provider's own pages: plain, self-contained (nothing loaded from elsewhere), labelled fields. */
const page = (title: string, body: string) =>
  `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${htmlText(title)}</title>` +
  "<style>body{font-family:system-ui,sans-serif;max-width:24rem;margin:2rem auto;padding:0 1rem}label,input,button{display:block;width:100%;box-sizing:border-box;margin:.4rem 0}input,button{padding:.5rem;font-size:1rem}.error{color:#a00}</style>" +
  `</head><body><main><h1>${htmlText(title)}</h1>${body}</main></body></html>`;

const loginPage = (uid: string, hint: string, error?: string) =>
  page(
    "Test identity provider: sign in",
    `${error ? `<p class="error" role="alert">${htmlText(error)}</p>` : ""}<form method="post" action="/interaction/${uid}/login">` +
      `<label for="login">Login name</label><input id="login" name="login" autocomplete="username" required value="${htmlText(hint)}">` +
      `<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>` +
      `<button type="submit">Log in</button></form>`,
  );

const consentPage = (uid: string, clientId: string, scopes: string[]) =>
  page(
    "Test identity provider: allow access",
    `<p>${htmlText(clientId)} asks for: ${htmlText(scopes.join(", ") || "your earlier consent")}.</p>` +
      `<form method="post" action="/interaction/${uid}/consent"><button type="submit">Allow</button></form>`,
  );

async function formOf(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

/**
 * A real OpenID provider (oidc-provider) on an ephemeral loopback port: one confidential client
 * whose redirect URIs are given, PKCE required, and a small login-and-consent interaction of our
 * own (the library's development pages load fonts from the Internet). The account's claims are
 * `email`, `email_verified` and `name` (scopes `email` and `profile`).
 */
export async function startOidcProvider(opts: {
  redirectUris: string[];
  accounts?: TestAccount[];
  clientId?: string;
  clientSecret?: string;
  /**
   * Put the claims in the ID token itself. By default, as OpenID Connect Core 5.4 has it, claims
   * asked for by scope come only from the UserInfo endpoint when an access token is issued.
   */
  claimsInIdToken?: boolean;
}): Promise<TestOidcProvider> {
  const accounts = new Map((opts.accounts ?? []).map((a) => [a.login, a]));
  const clientId = opts.clientId ?? "subprocessor-registry";
  const clientSecret = opts.clientSecret ?? randomBytes(24).toString("base64url");
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  const server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const signingKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
  const provider: Provider = new UntypedProvider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: opts.redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    pkce: { required: () => true },
    jwks: { keys: [{ ...signingKey, use: "sig", kid: "test-signing-key" }] },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    conformIdTokenClaims: !opts.claimsInIdToken,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx: unknown, sub: string) {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: async () => ({
          sub,
          ...(account.email !== undefined && { email: account.email }),
          ...(account.email_verified !== undefined && { email_verified: account.email_verified }),
          ...(account.name !== undefined && { name: account.name }),
        }),
      };
    },
    async renderError(ctx: { type: string; body: string }, out: Record<string, string>) {
      ctx.type = "html";
      ctx.body = page("Test identity provider: error", `<pre>${htmlText(JSON.stringify(out, null, 2))}</pre>`);
    },
  });
  const oidc = provider.callback();

  const interaction = async (req: IncomingMessage, res: ServerResponse, uid: string, step: string | undefined) => {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error("interaction mismatch");
    const html = (status: number, body: string) => res.writeHead(status, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" }).end(body);
    if (req.method === "GET") {
      if (details.prompt.name === "login") return html(200, loginPage(uid, details.params.login_hint ?? ""));
      return html(200, consentPage(uid, details.params.client_id ?? "", details.prompt.details.missingOIDCScope ?? []));
    }
    if (step === "login") {
      const form = await formOf(req);
      const login = form.get("login") ?? "";
      if (!accounts.has(login) || form.get("password") !== TEST_PASSWORD) return html(401, loginPage(uid, login, "Unknown login name or wrong password."));
      return provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
    }
    const grant =
      (details.grantId && (await provider.Grant.find(details.grantId))) || new provider.Grant({ accountId: details.session!.accountId!, clientId: details.params.client_id! });
    if (details.prompt.details.missingOIDCScope) grant.addOIDCScope(details.prompt.details.missingOIDCScope.join(" "));
    if (details.prompt.details.missingOIDCClaims) grant.addOIDCClaims(details.prompt.details.missingOIDCClaims);
    return provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
  };

  const requests: string[] = [];
  handle = (req, res) => {
    requests.push(new URL(req.url ?? "/", issuer).pathname);
    const match = /^\/interaction\/([^/?]+)(?:\/(login|consent))?(?:\?.*)?$/.exec(req.url ?? "");
    if (!match) return oidc(req, res);
    interaction(req, res, match[1]!, match[2]).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(400, { "Content-Type": "text/plain" }).end(String(err));
    });
  };

  const login = async (authorizationUrl: string, name: string, password = TEST_PASSWORD): Promise<URL> => {
    const jar = new Map<string, string>();
    const send = async (url: URL, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      if (jar.size) headers.set("Cookie", [...jar].map(([k, v]) => `${k}=${v}`).join("; "));
      const res = await fetch(url, { ...init, headers, redirect: "manual" });
      for (const cookie of res.headers.getSetCookie()) {
        const [pair] = cookie.split(";");
        const at = pair!.indexOf("=");
        const value = pair!.slice(at + 1);
        // an expired cookie is the provider deleting it
        if (/expires=Thu, 01 Jan 1970/i.test(cookie) || value === "") jar.delete(pair!.slice(0, at));
        else jar.set(pair!.slice(0, at), value);
      }
      return res;
    };
    let url = new URL(authorizationUrl);
    let res = await send(url);
    for (let step = 0; step < 20; step++) {
      if (res.status >= 300 && res.status < 400) {
        url = new URL(res.headers.get("location")!, url);
        // back at the client: the browser would now open the redirect URI
        if (url.origin !== issuer) return url;
        res = await send(url);
        continue;
      }
      const body = await res.text();
      const action = /<form method="post" action="([^"]+)"/.exec(body)?.[1];
      if (res.status !== 200 || !action) throw new Error(`the provider answered ${res.status} at ${url.pathname}: ${body.slice(0, 500)}`);
      url = new URL(action, url);
      const form = action.endsWith("/login") ? new URLSearchParams({ login: name, password }) : new URLSearchParams();
      res = await send(url, { method: "POST", body: form });
    }
    throw new Error("too many steps at the provider");
  };

  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    requests,
    login,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // kept-alive connections would hold the close for seconds
        server.closeAllConnections();
      }),
  };
}
