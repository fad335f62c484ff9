import { z } from "@hono/zod-openapi";
import { ACTIVITIES, ART_49_DEROGATIONS, SCC_MODULES } from "../../domain/annex";
import { Address, CountryCode, Registration, text, Timestamp } from "../../http/schemas";

const Ref = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, { message: "Lower-case letters, digits, - and _, up to 64 characters." })
  .openapi({ description: "The party's own handle for the entry, unique within the annex", example: "aws-frankfurt" });

export const TransferMechanism = z
  .discriminatedUnion("type", [
    z.strictObject({ type: z.literal("sccs_2021_914"), module: z.enum(SCC_MODULES) }),
    z.strictObject({ type: z.literal("bcr") }),
    z.strictObject({ type: z.literal("derogation_art_49"), derogation: z.enum(ART_49_DEROGATIONS) }),
  ])
  .openapi("TransferMechanism", {
    description: "Standard contractual clauses (Decision (EU) 2021/914) with their module, binding corporate rules, or an Art. 49 derogation",
  });

export const LocationInput = z
  .strictObject({
    ref: Ref,
    label: text(200).openapi({ example: "Primary data centre" }),
    address: Address,
    activities: z.array(z.enum(ACTIVITIES)).min(1).max(ACTIVITIES.length),
    description: text(2000).nullish(),
    transfer_mechanism: TransferMechanism.nullish(),
  })
  .openapi("LocationInput");

export const SubProcessorInput = z
  .strictObject({
    ref: Ref,
    legal_name: text(200).openapi({ example: "Amazon Web Services EMEA SARL" }),
    registration: Registration,
    address: Address,
    description: text(2000).openapi({ description: "What it does for the processor", example: "Hosting of the care system" }),
    locations: z.array(text(64)).min(1).max(50).openapi({ description: "refs of the locations where it processes" }),
    parent: text(64).nullish().openapi({ description: "ref of the sub-processor that engaged it (the chain)" }),
    dpf_certified: z.boolean().default(false).openapi({ description: "Certified under the EU-US Data Privacy Framework" }),
    transfer_mechanism: TransferMechanism.nullish(),
  })
  .openapi("SubProcessorInput");

export const AnnexInput = z
  .strictObject({
    locations: z.array(LocationInput).max(200),
    sub_processors: z.array(SubProcessorInput).max(500),
  })
  .openapi("AnnexInput", { description: "Bilag 2: processing locations and sub-processors" });

const Classification = z.enum(["eu_eea", "adequacy", "third_country"]).openapi("Classification", {
  description: "Computed from the country (and DPF certification for the US); never typed",
});

export const Location = z
  .object({
    id: z.string().openapi({ example: "loc_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C" }),
    ref: z.string(),
    label: z.string(),
    address: Address,
    country: CountryCode,
    country_name: z.string(),
    activities: z.array(z.enum(ACTIVITIES)),
    description: z.string().nullable(),
    transfer_mechanism: TransferMechanism.nullable(),
    classification: Classification,
  })
  .openapi("Location");

export const SubProcessor = z
  .object({
    id: z.string().openapi({ example: "sp_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C" }),
    ref: z.string(),
    legal_name: z.string(),
    registration: Registration,
    address: Address,
    country: CountryCode,
    country_name: z.string(),
    description: z.string(),
    location_ids: z.array(z.string()),
    parent_id: z.string().nullable(),
    dpf_certified: z.boolean(),
    transfer_mechanism: TransferMechanism.nullable(),
    classification: Classification,
  })
  .openapi("SubProcessor");

export const AnnexContent = z
  .object({
    third_country: z.boolean().openapi({ description: "True when any entry is in a third country" }),
    locations: z.array(Location),
    sub_processors: z.array(SubProcessor),
  })
  .openapi("AnnexContent");

export const Annex = AnnexContent.extend({
  object: z.literal("annex"),
  agreement_id: z.string(),
  version: z.number().int(),
  effective_at: Timestamp,
  change_request_id: z.string().nullable(),
  created_at: Timestamp,
}).openapi("Annex");

export const AnnexVersionSummary = z
  .object({
    object: z.literal("annex_version"),
    agreement_id: z.string(),
    version: z.number().int(),
    effective_at: Timestamp,
    change_request_id: z.string().nullable(),
    created_at: Timestamp,
    third_country: z.boolean(),
    locations: z.number().int().openapi({ description: "How many processing locations" }),
    sub_processors: z.number().int().openapi({ description: "How many sub-processors" }),
  })
  .openapi("AnnexVersionSummary");

const FieldChange = z.object({ field: z.string().openapi({ example: "address.city" }), from: z.unknown(), to: z.unknown() }).openapi("FieldChange");
const entryDiff = <T extends z.ZodType>(entry: T, name: string) =>
  z
    .object({
      added: z.array(entry),
      removed: z.array(entry),
      changed: z.array(z.object({ id: z.string(), before: entry, after: entry, changes: z.array(FieldChange) })),
    })
    .openapi(name);

export const AnnexDiff = z
  .object({
    object: z.literal("annex_diff"),
    agreement_id: z.string(),
    from: z.number().int(),
    to: z.number().int(),
    locations: entryDiff(Location, "LocationDiff"),
    sub_processors: entryDiff(SubProcessor, "SubProcessorDiff"),
  })
  .openapi("AnnexDiff");
