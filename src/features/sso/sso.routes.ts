import { createRoute } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonContent } from "../../http/router";
import { DeletedSsoConnection, PutSsoConnectionBody, SsoConnection } from "./sso.schemas";

const tags = ["People"];
const security = [{ bearer: [] }];

export const getSsoConnection = createRoute({
  method: "get",
  path: "/v1/sso-connection",
  operationId: "getSsoConnection",
  summary: "The organisation's single sign-on (OpenID Connect), without its client secret",
  tags,
  security,
  responses: { 200: jsonContent(SsoConnection, "The connection"), ...errorResponses(403, 404) },
});

export const putSsoConnection = createRoute({
  method: "put",
  path: "/v1/sso-connection",
  operationId: "putSsoConnection",
  summary: "Set up or replace the organisation's single sign-on: the provider is checked by OpenID discovery first",
  tags,
  security,
  request: { body: jsonBody(PutSsoConnectionBody) },
  responses: { 200: jsonContent(SsoConnection, "The connection"), ...errorResponses(403, 415, 422) },
});

export const deleteSsoConnection = createRoute({
  method: "delete",
  path: "/v1/sso-connection",
  operationId: "deleteSsoConnection",
  summary: "Remove the organisation's single sign-on; its people sign in by e-mail link again",
  tags,
  security,
  responses: { 200: jsonContent(DeletedSsoConnection, "Deleted"), ...errorResponses(403, 404) },
});

export type GetSsoConnectionRoute = typeof getSsoConnection;
export type PutSsoConnectionRoute = typeof putSsoConnection;
export type DeleteSsoConnectionRoute = typeof deleteSsoConnection;
