import type { AppRouteHandler } from "../../http/router";
import { ctxOf } from "../../http/context";
import type * as R from "./decisions.routes";
import * as service from "./decisions.service";

export const listDecisions: AppRouteHandler<R.ListDecisionsRoute> = async (c) => c.json(await service.listDecisions({ ctx: ctxOf(c), ...c.req.valid("query") }), 200);

export const getDecision: AppRouteHandler<R.GetDecisionRoute> = async (c) => c.json(await service.getDecision({ ctx: ctxOf(c), id: c.req.valid("param").decision_id }), 200);

export const approveDecision: AppRouteHandler<R.ApproveDecisionRoute> = async (c) => {
  const { comment, amendment } = c.req.valid("json") ?? {};
  return c.json(await service.decide({ ctx: ctxOf(c, 200), id: c.req.valid("param").decision_id, verb: "approve", comment, amendment }), 200);
};

export const objectToDecision: AppRouteHandler<R.ObjectToDecisionRoute> = async (c) => {
  const { reason, ground, share_with_upstream } = c.req.valid("json");
  return c.json(await service.decide({ ctx: ctxOf(c, 200), id: c.req.valid("param").decision_id, verb: "object", reason, ground, shareWithUpstream: share_with_upstream }), 200);
};

export const respondToObjection: AppRouteHandler<R.RespondToObjectionRoute> = async (c) => {
  const { response, note } = c.req.valid("json");
  return c.json(await service.respondToObjection({ ctx: ctxOf(c, 200), id: c.req.valid("param").decision_id, response, note }), 200);
};

export const withdrawDecision: AppRouteHandler<R.WithdrawDecisionRoute> = async (c) =>
  c.json(await service.decide({ ctx: ctxOf(c, 200), id: c.req.valid("param").decision_id, verb: "withdraw" }), 200);

export const askQuestion: AppRouteHandler<R.AskQuestionRoute> = async (c) =>
  c.json(await service.askQuestion({ ctx: ctxOf(c, 201), id: c.req.valid("param").decision_id, question: c.req.valid("json").question }), 201);

export const answerQuestion: AppRouteHandler<R.AnswerQuestionRoute> = async (c) => {
  const { decision_id, question_id } = c.req.valid("param");
  return c.json(await service.answerQuestion({ ctx: ctxOf(c, 200), id: decision_id, questionId: question_id, answer: c.req.valid("json").answer }), 200);
};
