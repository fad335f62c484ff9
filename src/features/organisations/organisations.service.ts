import { and, desc, eq, isNull, lt } from "drizzle-orm";
import { commit, Conflict, guarded } from "../../core/writer";
import type { z } from "zod";
import { schema, type DbOrTx } from "../../../db/client";
import { AppError, notFound, validationFailed } from "../../domain/errors";
import { defaultTimeZone } from "../../domain/time-zones";
import { generateSecret, hashSecret, secretPrefix } from "../../core/crypto";
import { requireOperator, requireOrganisation } from "../../core/actor";
import { decodeCursor, toPage } from "../../core/pagination";
import { type Ctx, iso } from "../../core/context";
import type { CreateApiKeyBody, CreateOrganisationBody } from "./organisations.schemas";

type OrganisationRow = typeof schema.organisations.$inferSelect;
type ApiKeyRow = typeof schema.apiKeys.$inferSelect;

export const presentOrganisation = (o: OrganisationRow) => ({
  object: "organisation" as const,
  id: o.id,
  name: o.name,
  registration: { scheme: o.registrationScheme, number: o.registrationNumber },
  country: o.country,
  address: o.address,
  public_authority: o.publicAuthority,
  time_zone: o.timeZone,
  created_at: o.createdAt.toISOString(),
});

export const presentApiKey = (k: ApiKeyRow) => ({
  object: "api_key" as const,
  id: k.id,
  organisation_id: k.organisationId ?? "",
  user_id: k.userId ?? null,
  name: k.name,
  prefix: k.prefix,
  scope: k.scope,
  expires_at: iso(k.expiresAt),
  last_used_at: iso(k.lastUsedAt),
  created_at: k.createdAt.toISOString(),
  revoked_at: iso(k.revokedAt),
});

export async function createOrganisation({ ctx, input }: { ctx: Ctx; input: z.infer<typeof CreateOrganisationBody> }) {
  requireOperator(ctx.actor);
  const id = ctx.newId("organisation");
  const row: OrganisationRow = {
    id,
    name: input.name,
    registrationScheme: input.registration.scheme,
    registrationNumber: input.registration.number,
    country: input.address.country,
    address: input.address,
    publicAuthority: input.public_authority ?? false,
    timeZone: input.time_zone ?? defaultTimeZone(input.address.country),
    createdAt: ctx.clock.now(),
  };
  const answer = presentOrganisation(row);
  await commit(ctx, {
    writes: [ctx.db.insert(schema.organisations).values(row)],
    audit: [{ action: "organisation.create", resourceType: "organisation", resourceId: id }],
    response: answer,
  });
  return answer;
}

export async function listOrganisations({ ctx, limit, cursor }: { ctx: Ctx; limit: number; cursor?: string }) {
  requireOperator(ctx.actor);
  const after = decodeCursor(cursor, "string");
  const rows = await ctx.db.query.organisations.findMany({
    where: after ? lt(schema.organisations.id, after) : undefined,
    orderBy: desc(schema.organisations.id),
    limit: limit + 1,
  });
  return toPage(rows.map(presentOrganisation), limit, (o) => o.id);
}

/** The operator reads any organisation; an organisation only itself. */
export async function getOrganisation({ ctx, id }: { ctx: Ctx; id: string }) {
  if (ctx.actor.kind === "organisation" && ctx.actor.organisationId !== id) throw notFound("organisation");
  const row = await findOrganisation(ctx.db, id);
  if (!row) throw notFound("organisation");
  return presentOrganisation(row);
}

export async function getOwnOrganisation({ ctx }: { ctx: Ctx }) {
  return getOrganisation({ ctx, id: requireOrganisation(ctx.actor) });
}

export const findOrganisation = (db: DbOrTx, id: string) => db.query.organisations.findFirst({ where: eq(schema.organisations.id, id) });

type ApiKeyFields = {
  id: string;
  organisationId: string | null;
  name: string;
  secret: string;
  now: Date;
  scope?: "read" | "write";
  expiresAt?: Date | null;
  userId?: string | null;
};

/** A key as stored: by its hash; the secret is returned once and never again. */
async function apiKeyRow(fields: ApiKeyFields): Promise<ApiKeyRow> {
  return {
    id: fields.id,
    organisationId: fields.organisationId,
    name: fields.name,
    prefix: secretPrefix(fields.secret),
    secretHash: await hashSecret(fields.secret),
    createdAt: fields.now,
    revokedAt: null,
    scope: fields.scope ?? "write",
    expiresAt: fields.expiresAt ?? null,
    lastUsedAt: null,
    userId: fields.userId ?? null,
  };
}

/** Stores a key outside any verb: the operator's first key, the demo's. */
export async function insertApiKey(db: DbOrTx, fields: ApiKeyFields) {
  const row = await apiKeyRow(fields);
  await db.insert(schema.apiKeys).values(row);
  return row;
}

export async function createApiKey({ ctx, organisationId, input }: { ctx: Ctx; organisationId: string; input: z.infer<typeof CreateApiKeyBody> }) {
  requireOperator(ctx.actor);
  if (!(await findOrganisation(ctx.db, organisationId))) throw notFound("organisation");
  if (input.expires_at && new Date(input.expires_at) <= ctx.clock.now())
    throw validationFailed([{ pointer: "/expires_at", rule: "in_future", detail: "A key cannot expire before it is issued." }], "The key would never work.");
  if (input.user_id) {
    const user = await ctx.db.query.users.findFirst({ where: and(eq(schema.users.id, input.user_id), eq(schema.users.organisationId, organisationId)) });
    if (!user || user.status === "deactivated")
      throw validationFailed(
        [{ pointer: "/user_id", rule: "person_of_organisation", detail: "Not an active person of this organisation." }],
        "The key cannot be tied to this person.",
      );
  }
  const secret = generateSecret();
  const id = ctx.newId("apiKey");
  const row = await apiKeyRow({
    userId: input.user_id ?? null,
    id,
    organisationId,
    name: input.name,
    secret,
    now: ctx.clock.now(),
    scope: input.scope,
    expiresAt: input.expires_at ? new Date(input.expires_at) : null,
  });
  const answer = { ...presentApiKey(row), secret };
  await commit(ctx, { writes: [ctx.db.insert(schema.apiKeys).values(row)], audit: [{ action: "api_key.create", resourceType: "api_key", resourceId: id }], response: answer });
  return answer;
}

/** The operator manages every organisation's keys; an organisation its own. */
function requireKeyManager(ctx: Ctx, organisationId: string) {
  if (ctx.actor.kind === "organisation" && ctx.actor.organisationId === organisationId) return;
  requireOperator(ctx.actor);
}

export async function listApiKeys({ ctx, organisationId, limit, cursor }: { ctx: Ctx; organisationId: string; limit: number; cursor?: string }) {
  requireKeyManager(ctx, organisationId);
  if (!(await findOrganisation(ctx.db, organisationId))) throw notFound("organisation");
  const after = decodeCursor(cursor, "string");
  const rows = await ctx.db.query.apiKeys.findMany({
    where: and(eq(schema.apiKeys.organisationId, organisationId), after ? lt(schema.apiKeys.id, after) : undefined),
    orderBy: desc(schema.apiKeys.id),
    limit: limit + 1,
  });
  return toPage(rows.map(presentApiKey), limit, (k) => k.id);
}

export async function revokeApiKey({ ctx, organisationId, keyId }: { ctx: Ctx; organisationId: string; keyId: string }) {
  requireKeyManager(ctx, organisationId);
  const where = and(eq(schema.apiKeys.id, keyId), eq(schema.apiKeys.organisationId, organisationId));
  const key = await ctx.db.query.apiKeys.findFirst({ where });
  if (!key) throw notFound("API key");
  if (key.revokedAt) throw new AppError("invalid_state", "The key is already revoked.", [], { current_state: "revoked" });
  const revokedAt = ctx.clock.now();
  try {
    await commit(ctx, {
      writes: [
        guarded(
          "api_key.revoked",
          ctx.db
            .update(schema.apiKeys)
            .set({ revokedAt })
            .where(and(where, isNull(schema.apiKeys.revokedAt))),
        ),
      ],
      audit: [{ action: "api_key.revoke", resourceType: "api_key", resourceId: keyId }],
    });
  } catch (err) {
    if (err instanceof Conflict) throw new AppError("invalid_state", "The key is already revoked.", [], { current_state: "revoked" });
    throw err;
  }
  const row: ApiKeyRow = { ...key, revokedAt };
  return presentApiKey(row);
}
