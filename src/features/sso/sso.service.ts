import { and, eq, ne, sql } from "drizzle-orm";
import type { z } from "zod";
import { schema } from "../../../db/client";
import type { Actor } from "../../core/actor";
import type { Ctx } from "../../core/context";
import { commit, guarded, retryOnConflict } from "../../core/writer";
import { AppError, notFound, validationFailed } from "../../domain/errors";
import { roleAllows } from "../../domain/people";
import { checkResolvedHost, checkWebhookUrl } from "../../webhooks/address-policy";
import { discoverProvider, providerFailure } from "../users/sso.service";
import type { PutSsoConnectionBody } from "./sso.schemas";

const c = schema.ssoConnections;
type Row = typeof c.$inferSelect;

/** Never the client secret: only that one is set. */
export const presentConnection = (r: Row) => ({
  object: "sso_connection" as const,
  organisation_id: r.organisationId,
  issuer: r.issuer,
  client_id: r.clientId,
  client_secret_set: true as const,
  email_domain: r.emailDomain,
  default_role: r.defaultRole,
  enabled: r.enabled,
  created_at: r.createdAt.toISOString(),
  updated_at: r.updatedAt.toISOString(),
});

/** Who signs the organisation's people in is the organisation's: its keys, and of its people only an admin. */
function managingOrganisation(actor: Actor): string {
  if (actor.kind !== "organisation") throw new AppError("forbidden", "Single sign-on is an organisation's own; use an organisation's key for this.");
  if (actor.user && !roleAllows(actor.user.role, "admin")) throw new AppError("forbidden", "Only an admin of the organisation manages its single sign-on.");
  return actor.organisationId;
}

export async function getSsoConnection({ ctx }: { ctx: Ctx }) {
  const org = managingOrganisation(ctx.actor);
  const row = await ctx.db.query.ssoConnections.findFirst({ where: eq(c.organisationId, org) });
  if (!row) throw notFound("single sign-on connection");
  return presentConnection(row);
}

const issuerError = (rule: string, detail: string) => validationFailed([{ pointer: "/issuer", rule, detail }], "The OpenID provider cannot be used.");

/** A URL the service will call must pass the webhook address policy: public addresses only, https (docs/rules.md, "People and sign-in"). */
async function checkAddress(ctx: Ctx, url: string, what: string) {
  const policy = { allowInsecure: ctx.webhooks.allowInsecure };
  const violation = checkWebhookUrl(url, policy) ?? (await checkResolvedHost(url, policy, ctx.webhooks.resolveHost));
  if (violation) throw issuerError(violation.rule, `${what}: ${violation.detail}`);
}

/**
 * Checks the provider before anything is kept: the issuer's address, OpenID discovery run once
 * (the metadata's issuer must be the one given), and the addresses of the endpoints the service
 * itself calls (token, keys, user info).
 */
async function checkProvider(ctx: Ctx, input: z.infer<typeof PutSsoConnectionBody>) {
  await checkAddress(ctx, input.issuer, "the issuer");
  let metadata: ReturnType<Awaited<ReturnType<typeof discoverProvider>>["serverMetadata"]>;
  try {
    metadata = (await discoverProvider(ctx, { issuer: input.issuer, clientId: input.client_id, clientSecret: input.client_secret })).serverMetadata();
  } catch (err) {
    throw issuerError("openid_discovery", `OpenID discovery at ${input.issuer} failed: ${providerFailure(err)}.`);
  }
  if (!metadata.authorization_endpoint || !metadata.token_endpoint) throw issuerError("openid_discovery", "The provider's metadata names no authorization or token endpoint.");
  if (metadata.response_types_supported && !metadata.response_types_supported.includes("code"))
    throw issuerError("openid_discovery", "The provider does not offer the authorization code flow.");
  for (const [what, url] of [
    ["the token endpoint", metadata.token_endpoint],
    ["the key set", metadata.jwks_uri],
    ["the user info endpoint", metadata.userinfo_endpoint],
  ] as const)
    if (url) await checkAddress(ctx, url, what);
}

/**
 * Sets up or replaces the organisation's single sign-on. A domain signs in to one organisation
 * only: the write itself refuses a domain another organisation took meanwhile, and the verb is
 * then replanned, to answer why.
 */
export async function putSsoConnection({ ctx, input }: { ctx: Ctx; input: z.infer<typeof PutSsoConnectionBody> }) {
  const org = managingOrganisation(ctx.actor);
  const domain = input.email_domain.toLowerCase();
  const taken = () => ctx.db.query.ssoConnections.findFirst({ where: and(eq(c.emailDomain, domain), ne(c.organisationId, org)), columns: { organisationId: true } });
  // the cheap refusal first: no provider is called for a domain that is taken
  if (await taken()) throw domainTaken(domain);
  await checkProvider(ctx, input);
  return retryOnConflict(async () => {
    if (await taken()) throw domainTaken(domain);
    const existing = await ctx.db.query.ssoConnections.findFirst({ where: eq(c.organisationId, org) });
    const now = ctx.clock.now();
    const row: Row = {
      organisationId: org,
      issuer: input.issuer,
      clientId: input.client_id,
      clientSecret: input.client_secret,
      emailDomain: domain,
      defaultRole: input.default_role,
      enabled: input.enabled,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    // created or replaced in one statement, only while no other organisation has the domain
    const upsert = sql`INSERT INTO sso_connections (organisation_id, issuer, client_id, client_secret, email_domain, default_role, enabled, created_at, updated_at)
      SELECT ${row.organisationId}, ${row.issuer}, ${row.clientId}, ${row.clientSecret}, ${row.emailDomain}, ${row.defaultRole}, ${row.enabled ? 1 : 0}, ${row.createdAt.getTime()}, ${row.updatedAt.getTime()}
      WHERE NOT EXISTS (SELECT 1 FROM sso_connections WHERE email_domain = ${domain} AND organisation_id <> ${org})
      ON CONFLICT (organisation_id) DO UPDATE SET issuer = excluded.issuer, client_id = excluded.client_id, client_secret = excluded.client_secret,
        email_domain = excluded.email_domain, default_role = excluded.default_role, enabled = excluded.enabled, updated_at = excluded.updated_at`;
    const answer = presentConnection(row);
    await commit(ctx, {
      writes: [guarded("sso_connection.domain_free", upsert)],
      audit: [
        {
          action: "sso_connection.updated",
          resourceType: "sso_connection",
          resourceId: org,
          // what was set, never the secret
          detail: { issuer: row.issuer, client_id: row.clientId, email_domain: domain, default_role: row.defaultRole, enabled: row.enabled, created: !existing },
        },
      ],
      response: answer,
    });
    return answer;
  });
}

const domainTaken = (domain: string) =>
  validationFailed([{ pointer: "/email_domain", rule: "unique", detail: `Another organisation signs in the addresses of ${domain}.` }], "The single sign-on cannot be set up.");

/** Removes the organisation's single sign-on and any sign-in still under way through it; its people keep their accounts. */
export async function deleteSsoConnection({ ctx }: { ctx: Ctx }) {
  const org = managingOrganisation(ctx.actor);
  // a delete that raced another is replanned, and finds nothing to delete
  return retryOnConflict(async () => {
    const existing = await ctx.db.query.ssoConnections.findFirst({ where: eq(c.organisationId, org) });
    if (!existing) throw notFound("single sign-on connection");
    await commit(ctx, {
      writes: [guarded("sso_connection.exists", ctx.db.delete(c).where(eq(c.organisationId, org))), ctx.db.delete(schema.ssoFlows).where(eq(schema.ssoFlows.organisationId, org))],
      audit: [{ action: "sso_connection.deleted", resourceType: "sso_connection", resourceId: org, detail: { issuer: existing.issuer, email_domain: existing.emailDomain } }],
    });
    return { object: "sso_connection" as const, organisation_id: org, deleted: true as const };
  });
}
