import { z } from "@hono/zod-openapi";
import { LEGAL_DATA_RELEASE } from "../../domain/countries";

const IsoDate = z.string().openapi({ format: "date", example: "2023-07-10" });
const Release = z
  .string()
  .openapi({ format: "date", description: "The release of the legal reference data this entry belongs to; it changes with any change of the table", example: LEGAL_DATA_RELEASE });

export const LocalisedName = z
  .object({ en: z.string(), da: z.string(), sv: z.string() })
  .openapi("LocalisedName", { description: "The name in English, Danish and Swedish", example: { en: "United Kingdom", da: "Storbritannien", sv: "Storbritannien" } });

export const AdequacyDecision = z
  .object({
    decision: z.string().openapi({ description: "The decision's kind and number", example: "Commission Implementing Decision (EU) 2023/1795" }),
    adopted_on: IsoDate,
    expires_on: IsoDate.nullable().openapi({ description: "The last day the decision applies; null: no expiry date" }),
    in_force: z.boolean().openapi({ description: "Whether the decision applies on the day of the answer (false once `expires_on` is past)" }),
    scope: z.enum(["full", "private_sector_appi", "pipeda_organisations", "dpf_certified_recipients"]).openapi({
      description:
        "`full`: every recipient there; `private_sector_appi`: the private sector under Japan's APPI (every business recipient); `pipeda_organisations`: only recipients subject to Canada's PIPEDA; `dpf_certified_recipients`: only recipients certified under the EU-US Data Privacy Framework",
    }),
    recipient_condition: z.enum(["dpf_certified", "pipeda_covered"]).nullable().openapi({
      description:
        "The recipient flag the decision depends on; null: every recipient in scope. A recipient without the flag is a third-country recipient and needs a transfer tool",
    }),
    scope_note: z.string(),
    scope_checked_on: IsoDate.nullable().openapi({ description: "When the scope of a scoped decision was last checked; null for an unscoped one" }),
    source: z.string().openapi({
      description: "The decision in the Official Journal (eur-lex), or the Commission's page where the OJ reference is not yet recorded",
      example: "https://eur-lex.europa.eu/eli/dec_impl/2023/1795/oj",
    }),
    note: z.string(),
    replaces: z
      .object({ decision: z.string(), adopted_on: IsoDate, source: z.string() })
      .nullable()
      .openapi({ description: "The earlier decision this one renewed (the United Kingdom's of 2021)" }),
    release: Release,
  })
  .openapi("AdequacyDecision", { description: "An adequacy decision of the European Commission (GDPR Art. 45)" });

export const CountryClassification = z.enum(["eu_eea", "adequacy", "adequacy_with_scope", "third_country"]).openapi("CountryClassification", {
  description:
    "`eu_eea`: in the EU/EEA; `adequacy`: a third country whose adequacy decision in force covers every (business) recipient; `adequacy_with_scope`: a third country whose decision covers only recipients with the flag in `adequacy.recipient_condition` (the US: DPF-certified; Canada: subject to PIPEDA); `third_country`: no adequacy decision in force, a transfer tool is needed",
});

export const Country = z
  .object({
    object: z.literal("country"),
    code: z.string().openapi({ description: "ISO 3166-1 alpha-2", example: "GB" }),
    name: LocalisedName,
    eu_eea: z.boolean(),
    eu_eea_basis: z.enum(["eu_member_state", "eea_efta_state", "eu_outermost_region", "eu_special_territory"]).nullable().openapi({
      description: "Why the code is in the EU/EEA; null outside it. `eu_outermost_region` and `eu_special_territory` (Åland) are parts of a member state with a code of their own",
    }),
    part_of: z
      .string()
      .nullable()
      .openapi({ description: "The member state an EU territory with a code of its own belongs to (AX: FI; GF, GP, MQ, RE, YT, MF: FR); else null", example: null }),
    third_country: z.boolean().openapi({ description: "Outside the EU/EEA, adequacy decision or not (an adequacy decision changes only which transfer tool is needed)" }),
    classification: CountryClassification,
    adequacy: AdequacyDecision.nullable().openapi({ description: "The adequacy decision of a third country; null without one (and always in the EU/EEA)" }),
    release: Release,
  })
  .openapi("Country", { description: "A country or territory with an ISO 3166-1 alpha-2 code, and its place in GDPR chapter V" });

export const InternationalOrganisation = z
  .object({
    object: z.literal("international_organisation"),
    key: z.string().openapi({ description: "This API's key for the organisation (it has no ISO code); a recipient of kind `international_organisation` names it", example: "EPO" }),
    name: LocalisedName,
    classification: z.enum(["adequacy", "adequacy_with_scope", "third_country"]),
    adequacy: AdequacyDecision,
    release: Release,
  })
  .openapi("InternationalOrganisation", { description: "An international organisation (GDPR Art. 4(26)) with an adequacy decision" });

export const LegalSource = z
  .object({
    source: z.string(),
    url: z.string(),
    checked_on: IsoDate,
    release: Release,
  })
  .openapi("LegalSource", { description: "Where the table comes from and when it was last checked" });

export const CountryList = z
  .object({
    object: z.literal("list"),
    release: Release,
    source: LegalSource,
    data: z.array(Country).openapi({ description: "Every ISO 3166-1 alpha-2 code, sorted by code; not paginated" }),
    international_organisations: z.array(InternationalOrganisation).openapi({ description: "International organisations with an adequacy decision, sorted by key" }),
  })
  .openapi("CountryList");

export const CountryCodeParam = z.object({
  code: z
    .string()
    .refine((s) => /^[A-Za-z]{2}$/.test(s), { message: "Two letters: an ISO 3166-1 alpha-2 country code, e.g. DK (any case).", params: { rule: "iso_3166_1_alpha_2" } })
    .openapi({ param: { name: "code", in: "path" }, description: "ISO 3166-1 alpha-2, any case", pattern: "^[A-Za-z]{2}$", example: "GB" }),
});
