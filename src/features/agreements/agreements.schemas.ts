import { z } from "@hono/zod-openapi";
import { Address, CountryCode, DateTimeInput, PersonRef, Registration, text, Timestamp } from "../../http/schemas";
import { AnnexContent, AnnexInput } from "../annex/annex.schemas";

export const Authorisation = z.enum(["specific", "general"]).openapi("Authorisation", {
  description:
    "EU SCC 2021/915 clause 7.7: `specific` (option 1; the agreement's clause 4.2, docs/rules.md rule 5) needs express approval of every change; `general` (option 2) is deemed approved when the notice ends without objection",
});

export const ThirdCountryTransfers = z.enum(["prohibited", "with_transfer_mechanism"]).openapi("ThirdCountryTransfers", {
  description: "The controller's instruction on third-country transfers (docs/rules.md, rule 3: Bilag 1 §1.5 prohibits them)",
});

export const CreateAgreementBody = z
  .strictObject({
    processor_id: z.string().optional().openapi({ description: "Operator import only; a processor's key creates agreements as itself" }),
    controller_id: z.string().openapi({ example: "org_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C" }),
    title: text(300).openapi({ example: "Databehandleraftale — fritvalg praktisk hjælp og personlig pleje" }),
    controller_reference: text(100).nullish().openapi({ description: "The controller's own reference (case or contract number)", example: "KK-2026-0412" }),
    authorisation: Authorisation,
    notice_days: z
      .number()
      .int()
      .min(1)
      .max(365)
      .default(30)
      .openapi({ description: "Days of notice before a change may take effect (default 30: the period of SCC 2021/915 clause 7.7 option 2)" }),
    third_country_transfers: ThirdCountryTransfers,
    signed_at: DateTimeInput.optional().openapi({ description: "Operator import only: when the agreement was signed; its baseline is in force from then" }),
    annex: AnnexInput,
  })
  .openapi("CreateAgreement");

export const DeclineAgreementBody = z
  .strictObject({ reason: text(4000).openapi({ description: "Why the controller does not confirm this baseline" }) })
  .openapi("DeclineAgreement");

export const Party = z
  .object({
    id: z.string(),
    name: z.string(),
    registration: Registration,
    country: CountryCode,
    address: Address,
    public_authority: z.boolean().openapi({ description: "A public authority: as a controller it may not rely on GDPR Art. 49(1)(a)–(c)" }),
    time_zone: z.string().openapi({ description: "The IANA time zone its deadlines are counted in", example: "Europe/Copenhagen" }),
  })
  .openapi("Party");

export const Agreement = z
  .object({
    object: z.literal("agreement"),
    id: z.string().openapi({ example: "agr_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C" }),
    status: z.enum(["proposed", "active", "declined"]),
    title: z.string(),
    controller_reference: z.string().nullable(),
    authorisation: Authorisation,
    notice_days: z.number().int(),
    third_country_transfers: ThirdCountryTransfers,
    processor: Party,
    controller: Party,
    role: z.enum(["processor", "controller"]).openapi({ description: "The calling organisation's role in this agreement" }),
    current_version: z.number().int().nullable(),
    terms_version: z.number().int().openapi({ description: "The version of the terms in force (GET /v1/agreements/{id}/terms lists them all)" }),
    proposed_annex: AnnexContent.nullable().openapi({
      description: "The baseline awaiting the controller's confirmation (status proposed); only in GET /v1/agreements/{id}, which records the read in the audit trail",
    }),
    decline_reason: z.string().nullable(),
    created_at: Timestamp,
    activated_at: Timestamp.nullable(),
  })
  .openapi("Agreement");

export const AgreementIdParam = z.object({
  agreement_id: z.string().openapi({ param: { name: "agreement_id", in: "path" }, example: "agr_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C" }),
});

export const ListAgreementsQuery = z.object({
  status: z.enum(["proposed", "active", "declined"]).optional(),
  role: z.enum(["processor", "controller"]).optional().openapi({ description: "Only agreements where the caller has this role" }),
});

// inline, not a named component, like the other terms' fields
const QuestionExtensionDays = z.number().int().min(1).max(90).nullable().openapi({
  description:
    "Days an open question extends the notice (docs/rules.md, rule 13): a question asked while this is set holds the notice until it is answered, and the notice then ends no sooner than 24:00 in the controller's time zone this many days after the answer; null: questions do not hold the notice (the default)",
  example: 10,
});

export const TermsChangeBody = z
  .strictObject({
    third_country_transfers: ThirdCountryTransfers.optional(),
    notice_days: z.number().int().min(1).max(365).optional(),
    authorisation: Authorisation.optional(),
    question_extension_days: QuestionExtensionDays.optional(),
    reason: text(4000).openapi({ description: "Why the controller amends its instruction; part of the record" }),
  })
  .openapi("TermsChange", { description: "An amendment of the agreement's terms by its controller: the fields it changes and why" });

// one closed object with all the fields: an extension of TermsChange would be documented as allOf two closed objects, which no body satisfies
export const AmendAgreementBody = z
  .strictObject({
    ...TermsChangeBody.shape,
    effective_date: DateTimeInput.optional().openapi({
      description:
        "When the new terms come into force: at least 30 days after the amendment (the controller's amendments give the processor 30 days' notice); default exactly 30 days",
    }),
  })
  .openapi("AmendAgreement", { description: "An amendment of the agreement's terms by its controller: the fields it changes, why, and from when" });

export const AgreementTerms = z
  .object({
    object: z.literal("agreement_terms"),
    agreement_id: z.string(),
    version: z.number().int(),
    authorisation: Authorisation,
    notice_days: z.number().int(),
    third_country_transfers: ThirdCountryTransfers,
    question_extension_days: QuestionExtensionDays,
    effective_at: Timestamp,
    in_force: z.boolean().openapi({ description: "The effective instant has come (the latest such version is the one in force)" }),
    reason: z.string().nullable(),
    decision_id: z.string().nullable().openapi({ description: "The approval this amendment was made with, if any" }),
    amended_by: PersonRef.nullable().openapi({ description: "The person who amended the terms; null for version 1 and for a key of the organisation" }),
    created_at: Timestamp,
  })
  .openapi("AgreementTerms");
