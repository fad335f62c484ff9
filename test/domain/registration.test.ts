import { describe, expect, it } from "vitest";
import { checkRegistration, REGISTRATION_SCHEME_CODES, REGISTRATION_SCHEMES, type RegistrationScheme } from "../../src/domain/registration";

const check = (scheme: string, number: string) => checkRegistration({ scheme, number }, "/registration");

/** Numbers that pass: real public registrations where one is known, else numbers whose check digit was computed. */
const VALID: [RegistrationScheme, string, string][] = [
  ["dk_cvr", "29189633", "Skanderborg Kommune"],
  ["dk_cvr", "55133018", "Aarhus Kommune"],
  ["dk_cvr", "70960516", "Hørsholm Kommune"],
  ["dk_cvr", "64942212", "Københavns Kommune"],
  ["dk_cvr", "12345674", "computed: remainder 7, check digit 4"],
  ["dk_cvr", "27182828", "computed: remainder 0, check digit 0"],
  ["se_orgnr", "212000-1355", "10 digits with hyphen"],
  ["se_orgnr", "2120001355", "10 digits"],
  ["se_orgnr", "16212000-1355", "century prefix 16, hyphen"],
  ["se_orgnr", "162120001355", "century prefix 16"],
  ["se_orgnr", "556677-8899", "computed"],
  ["se_orgnr", "212000-1124", "Malmö stad"],
  ["no_orgnr", "974760673", "Brønnøysundregistrene"],
  ["no_orgnr", "923609016", "computed"],
  ["no_orgnr", "982463718", "computed"],
  ["fi_ytunnus", "0112038-9", "Nokia Oyj"],
  ["fi_ytunnus", "0201256-6", "computed"],
  ["fi_ytunnus", "2331972-7", "computed"],
  ["eu_vat", "DK29189633", "DK: the CVR-nummer"],
  ["eu_vat", "SE212000135501", "SE: organisationsnummer and 01"],
  ["eu_vat", "FI01120389", "FI: the Y-tunnus without hyphen"],
  ["eu_vat", "DE136695976", "DE: ISO 7064 MOD 11,10"],
  ["eu_vat", "NL004495445B01", "NL: 11-test"],
  ["eu_vat", "NL000099998B57", "NL: MOD 97-10 (sole trader)"],
  ["eu_vat", "PL5260250995", "PL: modulus 11"],
  ["eu_vat", "IE6388047V", "IE: 7 digits and check letter"],
  ["eu_vat", "IE3628739UA", "IE: with a second letter"],
  ["eu_vat", "IE8Z49289F", "IE: the old form"],
  ["eu_vat", "FR40303265045", "FR: numeric key"],
  ["eu_vat", "FRK7399859412", "FR: alphanumeric key"],
  ["eu_vat", "BE0403019261", "BE: 97 − (first 8 mod 97)"],
  ["eu_vat", "ATU13585627", "AT"],
  ["eu_vat", "IT00743110157", "IT: Luhn"],
  ["eu_vat", "ESA13585625", "ES: CIF with digit"],
  ["eu_vat", "ESX2482300W", "ES: NIE"],
  ["eu_vat", "ES54362315K", "ES: NIF"],
  ["eu_vat", "BG123456789", "BG: format only"],
  ["eu_vat", "EL123456789", "EL (Greece): format only"],
  ["eu_vat", "XI123456789", "XI (Northern Ireland): format only"],
  ["lei", "5493001KJTIIGC8Y1R12", "the example of ISO 17442"],
  ["lei", "529900T8BM49AURSDO55", "computed"],
  ["lei", "HWUPKR0MPOU8FGXBT394", "computed"],
  ["gb_crn", "04241161", "format only"],
  ["gb_crn", "SC123456", "format only"],
  ["de_hr", "HRB 86891", "format only"],
  ["de_hr", "HRA12345", "format only"],
  ["us_ein", "91-1646860", "format only"],
  ["us_ein", "911646861", "format only: no check digit to be wrong"],
  ["other", "LEI 5493001KJTIIGC8Y1R12", "free text"],
];

/** The right form, the wrong check digit(s): refused with `check_digit_<scheme>`, the detail naming what is expected. */
const WRONG_CHECK_DIGIT: [RegistrationScheme, string, string][] = [
  ["dk_cvr", "29189634", "the last digit should be 3, not 4"],
  ["dk_cvr", "55133019", "the last digit should be 8, not 9"],
  ["dk_cvr", "27182818", "no last digit makes a valid number after 2718281"],
  ["se_orgnr", "212000-1354", "the last digit should be 5, not 4"],
  ["se_orgnr", "16212000-1356", "the last digit should be 5, not 6"],
  ["se_orgnr", "556677-1234", "the last digit should be 3, not 4"],
  ["no_orgnr", "974760674", "the last digit should be 3, not 4"],
  ["fi_ytunnus", "0112038-8", "the last digit should be 9, not 8"],
  ["eu_vat", "DK29189634", "for DK, the last digit should be 3, not 4"],
  ["eu_vat", "SE212000135601", "for SE, the 10th digit should be 5, not 6"],
  ["eu_vat", "FI01120388", "for FI, the last digit should be 9, not 8"],
  ["eu_vat", "DE136695977", "for DE, the last digit should be 6, not 7"],
  ["eu_vat", "NL004495446B01", "for NL"],
  ["eu_vat", "PL5260250996", "for PL, the last digit should be 5, not 6"],
  ["eu_vat", "IE6388047W", "for IE, the check letter (8th character) should be V, not W"],
  ["eu_vat", "FR41303265045", "for FR, the key (first two digits) should be 40, not 41"],
  ["eu_vat", "FRK8399859412", "for FR, the key K8 (first two characters) does not belong to the SIREN 399859412"],
  ["eu_vat", "BE0403019262", "for BE, the last two digits should be 61, not 62"],
  ["eu_vat", "ATU13585628", "for AT, the last digit should be 7, not 8"],
  ["eu_vat", "IT00743110158", "for IT, the last digit should be 7, not 8"],
  ["eu_vat", "ESA13585626", "for ES, the last character should be 5 or E, not 6"],
  ["eu_vat", "ESX2482300A", "for ES, the last letter should be W, not A"],
  ["lei", "5493001KJTIIGC8Y1R13", "the check digits (last two) should be 12, not 13"],
];

/** The wrong form: refused with `format_<scheme>`, whatever the digits. */
const WRONG_FORMAT: [RegistrationScheme, string][] = [
  ["dk_cvr", "2918963"],
  ["dk_cvr", "29 18 96 33"],
  ["dk_cvr", "DK29189633"],
  ["se_orgnr", "21200-01355"],
  ["se_orgnr", "17212000-1355"],
  ["se_orgnr", "212000 1355"],
  ["no_orgnr", "97476067"],
  ["no_orgnr", "974 760 673"],
  ["fi_ytunnus", "01120389"],
  ["fi_ytunnus", "112038-9"],
  ["eu_vat", "dk29189633"],
  ["eu_vat", "GB980780684"],
  ["eu_vat", "GR123456789"],
  ["eu_vat", "DK2918963"],
  ["eu_vat", "NL004495445C01"],
  ["eu_vat", "ATU1358562"],
  ["eu_vat", "SE2120001355"],
  ["eu_vat", "DE036695976"],
  ["eu_vat", "BG12345678"],
  ["lei", "5493001KJTIIGC8Y1R1"],
  ["lei", "5493001kjtiigc8y1r12"],
  ["lei", "5493001KJTIIGC8Y1RAB"],
  ["gb_crn", "4241161"],
  ["de_hr", "HRC 86891"],
  ["us_ein", "91-16468600"],
  ["other", ""],
  ["other", "x".repeat(65)],
];

const CHECKED_SCHEMES = REGISTRATION_SCHEME_CODES.filter((s) => "check" in REGISTRATION_SCHEMES[s]);

describe("checkRegistration", () => {
  it.each(VALID)("%s %s is accepted (%s)", (scheme, number) => {
    expect(check(scheme, number)).toEqual([]);
  });

  it.each(WRONG_CHECK_DIGIT)("%s %s is refused for its check digit", (scheme, number, expected) => {
    const errors = check(scheme, number);
    expect(errors).toEqual([{ pointer: "/registration/number", rule: `check_digit_${scheme}`, detail: expect.stringContaining(expected) }]);
    expect(errors[0]!.detail).toContain(`"${number}"`);
  });

  it.each(WRONG_FORMAT)("%s %j is refused for its format", (scheme, number) => {
    const errors = check(scheme, number);
    expect(errors).toEqual([{ pointer: "/registration/number", rule: `format_${scheme}`, detail: expect.any(String) }]);
  });

  it("the EU VAT format error says why: not an EU prefix, or the country's form", () => {
    expect(check("eu_vat", "GB980780684")[0]!.detail).toContain("GB is not the VAT prefix of an EU member state");
    expect(check("eu_vat", "DK2918963")[0]!.detail).toContain("DK must be followed by 8 digits");
    expect(check("eu_vat", "BG12345678")[0]!.detail).toContain("only the format of BG numbers is checked");
  });

  it.each(REGISTRATION_SCHEME_CODES)("the example of %s is itself valid", (scheme) => {
    expect(check(scheme, REGISTRATION_SCHEMES[scheme].example)).toEqual([]);
  });

  it("the tables cover every scheme: valid and wrong-format numbers for each, a wrong check digit for each with a check", () => {
    expect(new Set(VALID.map(([s]) => s))).toEqual(new Set(REGISTRATION_SCHEME_CODES));
    expect(new Set(WRONG_FORMAT.map(([s]) => s))).toEqual(new Set(REGISTRATION_SCHEME_CODES));
    expect(new Set(WRONG_CHECK_DIGIT.map(([s]) => s))).toEqual(new Set(CHECKED_SCHEMES));
    expect(CHECKED_SCHEMES.sort()).toEqual(["dk_cvr", "eu_vat", "fi_ytunnus", "lei", "no_orgnr", "se_orgnr"]);
  });

  // modulus 11 (prime), Luhn and MOD 97-10 all catch any one mistyped digit
  const SINGLE_DIGIT: [RegistrationScheme, string][] = [
    ["dk_cvr", "29189633"],
    ["se_orgnr", "212000-1355"],
    ["no_orgnr", "974760673"],
    ["fi_ytunnus", "0112038-9"],
    ["lei", "5493001KJTIIGC8Y1R12"],
    ["eu_vat", "DE136695976"],
    ["eu_vat", "PL5260250995"],
    ["eu_vat", "IT00743110157"],
    ["eu_vat", "ATU13585627"],
    ["eu_vat", "BE0403019261"],
    ["eu_vat", "FR40303265045"],
  ];
  it.each(SINGLE_DIGIT)("%s %s: every one-digit typing error is caught by the check digit", (scheme, number) => {
    const missed: string[] = [];
    [...number].forEach((c, i) => {
      if (!/\d/.test(c) || (scheme === "eu_vat" && i < 2)) return;
      for (let d = 0; d <= 9; d++) {
        if (String(d) === c) continue;
        const typo = `${number.slice(0, i)}${d}${number.slice(i + 1)}`;
        const errors = check(scheme, typo);
        // DE and BE also have a format rule on their first digit
        if (errors[0]?.rule !== `check_digit_${scheme}` && errors[0]?.rule !== `format_${scheme}`) missed.push(typo);
        else if (errors[0].rule === `format_${scheme}` && !(scheme === "eu_vat" && i === 2)) missed.push(`${typo} (format)`);
      }
    });
    expect(missed).toEqual([]);
  });

  it("an unknown scheme is left to the schema's enum", () => {
    expect(check("xx_reg", "123")).toEqual([]);
    expect(check("__proto__", "123")).toEqual([]);
  });
});
