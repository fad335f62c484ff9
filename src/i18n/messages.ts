import type { Activity, ART_49_DEROGATIONS, SCC_MODULES } from "../domain/annex";
import type { Classification, Lang } from "../domain/countries";
import type { RegistrationScheme } from "../domain/registration";

export type { Lang };

/** The languages of the annex document: Danish, Swedish, English (GLOSSARY.md). */
export const LANGS = ["da", "sv", "en"] as const satisfies readonly Lang[];

/** The locale whose conventions Intl uses for each language (dates: 22.11.2026 / 2026-11-22 / 22 November 2026). */
export const LOCALES: Record<Lang, string> = { da: "da-DK", sv: "sv-SE", en: "en-GB" };

type Derogation = (typeof ART_49_DEROGATIONS)[number];
type SccModule = (typeof SCC_MODULES)[number];
type Authorisation = "specific" | "general";

/**
 * Every label of the annex document, in one shape for every language: a key missing (or
 * misspelt) in one language is a type error. Terms follow shared/spec/GLOSSARY.md; the
 * sub-processor columns follow Datatilsynet's standard clauses, Appendix B.
 */
export interface Messages {
  /** how Intl formats a date in this language */
  date_format: Intl.DateTimeFormatOptions;
  document_title: string;
  agreement: string;
  agreement_reference: string;
  agreement_id: string;
  annex_version: string;
  in_force_from: string;
  authorisation_label: string;
  authorisation: Record<Authorisation, string>;
  third_country_label: string;
  yes: string;
  no: string;
  parties: string;
  role: string;
  controller: string;
  processor: string;
  sub_processors: string;
  no_sub_processors: string;
  locations: string;
  no_locations: string;
  change_history: string;
  /** the columns of the sub-processor table: Appendix B's four, then ours */
  col_name: string;
  col_registration: string;
  col_address: string;
  col_description: string;
  col_processing_locations: string;
  col_classification: string;
  col_transfer_basis: string;
  col_engaged_by: string;
  /** the columns of the location table */
  col_location: string;
  col_activities: string;
  /** the columns of the change history */
  col_version: string;
  col_effective_date: string;
  col_change_request: string;
  baseline: string;
  not_applicable: string;
  classification: Record<Classification, string>;
  activity: Record<Activity, string>;
  registration_scheme: Record<RegistrationScheme, string>;
  sccs: (module: SccModule) => string;
  bcr: string;
  /** GDPR Art. 49(1), point `letter` (a–g), with the derogation's name */
  art_49: (letter: string, derogation: string) => string;
  derogation: Record<Derogation, string>;
  adequacy_decision: string;
  dpf: string;
  dates_note: string;
}

const moduleNumber = (m: SccModule) => m.slice("module_".length);

const da: Messages = {
  date_format: { day: "numeric", month: "long", year: "numeric" },
  document_title: "Bilag 2 – Oplysninger om lokaliteter for behandling og underdatabehandlere",
  agreement: "Databehandleraftale",
  agreement_reference: "Den dataansvarliges reference",
  agreement_id: "Aftale-id",
  annex_version: "Bilagets version",
  in_force_from: "Gældende fra",
  authorisation_label: "Godkendelse af underdatabehandlere",
  authorisation: { specific: "Forudgående specifik skriftlig godkendelse", general: "Generel skriftlig godkendelse" },
  third_country_label: "Overførsel til tredjeland",
  yes: "Ja",
  no: "Nej",
  parties: "Parter",
  role: "Rolle",
  controller: "Dataansvarlig",
  processor: "Databehandler",
  sub_processors: "Godkendte underdatabehandlere",
  no_sub_processors: "Der anvendes ingen underdatabehandlere.",
  locations: "Lokaliteter for behandling",
  no_locations: "Der er ikke angivet lokaliteter for behandling.",
  change_history: "Ændringshistorik",
  col_name: "Navn",
  col_registration: "CVR-nr.",
  col_address: "Adresse",
  col_description: "Beskrivelse af behandling",
  col_processing_locations: "Behandlingssteder",
  col_classification: "Klassifikation",
  col_transfer_basis: "Overførselsgrundlag",
  col_engaged_by: "Anvendt af",
  col_location: "Lokalitet",
  col_activities: "Aktiviteter",
  col_version: "Version",
  col_effective_date: "Ikrafttrædelsesdato",
  col_change_request: "Ændringsanmodning",
  baseline: "Oprindeligt bilag",
  not_applicable: "Ikke relevant",
  classification: { eu_eea: "EU/EØS", adequacy: "Tilstrækkelighedsafgørelse", third_country: "Tredjeland" },
  activity: {
    hosting: "Hosting",
    storage: "Opbevaring",
    backup: "Backup",
    disaster_recovery: "Nødgendannelse",
    support: "Support",
    operations: "Drift",
    development: "Udvikling",
    other: "Andet",
  },
  registration_scheme: {
    dk_cvr: "CVR",
    se_orgnr: "org.nr., Sverige",
    no_orgnr: "org.nr., Norge",
    fi_ytunnus: "Y-tunnus, Finland",
    gb_crn: "selskabsnr., Storbritannien",
    de_hr: "Handelsregister, Tyskland",
    eu_vat: "EU-momsnr.",
    us_ein: "EIN, USA",
    other: "andet register",
  },
  sccs: (m) => `Standardkontraktbestemmelser (2021/914), modul ${moduleNumber(m)}`,
  bcr: "Bindende virksomhedsregler (BCR)",
  art_49: (letter, d) => `Undtagelse, art. 49, stk. 1, litra ${letter} (${d})`,
  derogation: {
    explicit_consent: "udtrykkeligt samtykke",
    contract_performance: "opfyldelse af en kontrakt med den registrerede",
    contract_in_interest_of_data_subject: "kontrakt i den registreredes interesse",
    public_interest: "vigtige samfundsinteresser",
    legal_claims: "retskrav",
    vital_interests: "vitale interesser",
    public_register: "offentligt register",
  },
  adequacy_decision: "Tilstrækkelighedsafgørelse (art. 45)",
  dpf: "EU-US Data Privacy Framework (2023/1795)",
  dates_note: "Datoer er angivet i UTC.",
};

const sv: Messages = {
  date_format: { year: "numeric", month: "2-digit", day: "2-digit" },
  document_title: "Bilaga 2 – Uppgifter om platser för behandling och underbiträden",
  agreement: "Personuppgiftsbiträdesavtal",
  agreement_reference: "Den personuppgiftsansvariges referens",
  agreement_id: "Avtals-id",
  annex_version: "Bilagans version",
  in_force_from: "Gäller från",
  authorisation_label: "Tillstånd till underbiträden",
  authorisation: { specific: "Särskilt skriftligt förhandstillstånd", general: "Allmänt skriftligt förhandstillstånd" },
  third_country_label: "Överföring till tredjeland",
  yes: "Ja",
  no: "Nej",
  parties: "Parter",
  role: "Roll",
  controller: "Personuppgiftsansvarig",
  processor: "Personuppgiftsbiträde",
  sub_processors: "Godkända underbiträden",
  no_sub_processors: "Inga underbiträden anlitas.",
  locations: "Platser för behandling",
  no_locations: "Inga platser för behandling har angetts.",
  change_history: "Ändringshistorik",
  col_name: "Namn",
  col_registration: "Organisationsnummer",
  col_address: "Adress",
  col_description: "Beskrivning av behandlingen",
  col_processing_locations: "Platser för behandling",
  col_classification: "Klassificering",
  col_transfer_basis: "Grund för överföring",
  col_engaged_by: "Anlitad av",
  col_location: "Plats",
  col_activities: "Aktiviteter",
  col_version: "Version",
  col_effective_date: "Ikraftträdandedatum",
  col_change_request: "Ändringsbegäran",
  baseline: "Ursprunglig bilaga",
  not_applicable: "Ej tillämpligt",
  classification: { eu_eea: "EU/EES", adequacy: "Beslut om adekvat skyddsnivå", third_country: "Tredjeland" },
  activity: {
    hosting: "Hosting",
    storage: "Lagring",
    backup: "Säkerhetskopiering",
    disaster_recovery: "Katastrofåterställning",
    support: "Support",
    operations: "Drift",
    development: "Utveckling",
    other: "Övrigt",
  },
  registration_scheme: {
    dk_cvr: "CVR, Danmark",
    se_orgnr: "org.nr",
    no_orgnr: "org.nr, Norge",
    fi_ytunnus: "FO-nummer, Finland",
    gb_crn: "bolagsnr, Storbritannien",
    de_hr: "Handelsregister, Tyskland",
    eu_vat: "EU-momsreg.nr",
    us_ein: "EIN, USA",
    other: "annat register",
  },
  sccs: (m) => `Standardavtalsklausuler (2021/914), modul ${moduleNumber(m)}`,
  bcr: "Bindande företagsbestämmelser (BCR)",
  art_49: (letter, d) => `Undantag, art. 49.1 ${letter} (${d})`,
  derogation: {
    explicit_consent: "uttryckligt samtycke",
    contract_performance: "fullgörande av avtal med den registrerade",
    contract_in_interest_of_data_subject: "avtal i den registrerades intresse",
    public_interest: "viktiga skäl som rör allmänintresset",
    legal_claims: "rättsliga anspråk",
    vital_interests: "grundläggande intressen",
    public_register: "offentligt register",
  },
  adequacy_decision: "Beslut om adekvat skyddsnivå (art. 45)",
  dpf: "EU-US Data Privacy Framework (2023/1795)",
  dates_note: "Datum anges i UTC.",
};

const en: Messages = {
  date_format: { day: "numeric", month: "long", year: "numeric" },
  document_title: "Annex 2 – Processing locations and sub-processors",
  agreement: "Data processing agreement",
  agreement_reference: "Controller's reference",
  agreement_id: "Agreement id",
  annex_version: "Annex version",
  in_force_from: "In force from",
  authorisation_label: "Authorisation of sub-processors",
  authorisation: { specific: "Prior specific written authorisation", general: "General written authorisation" },
  third_country_label: "Transfer to a third country",
  yes: "Yes",
  no: "No",
  parties: "Parties",
  role: "Role",
  controller: "Controller",
  processor: "Processor",
  sub_processors: "Approved sub-processors",
  no_sub_processors: "No sub-processors are engaged.",
  locations: "Processing locations",
  no_locations: "No processing locations are listed.",
  change_history: "Change history",
  col_name: "Name",
  col_registration: "Registration number",
  col_address: "Address",
  col_description: "Description of processing",
  col_processing_locations: "Processing locations",
  col_classification: "Classification",
  col_transfer_basis: "Transfer basis",
  col_engaged_by: "Engaged by",
  col_location: "Location",
  col_activities: "Activities",
  col_version: "Version",
  col_effective_date: "Effective date",
  col_change_request: "Change request",
  baseline: "Baseline",
  not_applicable: "Not applicable",
  classification: { eu_eea: "EU/EEA", adequacy: "Adequacy decision", third_country: "Third country" },
  activity: {
    hosting: "Hosting",
    storage: "Storage",
    backup: "Backup",
    disaster_recovery: "Disaster recovery",
    support: "Support",
    operations: "Operations",
    development: "Development",
    other: "Other",
  },
  registration_scheme: {
    dk_cvr: "CVR, Denmark",
    se_orgnr: "org. no., Sweden",
    no_orgnr: "org. no., Norway",
    fi_ytunnus: "Business ID, Finland",
    gb_crn: "company no., UK",
    de_hr: "Handelsregister, Germany",
    eu_vat: "EU VAT no.",
    us_ein: "EIN, USA",
    other: "other register",
  },
  sccs: (m) => `Standard contractual clauses (2021/914), module ${moduleNumber(m)}`,
  bcr: "Binding corporate rules (BCR)",
  art_49: (letter, d) => `Derogation, Art. 49(1)(${letter}) (${d})`,
  derogation: {
    explicit_consent: "explicit consent",
    contract_performance: "performance of a contract with the data subject",
    contract_in_interest_of_data_subject: "contract in the interest of the data subject",
    public_interest: "important reasons of public interest",
    legal_claims: "legal claims",
    vital_interests: "vital interests",
    public_register: "public register",
  },
  adequacy_decision: "Adequacy decision (Art. 45)",
  dpf: "EU-US Data Privacy Framework (2023/1795)",
  dates_note: "Dates are given in UTC.",
};

/** The one message catalogue: every language has every key. */
export const MESSAGES: Record<Lang, Messages> = { da, sv, en };
