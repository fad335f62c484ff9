import { createRoute } from "@hono/zod-openapi";
import { listOf, PageQuery } from "../../http/pagination";
import { errorResponses, jsonBody, jsonContent } from "../../http/router";
import { IdempotencyHeader } from "../../http/schemas";
import { ChangeRequest } from "../change-requests/change-requests.schemas";
import {
  approvedUpstreamChangeExample,
  approveUpstreamExample,
  createUpstreamSourceExample,
  discardedDraftExample,
  draftExample,
  draftListExample,
  objectedUpstreamChangeExample,
  objectUpstreamExample,
  removedSourceExample,
  sourceListExample,
  submittedFromDraftExample,
  updatedDraftExample,
  updateDraftExample,
  upstreamChangeExample,
  upstreamChangeListExample,
  upstreamSourceExample,
} from "./upstream.examples";
import {
  ApproveUpstreamBody,
  ChangeRequestDraft,
  CreateUpstreamSourceBody,
  DraftIdParam,
  ListDraftsQuery,
  ListUpstreamChangesQuery,
  ObjectUpstreamBody,
  UpdateDraftBody,
  UpstreamChange,
  UpstreamChangeIdParam,
  UpstreamSource,
  UpstreamSourceIdParam,
} from "./upstream.schemas";

/** Who works with upstream changes: the processor, said once for the routes below (docs/rules.md, rules 8 and 14). */
const READS = "The processor's key (`read` scope suffices); the operator key gets 403, and another organisation's — a controller's included — answers 404, like an unknown one.";
const WRITES =
  "The processor's key with `write` scope (tied to a person: a decider or an admin); a read-only key and the operator key get 403, and another organisation's — a controller's included — answers 404, like an unknown one.";

const tags = ["Upstream changes"];
const security = [{ bearer: [] }];

export const createUpstreamSource = createRoute({
  method: "post",
  path: "/v1/upstream-sources",
  operationId: "createUpstreamSource",
  summary: "Record where one of the processor's sub-processors announces its changes (docs/rules.md, rule 14)",
  description:
    "An organisation's key with `write` scope (tied to a person: a decider or an admin); the operator key gets 403. `sub_processor_ref` must name a sub-processor in the annex of one of the caller's active agreements as processor (else 422 `sub_processor_in_annex`). `kind: register`: `upstream_agreement_id` is the sub-processor's own agreement in this register, active, with the caller as its controller (else 422 `own_agreement_as_controller`; another's agreement is reported like a missing one); its change requests then arrive as upstream changes. `kind: feed`: `feed_url` is a public Atom or JSON Feed, https and resolving to public addresses (the address policy of webhook URLs, else 422 naming the rule), polled hourly from the scheduler's next run. `margin_days` (0–60, 5 by default): the draft's notices should end that many days before the upstream deadline; `default_window_days` (feed, 1–365, 30 by default): the deadline of an entry that names none. Audited as `upstream_source.create`. Send an `Idempotency-Key` to retry safely.",
  tags,
  security,
  request: { headers: IdempotencyHeader, body: jsonBody(CreateUpstreamSourceBody, undefined, createUpstreamSourceExample) },
  responses: { 201: jsonContent(UpstreamSource, "The source", upstreamSourceExample), ...errorResponses(403, 415, 422) },
});

export const listUpstreamSources = createRoute({
  method: "get",
  path: "/v1/upstream-sources",
  operationId: "listUpstreamSources",
  summary: "The processor's upstream sources",
  description:
    "Any key of an organisation (`read` scope suffices); the operator key gets 403. The caller's sources in use, newest first; removed ones are gone. Never another organisation's.",
  tags,
  security,
  request: { query: PageQuery },
  responses: { 200: jsonContent(listOf(UpstreamSource, "UpstreamSourceList"), "Sources, newest first", sourceListExample), ...errorResponses(403) },
});

export const getUpstreamSource = createRoute({
  method: "get",
  path: "/v1/upstream-sources/{upstream_source_id}",
  operationId: "getUpstreamSource",
  summary: "One upstream source",
  description: `${READS} A feed's next and last poll and what the last one met; a removed source answers 404.`,
  tags,
  security,
  request: { params: UpstreamSourceIdParam },
  responses: { 200: jsonContent(UpstreamSource, "The source", upstreamSourceExample), ...errorResponses(403, 404) },
});

export const deleteUpstreamSource = createRoute({
  method: "delete",
  path: "/v1/upstream-sources/{upstream_source_id}",
  operationId: "deleteUpstreamSource",
  summary: "Remove an upstream source; the changes received from it stay",
  description: `${WRITES} Nothing more is received from the source (a feed is no longer polled); the upstream changes and drafts it brought stay as they are. Audited as \`upstream_source.remove\`; afterwards the source answers 404.`,
  tags,
  security,
  request: { params: UpstreamSourceIdParam },
  responses: { 200: jsonContent(UpstreamSource, "The source, removed", removedSourceExample), ...errorResponses(403, 404) },
});

export const listUpstreamChanges = createRoute({
  method: "get",
  path: "/v1/upstream-changes",
  operationId: "listUpstreamChanges",
  summary: "The changes the processor's sub-processors announced, with its controllers' decisions gathered",
  description:
    "Any key of an organisation (`read` scope suffices); the operator key gets 403. The caller's upstream changes, newest first (`state` filters: `open`, `objected`, `approved`), each with its draft and, once submitted, its controllers' decisions beside the upstream deadline.",
  tags,
  security,
  request: { query: PageQuery.extend(ListUpstreamChangesQuery.shape) },
  responses: { 200: jsonContent(listOf(UpstreamChange, "UpstreamChangeList"), "Upstream changes, newest first", upstreamChangeListExample), ...errorResponses(403) },
});

export const getUpstreamChange = createRoute({
  method: "get",
  path: "/v1/upstream-changes/{upstream_change_id}",
  operationId: "getUpstreamChange",
  summary: "One upstream change: its deadline, its draft, and the controllers' decisions gathered",
  description: `${READS} What the sub-processor announced and by when objections must reach it (\`deadline_at\`); the draft made from it; and, once the draft was submitted, per controller agreement the decision, its notice end and any objection (\`controllers\`), with \`counts\` and \`all_approved\`: what answering upstream needs.`,
  tags,
  security,
  request: { params: UpstreamChangeIdParam },
  responses: { 200: jsonContent(UpstreamChange, "The upstream change", upstreamChangeExample), ...errorResponses(403, 404) },
});

export const objectToUpstreamChange = createRoute({
  method: "post",
  path: "/v1/upstream-changes/{upstream_change_id}/object",
  operationId: "objectToUpstreamChange",
  summary: "Object upstream, with the controllers' objections attached (docs/rules.md, rule 14)",
  description: `${WRITES} In one act, the processor objects, as controller, to the upstream decision: its own \`reason\`, then each objecting controller's ground and reason, by the controller's name where it agreed (\`share_with_upstream\` on its objection), otherwise as "Controller 1", "Controller 2". The upstream processor gets \`decision.objected\` with that reason, as from any controller; the upstream change becomes \`objected\` with the reason as sent. 409 \`not_in_register\` for a feed's change (it has no decision here to answer), 409 \`invalid_state\` when the change was answered already or the upstream decision is final (nothing is written then). Send an \`Idempotency-Key\` to retry safely.`,
  tags,
  security,
  request: { headers: IdempotencyHeader, params: UpstreamChangeIdParam, body: jsonBody(ObjectUpstreamBody, undefined, objectUpstreamExample) },
  responses: { 200: jsonContent(UpstreamChange, "The upstream change, objected", objectedUpstreamChangeExample), ...errorResponses(403, 404, 409, 415, 422) },
});

export const approveUpstreamChange = createRoute({
  method: "post",
  path: "/v1/upstream-changes/{upstream_change_id}/approve",
  operationId: "approveUpstreamChange",
  summary: "Approve upstream once every controller has approved (docs/rules.md, rule 14)",
  description: `${WRITES} The processor approves, as controller, the upstream decision, with an optional \`comment\`; the upstream change becomes \`approved\`. Only once the draft was submitted and every controller's decision is approved or deemed approved: else 409 \`controllers_pending\` (naming the decisions still open). 409 \`not_in_register\` for a feed's change, 409 \`invalid_state\` when answered already or the upstream decision is final, and the upstream decision's own refusals (\`instruction_conflict\`) as they are; nothing is written then. Send an \`Idempotency-Key\` to retry safely.`,
  tags,
  security,
  request: {
    headers: IdempotencyHeader,
    params: UpstreamChangeIdParam,
    // everything in it is optional: an approval may be sent without a body
    body: { ...jsonBody(ApproveUpstreamBody, undefined, approveUpstreamExample), required: false },
  },
  responses: { 200: jsonContent(UpstreamChange, "The upstream change, approved", approvedUpstreamChangeExample), ...errorResponses(403, 404, 409, 415, 422) },
});

export const listChangeRequestDrafts = createRoute({
  method: "get",
  path: "/v1/change-request-drafts",
  operationId: "listChangeRequestDrafts",
  summary: "The processor's draft change requests, made from upstream changes",
  description:
    "Any key of an organisation (`read` scope suffices); the operator key gets 403. The caller's drafts, newest first (`state` filters: `draft`, `submitted`, `discarded`), each with its agreements' notice ends if submitted now and its warnings.",
  tags,
  security,
  request: { query: PageQuery.extend(ListDraftsQuery.shape) },
  responses: { 200: jsonContent(listOf(ChangeRequestDraft, "ChangeRequestDraftList"), "Drafts, newest first", draftListExample), ...errorResponses(403) },
});

export const getChangeRequestDraft = createRoute({
  method: "get",
  path: "/v1/change-request-drafts/{draft_id}",
  operationId: "getChangeRequestDraft",
  summary: "One draft change request: its operations, its agreements' notice ends and its warnings",
  description: `${READS} Per covered agreement, where its notice would end if the draft were submitted now (docs/rules.md, rule 4) and whether that is by \`notice_end_by\` (the upstream deadline less the source's margin); \`warnings\` name the notices that cannot, agreements no longer active, and operations still to write.`,
  tags,
  security,
  request: { params: DraftIdParam },
  responses: { 200: jsonContent(ChangeRequestDraft, "The draft", draftExample), ...errorResponses(403, 404) },
});

export const updateChangeRequestDraft = createRoute({
  method: "patch",
  path: "/v1/change-request-drafts/{draft_id}",
  operationId: "updateChangeRequestDraft",
  summary: "Edit a draft: its operations, reason or effective date",
  description: `${WRITES} Only the fields sent change; \`operations\` are checked as a change request's are (1–100, 422 naming each field and rule), and against the annexes when submitted. Only while the draft is \`draft\`: else 409 \`invalid_state\`. Audited as \`change_request_draft.update\`.`,
  tags,
  security,
  request: { params: DraftIdParam, body: jsonBody(UpdateDraftBody, undefined, updateDraftExample) },
  responses: { 200: jsonContent(ChangeRequestDraft, "The draft", updatedDraftExample), ...errorResponses(403, 404, 409, 415, 422) },
});

export const submitChangeRequestDraft = createRoute({
  method: "post",
  path: "/v1/change-request-drafts/{draft_id}/submit",
  operationId: "submitChangeRequestDraft",
  summary: "Submit a draft: a change request like any other, which remembers its upstream change",
  description: `${WRITES} The draft's operations, reason and effective date are submitted to its agreements (POST /v1/change-requests), and the change request made (\`upstream_change_id\` set) is the answer; the draft becomes \`submitted\` with its id, in the same commit. The submission's refusals come as they are (422: an operation that does not apply, an agreement no longer active, an effective date past; nothing is submitted); a draft without operations is 422 naming \`operations\`. Only while the draft is \`draft\`: else 409 \`invalid_state\`. Send an \`Idempotency-Key\` to retry safely.`,
  tags,
  security,
  request: { headers: IdempotencyHeader, params: DraftIdParam },
  responses: { 201: jsonContent(ChangeRequest, "The change request, submitted", submittedFromDraftExample), ...errorResponses(403, 404, 409, 422) },
});

export const discardChangeRequestDraft = createRoute({
  method: "post",
  path: "/v1/change-request-drafts/{draft_id}/discard",
  operationId: "discardChangeRequestDraft",
  summary: "Discard a draft: nothing is submitted",
  description: `${WRITES} The draft becomes \`discarded\`; its upstream change stays. Only while the draft is \`draft\`: else 409 \`invalid_state\`. Audited as \`change_request_draft.discard\`. Send an \`Idempotency-Key\` to retry safely.`,
  tags,
  security,
  request: { headers: IdempotencyHeader, params: DraftIdParam },
  responses: { 200: jsonContent(ChangeRequestDraft, "The draft, discarded", discardedDraftExample), ...errorResponses(403, 404, 409) },
});

export type CreateUpstreamSourceRoute = typeof createUpstreamSource;
export type ListUpstreamSourcesRoute = typeof listUpstreamSources;
export type GetUpstreamSourceRoute = typeof getUpstreamSource;
export type DeleteUpstreamSourceRoute = typeof deleteUpstreamSource;
export type ListUpstreamChangesRoute = typeof listUpstreamChanges;
export type GetUpstreamChangeRoute = typeof getUpstreamChange;
export type ObjectToUpstreamChangeRoute = typeof objectToUpstreamChange;
export type ApproveUpstreamChangeRoute = typeof approveUpstreamChange;
export type ListChangeRequestDraftsRoute = typeof listChangeRequestDrafts;
export type GetChangeRequestDraftRoute = typeof getChangeRequestDraft;
export type UpdateChangeRequestDraftRoute = typeof updateChangeRequestDraft;
export type SubmitChangeRequestDraftRoute = typeof submitChangeRequestDraft;
export type DiscardChangeRequestDraftRoute = typeof discardChangeRequestDraft;
