import { createRouter } from "../../http/router";
import * as handlers from "./upstream.handlers";
import * as routes from "./upstream.routes";

export const upstreamRouter = createRouter()
  .openapi(routes.createUpstreamSource, handlers.createUpstreamSource)
  .openapi(routes.listUpstreamSources, handlers.listUpstreamSources)
  .openapi(routes.getUpstreamSource, handlers.getUpstreamSource)
  .openapi(routes.deleteUpstreamSource, handlers.deleteUpstreamSource)
  .openapi(routes.listUpstreamChanges, handlers.listUpstreamChanges)
  .openapi(routes.getUpstreamChange, handlers.getUpstreamChange)
  .openapi(routes.objectToUpstreamChange, handlers.objectToUpstreamChange)
  .openapi(routes.approveUpstreamChange, handlers.approveUpstreamChange)
  .openapi(routes.listChangeRequestDrafts, handlers.listChangeRequestDrafts)
  .openapi(routes.getChangeRequestDraft, handlers.getChangeRequestDraft)
  .openapi(routes.updateChangeRequestDraft, handlers.updateChangeRequestDraft)
  .openapi(routes.submitChangeRequestDraft, handlers.submitChangeRequestDraft)
  .openapi(routes.discardChangeRequestDraft, handlers.discardChangeRequestDraft);
