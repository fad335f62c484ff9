import { and, eq, lt } from "drizzle-orm";
import * as oidc from "openid-client";
import { schema } from "../../../db/client";
import type { Ctx } from "../../core/context";
import { hashSecret, randomToken } from "../../core/crypto";
import { commit, Conflict, guarded } from "../../core/writer";
import type { Deps } from "../../deps";
import { AppError } from "../../domain/errors";
import { emailDomain, normaliseEmail } from "../../domain/people";
import { openSession, userActor } from "./sign-in.service";
import type { UserRow } from "./users.service";

/**
 * Single sign-on with an organisation's own OpenID provider (docs/rules.md, "People and sign-in"):
 * the authorization code flow with PKCE, a state and a nonce, kept server-side for 10 minutes and
 * usable once. Only a verified address of the connection's domain comes in; a person is
 * provisioned on their first sign-in with the connection's default role.
 */
export const FLOW_MINUTES = 10;
export const SSO_SCOPE = "openid email profile";
/** How long the provider's metadata is trusted before it is read again. */
const DISCOVERY_TTL_MS = 3600_000;
/** Seconds a request to a provider may take. */
const PROVIDER_TIMEOUT_S = 10;

type Writer = Pick<Deps, "db" | "clock" | "newId" | "webhooks" | "publicUrl" | "wallClock">;
type Connection = typeof schema.ssoConnections.$inferSelect;
type ProviderSettings = Pick<Connection, "issuer" | "clientId" | "clientSecret">;

const c = schema.ssoConnections;
const f = schema.ssoFlows;

/** Whether any organisation signs in with its own OpenID provider: the sign-in page then offers it. */
export async function ssoAvailable(deps: Pick<Deps, "db">): Promise<boolean> {
  return !!(await deps.db.query.ssoConnections.findFirst({ where: eq(schema.ssoConnections.enabled, true), columns: { organisationId: true } }));
}

/** Why a provider could not be used, for the logs and the API's answer; never a stack. */
export const providerFailure = (err: unknown) => {
  // the provider's own error (access_denied, invalid_grant…) where it sent one
  const e = err as { message?: string; code?: string; error?: string; error_description?: string; cause?: { message?: string; code?: string } };
  return [e?.code, e?.message, e?.error, e?.error_description, e?.cause?.code ?? e?.cause?.message].filter(Boolean).join(": ") || String(err);
};

/**
 * Reads a provider's metadata (OpenID discovery) and returns the client's configuration for it.
 * The client authenticates as the provider says it can: client_secret_basic, the default of
 * OpenID Connect, unless the provider lists only client_secret_post. Plain http only where
 * webhooks may use it (tests, local development).
 */
export async function discoverProvider(deps: Pick<Deps, "webhooks">, settings: ProviderSettings): Promise<oidc.Configuration> {
  const insecure = deps.webhooks.allowInsecure;
  const discovered = await oidc.discovery(new URL(settings.issuer), settings.clientId, settings.clientSecret, oidc.ClientSecretBasic(settings.clientSecret), {
    execute: insecure ? [oidc.allowInsecureRequests] : [],
    timeout: PROVIDER_TIMEOUT_S,
  });
  const methods = discovered.serverMetadata().token_endpoint_auth_methods_supported;
  if (!methods || methods.includes("client_secret_basic") || !methods.includes("client_secret_post")) return discovered;
  const config = new oidc.Configuration(discovered.serverMetadata(), settings.clientId, settings.clientSecret, oidc.ClientSecretPost(settings.clientSecret));
  config.timeout = PROVIDER_TIMEOUT_S;
  if (insecure) oidc.allowInsecureRequests(config);
  return config;
}

/**
 * Discovered configurations, per organisation and issuer and the version of the connection
 * (its `updated_at`): a connection changed anywhere, with a new client or secret, is never
 * served from an older entry, in this process or another.
 */
const configurations = new Map<string, { config: oidc.Configuration; at: number }>();

async function configurationOf(deps: Pick<Deps, "webhooks" | "wallClock">, connection: Connection): Promise<oidc.Configuration> {
  const key = `${connection.organisationId} ${connection.issuer} ${connection.updatedAt.getTime()}`;
  const now = deps.wallClock.now().getTime();
  const cached = configurations.get(key);
  if (cached && now - cached.at < DISCOVERY_TTL_MS) return cached.config;
  let config: oidc.Configuration;
  try {
    config = await discoverProvider(deps, connection);
  } catch (err) {
    throw new AppError("upstream_unavailable", `The organisation's OpenID provider could not be reached: ${providerFailure(err)}`);
  }
  // one entry per organisation: an older version's goes
  for (const k of configurations.keys()) if (k.startsWith(`${connection.organisationId} `)) configurations.delete(k);
  configurations.set(key, { config, at: now });
  return config;
}

/**
 * Starts single sign-on for an address: the enabled connection of the address's domain, a flow
 * (PKCE verifier, state, nonce; only the state's hash as its id) stored for 10 minutes, and the
 * provider's authorization URL to send the person to, with the state (for the transport to bind
 * the flow to the browser). Null when no connection serves the domain.
 */
export async function startSso(deps: Writer, input: { email: string; redirectUri: string }): Promise<{ url: string; state: string } | null> {
  const email = normaliseEmail(input.email);
  const domain = emailDomain(email);
  if (!email.includes("@") || !domain) return null;
  const connection = await deps.db.query.ssoConnections.findFirst({ where: and(eq(c.emailDomain, domain), eq(c.enabled, true)) });
  if (!connection) return null;
  const config = await configurationOf(deps, connection);
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const now = deps.clock.now();
  await commit(deps, {
    writes: [
      deps.db.insert(f).values({
        id: await hashSecret(state),
        organisationId: connection.organisationId,
        codeVerifier,
        nonce,
        createdAt: now,
        expiresAt: new Date(now.getTime() + FLOW_MINUTES * 60_000),
      }),
      // flows never finished only take room
      deps.db.delete(f).where(lt(f.expiresAt, now)),
    ],
  });
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: input.redirectUri,
    scope: SSO_SCOPE,
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
    state,
    nonce,
    login_hint: email,
  });
  return { url: url.href, state };
}

const refused = (why: string) => new AppError("unauthenticated", `Single sign-on refused: ${why}`);

/** The claims of the signed-in person: the ID token's, and the UserInfo endpoint's when the token carries no address. */
async function claimsOf(config: oidc.Configuration, tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>): Promise<Record<string, unknown>> {
  const claims = tokens.claims();
  if (!claims) throw refused("the provider sent no ID token.");
  // many providers put the address only in UserInfo when an access token is issued (OpenID Connect Core 5.4)
  if (claims.email !== undefined || !config.serverMetadata().userinfo_endpoint) return claims;
  const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
  return { ...info, ...claims, email: info.email, email_verified: info.email_verified };
}

/**
 * Finishes single sign-on at the callback: the flow named by the state is spent first (a second
 * use finds nothing), the code is exchanged with the PKCE verifier, and the state and nonce are
 * checked. The address must be verified (or not said to be unverified) and of the connection's
 * domain; it must be a person of that organisation who is not deactivated, or nobody's yet: then
 * the person is provisioned. Returns the new session's cookie token.
 */
export async function finishSso(deps: Writer, input: { callbackUrl: string; request?: Ctx["request"] }): Promise<string> {
  const callback = new URL(input.callbackUrl);
  const state = callback.searchParams.get("state");
  if (!state) throw refused("the answer carries no state.");
  const id = await hashSecret(state);
  const flow = await deps.db.query.ssoFlows.findFirst({ where: eq(f.id, id) });
  if (!flow) throw refused("no sign-in is under way with this state (unknown, or already used).");
  try {
    await commit(deps, { writes: [guarded("sso_flow.unused", deps.db.delete(f).where(eq(f.id, id)))] });
  } catch (err) {
    if (err instanceof Conflict) throw refused("this sign-in was already used.");
    throw err;
  }
  if (flow.expiresAt <= deps.clock.now()) throw refused("the sign-in took longer than 10 minutes.");
  const connection = await deps.db.query.ssoConnections.findFirst({ where: eq(c.organisationId, flow.organisationId) });
  if (!connection?.enabled) throw refused("the organisation's single sign-on is switched off.");
  const config = await configurationOf(deps, connection);

  let claims: Record<string, unknown>;
  try {
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: flow.codeVerifier, expectedState: state, expectedNonce: flow.nonce });
    claims = await claimsOf(config, tokens);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw refused(`the provider's answer did not hold (${providerFailure(err)}).`);
  }
  if (typeof claims.email !== "string" || !claims.email.includes("@")) throw refused("the provider sent no e-mail address.");
  if (claims.email_verified === false) throw refused("the provider does not vouch for the e-mail address.");
  const email = normaliseEmail(claims.email);
  if (emailDomain(email) !== connection.emailDomain) throw refused(`the address is not of ${connection.emailDomain}.`);

  const user = await personFor(deps, connection, email, typeof claims.name === "string" ? claims.name.trim().slice(0, 200) || null : null);
  return openSession(deps, user, "sso", { request: input.request });
}

/** The person of the address in the connection's organisation, provisioned when the address is nobody's yet. */
async function personFor(deps: Writer, connection: Connection, email: string, name: string | null): Promise<UserRow> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const existing = await deps.db.query.users.findFirst({ where: eq(schema.users.email, email) });
    if (existing) {
      // an address belongs to one organisation: another's person never comes in through this provider
      if (existing.organisationId !== connection.organisationId) throw refused("the address belongs to a person of another organisation.");
      if (existing.status === "deactivated") throw refused("the person is deactivated.");
      return existing;
    }
    const now = deps.clock.now();
    const row: UserRow = {
      id: deps.newId("user"),
      organisationId: connection.organisationId,
      email,
      name,
      role: connection.defaultRole,
      language: null,
      notices: null,
      status: "active",
      source: "sso",
      invitedBy: null,
      mailToken: randomToken(),
      createdAt: now,
      updatedAt: now,
      lastSignInAt: null,
    };
    try {
      await commit(
        { ...deps, actor: userActor(row) },
        {
          // a first sign-in racing this one inserts nothing here, and the loop reads their row
          writes: [guarded("user.new_address", deps.db.insert(schema.users).values(row).onConflictDoNothing())],
          audit: [
            {
              action: "user.provisioned",
              resourceType: "user",
              resourceId: row.id,
              detail: { organisation_id: row.organisationId, role: row.role, source: "sso", issuer: connection.issuer },
            },
          ],
        },
      );
      return row;
    } catch (err) {
      if (!(err instanceof Conflict)) throw err;
    }
  }
  throw new AppError("conflict", "The person was being provisioned by another request at the same time; retry.");
}
