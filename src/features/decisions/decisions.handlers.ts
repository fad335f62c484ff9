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
  const { reason, ground } = c.req.valid("json");
  return c.json(await service.decide({ ctx: ctxOf(c, 200), id: c.req.valid("param").decision_id, verb: "object", reason, ground }), 200);
};

export const respondToObjection: AppRouteHandler<R.RespondToObjectionRoute> = async (c) => {
  const { response, note } = c.req.valid("json");
  return c.json(await service.respondToObjection({ ctx: ctxOf(c, 200), id: c.req.valid("param").decision_id, response, note }), 200);
};

export const withdrawDecision: AppRouteHandler<R.WithdrawDecisionRoute> = async (c) =>
  c.json(await service.decide({ ctx: ctxOf(c, 200), id: c.req.valid("param").decision_id, verb: "withdraw" }), 200);
