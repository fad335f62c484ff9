import type { AppRouteHandler } from "../../http/router";
import { ctxOf } from "../../http/context";
import * as drafts from "./drafts.service";
import type * as R from "./upstream.routes";
import * as service from "./upstream.service";

export const createUpstreamSource: AppRouteHandler<R.CreateUpstreamSourceRoute> = async (c) =>
  c.json(await service.createSource({ ctx: ctxOf(c, 201), input: c.req.valid("json") }), 201);

export const listUpstreamSources: AppRouteHandler<R.ListUpstreamSourcesRoute> = async (c) => c.json(await service.listSources({ ctx: ctxOf(c), ...c.req.valid("query") }), 200);

export const getUpstreamSource: AppRouteHandler<R.GetUpstreamSourceRoute> = async (c) =>
  c.json(await service.getSource({ ctx: ctxOf(c), id: c.req.valid("param").upstream_source_id }), 200);

export const deleteUpstreamSource: AppRouteHandler<R.DeleteUpstreamSourceRoute> = async (c) =>
  c.json(await service.removeSource({ ctx: ctxOf(c), id: c.req.valid("param").upstream_source_id }), 200);

export const listUpstreamChanges: AppRouteHandler<R.ListUpstreamChangesRoute> = async (c) => c.json(await service.listChanges({ ctx: ctxOf(c), ...c.req.valid("query") }), 200);

export const getUpstreamChange: AppRouteHandler<R.GetUpstreamChangeRoute> = async (c) =>
  c.json(await service.getChange({ ctx: ctxOf(c), id: c.req.valid("param").upstream_change_id }), 200);

export const objectToUpstreamChange: AppRouteHandler<R.ObjectToUpstreamChangeRoute> = async (c) => {
  const { reason, ground } = c.req.valid("json");
  return c.json(await service.objectUpstream({ ctx: ctxOf(c, 200), id: c.req.valid("param").upstream_change_id, reason, ground }), 200);
};

export const approveUpstreamChange: AppRouteHandler<R.ApproveUpstreamChangeRoute> = async (c) => {
  const { comment } = c.req.valid("json") ?? {};
  return c.json(await service.approveUpstream({ ctx: ctxOf(c, 200), id: c.req.valid("param").upstream_change_id, comment }), 200);
};

export const listChangeRequestDrafts: AppRouteHandler<R.ListChangeRequestDraftsRoute> = async (c) =>
  c.json(await drafts.listDrafts({ ctx: ctxOf(c), ...c.req.valid("query") }), 200);

export const getChangeRequestDraft: AppRouteHandler<R.GetChangeRequestDraftRoute> = async (c) =>
  c.json(await drafts.getDraft({ ctx: ctxOf(c), id: c.req.valid("param").draft_id }), 200);

export const updateChangeRequestDraft: AppRouteHandler<R.UpdateChangeRequestDraftRoute> = async (c) =>
  c.json(await drafts.updateDraft({ ctx: ctxOf(c), id: c.req.valid("param").draft_id, input: c.req.valid("json") }), 200);

export const submitChangeRequestDraft: AppRouteHandler<R.SubmitChangeRequestDraftRoute> = async (c) =>
  c.json(await drafts.submitDraft({ ctx: ctxOf(c, 201), id: c.req.valid("param").draft_id }), 201);

export const discardChangeRequestDraft: AppRouteHandler<R.DiscardChangeRequestDraftRoute> = async (c) =>
  c.json(await drafts.discardDraft({ ctx: ctxOf(c, 200), id: c.req.valid("param").draft_id }), 200);
