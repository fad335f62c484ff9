import { createRoute } from "@hono/zod-openapi";
import { listOf, PageQuery } from "../../http/pagination";
import { errorResponses, jsonBody, jsonContent } from "../../http/router";
import { IdempotencyHeader } from "../../http/schemas";
import { ChangeRequest, ChangeRequestIdParam, SubmitChangeRequestBody } from "./change-requests.schemas";

const tags = ["Change requests"];
const security = [{ bearer: [] }];

export const submitChangeRequest = createRoute({
  method: "post",
  path: "/v1/change-requests",
  operationId: "submitChangeRequest",
  summary: "Submit a change to the annex of named agreements, or all active ones (processor)",
  description:
    "Every operation is validated against every covered agreement's current annex; nothing is written if any fails. Each covered agreement gets a decision with its own notice end (submitted_at + notice_days) and flags.",
  tags,
  security,
  request: { headers: IdempotencyHeader, body: jsonBody(SubmitChangeRequestBody) },
  responses: { 201: jsonContent(ChangeRequest, "The change request with one pending decision per covered agreement"), ...errorResponses(403, 409, 415, 422) },
});

export const listChangeRequests = createRoute({
  method: "get",
  path: "/v1/change-requests",
  operationId: "listChangeRequests",
  summary: "Change requests on the caller's agreements, newest first",
  tags,
  security,
  request: { query: PageQuery },
  responses: { 200: jsonContent(listOf(ChangeRequest, "ChangeRequestList"), "Change requests"), ...errorResponses(403) },
});

export const getChangeRequest = createRoute({
  method: "get",
  path: "/v1/change-requests/{change_request_id}",
  operationId: "getChangeRequest",
  summary: "A change request with the state of every covered agreement the caller is party to",
  tags,
  security,
  request: { params: ChangeRequestIdParam },
  responses: { 200: jsonContent(ChangeRequest, "The change request"), ...errorResponses(403, 404) },
});

export const withdrawChangeRequest = createRoute({
  method: "post",
  path: "/v1/change-requests/{change_request_id}/withdraw",
  operationId: "withdrawChangeRequest",
  summary: "Withdraw the change from every agreement still pending (processor)",
  tags,
  security,
  request: { headers: IdempotencyHeader, params: ChangeRequestIdParam },
  responses: { 200: jsonContent(ChangeRequest, "The change request"), ...errorResponses(403, 404, 409) },
});

export type SubmitChangeRequestRoute = typeof submitChangeRequest;
export type ListChangeRequestsRoute = typeof listChangeRequests;
export type GetChangeRequestRoute = typeof getChangeRequest;
export type WithdrawChangeRequestRoute = typeof withdrawChangeRequest;
