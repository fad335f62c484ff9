import type { AppRouteHandler } from "../../http/router";
import { ctxOf } from "../../http/context";
import type * as R from "./annex.routes";
import * as service from "./annex.service";

export const getAnnex: AppRouteHandler<R.GetAnnexRoute> = async (c) => {
  const { as_of } = c.req.valid("query");
  return c.json(await service.getAnnex({ ctx: ctxOf(c), agreementId: c.req.valid("param").agreement_id, asOf: as_of ? new Date(as_of) : undefined }), 200);
};

export const listAnnexVersions: AppRouteHandler<R.ListAnnexVersionsRoute> = async (c) =>
  c.json(await service.listAnnexVersions({ ctx: ctxOf(c), agreementId: c.req.valid("param").agreement_id, ...c.req.valid("query") }), 200);

export const getAnnexVersion: AppRouteHandler<R.GetAnnexVersionRoute> = async (c) => {
  const { agreement_id, version } = c.req.valid("param");
  return c.json(await service.getAnnexVersion({ ctx: ctxOf(c), agreementId: agreement_id, version }), 200);
};

export const getAnnexDiff: AppRouteHandler<R.GetAnnexDiffRoute> = async (c) =>
  c.json(await service.getAnnexDiff({ ctx: ctxOf(c), agreementId: c.req.valid("param").agreement_id, ...c.req.valid("query") }), 200);
