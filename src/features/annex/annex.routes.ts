import { createRoute, z } from "@hono/zod-openapi";
import { listOf, PageQuery } from "../../http/pagination";
import { errorResponses, jsonContent } from "../../http/router";
import { DateTimeInput } from "../../http/schemas";
import { AgreementIdParam } from "../agreements/agreements.schemas";
import { Annex, AnnexDiff, AnnexVersionSummary } from "./annex.schemas";

const tags = ["Annex"];
const security = [{ bearer: [] }];
const VersionNumber = z.coerce.number().int().min(1);

export const getAnnex = createRoute({
  method: "get",
  path: "/v1/agreements/{agreement_id}/annex",
  operationId: "getAnnex",
  summary: "The annex (Bilag 2) in force now, or as of a past instant",
  tags,
  security,
  request: { params: AgreementIdParam, query: z.object({ as_of: DateTimeInput.optional().openapi({ description: "Read the annex as it was in force at this instant" }) }) },
  responses: { 200: jsonContent(Annex, "The annex with computed classifications"), ...errorResponses(403, 404, 409) },
});

export const listAnnexVersions = createRoute({
  method: "get",
  path: "/v1/agreements/{agreement_id}/annex/versions",
  operationId: "listAnnexVersions",
  summary: "Every version of the annex, newest first",
  tags,
  security,
  request: { params: AgreementIdParam, query: PageQuery },
  responses: { 200: jsonContent(listOf(AnnexVersionSummary, "AnnexVersionList"), "Versions"), ...errorResponses(403, 404, 409) },
});

export const getAnnexVersion = createRoute({
  method: "get",
  path: "/v1/agreements/{agreement_id}/annex/versions/{version}",
  operationId: "getAnnexVersion",
  summary: "One version of the annex",
  tags,
  security,
  request: { params: AgreementIdParam.extend({ version: VersionNumber.openapi({ param: { name: "version", in: "path" }, example: 1 }) }) },
  responses: { 200: jsonContent(Annex, "The annex version"), ...errorResponses(403, 404, 409) },
});

export const getAnnexDiff = createRoute({
  method: "get",
  path: "/v1/agreements/{agreement_id}/annex/diff",
  operationId: "getAnnexDiff",
  summary: "What changed between two versions: entries added, removed and changed field by field",
  tags,
  security,
  request: {
    params: AgreementIdParam,
    query: z.object({
      from: VersionNumber.openapi({ example: 1 }),
      to: VersionNumber.optional().openapi({ description: "Defaults to the latest version", example: 2 }),
    }),
  },
  responses: { 200: jsonContent(AnnexDiff, "The differences"), ...errorResponses(403, 404, 409) },
});

export type GetAnnexRoute = typeof getAnnex;
export type ListAnnexVersionsRoute = typeof listAnnexVersions;
export type GetAnnexVersionRoute = typeof getAnnexVersion;
export type GetAnnexDiffRoute = typeof getAnnexDiff;
