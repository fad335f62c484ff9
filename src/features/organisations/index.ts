import { createRouter } from "../../http/router";
import * as handlers from "./organisations.handlers";
import * as routes from "./organisations.routes";

// /me is registered before /{organisation_id} so that it is not read as an id
export const organisationsRouter = createRouter()
  .openapi(routes.createOrganisation, handlers.createOrganisation)
  .openapi(routes.listOrganisations, handlers.listOrganisations)
  .openapi(routes.getOwnOrganisation, handlers.getOwnOrganisation)
  .openapi(routes.getOrganisation, handlers.getOrganisation)
  .openapi(routes.createApiKey, handlers.createApiKey)
  .openapi(routes.listApiKeys, handlers.listApiKeys)
  .openapi(routes.revokeApiKey, handlers.revokeApiKey)
  .openapi(routes.listOwnApiKeys, handlers.listOwnApiKeys)
  .openapi(routes.revokeOwnApiKey, handlers.revokeOwnApiKey);
