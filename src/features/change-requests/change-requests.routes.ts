import { createRoute } from "@hono/zod-openapi";
import { listOf, PageQuery } from "../../http/pagination";
import { errorResponses, jsonBody, jsonContent } from "../../http/router";
import { IdempotencyHeader } from "../../http/schemas";
import { ChangeRequest, ChangeRequestIdParam, SubmitChangeRequestBody } from "./change-requests.schemas";
import { listExample } from "../examples";
import { changeRequestExample, submitChangeRequestExample, withdrawnChangeRequestExample } from "./change-requests.examples";

const tags = ["Change requests"];
const security = [{ bearer: [] }];

export const submitChangeRequest = createRoute({
  method: "post",
  path: "/v1/change-requests",
  operationId: "submitChangeRequest",
  summary: "Submit a change to the annex of named agreements, or all active ones (processor)",
  description:
    "The processor, with its key with `write` scope (tied to a person: a decider or an admin); it covers only its own active agreements. Every operation is validated against every covered agreement's current annex; nothing is written if any fails (422, each error naming its agreement). Each covered agreement gets a decision with its own notice end (submitted_at + notice_days) and flags; a change that only removes or corrects entries is a notice (`noticed`) that needs no decision. Send an `Idempotency-Key` to retry safely.",
  tags,
  security,
  request: { headers: IdempotencyHeader, body: jsonBody(SubmitChangeRequestBody, undefined, submitChangeRequestExample) },
  responses: {
    201: jsonContent(ChangeRequest, "The change request with one pending decision per covered agreement", changeRequestExample),
    ...errorResponses(403, 409, 415, 422),
  },
});

export const listChangeRequests = createRoute({
  method: "get",
  path: "/v1/change-requests",
  operationId: "listChangeRequests",
  summary: "Change requests on the caller's agreements, newest first",
  description:
    "Any key of an organisation (`read` scope suffices); the operator key gets 403. Every change request with a decision on an agreement the caller is party to: the processor sees all of a request's decisions, a controller only those on its own agreements.",
  tags,
  security,
  request: { query: PageQuery },
  responses: { 200: jsonContent(listOf(ChangeRequest, "ChangeRequestList"), "Change requests", listExample([changeRequestExample])), ...errorResponses(403) },
});

export const getChangeRequest = createRoute({
  method: "get",
  path: "/v1/change-requests/{change_request_id}",
  operationId: "getChangeRequest",
  summary: "A change request with the state of every covered agreement the caller is party to",
  description:
    "Either party's key (`read` scope suffices); the operator key gets 403. The processor sees every decision of the request, a controller only those on its own agreements (another controller's stay hidden); a request with none on the caller's agreements is 404. `status` is pending while any of them is.",
  tags,
  security,
  request: { params: ChangeRequestIdParam },
  responses: { 200: jsonContent(ChangeRequest, "The change request", changeRequestExample), ...errorResponses(403, 404) },
});

export const withdrawChangeRequest = createRoute({
  method: "post",
  path: "/v1/change-requests/{change_request_id}/withdraw",
  operationId: "withdrawChangeRequest",
  summary: "Withdraw the change from every agreement still pending (processor)",
  description:
    "The processor only, with its key with `write` scope (tied to a person: a decider or an admin); a controller gets 403. Every pending decision, and every notice not yet in effect, is withdrawn and its controller gets `decision.withdrawn`; decisions already final stay as they are. 409 `invalid_state` when nothing is left to withdraw; send an `Idempotency-Key` to retry safely.",
  tags,
  security,
  request: { headers: IdempotencyHeader, params: ChangeRequestIdParam },
  responses: { 200: jsonContent(ChangeRequest, "The change request", withdrawnChangeRequestExample), ...errorResponses(403, 404, 409) },
});

export type SubmitChangeRequestRoute = typeof submitChangeRequest;
export type ListChangeRequestsRoute = typeof listChangeRequests;
export type GetChangeRequestRoute = typeof getChangeRequest;
export type WithdrawChangeRequestRoute = typeof withdrawChangeRequest;
