import { createRoute } from "@hono/zod-openapi";
import { listOf, PageQuery } from "../../http/pagination";
import { errorResponses, jsonBody, jsonContent } from "../../http/router";
import { IdempotencyHeader } from "../../http/schemas";
import { OrganisationIdParam } from "../organisations/organisations.schemas";
import { InviteUserBody, UpdateUserBody, User, UserIdParam } from "./users.schemas";

const tags = ["People"];
const security = [{ bearer: [] }];

export const inviteUser = createRoute({
  method: "post",
  path: "/v1/users",
  operationId: "inviteUser",
  summary: "Invite a person into the organisation: they get a sign-in link by e-mail, valid for 7 days",
  tags,
  security,
  request: { headers: IdempotencyHeader, body: jsonBody(InviteUserBody) },
  responses: { 201: jsonContent(User, "The invited person"), ...errorResponses(403, 415, 422) },
});

export const inviteUserAsOperator = createRoute({
  method: "post",
  path: "/v1/organisations/{organisation_id}/users",
  operationId: "inviteOrganisationUser",
  summary: "The operator invites a person (the first admin) into an organisation",
  tags,
  security,
  request: { headers: IdempotencyHeader, params: OrganisationIdParam, body: jsonBody(InviteUserBody) },
  responses: { 201: jsonContent(User, "The invited person"), ...errorResponses(403, 404, 415, 422) },
});

export const listUsers = createRoute({
  method: "get",
  path: "/v1/users",
  operationId: "listUsers",
  summary: "The organisation's people, newest first",
  tags,
  security,
  request: { query: PageQuery },
  responses: { 200: jsonContent(listOf(User, "UserList"), "People"), ...errorResponses(403) },
});

export const getUser = createRoute({
  method: "get",
  path: "/v1/users/{user_id}",
  operationId: "getUser",
  summary: "One person of the organisation",
  tags,
  security,
  request: { params: UserIdParam },
  responses: { 200: jsonContent(User, "The person"), ...errorResponses(403, 404) },
});

export const updateUser = createRoute({
  method: "patch",
  path: "/v1/users/{user_id}",
  operationId: "updateUser",
  summary: "Change a person's name, role, language or notices, or deactivate them (their sessions and keys end; their history stays)",
  tags,
  security,
  request: { params: UserIdParam, body: jsonBody(UpdateUserBody) },
  responses: { 200: jsonContent(User, "The person"), ...errorResponses(403, 404, 409, 415, 422) },
});

export type InviteUserRoute = typeof inviteUser;
export type InviteUserAsOperatorRoute = typeof inviteUserAsOperator;
export type ListUsersRoute = typeof listUsers;
export type GetUserRoute = typeof getUser;
export type UpdateUserRoute = typeof updateUser;
