import type { AppRouteHandler } from "../../http/router";
import { requireOperator, requireOrganisation } from "../../core/actor";
import { ctxOf } from "../../http/context";
import type * as R from "./organisations.routes";
import * as service from "./organisations.service";

export const createOrganisation: AppRouteHandler<R.CreateOrganisationRoute> = async (c) =>
  c.json(await service.createOrganisation({ ctx: ctxOf(c, 201), input: c.req.valid("json") }), 201);

export const listOrganisations: AppRouteHandler<R.ListOrganisationsRoute> = async (c) => c.json(await service.listOrganisations({ ctx: ctxOf(c), ...c.req.valid("query") }), 200);

export const getOwnOrganisation: AppRouteHandler<R.GetOwnOrganisationRoute> = async (c) => c.json(await service.getOwnOrganisation({ ctx: ctxOf(c) }), 200);

export const getOrganisation: AppRouteHandler<R.GetOrganisationRoute> = async (c) =>
  c.json(await service.getOrganisation({ ctx: ctxOf(c), id: c.req.valid("param").organisation_id }), 200);

export const createApiKey: AppRouteHandler<R.CreateApiKeyRoute> = async (c) =>
  c.json(await service.createApiKey({ ctx: ctxOf(c, 201), organisationId: c.req.valid("param").organisation_id, input: c.req.valid("json") }), 201);

// the routes under /v1/organisations are the operator's; an organisation manages its keys under /v1/api-keys
export const listApiKeys: AppRouteHandler<R.ListApiKeysRoute> = async (c) => {
  requireOperator(c.get("actor"));
  return c.json(await service.listApiKeys({ ctx: ctxOf(c), organisationId: c.req.valid("param").organisation_id, ...c.req.valid("query") }), 200);
};

export const listOwnApiKeys: AppRouteHandler<R.ListOwnApiKeysRoute> = async (c) => {
  const ctx = ctxOf(c);
  return c.json(await service.listApiKeys({ ctx, organisationId: requireOrganisation(ctx.actor), ...c.req.valid("query") }), 200);
};

export const revokeOwnApiKey: AppRouteHandler<R.RevokeOwnApiKeyRoute> = async (c) => {
  const ctx = ctxOf(c);
  return c.json(await service.revokeApiKey({ ctx, organisationId: requireOrganisation(ctx.actor), keyId: c.req.valid("param").key_id }), 200);
};

export const revokeApiKey: AppRouteHandler<R.RevokeApiKeyRoute> = async (c) => {
  requireOperator(c.get("actor"));
  const { organisation_id, key_id } = c.req.valid("param");
  return c.json(await service.revokeApiKey({ ctx: ctxOf(c), organisationId: organisation_id, keyId: key_id }), 200);
};
