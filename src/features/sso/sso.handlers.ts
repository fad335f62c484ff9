import { ctxOf } from "../../http/context";
import type { AppRouteHandler } from "../../http/router";
import type * as R from "./sso.routes";
import * as service from "./sso.service";

export const getSsoConnection: AppRouteHandler<R.GetSsoConnectionRoute> = async (c) => c.json(await service.getSsoConnection({ ctx: ctxOf(c) }), 200);

export const putSsoConnection: AppRouteHandler<R.PutSsoConnectionRoute> = async (c) => c.json(await service.putSsoConnection({ ctx: ctxOf(c), input: c.req.valid("json") }), 200);

export const deleteSsoConnection: AppRouteHandler<R.DeleteSsoConnectionRoute> = async (c) => c.json(await service.deleteSsoConnection({ ctx: ctxOf(c) }), 200);
