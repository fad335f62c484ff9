import type { AppRouteHandler } from "../../http/router";
import { ctxOf } from "../../http/context";
import type * as R from "./agreements.routes";
import * as service from "./agreements.service";
import * as terms from "./agreement-terms.service";

export const createAgreement: AppRouteHandler<R.CreateAgreementRoute> = async (c) => c.json(await service.createAgreement({ ctx: ctxOf(c, 201), input: c.req.valid("json") }), 201);

export const listAgreements: AppRouteHandler<R.ListAgreementsRoute> = async (c) => c.json(await service.listAgreements({ ctx: ctxOf(c), ...c.req.valid("query") }), 200);

export const getAgreement: AppRouteHandler<R.GetAgreementRoute> = async (c) => c.json(await service.getAgreement({ ctx: ctxOf(c), id: c.req.valid("param").agreement_id }), 200);

export const confirmAgreement: AppRouteHandler<R.ConfirmAgreementRoute> = async (c) =>
  c.json(await service.confirmAgreement({ ctx: ctxOf(c, 200), id: c.req.valid("param").agreement_id }), 200);

export const declineAgreement: AppRouteHandler<R.DeclineAgreementRoute> = async (c) =>
  c.json(await service.declineAgreement({ ctx: ctxOf(c, 200), id: c.req.valid("param").agreement_id, input: c.req.valid("json") }), 200);

export const amendAgreement: AppRouteHandler<R.AmendAgreementRoute> = async (c) =>
  c.json(await terms.amendAgreement({ ctx: ctxOf(c, 201), id: c.req.valid("param").agreement_id, input: c.req.valid("json") }), 201);

export const listAgreementTerms: AppRouteHandler<R.ListAgreementTermsRoute> = async (c) =>
  c.json(await terms.listTerms({ ctx: ctxOf(c), id: c.req.valid("param").agreement_id }), 200);
