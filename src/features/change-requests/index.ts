import { createRouter } from "../../http/router";
import * as handlers from "./change-requests.handlers";
import * as routes from "./change-requests.routes";

export const changeRequestsRouter = createRouter()
  .openapi(routes.submitChangeRequest, handlers.submitChangeRequest)
  .openapi(routes.listChangeRequests, handlers.listChangeRequests)
  .openapi(routes.getChangeRequest, handlers.getChangeRequest)
  .openapi(routes.withdrawChangeRequest, handlers.withdrawChangeRequest);
