import { createRouter } from "../../http/router";
import * as handlers from "./sso.handlers";
import * as routes from "./sso.routes";

export const ssoRouter = createRouter()
  .openapi(routes.getSsoConnection, handlers.getSsoConnection)
  .openapi(routes.putSsoConnection, handlers.putSsoConnection)
  .openapi(routes.deleteSsoConnection, handlers.deleteSsoConnection);
