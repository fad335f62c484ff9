import { createRouter } from "../../http/router";
import * as handlers from "./annex.handlers";
import * as routes from "./annex.routes";

export const annexRouter = createRouter()
  .openapi(routes.getAnnex, handlers.getAnnex)
  .openapi(routes.listAnnexVersions, handlers.listAnnexVersions)
  .openapi(routes.getAnnexDiff, handlers.getAnnexDiff)
  .openapi(routes.getAnnexVersion, handlers.getAnnexVersion);
