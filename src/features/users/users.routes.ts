import { createRoute } from "@hono/zod-openapi";
import { listOf, PageQuery } from "../../http/pagination";
import { errorResponses, jsonBody, jsonContent } from "../../http/router";
import { IdempotencyHeader } from "../../http/schemas";
import { OrganisationIdParam } from "../organisations/organisations.schemas";
import { InviteUserBody, UpdateUserBody, User, UserIdParam } from "./users.schemas";
import {
  adminExample,
  invitedAdminExample,
  invitedUserExample,
  inviteFirstAdminExample,
  inviteUserExample,
  updatedUserExample,
  updateUserExample,
  userListExample,
} from "./users.examples";

const tags = ["People"];
const security = [{ bearer: [] }];

export const inviteUser = createRoute({
  method: "post",
  path: "/v1/users",
  operationId: "inviteUser",
  summary: "Invite a person into the organisation: they get a sign-in link by e-mail, valid for 7 days",
  description:
    "An organisation's key with `write` scope, either not tied to a person or tied to an admin; a decider's key gets 403, and the operator invites with POST /v1/organisations/{organisation_id}/users. The person is `invited` with the role given, and the mail with their single-use sign-in link is queued in the same commit. An address belongs to one person in the whole register (422 `unique`); send an `Idempotency-Key` to retry safely.",
  tags,
  security,
  request: { headers: IdempotencyHeader, body: jsonBody(InviteUserBody, undefined, inviteUserExample) },
  responses: { 201: jsonContent(User, "The invited person", invitedUserExample), ...errorResponses(403, 415, 422) },
});

export const inviteUserAsOperator = createRoute({
  method: "post",
  path: "/v1/organisations/{organisation_id}/users",
  operationId: "inviteOrganisationUser",
  summary: "The operator invites a person (the first admin) into an organisation",
  description:
    "Operator key only; an organisation invites its people with POST /v1/users. Usually the organisation's first admin, who then invites the others: the person is `invited` and gets a single-use sign-in link by e-mail, valid for 7 days. 404 for an unknown organisation, 422 `unique` for an address that already belongs to a person in the register; send an `Idempotency-Key` to retry safely.",
  tags,
  security,
  request: { headers: IdempotencyHeader, params: OrganisationIdParam, body: jsonBody(InviteUserBody, undefined, inviteFirstAdminExample) },
  responses: { 201: jsonContent(User, "The invited person", invitedAdminExample), ...errorResponses(403, 404, 415, 422) },
});

export const listUsers = createRoute({
  method: "get",
  path: "/v1/users",
  operationId: "listUsers",
  summary: "The organisation's people, newest first",
  description:
    "Any key of an organisation (`read` scope suffices, whatever the role of the person it is tied to: anyone of the organisation may see who else is in it); the operator key gets 403. Invited, active and deactivated people, with their role and how they came (invitation or single sign-on).",
  tags,
  security,
  request: { query: PageQuery },
  responses: { 200: jsonContent(listOf(User, "UserList"), "People", userListExample), ...errorResponses(403) },
});

export const getUser = createRoute({
  method: "get",
  path: "/v1/users/{user_id}",
  operationId: "getUser",
  summary: "One person of the organisation",
  description: "Any key of an organisation (`read` scope suffices); the operator key gets 403, and a person of another organisation answers 404, like an unknown one.",
  tags,
  security,
  request: { params: UserIdParam },
  responses: { 200: jsonContent(User, "The person", adminExample), ...errorResponses(403, 404) },
});

export const updateUser = createRoute({
  method: "patch",
  path: "/v1/users/{user_id}",
  operationId: "updateUser",
  summary: "Change a person's name, role, language or notices, or deactivate them (their sessions and keys end; their history stays)",
  description:
    "An organisation's key with `write` scope, either not tied to a person or tied to an admin, changes anyone of the organisation; one tied to a decider changes only that person's own name, language and notices (role and status are an admin's: 403). Deactivating ends the person's sessions and revokes the keys tied to them; `status: active` lets them sign in again. 409 `invalid_state` when the organisation's last active admin would stop being one.",
  tags,
  security,
  request: { params: UserIdParam, body: jsonBody(UpdateUserBody, undefined, updateUserExample) },
  responses: { 200: jsonContent(User, "The person", updatedUserExample), ...errorResponses(403, 404, 409, 415, 422) },
});

export type InviteUserRoute = typeof inviteUser;
export type InviteUserAsOperatorRoute = typeof inviteUserAsOperator;
export type ListUsersRoute = typeof listUsers;
export type GetUserRoute = typeof getUser;
export type UpdateUserRoute = typeof updateUser;
