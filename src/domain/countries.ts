// the library without its Node entry, which registers all of its 80 languages (about 1 MB of names
// the service would keep in memory for as long as it runs): the three the product speaks are registered below
import countries from "i18n-iso-countries/index";
import da from "i18n-iso-countries/langs/da.json" with { type: "json" };
import en from "i18n-iso-countries/langs/en.json" with { type: "json" };
import sv from "i18n-iso-countries/langs/sv.json" with { type: "json" };

countries.registerLocale(en);
countries.registerLocale(da);
countries.registerLocale(sv);

/** How a transfer to a country is classified for one recipient (GDPR chapter V). */
export type Classification = "eu_eea" | "adequacy" | "third_country";
export type Lang = "en" | "da" | "sv";
export type LocalisedName = Record<Lang, string>;

/**
 * The release of the legal reference data below: every entry carries it, so a client (or a
 * stored classification) can tell when the table it relied on has changed. Bump it with any
 * change of the data.
 */
export const LEGAL_DATA_RELEASE = "2026-11-27";

const COMMISSION_ADEQUACY_PAGE = "https://commission.europa.eu/law/law-topic/data-protection/international-dimension-data-protection/adequacy-decisions_en";

/**
 * Where personal data may flow without a transfer tool (GDPR chapter V).
 * Source: European Commission, "Adequacy decisions" (commission.europa.eu, "Data protection >
 * International dimension of data protection > Adequacy decisions"), each decision in the
 * Official Journal (eur-lex), and the EEA Agreement for IS, LI and NO.
 */
export const CLASSIFICATION_SOURCE = {
  source: "European Commission, Adequacy decisions (Official Journal of the EU); EEA Agreement",
  url: COMMISSION_ADEQUACY_PAGE,
  checked_on: LEGAL_DATA_RELEASE,
  release: LEGAL_DATA_RELEASE,
} as const;

// ---------------------------------------------------------------------------------------------
// The EU/EEA
// ---------------------------------------------------------------------------------------------

/** The 27 EU member states and the three EEA EFTA states. */
export const EU_EEA_STATES: ReadonlySet<string> = new Set([
  "AT",
  "BE",
  "BG",
  "HR",
  "CY",
  "CZ",
  "DK",
  "EE",
  "FI",
  "FR",
  "DE",
  "GR",
  "HU",
  "IE",
  "IT",
  "LV",
  "LT",
  "LU",
  "MT",
  "NL",
  "PL",
  "PT",
  "RO",
  "SK",
  "SI",
  "ES",
  "SE",
  "IS",
  "LI",
  "NO",
]);

const EEA_EFTA: ReadonlySet<string> = new Set(["IS", "LI", "NO"]);

export type EuTerritoryKind = "outermost_region" | "special_territory";

/**
 * Parts of member states that are in the EU (so the GDPR applies there) and have an ISO 3166-1
 * code of their own: Åland (Finland) and France's outermost regions. Other outermost regions
 * (the Azores, Madeira, the Canary Islands) have no code of their own.
 */
export const EU_EEA_TERRITORIES: ReadonlyMap<string, { part_of: string; kind: EuTerritoryKind }> = new Map([
  ["AX", { part_of: "FI", kind: "special_territory" }],
  ["GF", { part_of: "FR", kind: "outermost_region" }],
  ["GP", { part_of: "FR", kind: "outermost_region" }],
  ["MQ", { part_of: "FR", kind: "outermost_region" }],
  ["RE", { part_of: "FR", kind: "outermost_region" }],
  ["YT", { part_of: "FR", kind: "outermost_region" }],
  ["MF", { part_of: "FR", kind: "outermost_region" }],
] as const);

/**
 * Every code in the EU/EEA, where data flows without a transfer tool: the 27 member states, the
 * three EEA EFTA states, and the EU territories with a code of their own (EU_EEA_TERRITORIES).
 */
export const EU_EEA: ReadonlySet<string> = new Set([...EU_EEA_STATES, ...EU_EEA_TERRITORIES.keys()]);

/** Why a code is in the EU/EEA. */
export type EuEeaBasis = "eu_member_state" | "eea_efta_state" | "eu_outermost_region" | "eu_special_territory";

/** True for the EU/EEA states and the EU territories with their own code (Åland, the French outermost regions). */
export function isEuEea(code: string): boolean {
  return EU_EEA.has(code);
}

/**
 * A third country is any country outside the EU/EEA, adequacy or not: an adequacy decision
 * changes only which transfer tool is needed, not that the data leaves the EU/EEA.
 */
export function isThirdCountry(code: string): boolean {
  return !isEuEea(code);
}

function euEeaBasis(code: string): EuEeaBasis | null {
  if (EEA_EFTA.has(code)) return "eea_efta_state";
  if (EU_EEA_STATES.has(code)) return "eu_member_state";
  const territory = EU_EEA_TERRITORIES.get(code);
  if (!territory) return null;
  return territory.kind === "outermost_region" ? "eu_outermost_region" : "eu_special_territory";
}

// ---------------------------------------------------------------------------------------------
// Adequacy decisions (GDPR Art. 45)
// ---------------------------------------------------------------------------------------------

/**
 * What a decision covers. `full`: every recipient there; `private_sector_appi`: the private
 * sector under Japan's APPI (every business recipient); `pipeda_organisations`: only recipients
 * subject to Canada's PIPEDA; `dpf_certified_recipients`: only recipients certified under the
 * EU-US Data Privacy Framework.
 */
export type AdequacyScope = "full" | "private_sector_appi" | "pipeda_organisations" | "dpf_certified_recipients";

/** The flag of a recipient a scoped decision depends on (the annex's `dpf_certified`, and `pipeda_covered`). */
export type RecipientCondition = "dpf_certified" | "pipeda_covered";

const RECIPIENT_CONDITION: Record<AdequacyScope, RecipientCondition | null> = {
  full: null,
  private_sector_appi: null,
  pipeda_organisations: "pipeda_covered",
  dpf_certified_recipients: "dpf_certified",
};

/** An earlier decision a decision in force renewed or replaced. */
export interface EarlierDecision {
  decision: string;
  adopted_on: string;
  source: string;
}

/** One adequacy decision, as recorded in release LEGAL_DATA_RELEASE. Dates are ISO 8601 dates. */
export interface AdequacyDecision {
  /** the decision's number and kind, e.g. "Commission Implementing Decision (EU) 2019/419" */
  decision: string;
  adopted_on: string;
  /** the last day the decision applies; null: no expiry date */
  expires_on: string | null;
  scope: AdequacyScope;
  /** the recipient flag the decision depends on; null: every recipient in scope */
  recipient_condition: RecipientCondition | null;
  scope_note: string;
  /** when the scope of a scoped decision was last checked; null for an unscoped one */
  scope_checked_on: string | null;
  /** the Official Journal text (eur-lex) or, where the OJ reference is not yet recorded, the Commission's page */
  source: string;
  note: string;
  /** the decision this one renewed, if any */
  replaces: EarlierDecision | null;
  release: string;
}

const eli = (kind: "dec" | "dec_impl", year: number, number: number) => `https://eur-lex.europa.eu/eli/${kind}/${year}/${number}/oj`;

const UNDER_DIRECTIVE = "Adopted under Art. 25(6) of Directive 95/46/EC; remains in force under GDPR Art. 45(9) until amended, replaced or repealed.";

function decision(
  d: Omit<AdequacyDecision, "expires_on" | "recipient_condition" | "scope_checked_on" | "replaces" | "release" | "scope" | "scope_note"> & Partial<AdequacyDecision>,
): AdequacyDecision {
  const scope = d.scope ?? "full";
  return {
    decision: d.decision,
    adopted_on: d.adopted_on,
    expires_on: d.expires_on ?? null,
    scope,
    recipient_condition: RECIPIENT_CONDITION[scope],
    scope_note: d.scope_note ?? "Covers every recipient in the country or territory.",
    scope_checked_on: d.scope_checked_on ?? null,
    source: d.source,
    note: d.note,
    replaces: d.replaces ?? null,
    release: LEGAL_DATA_RELEASE,
  };
}

/**
 * Countries and territories with an adequacy decision in force, with the decision. Two cover
 * only some recipients (see `recipient_condition`): the United States (DPF-certified ones) and
 * Canada (ones subject to PIPEDA); classifyCountry takes the recipient into account.
 */
export const ADEQUACY: ReadonlyMap<string, AdequacyDecision> = new Map([
  ["AD", decision({ decision: "Commission Decision 2010/625/EU", adopted_on: "2010-10-19", source: eli("dec", 2010, 625), note: UNDER_DIRECTIVE })],
  ["AR", decision({ decision: "Commission Decision 2003/490/EC", adopted_on: "2003-06-30", source: eli("dec", 2003, 490), note: UNDER_DIRECTIVE })],
  [
    "BR",
    decision({
      decision: "Commission Implementing Decision (EU) 2026/179",
      adopted_on: "2026-01-26",
      scope_note: "Covers recipients subject to Brazil's general data protection law (LGPD).",
      source: eli("dec_impl", 2026, 179),
      note: "Adopted under GDPR Art. 45 on the basis of the LGPD.",
    }),
  ],
  [
    "CA",
    decision({
      decision: "Commission Decision 2002/2/EC",
      adopted_on: "2001-12-20",
      scope: "pipeda_organisations",
      scope_note:
        "Covers only recipients subject to the Personal Information Protection and Electronic Documents Act (PIPEDA), i.e. commercial organisations; any other recipient in Canada needs a transfer tool.",
      scope_checked_on: "2026-11-27",
      source: eli("dec", 2002, 2),
      note: UNDER_DIRECTIVE,
    }),
  ],
  ["CH", decision({ decision: "Commission Decision 2000/518/EC", adopted_on: "2000-07-26", source: eli("dec", 2000, 518), note: UNDER_DIRECTIVE })],
  ["FO", decision({ decision: "Commission Decision 2010/146/EU", adopted_on: "2010-03-05", source: eli("dec", 2010, 146), note: UNDER_DIRECTIVE })],
  [
    "GB",
    decision({
      decision: "Commission Implementing Decision renewing Implementing Decision (EU) 2021/1772 (December 2025)",
      // December 2025 is given; the day is the one of the Commission's announcement of the renewal:
      // check it, and add the OJ number and eur-lex address, against the Official Journal
      adopted_on: "2025-12-19",
      expires_on: "2031-12-27",
      source: COMMISSION_ADEQUACY_PAGE,
      note: "Renews Implementing Decision (EU) 2021/1772 of 28 June 2021; in force until 27 December 2031.",
      replaces: { decision: "Commission Implementing Decision (EU) 2021/1772", adopted_on: "2021-06-28", source: eli("dec_impl", 2021, 1772) },
    }),
  ],
  ["GG", decision({ decision: "Commission Decision 2003/821/EC", adopted_on: "2003-11-21", source: eli("dec", 2003, 821), note: UNDER_DIRECTIVE })],
  ["IL", decision({ decision: "Commission Decision 2011/61/EU", adopted_on: "2011-01-31", source: eli("dec", 2011, 61), note: UNDER_DIRECTIVE })],
  ["IM", decision({ decision: "Commission Decision 2004/411/EC", adopted_on: "2004-04-28", source: eli("dec", 2004, 411), note: UNDER_DIRECTIVE })],
  ["JE", decision({ decision: "Commission Decision 2008/393/EC", adopted_on: "2008-05-08", source: eli("dec", 2008, 393), note: UNDER_DIRECTIVE })],
  [
    "JP",
    decision({
      decision: "Commission Implementing Decision (EU) 2019/419",
      adopted_on: "2019-01-23",
      scope: "private_sector_appi",
      scope_note:
        "Covers the private sector: business operators subject to the Act on the Protection of Personal Information (APPI), so every business recipient; not public authorities.",
      scope_checked_on: "2026-11-27",
      source: eli("dec_impl", 2019, 419),
      note: "Adopted under GDPR Art. 45.",
    }),
  ],
  [
    "KR",
    decision({ decision: "Commission Implementing Decision (EU) 2022/254", adopted_on: "2021-12-17", source: eli("dec_impl", 2022, 254), note: "Adopted under GDPR Art. 45." }),
  ],
  ["NZ", decision({ decision: "Commission Implementing Decision 2013/65/EU", adopted_on: "2012-12-19", source: eli("dec_impl", 2013, 65), note: UNDER_DIRECTIVE })],
  [
    "US",
    decision({
      decision: "Commission Implementing Decision (EU) 2023/1795",
      adopted_on: "2023-07-10",
      scope: "dpf_certified_recipients",
      scope_note: "Covers only recipients certified under the EU-US Data Privacy Framework (on the DPF List); any other recipient in the United States needs a transfer tool.",
      scope_checked_on: "2026-11-27",
      source: eli("dec_impl", 2023, 1795),
      note: "The EU-US Data Privacy Framework; adopted under GDPR Art. 45.",
    }),
  ],
  ["UY", decision({ decision: "Commission Implementing Decision 2012/484/EU", adopted_on: "2012-08-21", source: eli("dec_impl", 2012, 484), note: UNDER_DIRECTIVE })],
]);

export const US = "US";
export const US_DPF_DECISION = "United States (DPF-certified recipients only) — Implementing Decision (EU) 2023/1795";

/** An international organisation (GDPR Art. 4(26)); it has no ISO country code, so it has a key of its own. */
export interface InternationalOrganisation {
  key: string;
  name: LocalisedName;
  adequacy: AdequacyDecision;
}

/** International organisations with an adequacy decision in force, by key. */
export const INTERNATIONAL_ORGANISATIONS: ReadonlyMap<string, InternationalOrganisation> = new Map([
  [
    "EPO",
    {
      key: "EPO",
      name: { en: "European Patent Organisation", da: "Den Europæiske Patentorganisation", sv: "Europeiska patentorganisationen" },
      adequacy: decision({
        decision: "Commission Implementing Decision (EU) 2025/1382",
        // adopted in 2025; the day is to be checked against the Official Journal
        adopted_on: "2025-07-15",
        scope_note: "Covers transfers to the organisation.",
        source: eli("dec_impl", 2025, 1382),
        note: "Adopted under GDPR Art. 45 for an international organisation (Art. 4(26)).",
      }),
    },
  ],
]);

/** What a recipient is, for the decisions that cover only some recipients. */
export interface Recipient {
  /** certified under the EU-US Data Privacy Framework */
  dpfCertified: boolean;
  /** subject to Canada's PIPEDA; false when not said */
  pipedaCovered?: boolean;
}

const isoDate = (on: Date) => on.toISOString().slice(0, 10);

/** True when the decision applies on the day (UTC); without a day, as the table was released. `expires_on` is the last day it applies. */
export function decisionInForce(d: AdequacyDecision, on?: Date): boolean {
  return on === undefined || d.expires_on === null || isoDate(on) <= d.expires_on;
}

function coversRecipient(d: AdequacyDecision, recipient: Recipient): boolean {
  if (d.recipient_condition === "dpf_certified") return recipient.dpfCertified;
  if (d.recipient_condition === "pipeda_covered") return recipient.pipedaCovered ?? false;
  return true;
}

/** True when the code is an assigned ISO 3166-1 alpha-2 country code. */
export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && countries.isValid(code);
}

/**
 * Classifies a country for a recipient: eu_eea inside the EU/EEA; adequacy where a decision in
 * force covers the recipient (the US only for a DPF-certified one, Canada only for one subject
 * to PIPEDA); else third_country. With `on`, a decision whose expiry date is past that day does
 * not count; without it, the table as released. (`on` does not reconstruct the past: a date
 * before a decision's adoption still counts the decision.)
 */
export function classifyCountry(code: string, recipient: Recipient, on?: Date): Classification {
  if (isEuEea(code)) return "eu_eea";
  const d = ADEQUACY.get(code);
  return d && decisionInForce(d, on) && coversRecipient(d, recipient) ? "adequacy" : "third_country";
}

/** An international organisation's classification: adequacy while its decision is in force, else third_country (a transfer tool is needed). */
export function classifyInternationalOrganisation(key: string, on?: Date): Exclude<Classification, "eu_eea"> {
  const org = INTERNATIONAL_ORGANISATIONS.get(key);
  return org && decisionInForce(org.adequacy, on) ? "adequacy" : "third_country";
}

const RANK: Record<Classification, number> = { eu_eea: 0, adequacy: 1, third_country: 2 };

/** The least protective of several classifications (eu_eea when there are none). */
export function worstClassification(list: Iterable<Classification>): Classification {
  let worst: Classification = "eu_eea";
  for (const c of list) if (RANK[c] > RANK[worst]) worst = c;
  return worst;
}

/** The country's name in the given language, from the ISO 3166 data of i18n-iso-countries. */
export function countryName(code: string, lang: Lang = "en"): string {
  return countries.getName(code, lang) ?? code;
}

// ---------------------------------------------------------------------------------------------
// The reference data as integrators read it (GET /v1/countries)
// ---------------------------------------------------------------------------------------------

/**
 * A country's classification independent of the recipient: `adequacy_with_scope` where the
 * decision in force covers only recipients with a flag (`adequacy.recipient_condition`).
 */
export type CountryClassification = Classification | "adequacy_with_scope";

/** An adequacy decision as served: the recorded decision and whether it applies on the day served. */
export type AdequacyInfo = AdequacyDecision & { in_force: boolean };

export interface CountryInfo {
  object: "country";
  code: string;
  name: LocalisedName;
  eu_eea: boolean;
  eu_eea_basis: EuEeaBasis | null;
  /** the member state an EU territory with its own code belongs to */
  part_of: string | null;
  third_country: boolean;
  classification: CountryClassification;
  adequacy: AdequacyInfo | null;
  release: string;
}

export interface InternationalOrganisationInfo {
  object: "international_organisation";
  key: string;
  name: LocalisedName;
  classification: Exclude<CountryClassification, "eu_eea">;
  adequacy: AdequacyInfo;
  release: string;
}

const namesOf = (code: string): LocalisedName => ({ en: countryName(code, "en"), da: countryName(code, "da"), sv: countryName(code, "sv") });

const adequacyInfo = (d: AdequacyDecision, on?: Date): AdequacyInfo => ({ ...d, in_force: decisionInForce(d, on) });

function classificationOf(adequacy: AdequacyInfo | null): Exclude<CountryClassification, "eu_eea"> {
  if (!adequacy?.in_force) return "third_country";
  return adequacy.recipient_condition === null ? "adequacy" : "adequacy_with_scope";
}

/** One country's reference data, for an upper-case ISO 3166-1 alpha-2 code; null for any other code. */
export function countryInfo(code: string, on?: Date): CountryInfo | null {
  if (!isCountryCode(code)) return null;
  const basis = euEeaBasis(code);
  const decision = ADEQUACY.get(code);
  const adequacy = basis === null && decision ? adequacyInfo(decision, on) : null;
  return {
    object: "country",
    code,
    name: namesOf(code),
    eu_eea: basis !== null,
    eu_eea_basis: basis,
    part_of: EU_EEA_TERRITORIES.get(code)?.part_of ?? null,
    third_country: basis === null,
    classification: basis !== null ? "eu_eea" : classificationOf(adequacy),
    adequacy,
    release: LEGAL_DATA_RELEASE,
  };
}

/** Every ISO 3166-1 alpha-2 code that i18n-iso-countries knows, sorted by code. */
export function listCountries(on?: Date): CountryInfo[] {
  return Object.keys(countries.getAlpha2Codes())
    .sort()
    .map((code) => countryInfo(code, on))
    .filter((c): c is CountryInfo => c !== null);
}

/** One international organisation's reference data; null for an unknown key. */
export function internationalOrganisationInfo(key: string, on?: Date): InternationalOrganisationInfo | null {
  const org = INTERNATIONAL_ORGANISATIONS.get(key);
  if (!org) return null;
  const adequacy = adequacyInfo(org.adequacy, on);
  return { object: "international_organisation", key: org.key, name: { ...org.name }, classification: classificationOf(adequacy), adequacy, release: LEGAL_DATA_RELEASE };
}

/** Every international organisation of the table, sorted by key. */
export function listInternationalOrganisations(on?: Date): InternationalOrganisationInfo[] {
  return [...INTERNATIONAL_ORGANISATIONS.keys()].sort().map((key) => internationalOrganisationInfo(key, on)!);
}
