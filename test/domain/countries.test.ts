import { describe, expect, it } from "vitest";
import { ADEQUACY, type Classification, classifyCountry, countryName, EU_EEA, isCountryCode, worstClassification } from "../../src/domain/countries";

const EU_MEMBER_STATES = [
  "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
  "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
];
const EEA_EFTA = ["IS", "LI", "NO"];

describe("the EU/EEA list", () => {
  it("holds exactly the 27 member states and the three EEA EFTA states", () => {
    expect(EU_MEMBER_STATES).toHaveLength(27);
    expect([...EU_EEA].sort()).toEqual([...EU_MEMBER_STATES, ...EEA_EFTA].sort());
  });
});

describe.each([...EU_MEMBER_STATES, ...EEA_EFTA])("EU/EEA country %s", (code) => {
  it.each([true, false])("is eu_eea (dpfCertified: %s) and a valid code", (dpfCertified) => {
    expect(classifyCountry(code, { dpfCertified })).toBe("eu_eea");
    expect(isCountryCode(code)).toBe(true);
  });
});

describe("adequacy decisions", () => {
  it.each(["GB", "BR", "CH", "JP", "KR", "AD", "AR", "CA", "FO", "GG", "IL", "IM", "JE", "NZ", "UY"])("%s is in the adequacy list", (code) => {
    expect(ADEQUACY.has(code)).toBe(true);
  });

  it.each([...ADEQUACY.entries()])("%s is adequacy for any recipient, a valid code, and names its decision", (code, decision) => {
    expect(classifyCountry(code, { dpfCertified: false })).toBe("adequacy");
    expect(classifyCountry(code, { dpfCertified: true })).toBe("adequacy");
    expect(isCountryCode(code)).toBe(true);
    expect(decision).toMatch(/Decision/);
    expect(EU_EEA.has(code)).toBe(false);
  });

  it("does not list the United States: it is adequate only per recipient", () => {
    expect(ADEQUACY.has("US")).toBe(false);
  });
});

describe("the United States", () => {
  it.each<[boolean, Classification]>([
    [true, "adequacy"],
    [false, "third_country"],
  ])("with dpfCertified %s is %s", (dpfCertified, expected) => {
    expect(classifyCountry("US", { dpfCertified })).toBe(expected);
  });
});

describe("third countries", () => {
  it.each(["CN", "IN", "RU", "AU", "SG", "TR"])("%s is third_country even for a DPF-certified recipient", (code) => {
    expect(isCountryCode(code)).toBe(true);
    expect(classifyCountry(code, { dpfCertified: false })).toBe("third_country");
    expect(classifyCountry(code, { dpfCertified: true })).toBe("third_country");
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

  it.each(["DK", "SE", "GB", "US", "CN"])("accepts %s", (code) => {
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
