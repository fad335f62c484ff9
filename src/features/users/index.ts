import { createRouter } from "../../http/router";
import * as handlers from "./users.handlers";
import * as routes from "./users.routes";

export const usersRouter = createRouter()
  .openapi(routes.inviteUser, handlers.inviteUser)
  .openapi(routes.inviteUserAsOperator, handlers.inviteUserAsOperator)
  .openapi(routes.listUsers, handlers.listUsers)
  .openapi(routes.getUser, handlers.getUser)
  .openapi(routes.updateUser, handlers.updateUser);
