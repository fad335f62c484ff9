import type { AppRouteHandler } from "../../http/router";
import { ctxOf } from "../../http/context";
import type * as R from "./annex-document.routes";
import type { DocumentFormat } from "./annex-document.schemas";
import { getAnnexDocumentSource } from "./annex-document.service";
import { buildDocumentView } from "../../web/annex-document/annex-document.view";
import { renderCsv } from "../../web/annex-document/render-csv";
import { renderHtml } from "../../web/annex-document/render-html";
import { renderJson } from "../../web/annex-document/render-json";
import { renderMarkdown } from "../../web/annex-document/render-markdown";

const CONTENT_TYPE: Record<Exclude<DocumentFormat, "json">, string> = {
  html: "text/html; charset=utf-8",
  md: "text/markdown; charset=utf-8",
  csv: "text/csv; charset=utf-8",
};

// Every read must pass through the audit trail, so no cache may answer for us.
const NO_STORE = { "Cache-Control": "private, no-store" };

export const getAnnexDocument: AppRouteHandler<R.GetAnnexDocumentRoute> = async (c) => {
  const { format, lang, version, as_of, delimiter } = c.req.valid("query");
  const agreementId = c.req.valid("param").agreement_id;
  const source = await getAnnexDocumentSource({ ctx: ctxOf(c), agreementId, version, asOf: as_of ? new Date(as_of) : undefined });
  const doc = buildDocumentView(source, lang);
  if (format === "json") return c.json(renderJson(doc), 200, NO_STORE);

  const body = format === "html" ? await renderHtml(doc) : format === "md" ? renderMarkdown(doc) : renderCsv(doc, delimiter);
  return c.body(body, 200, {
    ...NO_STORE,
    "Content-Type": CONTENT_TYPE[format],
    // the file named in the document's language: bilag-2-…, bilaga-2-…, annex-2-…
    "Content-Disposition": `inline; filename="${doc.m.file_stem}-${doc.agreement.id}-v${doc.version}.${format}"`,
    // the page needs nothing but its own inline stylesheet
    ...(format === "html" ? { "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'" } : {}),
  });
};
