import type { z } from "zod";
import { annexInputExample, baselineContentExample } from "../annex/annex.examples";
import { EXAMPLE_IDS, EXAMPLE_TIMES, listExample } from "../examples";
import { aarhusKommune, nordCare } from "../organisations/organisations.examples";
import type { Agreement, AgreementTerms, AmendAgreementBody, CreateAgreementBody, DeclineAgreementBody } from "./agreements.schemas";

export const createAgreementExample: z.input<typeof CreateAgreementBody> = {
  controller_id: EXAMPLE_IDS.aarhus,
  title: "Databehandleraftale – omsorgssystem til hjemmeplejen",
  controller_reference: "AAK-2026-0412",
  authorisation: "specific",
  notice_days: 30,
  third_country_transfers: "prohibited",
  annex: annexInputExample,
};

const party = ({ object: _object, created_at: _created, ...rest }: typeof aarhusKommune) => rest;

/** The agreement of the story, active, as its controller reads it. */
export const agreementExample: z.output<typeof Agreement> = {
  object: "agreement",
  id: EXAMPLE_IDS.agreement,
  status: "active",
  title: "Databehandleraftale – omsorgssystem til hjemmeplejen",
  controller_reference: "AAK-2026-0412",
  authorisation: "specific",
  notice_days: 30,
  third_country_transfers: "prohibited",
  processor: party(nordCare),
  controller: party(aarhusKommune),
  role: "controller",
  current_version: 2,
  terms_version: 1,
  proposed_annex: null,
  decline_reason: null,
  created_at: EXAMPLE_TIMES.proposed,
  activated_at: EXAMPLE_TIMES.confirmed,
};

/** As the processor proposed it: waiting for the controller, with the baseline to confirm. */
export const proposedAgreementExample: z.output<typeof Agreement> = {
  ...agreementExample,
  status: "proposed",
  role: "processor",
  current_version: null,
  proposed_annex: baselineContentExample,
  activated_at: null,
};

/** The moment the controller confirmed it: version 1 is in force. */
export const confirmedAgreementExample: z.output<typeof Agreement> = { ...agreementExample, current_version: 1 };

export const declineAgreementExample: z.input<typeof DeclineAgreementBody> = {
  reason: "Bilag 1 requires a second backup site in the EU; the baseline has backup only in Falkenstein. Please propose it again with one.",
};

export const declinedAgreementExample: z.output<typeof Agreement> = {
  ...agreementExample,
  status: "declined",
  current_version: null,
  decline_reason: declineAgreementExample.reason,
  activated_at: null,
};

export const amendAgreementExample: z.input<typeof AmendAgreementBody> = {
  notice_days: 45,
  reason: "Longer notice, to fit the municipality's case handling of changes",
  effective_date: "2027-01-01T00:00:00+01:00",
};

const terms1: z.output<typeof AgreementTerms> = {
  object: "agreement_terms",
  agreement_id: EXAMPLE_IDS.agreement,
  version: 1,
  authorisation: "specific",
  notice_days: 30,
  third_country_transfers: "prohibited",
  question_extension_days: null,
  effective_at: EXAMPLE_TIMES.proposed,
  in_force: true,
  reason: null,
  decision_id: null,
  amended_by: null,
  created_at: EXAMPLE_TIMES.proposed,
};

export const amendedTermsExample: z.output<typeof AgreementTerms> = {
  ...terms1,
  version: 2,
  notice_days: 45,
  effective_at: "2026-12-31T23:00:00.000Z",
  in_force: false,
  reason: amendAgreementExample.reason,
  amended_by: { id: EXAMPLE_IDS.mette, name: "Mette Hansen", email: "mette.hansen@aarhus.example" },
  created_at: "2026-11-23T08:00:00.000Z",
};

export const agreementTermsExample = listExample([terms1, amendedTermsExample]);
