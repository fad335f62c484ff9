import { createRouter } from "../../http/router";
import * as handlers from "./annex-document.handlers";
import * as routes from "./annex-document.routes";

export const annexDocumentRouter = createRouter().openapi(routes.getAnnexDocument, handlers.getAnnexDocument);
