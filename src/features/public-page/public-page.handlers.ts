import type { AppRouteHandler } from "../../http/router";
import { ctxOf } from "../../http/context";
import type * as R from "./public-page.routes";
import * as service from "./public-page.service";

export const getOwnPublicPage: AppRouteHandler<R.GetOwnPublicPageRoute> = async (c) => c.json(await service.getOwnPublicPage({ ctx: ctxOf(c) }), 200);

export const updateOwnPublicPage: AppRouteHandler<R.UpdateOwnPublicPageRoute> = async (c) =>
  c.json(await service.updateOwnPublicPage({ ctx: ctxOf(c), input: c.req.valid("json") }), 200);
