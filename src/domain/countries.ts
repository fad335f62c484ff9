import countries from "i18n-iso-countries";
import da from "i18n-iso-countries/langs/da.json" with { type: "json" };
import en from "i18n-iso-countries/langs/en.json" with { type: "json" };
import sv from "i18n-iso-countries/langs/sv.json" with { type: "json" };

countries.registerLocale(en);
countries.registerLocale(da);
countries.registerLocale(sv);

export type Classification = "eu_eea" | "adequacy" | "third_country";
export type Lang = "en" | "da" | "sv";

/**
 * Where personal data may flow without a transfer mechanism (GDPR chapter V).
 * Source: European Commission, "Adequacy decisions" (commission.europa.eu,
 * "Data protection > International dimension of data protection > Adequacy decisions"),
 * and the EEA Agreement for IS, LI and NO. Checked 2026-11-01.
 * The United States is adequate only for recipients certified under the EU-US Data
 * Privacy Framework (Implementing Decision (EU) 2023/1795); see classifyCountry.
 */
export const CLASSIFICATION_SOURCE = {
  source: "European Commission, Adequacy decisions; EEA Agreement",
  checked_on: "2026-11-01",
} as const;

/** The 27 EU member states and the three EEA EFTA states. */
export const EU_EEA: ReadonlySet<string> = new Set([
  "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
  "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
  "IS", "LI", "NO",
]);

/** Countries and territories with an adequacy decision in force, with the decision. */
export const ADEQUACY: ReadonlyMap<string, string> = new Map([
  ["AD", "Andorra — Decision 2010/625/EU"],
  ["AR", "Argentina — Decision 2003/490/EC"],
  ["BR", "Brazil — Implementing Decision (EU) 2026 on Brazil (LGPD)"],
  ["CA", "Canada (commercial organisations under PIPEDA) — Decision 2002/2/EC"],
  ["CH", "Switzerland — Decision 2000/518/EC"],
  ["FO", "Faroe Islands — Decision 2010/146/EU"],
  ["GB", "United Kingdom — Implementing Decision (EU) 2021/1772, renewed 2025"],
  ["GG", "Guernsey — Decision 2003/821/EC"],
  ["IL", "Israel — Decision 2011/61/EU"],
  ["IM", "Isle of Man — Decision 2004/411/EC"],
  ["JE", "Jersey — Decision 2008/393/EC"],
  ["JP", "Japan — Implementing Decision (EU) 2019/419"],
  ["KR", "Republic of Korea — Implementing Decision (EU) 2022/254"],
  ["NZ", "New Zealand — Decision 2013/65/EU"],
  ["UY", "Uruguay — Decision 2012/484/EU"],
]);

export const US = "US";
export const US_DPF_DECISION = "United States (DPF-certified recipients only) — Implementing Decision (EU) 2023/1795";

/** True when the code is an assigned ISO 3166-1 alpha-2 country code. */
export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && countries.isValid(code);
}

/** Classifies a country for a recipient; the US is adequate only for a DPF-certified one. */
export function classifyCountry(code: string, recipient: { dpfCertified: boolean }): Classification {
  if (EU_EEA.has(code)) return "eu_eea";
  if (ADEQUACY.has(code)) return "adequacy";
  if (code === US && recipient.dpfCertified) return "adequacy";
  return "third_country";
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
