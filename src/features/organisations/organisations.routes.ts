import { createRoute } from "@hono/zod-openapi";
import { listOf, PageQuery } from "../../http/pagination";
import { errorResponses, jsonBody, jsonContent } from "../../http/router";
import { ApiKey, ApiKeyParams, CreateApiKeyBody, CreatedApiKey, CreateOrganisationBody, Organisation, OrganisationIdParam } from "./organisations.schemas";

const tags = ["Organisations"];
const security = [{ bearer: [] }];

export const createOrganisation = createRoute({
  method: "post",
  path: "/v1/organisations",
  operationId: "createOrganisation",
  summary: "Create an organisation (operator)",
  tags,
  security,
  request: { body: jsonBody(CreateOrganisationBody) },
  responses: { 201: jsonContent(Organisation, "The organisation"), ...errorResponses(403, 415, 422) },
});

export const listOrganisations = createRoute({
  method: "get",
  path: "/v1/organisations",
  operationId: "listOrganisations",
  summary: "List organisations (operator)",
  tags,
  security,
  request: { query: PageQuery },
  responses: { 200: jsonContent(listOf(Organisation, "OrganisationList"), "Organisations, newest first"), ...errorResponses(403) },
});

export const getOwnOrganisation = createRoute({
  method: "get",
  path: "/v1/organisations/me",
  operationId: "getOwnOrganisation",
  summary: "The organisation of the calling key",
  tags,
  security,
  responses: { 200: jsonContent(Organisation, "The organisation"), ...errorResponses(403) },
});

export const getOrganisation = createRoute({
  method: "get",
  path: "/v1/organisations/{organisation_id}",
  operationId: "getOrganisation",
  summary: "Read an organisation (the operator any; an organisation itself)",
  tags,
  security,
  request: { params: OrganisationIdParam },
  responses: { 200: jsonContent(Organisation, "The organisation"), ...errorResponses(404) },
});

export const createApiKey = createRoute({
  method: "post",
  path: "/v1/organisations/{organisation_id}/api-keys",
  operationId: "createApiKey",
  summary: "Issue an API key for an organisation (operator); the secret is shown once",
  tags,
  security,
  request: { params: OrganisationIdParam, body: jsonBody(CreateApiKeyBody) },
  responses: { 201: jsonContent(CreatedApiKey, "The key, with its secret this once"), ...errorResponses(403, 404, 415, 422) },
});

export const listApiKeys = createRoute({
  method: "get",
  path: "/v1/organisations/{organisation_id}/api-keys",
  operationId: "listApiKeys",
  summary: "List an organisation's API keys (operator); never their secrets",
  tags,
  security,
  request: { params: OrganisationIdParam, query: PageQuery },
  responses: { 200: jsonContent(listOf(ApiKey, "ApiKeyList"), "Keys, newest first"), ...errorResponses(403, 404) },
});

export const revokeApiKey = createRoute({
  method: "delete",
  path: "/v1/organisations/{organisation_id}/api-keys/{key_id}",
  operationId: "revokeApiKey",
  summary: "Revoke an API key (operator); it stops working at once",
  tags,
  security,
  request: { params: ApiKeyParams },
  responses: { 200: jsonContent(ApiKey, "The revoked key"), ...errorResponses(403, 404, 409) },
});

export const listOwnApiKeys = createRoute({
  method: "get",
  path: "/v1/api-keys",
  operationId: "listOwnApiKeys",
  summary: "The calling organisation's own API keys; never their secrets",
  tags,
  security,
  request: { query: PageQuery },
  responses: { 200: jsonContent(listOf(ApiKey, "OwnApiKeyList"), "Keys, newest first"), ...errorResponses(403) },
});

export const revokeOwnApiKey = createRoute({
  method: "delete",
  path: "/v1/api-keys/{key_id}",
  operationId: "revokeOwnApiKey",
  summary: "Revoke one of the organisation's own keys; it stops working at once",
  tags,
  security,
  request: { params: ApiKeyParams.pick({ key_id: true }) },
  responses: { 200: jsonContent(ApiKey, "The revoked key"), ...errorResponses(403, 404, 409) },
});

export type CreateOrganisationRoute = typeof createOrganisation;
export type ListOwnApiKeysRoute = typeof listOwnApiKeys;
export type RevokeOwnApiKeyRoute = typeof revokeOwnApiKey;
export type ListOrganisationsRoute = typeof listOrganisations;
export type GetOwnOrganisationRoute = typeof getOwnOrganisation;
export type GetOrganisationRoute = typeof getOrganisation;
export type CreateApiKeyRoute = typeof createApiKey;
export type ListApiKeysRoute = typeof listApiKeys;
export type RevokeApiKeyRoute = typeof revokeApiKey;
