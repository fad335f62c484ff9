import { ctxOf } from "../../http/context";
import type { AppRouteHandler } from "../../http/router";
import type * as R from "./users.routes";
import * as service from "./users.service";

export const inviteUser: AppRouteHandler<R.InviteUserRoute> = async (c) => c.json(await service.inviteUser({ ctx: ctxOf(c, 201), input: c.req.valid("json") }), 201);

export const inviteUserAsOperator: AppRouteHandler<R.InviteUserAsOperatorRoute> = async (c) =>
  c.json(await service.inviteUser({ ctx: ctxOf(c, 201), input: c.req.valid("json"), organisationId: c.req.valid("param").organisation_id }), 201);

export const listUsers: AppRouteHandler<R.ListUsersRoute> = async (c) => c.json(await service.listUsers({ ctx: ctxOf(c), ...c.req.valid("query") }), 200);

export const getUser: AppRouteHandler<R.GetUserRoute> = async (c) => c.json(await service.getUser({ ctx: ctxOf(c), id: c.req.valid("param").user_id }), 200);

export const updateUser: AppRouteHandler<R.UpdateUserRoute> = async (c) =>
  c.json(await service.updateUser({ ctx: ctxOf(c), id: c.req.valid("param").user_id, input: c.req.valid("json") }), 200);
