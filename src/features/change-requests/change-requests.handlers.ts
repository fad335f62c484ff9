import { type AppRouteHandler, serialisedJson } from "../../http/router";
import { ctxOf } from "../../http/context";
import type * as R from "./change-requests.routes";
import * as service from "./change-requests.service";

export const submitChangeRequest: AppRouteHandler<R.SubmitChangeRequestRoute> = async (c) => {
  let json = "";
  const answer = await service.submitChangeRequest({ ctx: ctxOf(c, 201), input: c.req.valid("json"), serialised: (text) => (json = text) });
  return serialisedJson(c, answer, json, 201);
};

export const listChangeRequests: AppRouteHandler<R.ListChangeRequestsRoute> = async (c) =>
  c.json(await service.listChangeRequests({ ctx: ctxOf(c), ...c.req.valid("query") }), 200);

export const getChangeRequest: AppRouteHandler<R.GetChangeRequestRoute> = async (c) =>
  c.json(await service.getChangeRequest({ ctx: ctxOf(c), id: c.req.valid("param").change_request_id }), 200);

export const withdrawChangeRequest: AppRouteHandler<R.WithdrawChangeRequestRoute> = async (c) =>
  c.json(await service.withdrawChangeRequest({ ctx: ctxOf(c, 200), id: c.req.valid("param").change_request_id }), 200);
