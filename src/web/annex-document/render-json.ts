import type { z } from "@hono/zod-openapi";
import type { AnnexDocument } from "../../features/annex-document/annex-document.schemas";
import type { DocumentView, PartyRow, SubProcessorRow } from "./annex-document.view";

const party = ({ role: _role, ...p }: PartyRow) => p;
const row = ({ engaged_by: _inWords, ...r }: SubProcessorRow) => r;

/** The sub-processor rows as JSON for GRC tools: the codes with their labels in the document's language. */
export function renderJson(doc: DocumentView): z.infer<typeof AnnexDocument> {
  return {
    object: "annex_document",
    agreement: { ...doc.agreement, controller: party(doc.controller), processor: party(doc.processor) },
    version: doc.version,
    effective_at: doc.effectiveAt.toISOString(),
    lang: doc.lang,
    rows: doc.subProcessors.map(row),
  };
}
