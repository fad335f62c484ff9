import { createRoute, z } from "@hono/zod-openapi";
import { listOf, PageQuery } from "../../http/pagination";
import { errorResponses, jsonContent } from "../../http/router";
import { DateTimeInput } from "../../http/schemas";
import { AgreementIdParam } from "../agreements/agreements.schemas";
import { Annex, AnnexDiff, AnnexVersionSummary } from "./annex.schemas";
import { annexDiffExample, annexExample, annexVersion1Example, annexVersionsExample } from "./annex.examples";

/** Who may read an annex, and when there is none: said once for the routes below. */
const READERS = "Either party's key (`read` scope suffices); for any other organisation the agreement answers 404, like an unknown one, and the operator key gets 403.";
const NO_ANNEX_YET = "409 `invalid_state` while the agreement is proposed or declined: it has no annex until the controller confirms its baseline.";

const tags = ["Annex"];
const security = [{ bearer: [] }];
const VersionNumber = z.coerce.number().int().min(1);

export const getAnnex = createRoute({
  method: "get",
  path: "/v1/agreements/{agreement_id}/annex",
  operationId: "getAnnex",
  summary: "The annex (Bilag 2) in force now, or as of a past instant",
  description: `${READERS} The version in force now, or at \`as_of\`, with every location and sub-processor, its country and computed classification (\`eu_eea\`, \`adequacy\`, \`third_country\`). ${NO_ANNEX_YET} Every read is recorded in the audit trail (\`annex.read\`, \`annex.read_as_of\`).`,
  tags,
  security,
  request: { params: AgreementIdParam, query: z.object({ as_of: DateTimeInput.optional().openapi({ description: "Read the annex as it was in force at this instant" }) }) },
  responses: { 200: jsonContent(Annex, "The annex with computed classifications", annexExample), ...errorResponses(403, 404, 409) },
});

export const listAnnexVersions = createRoute({
  method: "get",
  path: "/v1/agreements/{agreement_id}/annex/versions",
  operationId: "listAnnexVersions",
  summary: "Every version of the annex, newest first",
  description: `${READERS} Each version's effective instant, the change request that made it (null for the baseline) and how many locations and sub-processors it has; read one in full with GET /v1/agreements/{agreement_id}/annex/versions/{version}. ${NO_ANNEX_YET} Recorded in the audit trail as \`annex.list_versions\`.`,
  tags,
  security,
  request: { params: AgreementIdParam, query: PageQuery },
  responses: { 200: jsonContent(listOf(AnnexVersionSummary, "AnnexVersionList"), "Versions", annexVersionsExample), ...errorResponses(403, 404, 409) },
});

export const getAnnexVersion = createRoute({
  method: "get",
  path: "/v1/agreements/{agreement_id}/annex/versions/{version}",
  operationId: "getAnnexVersion",
  summary: "One version of the annex",
  description: `${READERS} The version in full, as it was approved, whether or not it is still in force; 404 when the agreement has no such version. ${NO_ANNEX_YET} Recorded in the audit trail as \`annex.read_version\`.`,
  tags,
  security,
  request: { params: AgreementIdParam.extend({ version: VersionNumber.openapi({ param: { name: "version", in: "path" }, example: 1 }) }) },
  responses: { 200: jsonContent(Annex, "The annex version", annexVersion1Example), ...errorResponses(403, 404, 409) },
});

export const getAnnexDiff = createRoute({
  method: "get",
  path: "/v1/agreements/{agreement_id}/annex/diff",
  operationId: "getAnnexDiff",
  summary: "What changed between two versions: entries added, removed and changed field by field",
  description: `${READERS} Compares version \`from\` with \`to\` (default: the latest) as the annex shows them, so a change of classification is a changed field too; 404 for a version the agreement does not have. ${NO_ANNEX_YET} Recorded in the audit trail as \`annex.diff\`.`,
  tags,
  security,
  request: {
    params: AgreementIdParam,
    query: z.object({
      from: VersionNumber.openapi({ example: 1 }),
      to: VersionNumber.optional().openapi({ description: "Defaults to the latest version", example: 2 }),
    }),
  },
  responses: { 200: jsonContent(AnnexDiff, "The differences", annexDiffExample), ...errorResponses(403, 404, 409) },
});

export type GetAnnexRoute = typeof getAnnex;
export type ListAnnexVersionsRoute = typeof listAnnexVersions;
export type GetAnnexVersionRoute = typeof getAnnexVersion;
export type GetAnnexDiffRoute = typeof getAnnexDiff;
