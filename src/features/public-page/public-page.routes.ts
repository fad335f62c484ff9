import { createRoute } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonContent } from "../../http/router";
import { PublicPage, UpdatePublicPageBody } from "./public-page.schemas";
import { publicPageExample, updatePublicPageExample } from "./public-page.examples";

const tags = ["Public page"];
const security = [{ bearer: [] }];

export const getOwnPublicPage = createRoute({
  method: "get",
  path: "/v1/organisations/me/public-page",
  operationId: "getOwnPublicPage",
  summary: "The calling organisation's public sub-processor page setting",
  description:
    "Any key of an organisation (`read` scope suffices); the operator key gets 403. Whether the page is published, its slug, whose sub-processors it shows and the addresses of the page and its feeds; 404 until the page is set up with PATCH.",
  tags,
  security,
  responses: { 200: jsonContent(PublicPage, "The setting", publicPageExample), ...errorResponses(403, 404) },
});

export const updateOwnPublicPage = createRoute({
  method: "patch",
  path: "/v1/organisations/me/public-page",
  operationId: "updateOwnPublicPage",
  summary: "Set up, change, enable or disable the calling processor's public sub-processor page",
  description:
    "The processor, with its key with `write` scope (tied to a person: a decider or an admin); the operator key gets 403. The first call sets the page up and needs `enabled`, `slug` and `agreements`; later calls change only the fields they send. The slug is unique across organisations (409 when taken). Audited as `public_page.update`.",
  tags,
  security,
  request: { body: jsonBody(UpdatePublicPageBody, undefined, updatePublicPageExample) },
  responses: { 200: jsonContent(PublicPage, "The setting", publicPageExample), ...errorResponses(403, 409, 415, 422) },
});

export type GetOwnPublicPageRoute = typeof getOwnPublicPage;
export type UpdateOwnPublicPageRoute = typeof updateOwnPublicPage;
