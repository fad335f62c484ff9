import { createRouter } from "../../http/router";
import * as handlers from "./decisions.handlers";
import * as routes from "./decisions.routes";

export const decisionsRouter = createRouter()
  .openapi(routes.listDecisions, handlers.listDecisions)
  .openapi(routes.getDecision, handlers.getDecision)
  .openapi(routes.approveDecision, handlers.approveDecision)
  .openapi(routes.objectToDecision, handlers.objectToDecision)
  .openapi(routes.withdrawDecision, handlers.withdrawDecision)
  .openapi(routes.respondToObjection, handlers.respondToObjection)
  .openapi(routes.askQuestion, handlers.askQuestion)
  .openapi(routes.answerQuestion, handlers.answerQuestion);
