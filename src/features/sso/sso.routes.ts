import { createRoute } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonContent } from "../../http/router";
import { DeletedSsoConnection, PutSsoConnectionBody, SsoConnection } from "./sso.schemas";
import { deletedSsoConnectionExample, putSsoConnectionExample, ssoConnectionExample } from "./sso.examples";

/** Who manages single sign-on: the organisation's own keys, and of its people only an admin. */
const MANAGERS = "An organisation's key, either not tied to a person or tied to an admin; keys tied to a decider or a viewer, and the operator key, get 403.";

const tags = ["People"];
const security = [{ bearer: [] }];

export const getSsoConnection = createRoute({
  method: "get",
  path: "/v1/sso-connection",
  operationId: "getSsoConnection",
  summary: "The organisation's single sign-on (OpenID Connect), without its client secret",
  description: `${MANAGERS} \`read\` scope suffices. 404 while the organisation has none; the client secret is never shown, only that it is set.`,
  tags,
  security,
  responses: { 200: jsonContent(SsoConnection, "The connection", ssoConnectionExample), ...errorResponses(403, 404) },
});

export const putSsoConnection = createRoute({
  method: "put",
  path: "/v1/sso-connection",
  operationId: "putSsoConnection",
  summary: "Set up or replace the organisation's single sign-on: the provider is checked by OpenID discovery first",
  description: `${MANAGERS} \`write\` scope needed. The issuer is checked before anything is kept: OpenID discovery must succeed, and the issuer and the token, key set and user info endpoints must be public https addresses (422 on \`/issuer\` otherwise). An e-mail domain signs in to one organisation only (422 \`unique\`); a person who signs in for the first time is given \`default_role\`.`,
  tags,
  security,
  request: { body: jsonBody(PutSsoConnectionBody, undefined, putSsoConnectionExample) },
  responses: { 200: jsonContent(SsoConnection, "The connection", ssoConnectionExample), ...errorResponses(403, 415, 422) },
});

export const deleteSsoConnection = createRoute({
  method: "delete",
  path: "/v1/sso-connection",
  operationId: "deleteSsoConnection",
  summary: "Remove the organisation's single sign-on; its people sign in by e-mail link again",
  description: `${MANAGERS} \`write\` scope needed. Sign-ins still under way through the provider end; the people keep their accounts and roles. 404 while the organisation has none.`,
  tags,
  security,
  responses: { 200: jsonContent(DeletedSsoConnection, "Deleted", deletedSsoConnectionExample), ...errorResponses(403, 404) },
});

export type GetSsoConnectionRoute = typeof getSsoConnection;
export type PutSsoConnectionRoute = typeof putSsoConnection;
export type DeleteSsoConnectionRoute = typeof deleteSsoConnection;
