import { createRoute, type z } from "@hono/zod-openapi";
import { listOf, PageQuery } from "../../http/pagination";
import { errorResponses, jsonBody, jsonContent } from "../../http/router";
import { IdempotencyHeader } from "../../http/schemas";
import {
  AnswerQuestionBody,
  ApproveBody,
  AskQuestionBody,
  Decision,
  DecisionIdParam,
  ListDecisionsQuery,
  ObjectBody,
  ObjectionResponseBody,
  QuestionIdParam,
} from "./decisions.schemas";
import { listExample } from "../examples";
import {
  answerQuestionExample,
  approveDecisionExample,
  approvedDecisionExample,
  askQuestionExample,
  objectedDecisionExample,
  objectToDecisionExample,
  pendingDecisionExample,
  questionAnsweredDecisionExample,
  questionAskedDecisionExample,
  respondedDecisionExample,
  respondToObjectionExample,
  withdrawnDecisionExample,
} from "./decisions.examples";

const tags = ["Decisions"];
const security = [{ bearer: [] }];

export const listDecisions = createRoute({
  method: "get",
  path: "/v1/decisions",
  operationId: "listDecisions",
  summary: "The decision inbox: decisions on every agreement the caller is party to",
  description:
    "Any key of an organisation (`read` scope suffices); the operator key gets 403. A controller's inbox and a processor's view: the decisions on every agreement the caller is party to, newest first; filter by `state`, `agreement_id` and `overdue` (pending after the notice ended where silence does not approve). With `state=pending`, a page is ordered soonest notice end first.",
  tags,
  security,
  request: { query: PageQuery.extend(ListDecisionsQuery.shape) },
  responses: { 200: jsonContent(listOf(Decision, "DecisionList"), "Decisions", listExample([pendingDecisionExample])), ...errorResponses(403) },
});

export const getDecision = createRoute({
  method: "get",
  path: "/v1/decisions/{decision_id}",
  operationId: "getDecision",
  summary: "One agreement's decision on a change",
  description:
    "Either party's key (`read` scope suffices); for any other organisation the decision answers 404, like an unknown one, and the operator key gets 403. Enough to act on without another call: the change itself, the notice end (24:00 in the controller's time zone), whether silence approves, and what became of the change in the annex (`application`).",
  tags,
  security,
  request: { params: DecisionIdParam },
  responses: { 200: jsonContent(Decision, "The decision", pendingDecisionExample), ...errorResponses(403, 404) },
});

type DecisionExample = z.output<typeof Decision>;

const verbRoute = <P extends string, B extends z.ZodType>(
  path: P,
  operationId: string,
  summary: string,
  description: string,
  body: B,
  examples: { body: z.input<B>; decision: DecisionExample },
  bodyRequired = true,
) =>
  createRoute({
    method: "post",
    path,
    operationId,
    summary,
    description,
    tags,
    security,
    request: { headers: IdempotencyHeader, params: DecisionIdParam, body: { ...jsonBody(body, undefined, examples.body), required: bodyRequired } } as {
      headers: typeof IdempotencyHeader;
      params: typeof DecisionIdParam;
      body: B extends z.ZodType ? ReturnType<typeof jsonBody<B>> : never;
    },
    responses: { 200: jsonContent(Decision, "The decision, final", examples.decision), ...errorResponses(403, 404, 409, 415, 422) },
  });

/** What refuses a decision verb, the same for all three. */
const FINAL = "409 `invalid_state` when the decision is already final; send an `Idempotency-Key` to retry safely.";

export const approveDecision = verbRoute(
  "/v1/decisions/{decision_id}/approve",
  "approveDecision",
  "Approve the change for this agreement (controller), with an optional comment",
  `The controller only, with its key with \`write\` scope (tied to a person: a decider or an admin); the processor gets 403. The change takes effect at its \`effective_date\` or now, whichever is later (\`application\`). A change that conflicts with the instruction needs \`amendment\` with \`third_country_transfers: with_transfer_mechanism\` (else 409 \`instruction_conflict\`), and a notice has nothing to approve (409 \`notice_only\`); ${FINAL}`,
  ApproveBody,
  { body: approveDecisionExample, decision: approvedDecisionExample },
  // everything in it is optional: an approval may be sent without a body
  false,
);
export const objectToDecision = verbRoute(
  "/v1/decisions/{decision_id}/object",
  "objectToDecision",
  "Object to the change for this agreement (controller); a concrete reason is required, and its ground (docs/rules.md, rule 6)",
  `The controller only, with its key with \`write\` scope (tied to a person: a decider or an admin); the processor gets 403. The objection names its \`ground\` (\`third_country\`, \`security\`, \`insufficient_information\`, \`sub_processor_reputation\` or \`other\`) besides its \`reason\`; \`ground\` is optional so that clients written before it keep working, and an objection without it is recorded as \`other\`. The change never takes effect in this agreement, and the processor gets \`decision.objected\` with the reason and the ground, and may answer it (POST /v1/decisions/{decision_id}/objection-response). A notice has nothing to object to (409 \`notice_only\`), and under a general authorisation a notice that ended without objection has already approved the change; ${FINAL}`,
  ObjectBody,
  { body: objectToDecisionExample, decision: objectedDecisionExample },
);
export const withdrawDecision = createRoute({
  method: "post",
  path: "/v1/decisions/{decision_id}/withdraw",
  operationId: "withdrawDecision",
  summary: "Withdraw the change from this one agreement (processor)",
  description: `The processor only, with its key with \`write\` scope (tied to a person: a decider or an admin); the controller gets 403. A pending decision, or a notice that has not yet taken effect, is withdrawn, and the controller gets \`decision.withdrawn\`; the change stays in the processor's other agreements (POST /v1/change-requests/{change_request_id}/withdraw withdraws it from all). ${FINAL}`,
  tags,
  security,
  request: { headers: IdempotencyHeader, params: DecisionIdParam },
  responses: { 200: jsonContent(Decision, "The decision, withdrawn", withdrawnDecisionExample), ...errorResponses(403, 404, 409) },
});

export const respondToObjection = createRoute({
  method: "post",
  path: "/v1/decisions/{decision_id}/objection-response",
  operationId: "respondToObjection",
  summary: "Answer the controller's objection (processor): what it will do, recorded once (docs/rules.md, rule 6)",
  description:
    "The processor of the decision only, with its key with `write` scope (tied to a person: a decider or an admin); the controller gets 403, and any other organisation 404, like an unknown decision. The processor says how it meets the objection — `keep_current_arrangement` (the annex stays as it is, without the change), `propose_alternative` (another sub-processor or location, in a new change request) or `end_service` (it cannot provide the service without the change) — with a `note` of what it will do. The answer is recorded on the decision (`objection_response`, with the person who gave it), both parties get `decision.objection_responded`, and it is audited; the decision stays `objected`, and nothing changes in the annex. 409 `invalid_state` unless the decision is `objected`, and when it has been answered already: an answer is given once. Send an `Idempotency-Key` to retry safely.",
  tags,
  security,
  request: { headers: IdempotencyHeader, params: DecisionIdParam, body: jsonBody(ObjectionResponseBody, undefined, respondToObjectionExample) },
  responses: { 200: jsonContent(Decision, "The decision, with the processor's answer", respondedDecisionExample), ...errorResponses(403, 404, 409, 415, 422) },
});

export const askQuestion = createRoute({
  method: "post",
  path: "/v1/decisions/{decision_id}/questions",
  operationId: "askQuestion",
  summary: "Ask the processor a question before deciding (controller; docs/rules.md, rule 13)",
  description:
    "The controller of the decision only, with its key with `write` scope (tied to a person: a decider or an admin); the processor gets 403, and any other organisation 404, like an unknown decision. The `question` (1–4,000 characters) is recorded on the decision (`questions`, with the person who asked), both parties get `decision.question_asked`, and it is audited (`decision.question_ask`). Where the agreement's terms set `question_extension_days`, the question holds the notice (`notice_held: true`): until it is answered the notice does not end, and the decision is neither deemed approved nor overdue nor reminded of. 409 `notice_only` on a notice (nothing to decide), 409 `invalid_state` unless the decision is `pending` (under a general authorisation, a notice that ended without objection has already approved the change). Send an `Idempotency-Key` to retry safely.",
  tags,
  security,
  request: { headers: IdempotencyHeader, params: DecisionIdParam, body: jsonBody(AskQuestionBody, undefined, askQuestionExample) },
  responses: { 201: jsonContent(Decision, "The decision, with the question", questionAskedDecisionExample), ...errorResponses(403, 404, 409, 415, 422) },
});

export const answerQuestion = createRoute({
  method: "post",
  path: "/v1/decisions/{decision_id}/questions/{question_id}/answer",
  operationId: "answerQuestion",
  summary: "Answer the controller's question, once (processor; docs/rules.md, rule 13)",
  description:
    "The processor of the decision only, with its key with `write` scope (tied to a person: a decider or an admin); the controller gets 403, and any other organisation 404, like an unknown decision (as does a question of another decision). The `answer` (1–4,000 characters) is recorded with the question, whatever the decision's state has become since it was asked; both parties get `decision.question_answered`, and it is audited (`decision.question_answer`). When it answers the last open question that holds the notice of a pending decision, the notice runs again: `notice_ends_at` becomes the later of the end before and 24:00 in the controller's time zone on the day `question_extension_days` days after the answer, the end as submitted is kept in `original_notice_ends_at`, and the reminders go out again for the new end. 409 `invalid_state` when the question has been answered already. Send an `Idempotency-Key` to retry safely.",
  tags,
  security,
  request: { headers: IdempotencyHeader, params: QuestionIdParam, body: jsonBody(AnswerQuestionBody, undefined, answerQuestionExample) },
  responses: { 200: jsonContent(Decision, "The decision, with the answer", questionAnsweredDecisionExample), ...errorResponses(403, 404, 409, 415, 422) },
});

export type ListDecisionsRoute = typeof listDecisions;
export type GetDecisionRoute = typeof getDecision;
export type ApproveDecisionRoute = typeof approveDecision;
export type ObjectToDecisionRoute = typeof objectToDecision;
export type WithdrawDecisionRoute = typeof withdrawDecision;
export type RespondToObjectionRoute = typeof respondToObjection;
export type AskQuestionRoute = typeof askQuestion;
export type AnswerQuestionRoute = typeof answerQuestion;
