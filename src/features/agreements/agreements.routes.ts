import { createRoute } from "@hono/zod-openapi";
import { listOf, PageQuery } from "../../http/pagination";
import { errorResponses, jsonBody, jsonContent } from "../../http/router";
import { AgreementTerms, AmendAgreementBody, Agreement, AgreementIdParam, CreateAgreementBody, DeclineAgreementBody, ListAgreementsQuery } from "./agreements.schemas";

const tags = ["Agreements"];
const security = [{ bearer: [] }];

export const createAgreement = createRoute({
  method: "post",
  path: "/v1/agreements",
  operationId: "createAgreement",
  summary: "Propose an agreement with its baseline annex (processor), or import a signed one (operator)",
  description:
    "A processor's agreement starts `proposed` and becomes `active` when the controller confirms its baseline (annex version 1). The operator may import an already signed agreement, active at once.",
  tags,
  security,
  request: { body: jsonBody(CreateAgreementBody) },
  responses: { 201: jsonContent(Agreement, "The agreement"), ...errorResponses(403, 415, 422) },
});

export const listAgreements = createRoute({
  method: "get",
  path: "/v1/agreements",
  operationId: "listAgreements",
  summary: "The agreements the calling organisation is party to",
  tags,
  security,
  request: { query: PageQuery.extend(ListAgreementsQuery.shape) },
  responses: { 200: jsonContent(listOf(Agreement, "AgreementList"), "Agreements, newest first"), ...errorResponses(403) },
});

export const getAgreement = createRoute({
  method: "get",
  path: "/v1/agreements/{agreement_id}",
  operationId: "getAgreement",
  summary: "Read an agreement (either party)",
  tags,
  security,
  request: { params: AgreementIdParam },
  responses: { 200: jsonContent(Agreement, "The agreement"), ...errorResponses(403, 404) },
});

export const confirmAgreement = createRoute({
  method: "post",
  path: "/v1/agreements/{agreement_id}/confirm",
  operationId: "confirmAgreement",
  summary: "Confirm a proposed agreement's baseline (controller): it becomes active, annex version 1",
  tags,
  security,
  request: { params: AgreementIdParam },
  responses: { 200: jsonContent(Agreement, "The active agreement"), ...errorResponses(403, 404, 409) },
});

export const declineAgreement = createRoute({
  method: "post",
  path: "/v1/agreements/{agreement_id}/decline",
  operationId: "declineAgreement",
  summary: "Decline a proposed agreement's baseline, with a reason (controller)",
  tags,
  security,
  request: { params: AgreementIdParam, body: jsonBody(DeclineAgreementBody) },
  responses: { 200: jsonContent(Agreement, "The declined agreement"), ...errorResponses(403, 404, 409, 415, 422) },
});

export type CreateAgreementRoute = typeof createAgreement;
export type ListAgreementsRoute = typeof listAgreements;
export type GetAgreementRoute = typeof getAgreement;
export type ConfirmAgreementRoute = typeof confirmAgreement;
export type DeclineAgreementRoute = typeof declineAgreement;

export const amendAgreement = createRoute({
  method: "post",
  path: "/v1/agreements/{agreement_id}/amendments",
  operationId: "amendAgreement",
  summary: "Amend the agreement's terms: third-country instruction, notice period, authorisation (controller)",
  description:
    "Only the controller amends its instruction. The amendment is a new numbered, dated version of the terms, in force at least 30 days after it is made (`effective_date`, default 30 days), with an `agreement.amended` event to both parties. An instruction prohibiting third-country transfers cannot come into force over an annex that already has entries outside the EU/EEA (409 `instruction_conflict`). To approve one change that conflicts with the instruction, send the amendment with the approval instead (POST /v1/decisions/{id}/approve): then it is in force at once.",
  tags,
  security,
  request: { params: AgreementIdParam, body: jsonBody(AmendAgreementBody) },
  responses: { 201: jsonContent(AgreementTerms, "The new version of the terms"), ...errorResponses(403, 404, 409, 415, 422) },
});

export const listAgreementTerms = createRoute({
  method: "get",
  path: "/v1/agreements/{agreement_id}/terms",
  operationId: "listAgreementTerms",
  summary: "Every version of the agreement's terms, oldest first (either party)",
  tags,
  security,
  request: { params: AgreementIdParam },
  responses: { 200: jsonContent(listOf(AgreementTerms, "AgreementTermsList"), "The versions of the terms"), ...errorResponses(403, 404) },
});

export type AmendAgreementRoute = typeof amendAgreement;
export type ListAgreementTermsRoute = typeof listAgreementTerms;
