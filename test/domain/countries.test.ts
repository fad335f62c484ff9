import { describe, expect, it } from "vitest";
import {
  ADEQUACY,
  type AdequacyScope,
  type Classification,
  classifyCountry,
  classifyInternationalOrganisation,
  CLASSIFICATION_SOURCE,
  countryInfo,
  countryName,
  EU_EEA,
  EU_EEA_STATES,
  EU_EEA_TERRITORIES,
  INTERNATIONAL_ORGANISATIONS,
  internationalOrganisationInfo,
  isCountryCode,
  isEuEea,
  isThirdCountry,
  LEGAL_DATA_RELEASE,
  listCountries,
  listInternationalOrganisations,
  worstClassification,
} from "../../src/domain/countries";

const EU_MEMBER_STATES = [
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
];
const EEA_EFTA = ["IS", "LI", "NO"];
/** EU territories with an ISO code of their own, and their member state. */
const EU_TERRITORIES: [string, string][] = [
  ["AX", "FI"],
  ["GF", "FR"],
  ["GP", "FR"],
  ["MQ", "FR"],
  ["RE", "FR"],
  ["YT", "FR"],
  ["MF", "FR"],
];

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const anyRecipient = [{ dpfCertified: false }, { dpfCertified: true }, { dpfCertified: false, pipedaCovered: true }, { dpfCertified: true, pipedaCovered: true }];

describe("the EU/EEA list", () => {
  it("the states: exactly the 27 member states and the three EEA EFTA states", () => {
    expect(EU_MEMBER_STATES).toHaveLength(27);
    expect([...EU_EEA_STATES].sort()).toEqual([...EU_MEMBER_STATES, ...EEA_EFTA].sort());
  });

  it("every code in the EU/EEA: the states and the EU territories with a code of their own", () => {
    expect([...EU_EEA].sort()).toEqual([...EU_MEMBER_STATES, ...EEA_EFTA, ...EU_TERRITORIES.map(([code]) => code)].sort());
  });

  it("EU territories with a code of their own: Åland (FI) and France's outermost regions, each with its member state", () => {
    expect([...EU_EEA_TERRITORIES].map(([code, t]) => [code, t.part_of])).toEqual(EU_TERRITORIES);
  });
});

describe.each([...EU_MEMBER_STATES, ...EEA_EFTA])("EU/EEA country %s", (code) => {
  it.each([true, false])("is eu_eea (dpfCertified: %s), not a third country, and a valid code", (dpfCertified) => {
    expect(classifyCountry(code, { dpfCertified })).toBe("eu_eea");
    expect(isThirdCountry(code)).toBe(false);
    expect(isCountryCode(code)).toBe(true);
  });
});

describe.each(EU_TERRITORIES)("EU territory %s (part of %s)", (code, parent) => {
  it("is eu_eea for any recipient and on any day, not a third country, and names its member state", () => {
    for (const recipient of anyRecipient) expect(classifyCountry(code, recipient)).toBe("eu_eea");
    expect(classifyCountry(code, { dpfCertified: false }, new Date("2040-01-01T00:00:00Z"))).toBe("eu_eea");
    expect(isEuEea(code)).toBe(true);
    expect(isThirdCountry(code)).toBe(false);
    expect(isCountryCode(code)).toBe(true);
    expect(countryInfo(code)).toMatchObject({ eu_eea: true, third_country: false, classification: "eu_eea", part_of: parent, adequacy: null });
  });
});

/**
 * Every adequacy decision of the table: [code, decision, adopted_on, expires_on, scope].
 * The table must have exactly these entries; each must also name its source.
 */
const DECISIONS: [string, string, string, string | null, AdequacyScope][] = [
  ["AD", "2010/625/EU", "2010-10-19", null, "full"],
  ["AR", "2003/490/EC", "2003-06-30", null, "full"],
  ["BR", "(EU) 2026/179", "2026-01-26", null, "full"],
  ["CA", "2002/2/EC", "2001-12-20", null, "pipeda_organisations"],
  ["CH", "2000/518/EC", "2000-07-26", null, "full"],
  ["FO", "2010/146/EU", "2010-03-05", null, "full"],
  ["GB", "renewing Implementing Decision (EU) 2021/1772", "2025-12-19", "2031-12-27", "full"],
  ["GG", "2003/821/EC", "2003-11-21", null, "full"],
  ["IL", "2011/61/EU", "2011-01-31", null, "full"],
  ["IM", "2004/411/EC", "2004-04-28", null, "full"],
  ["JE", "2008/393/EC", "2008-05-08", null, "full"],
  ["JP", "(EU) 2019/419", "2019-01-23", null, "private_sector_appi"],
  ["KR", "(EU) 2022/254", "2021-12-17", null, "full"],
  ["NZ", "2013/65/EU", "2012-12-19", null, "full"],
  ["US", "(EU) 2023/1795", "2023-07-10", null, "dpf_certified_recipients"],
  ["UY", "2012/484/EU", "2012-08-21", null, "full"],
];

describe("adequacy decisions", () => {
  it("the table holds exactly the decisions in force", () => {
    expect([...ADEQUACY.keys()].sort()).toEqual(DECISIONS.map(([code]) => code));
  });

  it.each(DECISIONS)("%s: %s, adopted %s, expires %s, scope %s; with its source and the release", (code, number, adopted, expires, scope) => {
    const d = ADEQUACY.get(code)!;
    expect(d.decision).toMatch(/Decision/);
    expect(d.decision).toContain(number);
    expect(d.adopted_on).toBe(adopted);
    expect(d.adopted_on).toMatch(ISO_DATE);
    expect(d.expires_on).toBe(expires);
    expect(d.scope).toBe(scope);
    expect(d.source).toMatch(/^https:\/\/(eur-lex\.europa\.eu\/eli\/dec(_impl)?\/\d{4}\/\d+\/oj|commission\.europa\.eu\/)/);
    expect(d.scope_note.length).toBeGreaterThan(10);
    expect(d.note.length).toBeGreaterThan(10);
    expect(d.release).toBe(LEGAL_DATA_RELEASE);
    expect(isCountryCode(code)).toBe(true);
    expect(isEuEea(code)).toBe(false);
    expect(isThirdCountry(code)).toBe(true);
  });

  it.each(DECISIONS.filter(([, , , , scope]) => scope === "full" || scope === "private_sector_appi"))("%s is adequacy for any recipient", (code) => {
    for (const recipient of anyRecipient) expect(classifyCountry(code, recipient)).toBe("adequacy");
    expect(countryInfo(code)!.classification).toBe("adequacy");
    expect(ADEQUACY.get(code)!.recipient_condition).toBeNull();
  });

  it("Brazil: Implementing Decision (EU) 2026/179 of 26 January 2026, on the LGPD", () => {
    expect(ADEQUACY.get("BR")).toMatchObject({
      decision: "Commission Implementing Decision (EU) 2026/179",
      adopted_on: "2026-01-26",
      expires_on: null,
      scope: "full",
      source: "https://eur-lex.europa.eu/eli/dec_impl/2026/179/oj",
    });
    expect(ADEQUACY.get("BR")!.scope_note).toContain("LGPD");
  });

  it("the United Kingdom: the December 2025 renewal of 2021/1772 is in force until 27 December 2031", () => {
    expect(ADEQUACY.get("GB")).toMatchObject({
      expires_on: "2031-12-27",
      scope: "full",
      replaces: { decision: "Commission Implementing Decision (EU) 2021/1772", adopted_on: "2021-06-28", source: "https://eur-lex.europa.eu/eli/dec_impl/2021/1772/oj" },
    });
    expect(ADEQUACY.get("GB")!.adopted_on.startsWith("2025-12-")).toBe(true);
  });

  it("Japan: the private sector under the APPI", () => {
    expect(ADEQUACY.get("JP")!.scope_note).toContain("APPI");
  });

  it("every scoped decision says when its scope was last checked; an unscoped one does not", () => {
    for (const [code, d] of ADEQUACY) expect(d.scope_checked_on, code).toBe(d.scope === "full" ? null : "2026-11-27");
  });
});

describe("Canada: adequacy only for recipients subject to PIPEDA", () => {
  it("records the scope, the recipient flag and when the scope was checked", () => {
    expect(ADEQUACY.get("CA")).toMatchObject({ scope: "pipeda_organisations", recipient_condition: "pipeda_covered", scope_checked_on: "2026-11-27" });
    expect(ADEQUACY.get("CA")!.scope_note).toContain("PIPEDA");
    expect(countryInfo("CA")!.classification).toBe("adequacy_with_scope");
  });

  it.each<[{ dpfCertified: boolean; pipedaCovered?: boolean }, Classification]>([
    [{ dpfCertified: false }, "third_country"],
    [{ dpfCertified: true }, "third_country"],
    [{ dpfCertified: false, pipedaCovered: false }, "third_country"],
    [{ dpfCertified: false, pipedaCovered: true }, "adequacy"],
  ])("recipient %j: %s", (recipient, expected) => {
    expect(classifyCountry("CA", recipient)).toBe(expected);
  });
});

describe("the United States: adequacy only for DPF-certified recipients", () => {
  it("records the scope and the recipient flag", () => {
    expect(ADEQUACY.get("US")).toMatchObject({
      decision: "Commission Implementing Decision (EU) 2023/1795",
      scope: "dpf_certified_recipients",
      recipient_condition: "dpf_certified",
      scope_checked_on: "2026-11-27",
    });
    expect(countryInfo("US")!.classification).toBe("adequacy_with_scope");
  });

  it.each<[boolean, Classification]>([
    [true, "adequacy"],
    [false, "third_country"],
  ])("with dpfCertified %s is %s (PIPEDA changes nothing)", (dpfCertified, expected) => {
    expect(classifyCountry("US", { dpfCertified })).toBe(expected);
    expect(classifyCountry("US", { dpfCertified, pipedaCovered: true })).toBe(expected);
  });
});

describe("an expired decision", () => {
  const onDay = (iso: string) => new Date(`${iso}T12:00:00Z`);

  it("the United Kingdom is adequacy until 27 December 2031 inclusive, a third country without adequacy after", () => {
    expect(classifyCountry("GB", { dpfCertified: false })).toBe("adequacy");
    expect(classifyCountry("GB", { dpfCertified: false }, onDay("2026-11-27"))).toBe("adequacy");
    expect(classifyCountry("GB", { dpfCertified: false }, onDay("2031-12-27"))).toBe("adequacy");
    expect(classifyCountry("GB", { dpfCertified: false }, onDay("2031-12-28"))).toBe("third_country");
    expect(classifyCountry("GB", { dpfCertified: true }, onDay("2035-01-01"))).toBe("third_country");
    expect(isThirdCountry("GB")).toBe(true);
  });

  it("is served as not in force, and the country as third_country", () => {
    expect(countryInfo("GB", onDay("2031-12-28"))).toMatchObject({ classification: "third_country", adequacy: { expires_on: "2031-12-27", in_force: false } });
    expect(countryInfo("GB", onDay("2031-12-27"))).toMatchObject({ classification: "adequacy", adequacy: { in_force: true } });
  });

  it("a decision without an expiry date is in force on any day", () => {
    for (const code of ["CH", "JP", "BR"]) expect(classifyCountry(code, { dpfCertified: false }, onDay("2099-01-01")), code).toBe("adequacy");
  });
});

describe("isThirdCountry: any country outside the EU/EEA, adequacy or not", () => {
  it.each([
    ["GB", true],
    ["US", true],
    ["CH", true],
    ["CA", true],
    ["CN", true],
    ["DK", false],
    ["NO", false],
    ["AX", false],
    ["RE", false],
  ] as const)("%s: %s", (code, expected) => {
    expect(isThirdCountry(code)).toBe(expected);
  });
});

describe("international organisations", () => {
  it("the European Patent Organisation: Implementing Decision (EU) 2025/1382, keyed EPO (no ISO code)", () => {
    expect([...INTERNATIONAL_ORGANISATIONS.keys()]).toEqual(["EPO"]);
    const epo = INTERNATIONAL_ORGANISATIONS.get("EPO")!;
    expect(epo.name.en).toBe("European Patent Organisation");
    expect(epo.adequacy).toMatchObject({
      decision: "Commission Implementing Decision (EU) 2025/1382",
      expires_on: null,
      scope: "full",
      recipient_condition: null,
      source: "https://eur-lex.europa.eu/eli/dec_impl/2025/1382/oj",
      release: LEGAL_DATA_RELEASE,
    });
    expect(epo.adequacy.adopted_on).toMatch(/^2025-\d{2}-\d{2}$/);
    expect(isCountryCode("EPO")).toBe(false);
    expect(classifyInternationalOrganisation("EPO")).toBe("adequacy");
    expect(classifyInternationalOrganisation("UN")).toBe("third_country");
  });

  it("is served with its key, names, classification and release", () => {
    expect(internationalOrganisationInfo("EPO")).toMatchObject({
      object: "international_organisation",
      key: "EPO",
      classification: "adequacy",
      release: LEGAL_DATA_RELEASE,
      adequacy: { in_force: true },
    });
    expect(internationalOrganisationInfo("XYZ")).toBeNull();
    expect(listInternationalOrganisations().map((o) => o.key)).toEqual(["EPO"]);
  });
});

describe("third countries without adequacy", () => {
  it.each(["CN", "IN", "RU", "AU", "SG", "TR"])("%s is third_country for any recipient", (code) => {
    expect(isCountryCode(code)).toBe(true);
    for (const recipient of anyRecipient) expect(classifyCountry(code, recipient)).toBe("third_country");
    expect(countryInfo(code)).toMatchObject({ eu_eea: false, third_country: true, classification: "third_country", adequacy: null, part_of: null });
  });
});

describe("countryInfo and listCountries", () => {
  it("lists every code i18n-iso-countries knows, sorted, each with its names in three languages and the release", () => {
    const list = listCountries();
    expect(list.length).toBeGreaterThanOrEqual(249);
    expect(list.map((c) => c.code)).toEqual(list.map((c) => c.code).sort());
    for (const c of list) {
      expect(isCountryCode(c.code), c.code).toBe(true);
      expect(c.release).toBe(LEGAL_DATA_RELEASE);
      expect(c.eu_eea).toBe(!c.third_country);
      for (const lang of ["en", "da", "sv"] as const) expect(c.name[lang], `${c.code} ${lang}`).toBe(countryName(c.code, lang));
    }
    expect(
      list
        .filter((c) => c.eu_eea)
        .map((c) => c.code)
        .sort(),
    ).toEqual([...EU_MEMBER_STATES, ...EEA_EFTA, ...EU_TERRITORIES.map(([c]) => c)].sort());
    expect(list.filter((c) => c.adequacy !== null).map((c) => c.code)).toEqual(DECISIONS.map(([code]) => code));
  });

  it("the bases of EU/EEA membership", () => {
    expect(countryInfo("DK")!.eu_eea_basis).toBe("eu_member_state");
    expect(countryInfo("NO")!.eu_eea_basis).toBe("eea_efta_state");
    expect(countryInfo("RE")!.eu_eea_basis).toBe("eu_outermost_region");
    expect(countryInfo("AX")!.eu_eea_basis).toBe("eu_special_territory");
    expect(countryInfo("GB")!.eu_eea_basis).toBeNull();
  });

  it("the United Kingdom as served", () => {
    expect(countryInfo("GB")).toEqual({
      object: "country",
      code: "GB",
      name: { en: "United Kingdom", da: "Storbritannien", sv: "Storbritannien" },
      eu_eea: false,
      eu_eea_basis: null,
      part_of: null,
      third_country: true,
      classification: "adequacy",
      adequacy: { ...ADEQUACY.get("GB")!, in_force: true },
      release: LEGAL_DATA_RELEASE,
    });
  });

  it.each(["XX", "UK", "EU", "gb", "", "GBR"])("%j is no country", (code) => {
    expect(countryInfo(code)).toBeNull();
  });

  it("the source names the release", () => {
    expect(CLASSIFICATION_SOURCE).toMatchObject({ checked_on: LEGAL_DATA_RELEASE, release: LEGAL_DATA_RELEASE });
  });
});

describe("isCountryCode", () => {
  it.each([
    ["XX", "not assigned"],
    ["dk", "lower case"],
    ["UK", "not the ISO code of the United Kingdom (GB)"],
    ["EU", "not a country"],
    ["D", "too short"],
    ["DNK", "alpha-3"],
    ["", "empty"],
    [" DK", "white space"],
  ])("rejects %j (%s)", (code) => {
    expect(isCountryCode(code)).toBe(false);
  });

  it.each(["DK", "SE", "GB", "US", "CN", "AX", "MF"])("accepts %s", (code) => {
    expect(isCountryCode(code)).toBe(true);
  });
});

describe("countryName", () => {
  it.each([
    ["DK", "da", "Danmark"],
    ["SE", "sv", "Sverige"],
    ["DE", "en", "Germany"],
    ["DK", "en", "Denmark"],
    ["SE", "da", "Sverige"],
    ["DE", "sv", "Tyskland"],
  ] as const)("%s in %s is %s", (code, lang, name) => {
    expect(countryName(code, lang)).toBe(name);
  });

  it("defaults to English", () => {
    expect(countryName("NO")).toBe("Norway");
  });
});

describe("worstClassification", () => {
  it.each<[Classification[], Classification]>([
    [[], "eu_eea"],
    [["eu_eea"], "eu_eea"],
    [["eu_eea", "eu_eea"], "eu_eea"],
    [["eu_eea", "adequacy"], "adequacy"],
    [["adequacy", "eu_eea"], "adequacy"],
    [["adequacy", "third_country", "eu_eea"], "third_country"],
    [["third_country"], "third_country"],
    [["third_country", "adequacy"], "third_country"],
  ])("of %j is %s", (list, expected) => {
    expect(worstClassification(list)).toBe(expected);
  });

  it("takes any iterable", () => {
    expect(worstClassification(new Set<Classification>(["adequacy", "eu_eea"]))).toBe("adequacy");
  });
});
