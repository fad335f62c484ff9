import { z } from "@hono/zod-openapi";
import { ACTIVITIES, ART_46_ROUTES, ART_49_DEROGATIONS, SCC_MODULES } from "../../domain/annex";
import { Address, CountryCode, Registration, text, Timestamp } from "../../http/schemas";
import type { AnnexInput as DomainAnnexInput, TransferMechanism as DomainTransferMechanism } from "../../domain/annex";

const Ref = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, { message: "Lower-case letters, digits, - and _, up to 64 characters." })
  .openapi({ description: "The party's own handle for the entry, unique within the annex", example: "aws-frankfurt" });

const TOOLS = [
  z.strictObject({
    type: z.literal("sccs_2021_914"),
    module: z.enum(SCC_MODULES).openapi({ description: "module_3 for a sub-processor (processor to processor); module_2 where the controller signs with it directly" }),
  }),
  z.strictObject({ type: z.literal("bcr_processor") }).openapi({ description: "Binding corporate rules of a processor group (BCR-P), Art. 47" }),
  z.strictObject({ type: z.literal("bcr_controller") }).openapi({ description: "Binding corporate rules of a controller group (BCR-C), Art. 47; not for a sub-processor" }),
  z.strictObject({
    type: z.literal("art_46"),
    route: z.enum(ART_46_ROUTES).openapi({
      description:
        "Art. 46(2)(a) instrument between public bodies, (d) clauses of a supervisory authority, (e) code of conduct, (f) certification; 46(3)(a) authorised clauses, (b) administrative arrangement between public bodies",
    }),
  }),
  z.strictObject({ type: z.literal("derogation_art_49"), derogation: z.enum(ART_49_DEROGATIONS) }).openapi({
    description:
      "Art. 49(1) derogation: for occasional transfers only (the entry carries the warning art_49_occasional_only); (a)–(c) refused where the controller is a public authority (Art. 49(3))",
  }),
] as const;

export const TransferMechanismInput = z.discriminatedUnion("type", [...TOOLS]).openapi("TransferMechanismInput", {
  description:
    "The transfer tool of a third-country entry without adequacy: SCCs (Decision (EU) 2021/914) with the module that fits the role, processor or controller BCRs, another Art. 46 safeguard, or an Art. 49 derogation",
});

export const TransferMechanism = z
  .discriminatedUnion("type", [
    ...TOOLS,
    z.strictObject({ type: z.literal("bcr") }).openapi({ description: "Binding corporate rules without their kind: annexes made before the kinds were told apart" }),
  ])
  .openapi("TransferMechanism", { description: "The transfer tool as stored; `bcr` only in annexes made before processor and controller BCRs were told apart" });

const TransferWarning = z
  .enum(["art_49_occasional_only"])
  .openapi("TransferWarning", { description: "art_49_occasional_only: an Art. 49 derogation suits occasional, non-repetitive transfers, not a standing sub-processor" });

export const Contact = z
  .strictObject({
    name: text(200).openapi({ description: "A person or a function", example: "Data Protection Officer" }),
    email: z.email().max(254).openapi({ example: "privacy@example.com" }),
  })
  .openapi("Contact", { description: "The sub-processor's contact point (SCC Annex III)" });

export const LocationInput = z
  .strictObject({
    ref: Ref,
    label: text(200).openapi({ example: "Primary data centre" }),
    address: Address,
    activities: z.array(z.enum(ACTIVITIES)).min(1).max(ACTIVITIES.length),
    description: text(2000).nullish(),
    transfer_mechanism: TransferMechanismInput.nullish(),
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
    pipeda_covered: z.boolean().optional().openapi({ description: "Subject to Canada's PIPEDA (the scope of Canada's adequacy decision); default false" }),
    international_organisation: z.string().max(20).nullish().openapi({
      description:
        "The recipient is an international organisation: its key in GET /v1/countries (e.g. EPO). A transfer to it leaves the EU/EEA; its own adequacy decision classifies it",
      example: "EPO",
    }),
    transfer_mechanism: TransferMechanismInput.nullish(),
    contact: Contact.nullish(),
  })
  .openapi("SubProcessorInput");

export const AnnexInput = z
  .strictObject({
    locations: z.array(LocationInput).max(200),
    sub_processors: z.array(SubProcessorInput).max(500),
  })
  .openapi("AnnexInput", { description: "Bilag 2: processing locations and sub-processors" });

// The input schemas are checked against the domain's types: a change of one without the other does not compile.
type Assert<T extends true> = T;
export type AnnexInputMatchesDomain = Assert<z.infer<typeof AnnexInput> extends DomainAnnexInput ? true : false>;
export type TransferToolMatchesDomain = Assert<z.infer<typeof TransferMechanism> extends DomainTransferMechanism ? true : false>;

const Classification = z.enum(["eu_eea", "adequacy", "third_country"]).openapi("Classification", {
  description:
    "The transfer tool a recipient there needs, computed from the country (and the DPF for the US, PIPEDA for Canada); never typed: eu_eea none; adequacy a third country with an adequacy decision covering it; third_country a third country without one (needs a transfer tool)",
});
const ThirdCountryFlag = z.boolean().openapi({ description: "The entry puts personal data outside the EU/EEA (a third country, adequacy decision or not)" });

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
    third_country: ThirdCountryFlag,
    warnings: z.array(TransferWarning),
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
    pipeda_covered: z.boolean(),
    international_organisation: z.string().nullable(),
    transfer_mechanism: TransferMechanism.nullable(),
    contact: Contact.nullable().openapi({ description: "null in entries made before contact points were kept" }),
    classification: Classification,
    third_country: ThirdCountryFlag,
    warnings: z.array(TransferWarning),
  })
  .openapi("SubProcessor");

export const AnnexContent = z
  .object({
    third_country: z.boolean().openapi({ description: "True when any entry puts personal data outside the EU/EEA (a third country, adequacy decision or not)" }),
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
