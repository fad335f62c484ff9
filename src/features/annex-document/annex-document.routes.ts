import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, REQUEST_ID_HEADER } from "../../http/router";
import { AgreementIdParam } from "../agreements/agreements.schemas";
import { AnnexDocument, AnnexDocumentQuery } from "./annex-document.schemas";
import { annexDocumentExample } from "./annex-document.examples";

const text = (description: string, example: string) => ({ schema: z.string().openapi({ description, example }) });

export const getAnnexDocument = createRoute({
  method: "get",
  path: "/v1/agreements/{agreement_id}/annex/document",
  operationId: "getAnnexDocument",
  summary: "The annex rendered as the appendix of the agreement (HTML, Markdown, CSV or JSON; Danish, Swedish or English)",
  description:
    "Either party's key (`read` scope suffices); for any other organisation the agreement answers 404, the operator key gets 403, and a proposed or declined agreement, without an annex in force, is 409. Title, parties, the agreement's reference, the annex version and its date; the approved sub-processors in the columns of Datatilsynet's standard clauses, Appendix B (name, registration number, address, description of processing) with where each processes, its classification, its transfer basis and its parent in the chain; the processing locations; the change history. Defaults: the version in force now, `format=html`, `lang=en`. Every read is recorded in the audit trail.",
  tags: ["Annex"],
  security: [{ bearer: [] }],
  request: { params: AgreementIdParam, query: AnnexDocumentQuery },
  responses: {
    200: {
      description: "The document in the requested format",
      headers: REQUEST_ID_HEADER,
      content: {
        "text/html": text("A standalone, print-ready HTML page (A4), no scripts or external assets", '<!DOCTYPE html><html lang="da">…</html>'),
        "text/markdown": text("Markdown with GFM tables", "# Bilag 2 – …"),
        "text/csv": text("RFC 4180, UTF-8 with a byte-order mark, CRLF line ends, a header row in the chosen language", "Navn,CVR-nr.,Adresse,…"),
        "application/json": { schema: AnnexDocument, example: annexDocumentExample },
      },
    },
    ...errorResponses(403, 404, 409),
  },
});

export type GetAnnexDocumentRoute = typeof getAnnexDocument;
