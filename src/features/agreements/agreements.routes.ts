import { createRoute } from "@hono/zod-openapi";
import { listOf, PageQuery } from "../../http/pagination";
import { errorResponses, jsonBody, jsonContent } from "../../http/router";
import { AgreementTerms, AmendAgreementBody, Agreement, AgreementIdParam, CreateAgreementBody, DeclineAgreementBody, ListAgreementsQuery } from "./agreements.schemas";
import { listExample } from "../examples";
import {
  agreementExample,
  agreementTermsExample,
  amendAgreementExample,
  amendedTermsExample,
  confirmedAgreementExample,
  createAgreementExample,
  declineAgreementExample,
  declinedAgreementExample,
  proposedAgreementExample,
} from "./agreements.examples";

const tags = ["Agreements"];
const security = [{ bearer: [] }];

export const createAgreement = createRoute({
  method: "post",
  path: "/v1/agreements",
  operationId: "createAgreement",
  summary: "Propose an agreement with its baseline annex (processor), or import a signed one (operator)",
  description:
    "The processor, with its organisation's key with `write` scope, proposes an agreement with a controller and its baseline annex; it is the processor itself (leave `processor_id` out). The agreement starts `proposed` and becomes `active` when the controller confirms its baseline (annex version 1); the controller gets `agreement.proposed`. The operator key may import an already signed agreement (`processor_id`, optionally `signed_at`), active at once. Under `third_country_transfers: prohibited` an entry outside the EU/EEA is 422, and so, for a controller that is a public authority, is an Art. 49(1)(a)–(c) derogation.",
  tags,
  security,
  request: { body: jsonBody(CreateAgreementBody, undefined, createAgreementExample) },
  responses: { 201: jsonContent(Agreement, "The agreement", proposedAgreementExample), ...errorResponses(403, 415, 422) },
});

export const listAgreements = createRoute({
  method: "get",
  path: "/v1/agreements",
  operationId: "listAgreements",
  summary: "The agreements the calling organisation is party to",
  description:
    "Any key of an organisation (`read` scope suffices); the operator key gets 403. The agreements where the caller is processor or controller, newest first; filter by `status` and by the caller's `role`. A list leaves the proposed baseline out (`proposed_annex` is null): read the agreement itself for it.",
  tags,
  security,
  request: { query: PageQuery.extend(ListAgreementsQuery.shape) },
  responses: { 200: jsonContent(listOf(Agreement, "AgreementList"), "Agreements, newest first", listExample([agreementExample])), ...errorResponses(403) },
});

export const getAgreement = createRoute({
  method: "get",
  path: "/v1/agreements/{agreement_id}",
  operationId: "getAgreement",
  summary: "Read an agreement (either party)",
  description:
    "Either party's key (`read` scope suffices); for any other organisation the agreement answers 404, like an unknown one, and the operator key gets 403. `role` is the caller's. While the agreement is `proposed` it carries the baseline awaiting confirmation (`proposed_annex`), and reading it is recorded in the audit trail (`annex.read_proposed`), as every annex read is.",
  tags,
  security,
  request: { params: AgreementIdParam },
  responses: { 200: jsonContent(Agreement, "The agreement", agreementExample), ...errorResponses(403, 404) },
});

export const confirmAgreement = createRoute({
  method: "post",
  path: "/v1/agreements/{agreement_id}/confirm",
  operationId: "confirmAgreement",
  summary: "Confirm a proposed agreement's baseline (controller): it becomes active, annex version 1",
  description:
    "The controller only, with its key with `write` scope (tied to a person: a decider or an admin); the processor gets 403. The proposed baseline becomes annex version 1, in force now, and both parties get `agreement.confirmed`. 409 `invalid_state` unless the agreement is `proposed`: of two racing confirmations or declines, exactly one wins.",
  tags,
  security,
  request: { params: AgreementIdParam },
  responses: { 200: jsonContent(Agreement, "The active agreement", confirmedAgreementExample), ...errorResponses(403, 404, 409) },
});

export const declineAgreement = createRoute({
  method: "post",
  path: "/v1/agreements/{agreement_id}/decline",
  operationId: "declineAgreement",
  summary: "Decline a proposed agreement's baseline, with a reason (controller)",
  description:
    "The controller only, with its key with `write` scope (tied to a person: a decider or an admin); the processor gets 403. The agreement becomes `declined` for good, with the reason in `decline_reason`; no annex comes into force, and both parties get `agreement.declined`. 409 `invalid_state` unless the agreement is `proposed`.",
  tags,
  security,
  request: { params: AgreementIdParam, body: jsonBody(DeclineAgreementBody, undefined, declineAgreementExample) },
  responses: { 200: jsonContent(Agreement, "The declined agreement", declinedAgreementExample), ...errorResponses(403, 404, 409, 415, 422) },
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
    "Only the controller amends its instruction, with its key with `write` scope (tied to a person: a decider or an admin); the processor gets 403, and an agreement that is not active is 409 `invalid_state`. The amendment is a new numbered, dated version of the terms, in force at least 30 days after it is made (`effective_date`, default 30 days), with an `agreement.amended` event to both parties. An instruction prohibiting third-country transfers cannot come into force over an annex that already has entries outside the EU/EEA (409 `instruction_conflict`). To approve one change that conflicts with the instruction, send the amendment with the approval instead (POST /v1/decisions/{id}/approve): then it is in force at once.",
  tags,
  security,
  request: { params: AgreementIdParam, body: jsonBody(AmendAgreementBody, undefined, amendAgreementExample) },
  responses: { 201: jsonContent(AgreementTerms, "The new version of the terms", amendedTermsExample), ...errorResponses(403, 404, 409, 415, 422) },
});

export const listAgreementTerms = createRoute({
  method: "get",
  path: "/v1/agreements/{agreement_id}/terms",
  operationId: "listAgreementTerms",
  summary: "Every version of the agreement's terms, oldest first (either party)",
  description:
    "Either party's key (`read` scope suffices); for any other organisation the agreement answers 404 and the operator key gets 403. Version 1 is the terms the agreement was made with; each amendment adds a version with its reason, who made it and its effective instant. `in_force` marks the versions whose effective instant has come: the latest of them is the one in force.",
  tags,
  security,
  request: { params: AgreementIdParam },
  responses: {
    200: jsonContent(listOf(AgreementTerms, "AgreementTermsList"), "The versions of the terms", agreementTermsExample),
    ...errorResponses(403, 404),
  },
});

export type AmendAgreementRoute = typeof amendAgreement;
export type ListAgreementTermsRoute = typeof listAgreementTerms;
