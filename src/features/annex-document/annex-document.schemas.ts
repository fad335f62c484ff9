import { z } from "@hono/zod-openapi";
import { ACTIVITIES } from "../../domain/annex";
import { DateTimeInput, Timestamp } from "../../http/schemas";
import { LANGS } from "../../i18n/messages";
import { Authorisation } from "../agreements/agreements.schemas";
import { TransferMechanism } from "../annex/annex.schemas";

export const DOCUMENT_FORMATS = ["html", "md", "csv", "json"] as const;
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number];

export const AnnexDocumentQuery = z
  .object({
    format: z.enum(DOCUMENT_FORMATS).default("html").openapi({
      description: "`html`: a standalone print-ready page; `md`: Markdown; `csv` and `json`: the sub-processor rows for spreadsheets and GRC tools",
      example: "html",
    }),
    lang: z.enum(LANGS).default("en").openapi({ description: "The language of labels, dates and country names: Danish, Swedish or English", example: "da" }),
    version: z.coerce.number().int().min(1).optional().openapi({ description: "Render this annex version instead of the one in force now", example: 2 }),
    as_of: DateTimeInput.optional().openapi({ description: "Render the annex as it was in force at this instant" }),
    delimiter: z.enum(["comma", "semicolon"]).optional().openapi({
      description: "CSV only: the field separator. Default: `semicolon` for `da` and `sv` (what Danish and Swedish spreadsheets expect), `comma` for `en`",
      example: "semicolon",
    }),
  })
  .superRefine((q, ctx) => {
    if (q.version !== undefined && q.as_of !== undefined)
      ctx.addIssue({ code: "custom", path: ["as_of"], message: "Name a version or an instant (as_of), not both.", params: { rule: "exclusive_with_version" } });
  });

const Labelled = <T extends z.ZodType>(code: T) => z.object({ code, label: z.string().openapi({ description: "In the chosen language" }) });

const DocumentAddress = z
  .object({
    street: z.string(),
    postal_code: z.string(),
    city: z.string(),
    region: z.string().nullable(),
    country: z.string().openapi({ example: "US" }),
    country_name: z.string().openapi({ description: "In the chosen language", example: "USA" }),
    text: z.string().openapi({ description: "The whole address on one line, as the document prints it" }),
  })
  .openapi("AnnexDocumentAddress");

const DocumentRegistration = z
  .object({ scheme: z.string(), number: z.string(), text: z.string().openapi({ example: "91-1646860 (EIN, USA)" }) })
  .openapi("AnnexDocumentRegistration");

const DocumentParty = z.object({ id: z.string(), name: z.string(), registration: DocumentRegistration, address: DocumentAddress }).openapi("AnnexDocumentParty");

export const AnnexDocumentRow = z
  .object({
    id: z.string().openapi({ example: "sp_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C" }),
    ref: z.string(),
    name: z.string(),
    registration: DocumentRegistration,
    address: DocumentAddress,
    description: z.string(),
    locations: z.array(
      z.object({
        id: z.string(),
        ref: z.string(),
        label: z.string(),
        country: z.string(),
        country_name: z.string(),
        activities: z.array(z.enum(ACTIVITIES)),
        text: z.string(),
      }),
    ),
    classification: Labelled(z.enum(["eu_eea", "adequacy", "third_country"])),
    dpf_certified: z.boolean(),
    transfer_basis: z.object({
      mechanism: TransferMechanism.nullable().openapi({ description: "The transfer mechanism named in the annex, if any" }),
      label: z.string().openapi({ description: "The basis in words: the mechanism, an adequacy decision, or not applicable" }),
    }),
    parent: z
      .object({ id: z.string(), ref: z.string(), name: z.string() })
      .nullable()
      .openapi({ description: "The sub-processor that engaged this one (the chain); null when the processor engaged it" }),
    contact: z
      .object({ name: z.string(), email: z.string() })
      .nullable()
      .openapi({ description: "The sub-processor's contact point (SCC Annex III); null in entries made before it was kept" }),
  })
  .openapi("AnnexDocumentRow", { description: "One approved sub-processor, as a row of the document (the CSV export has the same rows)" });

export const AnnexDocument = z
  .object({
    object: z.literal("annex_document"),
    agreement: z.object({
      id: z.string(),
      title: z.string(),
      controller_reference: z.string().nullable(),
      authorisation: Authorisation,
      controller: DocumentParty,
      processor: DocumentParty,
    }),
    version: z.number().int(),
    effective_at: Timestamp,
    lang: z.enum(LANGS),
    rows: z.array(AnnexDocumentRow),
  })
  .openapi("AnnexDocument");
