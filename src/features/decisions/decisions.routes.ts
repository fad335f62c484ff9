import { createRoute, type z } from "@hono/zod-openapi";
import { listOf, PageQuery } from "../../http/pagination";
import { errorResponses, jsonBody, jsonContent } from "../../http/router";
import { IdempotencyHeader } from "../../http/schemas";
import { ApproveBody, Decision, DecisionIdParam, ListDecisionsQuery, ObjectBody } from "./decisions.schemas";

const tags = ["Decisions"];
const security = [{ bearer: [] }];

export const listDecisions = createRoute({
  method: "get",
  path: "/v1/decisions",
  operationId: "listDecisions",
  summary: "The decision inbox: decisions on every agreement the caller is party to",
  description: "With `state=pending`, a page is ordered soonest notice end first.",
  tags,
  security,
  request: { query: PageQuery.extend(ListDecisionsQuery.shape) },
  responses: { 200: jsonContent(listOf(Decision, "DecisionList"), "Decisions"), ...errorResponses(403) },
});

export const getDecision = createRoute({
  method: "get",
  path: "/v1/decisions/{decision_id}",
  operationId: "getDecision",
  summary: "One agreement's decision on a change",
  tags,
  security,
  request: { params: DecisionIdParam },
  responses: { 200: jsonContent(Decision, "The decision"), ...errorResponses(403, 404) },
});

const verbRoute = <P extends string, B extends z.ZodType | undefined>(path: P, operationId: string, summary: string, body: B, bodyRequired = true) =>
  createRoute({
    method: "post",
    path,
    operationId,
    summary,
    tags,
    security,
    request: { headers: IdempotencyHeader, params: DecisionIdParam, ...(body ? { body: { ...jsonBody(body), required: bodyRequired } } : {}) } as {
      headers: typeof IdempotencyHeader;
      params: typeof DecisionIdParam;
      body: B extends z.ZodType ? ReturnType<typeof jsonBody<B>> : never;
    },
    responses: { 200: jsonContent(Decision, "The decision, final"), ...errorResponses(403, 404, 409, 415, 422) },
  });

export const approveDecision = verbRoute(
  "/v1/decisions/{decision_id}/approve",
  "approveDecision",
  "Approve the change for this agreement (controller), with an optional comment",
  ApproveBody,
  // everything in it is optional: an approval may be sent without a body
  false,
);
export const objectToDecision = verbRoute(
  "/v1/decisions/{decision_id}/object",
  "objectToDecision",
  "Object to the change for this agreement (controller); a concrete reason is required (docs/rules.md, rule 6)",
  ObjectBody,
);
export const withdrawDecision = createRoute({
  method: "post",
  path: "/v1/decisions/{decision_id}/withdraw",
  operationId: "withdrawDecision",
  summary: "Withdraw the change from this one agreement (processor)",
  tags,
  security,
  request: { headers: IdempotencyHeader, params: DecisionIdParam },
  responses: { 200: jsonContent(Decision, "The decision, withdrawn"), ...errorResponses(403, 404, 409) },
});

export type ListDecisionsRoute = typeof listDecisions;
export type GetDecisionRoute = typeof getDecision;
export type ApproveDecisionRoute = typeof approveDecision;
export type ObjectToDecisionRoute = typeof objectToDecision;
export type WithdrawDecisionRoute = typeof withdrawDecision;
