import { createRouter } from "../../http/router";
import * as handlers from "./agreements.handlers";
import * as routes from "./agreements.routes";

export const agreementsRouter = createRouter()
  .openapi(routes.createAgreement, handlers.createAgreement)
  .openapi(routes.listAgreements, handlers.listAgreements)
  .openapi(routes.getAgreement, handlers.getAgreement)
  .openapi(routes.confirmAgreement, handlers.confirmAgreement)
  .openapi(routes.declineAgreement, handlers.declineAgreement)
  .openapi(routes.amendAgreement, handlers.amendAgreement)
  .openapi(routes.listAgreementTerms, handlers.listAgreementTerms);
