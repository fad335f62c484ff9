import { createRoute } from "@hono/zod-openapi";
import { listOf, PageQuery } from "../../http/pagination";
import { errorResponses, jsonBody, jsonContent } from "../../http/router";
import { ApiKey, ApiKeyParams, CreateApiKeyBody, CreatedApiKey, CreateOrganisationBody, Organisation, OrganisationIdParam } from "./organisations.schemas";
import { listExample } from "../examples";
import { aarhusKommune, apiKeyListExample, createApiKeyExample, createdApiKeyExample, createOrganisationExample, nordCare, revokedApiKeyExample } from "./organisations.examples";

const tags = ["Organisations"];
const security = [{ bearer: [] }];

export const createOrganisation = createRoute({
  method: "post",
  path: "/v1/organisations",
  operationId: "createOrganisation",
  summary: "Create an organisation (operator)",
  description:
    "Operator key only (an organisation's key gets 403): registers a controller or a processor with its registration number (format and check digits are checked), postal address, and the time zone its deadlines are counted in (default: its country's). A `public_authority` may not rely on the GDPR Art. 49(1)(a)–(c) derogations as a controller. The organisation acts once the operator issues it a key (POST /v1/organisations/{organisation_id}/api-keys) or invites its first admin.",
  tags,
  security,
  request: { body: jsonBody(CreateOrganisationBody, undefined, createOrganisationExample) },
  responses: { 201: jsonContent(Organisation, "The organisation", aarhusKommune), ...errorResponses(403, 415, 422) },
});

export const listOrganisations = createRoute({
  method: "get",
  path: "/v1/organisations",
  operationId: "listOrganisations",
  summary: "List organisations (operator)",
  description: "Operator key only; an organisation's key gets 403. Every registered organisation, newest first, a page of `limit` at a time (follow `next_cursor`).",
  tags,
  security,
  request: { query: PageQuery },
  responses: {
    200: jsonContent(listOf(Organisation, "OrganisationList"), "Organisations, newest first", listExample([nordCare, aarhusKommune])),
    ...errorResponses(403),
  },
});

export const getOwnOrganisation = createRoute({
  method: "get",
  path: "/v1/organisations/me",
  operationId: "getOwnOrganisation",
  summary: "The organisation of the calling key",
  description:
    "Any key of an organisation, `read` scope or `write`, whoever it is tied to; the operator key belongs to no organisation and gets 403. The caller's own organisation, as the operator registered it.",
  tags,
  security,
  responses: { 200: jsonContent(Organisation, "The organisation", aarhusKommune), ...errorResponses(403) },
});

export const getOrganisation = createRoute({
  method: "get",
  path: "/v1/organisations/{organisation_id}",
  operationId: "getOrganisation",
  summary: "Read an organisation (the operator any; an organisation itself)",
  description:
    "The operator key reads any organisation; an organisation's key (`read` scope suffices) only its own. Any other id answers 404, exactly as an unknown one: a key cannot tell which other organisations exist.",
  tags,
  security,
  request: { params: OrganisationIdParam },
  responses: { 200: jsonContent(Organisation, "The organisation", aarhusKommune), ...errorResponses(404) },
});

export const createApiKey = createRoute({
  method: "post",
  path: "/v1/organisations/{organisation_id}/api-keys",
  operationId: "createApiKey",
  summary: "Issue an API key for an organisation (operator); the secret is shown once",
  description:
    "Operator key only. `scope` is `write` (default) or `read` (GET only); `expires_at` is optional. With `user_id` the key is tied to an active person of the organisation: it acts as them, never beyond their role (a viewer's key is read-only whatever its scope), and stops working when they are deactivated. The `secret` is in this answer only: the service keeps its hash.",
  tags,
  security,
  request: { params: OrganisationIdParam, body: jsonBody(CreateApiKeyBody, undefined, createApiKeyExample) },
  responses: { 201: jsonContent(CreatedApiKey, "The key, with its secret this once", createdApiKeyExample), ...errorResponses(403, 404, 415, 422) },
});

export const listApiKeys = createRoute({
  method: "get",
  path: "/v1/organisations/{organisation_id}/api-keys",
  operationId: "listApiKeys",
  summary: "List an organisation's API keys (operator); never their secrets",
  description:
    "Operator key only; an organisation lists its own keys with GET /v1/api-keys. Every key of the organisation, revoked and expired ones too, newest first: its `prefix`, scope, the person it is tied to and when it was last used, never its secret.",
  tags,
  security,
  request: { params: OrganisationIdParam, query: PageQuery },
  responses: { 200: jsonContent(listOf(ApiKey, "ApiKeyList"), "Keys, newest first", listExample(apiKeyListExample)), ...errorResponses(403, 404) },
});

export const revokeApiKey = createRoute({
  method: "delete",
  path: "/v1/organisations/{organisation_id}/api-keys/{key_id}",
  operationId: "revokeApiKey",
  summary: "Revoke an API key (operator); it stops working at once",
  description:
    "Operator key only. Every later request with the key is 401. A key that is already revoked is 409 `invalid_state`; a key of another organisation than the one in the path is 404. Audited as `api_key.revoke`.",
  tags,
  security,
  request: { params: ApiKeyParams },
  responses: { 200: jsonContent(ApiKey, "The revoked key", revokedApiKeyExample), ...errorResponses(403, 404, 409) },
});

export const listOwnApiKeys = createRoute({
  method: "get",
  path: "/v1/api-keys",
  operationId: "listOwnApiKeys",
  summary: "The calling organisation's own API keys; never their secrets",
  description:
    "Any key of an organisation (`read` scope suffices); the operator key gets 403 and uses GET /v1/organisations/{organisation_id}/api-keys. Every key of the caller's organisation, revoked ones and those tied to a person too, newest first, without their secrets.",
  tags,
  security,
  request: { query: PageQuery },
  responses: { 200: jsonContent(listOf(ApiKey, "OwnApiKeyList"), "Keys, newest first", listExample(apiKeyListExample)), ...errorResponses(403) },
});

export const revokeOwnApiKey = createRoute({
  method: "delete",
  path: "/v1/api-keys/{key_id}",
  operationId: "revokeOwnApiKey",
  summary: "Revoke one of the organisation's own keys; it stops working at once",
  description:
    "An organisation's key with `write` scope (tied to a person: a decider or an admin; a viewer's key is read-only); the operator key gets 403 and uses DELETE /v1/organisations/{organisation_id}/api-keys/{key_id}. Any key of the organisation may be revoked, the calling one too; a key of another organisation is 404, one already revoked 409 `invalid_state`.",
  tags,
  security,
  request: { params: ApiKeyParams.pick({ key_id: true }) },
  responses: { 200: jsonContent(ApiKey, "The revoked key", revokedApiKeyExample), ...errorResponses(403, 404, 409) },
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
