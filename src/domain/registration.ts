import type { FieldError } from "./errors";

/**
 * A check-digit test on a number that already has its scheme's format: undefined when the number
 * passes, else what the check digit(s) should be, in words for the API's users.
 */
type Check = (number: string) => string | undefined;

const digitsOf = (s: string) => [...s.replace(/\D/g, "")].map(Number);
const weightedSum = (digits: number[], weights: number[]) => weights.reduce((sum, w, i) => sum + w * digits[i]!, 0);

/** The digit that, appended, makes `body` pass the Luhn (mod 10) test. */
export function luhnCheckDigit(body: string): number {
  let sum = 0;
  digitsOf(body)
    .reverse()
    .forEach((d, i) => {
      sum += i % 2 ? d : d * 2 > 9 ? d * 2 - 9 : d * 2;
    });
  return (10 - (sum % 10)) % 10;
}

/** ISO 7064 MOD 97-10 remainder of an alphanumeric string, letters worth A=10 … Z=35. */
export function mod97(s: string): number {
  let r = 0;
  for (const c of s) {
    const v = parseInt(c, 36);
    r = (r * (v > 9 ? 100 : 10) + v) % 97;
  }
  return r;
}

/** ISO 7064 MOD 11,10 check digit (German VAT numbers). */
function mod11_10(body: string): number {
  let p = 10;
  for (const d of digitsOf(body)) p = (2 * ((d + p) % 10 || 10)) % 11;
  return (11 - p) % 10;
}

/** Compares the check character(s) found with the expected ones; `null` expected means none can be right. */
const compare = (what: string, expected: string | number | null, found: string, body: string) =>
  expected === null ? `no ${what} makes a valid number after ${body}` : String(expected) === found ? undefined : `the ${what} should be ${expected}, not ${found}`;

/** Modulus 11 with the weights on the leading digits; the remainder gives the check digit through `digit`. */
const mod11 = (n: string, weights: number[], digit: (remainder: number) => number | null, what = "last digit") => {
  const ds = digitsOf(n);
  return compare(what, digit(weightedSum(ds, weights) % 11), String(ds[weights.length]), ds.slice(0, weights.length).join(""));
};

/** Danish CVR: weights 2,7,6,5,4,3,2 and a last digit (weight 1) bringing the sum to a multiple of 11. */
const cvr: Check = (n) => mod11(n, [2, 7, 6, 5, 4, 3, 2], (r) => (r ? (11 - r === 10 ? null : 11 - r) : 0));
/** Swedish organisationsnummer: Luhn over the 10 digits after any century prefix. */
const orgnrSe = (n: string, what = "last digit") => {
  const ten = digitsOf(n).slice(-10).join("");
  return compare(what, luhnCheckDigit(ten.slice(0, 9)), ten[9]!, ten.slice(0, 9));
};
/** Finnish Y-tunnus (and the FI VAT number, the same digits): weights 7,9,10,5,8,4,2. */
const ytunnus: Check = (n) => mod11(n, [7, 9, 10, 5, 8, 4, 2], (r) => (r === 0 ? 0 : r === 1 ? null : 11 - r));

/**
 * The VAT prefixes accepted by VIES: the 27 member states (Greece is EL) and XI (Northern Ireland,
 * under the Windsor Framework); GB is not EU. Each has the format of what follows the prefix, the
 * format in words, and a check-digit test where the member state's rule is public. Countries without
 * a test here (BG CY CZ EE EL HR HU LT LU LV MT PT RO SI SK XI) are checked for their format only.
 */
const VAT: Record<string, [RegExp, string, Check?]> = {
  AT: [
    /^U\d{8}$/,
    "U and 8 digits",
    (n) => {
      let sum = 0;
      digitsOf(n)
        .slice(0, 7)
        .forEach((d, i) => {
          sum += i % 2 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d;
        });
      return compare("last digit", (96 - sum) % 10, n.at(-1)!, n.slice(1, 8));
    },
  ],
  BE: [/^[01]\d{9}$/, "10 digits beginning with 0 or 1", (n) => compare("last two digits", String(97 - (Number(n.slice(0, 8)) % 97)).padStart(2, "0"), n.slice(8), n.slice(0, 8))],
  BG: [/^\d{9,10}$/, "9 or 10 digits"],
  CY: [/^\d{8}[A-Z]$/, "8 digits and a letter"],
  CZ: [/^\d{8,10}$/, "8 to 10 digits"],
  DE: [/^[1-9]\d{8}$/, "9 digits not beginning with 0", (n) => compare("last digit", mod11_10(n.slice(0, 8)), n[8]!, n.slice(0, 8))],
  DK: [/^\d{8}$/, "8 digits", cvr],
  EE: [/^\d{9}$/, "9 digits"],
  EL: [/^\d{9}$/, "9 digits"],
  ES: [
    /^[A-Z0-9]\d{7}[A-Z0-9]$/,
    "9 characters: a letter or digit, 7 digits, a letter or digit",
    (n) => {
      const letter = (i: number) => "TRWAGMYFPDXBNJZSQVHLCKE"[i % 23]!;
      // NIF of a person: 8 digits (K, L, M: 7 digits) or an NIE (X, Y, Z = 0, 1, 2), then a letter from the number mod 23
      if (/^[\dKLMXYZ]/.test(n))
        return compare(
          "last letter",
          letter(
            Number(
              n
                .slice(0, 8)
                .replace(/[KLMX]/, "0")
                .replace("Y", "1")
                .replace("Z", "2"),
            ),
          ),
          n[8]!,
          n.slice(0, 8),
        );
      // CIF of a legal entity: the Luhn digit of the 7 digits, or the letter at that place in JABCDEFGHI
      const c = luhnCheckDigit(n.slice(1, 8));
      const ok = [String(c), "JABCDEFGHI"[c]!];
      return ok.includes(n[8]!) ? undefined : `the last character should be ${ok.join(" or ")}, not ${n[8]}`;
    },
  ],
  FI: [/^\d{8}$/, "8 digits", ytunnus],
  FR: [
    /^[0-9A-HJ-NP-Z]{2}\d{9}$/,
    "2 characters (the key) and the 9-digit SIREN",
    (n) => {
      // a numeric key is (12 + 3 × (SIREN mod 97)) mod 97; an alphanumeric one (newer numbers) passes a mod 11 test against the SIREN
      if (/^\d\d/.test(n)) return compare("key (first two digits)", String((12 + 3 * (Number(n.slice(2)) % 97)) % 97).padStart(2, "0"), n.slice(0, 2), n.slice(2));
      const a = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
      const k = /^\d/.test(n) ? a.indexOf(n[0]!) * 24 + a.indexOf(n[1]!) - 10 : a.indexOf(n[0]!) * 34 + a.indexOf(n[1]!) - 100;
      return (Number(n.slice(2)) + 1 + Math.floor(k / 11)) % 11 === k % 11
        ? undefined
        : `the key ${n.slice(0, 2)} (first two characters) does not belong to the SIREN ${n.slice(2)}`;
    },
  ],
  HR: [/^\d{11}$/, "11 digits"],
  HU: [/^\d{8}$/, "8 digits"],
  IE: [
    /^(\d{7}[A-W][A-IW]?|\d[A-Z+*]\d{5}[A-W])$/,
    "7 digits and 1 or 2 letters",
    (n) => {
      // the old form 1X23456L is read as 0234561L
      const v = /^\d[A-Z+*]/.test(n) ? `0${n.slice(2, 7)}${n[0]}${n[7]}` : n;
      const alphabet = "WABCDEFGHIJKLMNOPQRSTUV";
      const sum = weightedSum(digitsOf(v.slice(0, 7)), [8, 7, 6, 5, 4, 3, 2]) + 9 * alphabet.indexOf(v[8] ?? "W");
      return compare("check letter (8th character)", alphabet[sum % 23]!, v[7]!, n.slice(0, 7));
    },
  ],
  IT: [/^\d{11}$/, "11 digits", (n) => compare("last digit", luhnCheckDigit(n.slice(0, 10)), n[10]!, n.slice(0, 10))],
  LT: [/^(\d{9}|\d{12})$/, "9 or 12 digits"],
  LU: [/^\d{8}$/, "8 digits"],
  LV: [/^\d{11}$/, "11 digits"],
  MT: [/^[1-9]\d{7}$/, "8 digits"],
  NL: [
    /^\d{9}B\d{2}$/,
    "9 digits, B and 2 digits",
    (n) => {
      // the 11-test of the RSIN (weights 9 … 2, the 9th digit is the remainder), or, for sole traders since 2020, ISO 7064 MOD 97-10 over NL and the number
      const ds = digitsOf(n.slice(0, 9));
      return weightedSum(ds, [9, 8, 7, 6, 5, 4, 3, 2]) % 11 === ds[8] || mod97(`NL${n}`) === 1
        ? undefined
        : "the 9th digit should make the number pass the 11-test, or the whole number the MOD 97-10 check";
    },
  ],
  PL: [/^\d{10}$/, "10 digits", (n) => mod11(n, [6, 5, 7, 2, 3, 4, 5, 6, 7], (r) => (r === 10 ? null : r))],
  PT: [/^\d{9}$/, "9 digits"],
  RO: [/^[1-9]\d{1,9}$/, "2 to 10 digits"],
  SE: [/^\d{10}01$/, "the 10-digit organisationsnummer and 01", (n) => orgnrSe(n.slice(0, 10), "10th digit")],
  SI: [/^[1-9]\d{7}$/, "8 digits"],
  SK: [/^\d{10}$/, "10 digits"],
  XI: [/^(\d{9}|\d{12}|GD[0-4]\d\d|HA[5-9]\d\d)$/, "9 or 12 digits"],
};

/**
 * Registration-number schemes: the national register each number belongs to, the format, and the
 * check-digit test where the register publishes one. gb_crn (Companies House), de_hr (a number per
 * Registergericht, unique only with the court's name), us_ein (IRS) and other carry no check digit,
 * so for them only the format is checked.
 */
export const REGISTRATION_SCHEMES = {
  dk_cvr: { name: "CVR-nummer (Denmark)", pattern: /^\d{8}$/, example: "29189633", check: cvr },
  se_orgnr: {
    name: "Organisationsnummer (Sweden)",
    pattern: /^((16|18|19|20)\d{6}|\d{6})-?\d{4}$/,
    example: "212000-1355",
    check: orgnrSe,
  },
  no_orgnr: {
    name: "Organisasjonsnummer (Norway)",
    pattern: /^\d{9}$/,
    example: "974760673",
    check: ((n) => mod11(n, [3, 2, 7, 6, 5, 4, 3, 2], (r) => (r === 0 ? 0 : r === 1 ? null : 11 - r))) as Check,
  },
  fi_ytunnus: { name: "Y-tunnus (Finland)", pattern: /^\d{7}-\d$/, example: "0112038-9", check: ytunnus },
  gb_crn: { name: "Company registration number (UK)", pattern: /^[A-Z0-9]{8}$/, example: "04241161" },
  de_hr: { name: "Handelsregisternummer (Germany)", pattern: /^HR[AB] ?\d{1,7}( ?[A-Z]{1,3})?$/, example: "HRB 86891" },
  eu_vat: {
    name: "EU VAT identification number",
    pattern: /^[A-Z]{2}[0-9A-Z+*]{2,13}$/,
    example: "IE6388047V",
    check: ((n) => {
      const wrong = VAT[n.slice(0, 2)]![2]?.(n.slice(2));
      return wrong && `for ${n.slice(0, 2)}, ${wrong}`;
    }) as Check,
  },
  us_ein: { name: "Employer Identification Number (US)", pattern: /^\d{2}-?\d{7}$/, example: "91-1646860" },
  lei: {
    name: "Legal Entity Identifier (ISO 17442)",
    pattern: /^[A-Z0-9]{18}\d{2}$/,
    example: "5493001KJTIIGC8Y1R12",
    // valid when the whole identifier gives 1 under MOD 97-10; issued check digits are 98 − (the first 18 characters and 00, mod 97)
    check: ((n) =>
      mod97(n) === 1 ? undefined : compare("check digits (last two)", String(98 - mod97(`${n.slice(0, 18)}00`)).padStart(2, "0"), n.slice(18), n.slice(0, 18))) as Check,
  },
  other: { name: "Other register (name it in the number)", pattern: /^.{1,64}$/, example: "LEI 5493001KJTIIGC8Y1R12" },
} as const satisfies Record<string, { name: string; pattern: RegExp; example: string; check?: Check }>;

export type RegistrationScheme = keyof typeof REGISTRATION_SCHEMES;
export const REGISTRATION_SCHEME_CODES = Object.keys(REGISTRATION_SCHEMES) as [RegistrationScheme, ...RegistrationScheme[]];

/** "an EU VAT …", "a CVR-nummer …" */
const withArticle = (name: string) => `${/^[AEIOU]/.test(name) ? "an" : "a"} ${name}`;

/** The format rule of one number: the pattern of its scheme and, for eu_vat, that of its country. */
function formatProblem(scheme: RegistrationScheme, number: string): string | undefined {
  const { name, pattern, example } = REGISTRATION_SCHEMES[scheme];
  if (scheme === "eu_vat" && pattern.test(number)) {
    const prefix = number.slice(0, 2);
    const rule = VAT[prefix];
    if (!rule)
      return `"${number}" is not ${withArticle(name)}: ${prefix} is not the VAT prefix of an EU member state (expected one of ${Object.keys(VAT).join(", ")}: Greece is EL, XI is Northern Ireland, and GB is not in the EU).`;
    if (!rule[0].test(number.slice(2)))
      return `"${number}" is not ${withArticle(name)}: ${prefix} must be followed by ${rule[1]}${rule[2] ? "" : ` (only the format of ${prefix} numbers is checked)`}.`;
    return undefined;
  }
  return pattern.test(number) ? undefined : `"${number}" is not ${withArticle(name)}; expected the form ${example}.`;
}

/** Checks a registration number against the format of its scheme, then against its check digits. */
export function checkRegistration(reg: { scheme: string; number: string }, pointer: string): FieldError[] {
  if (!Object.hasOwn(REGISTRATION_SCHEMES, reg.scheme)) return [];
  const scheme = reg.scheme as RegistrationScheme;
  const at = `${pointer}/number`;
  const format = formatProblem(scheme, reg.number);
  if (format) return [{ pointer: at, rule: `format_${scheme}`, detail: format }];
  const def = REGISTRATION_SCHEMES[scheme];
  const wrong = "check" in def ? def.check(reg.number) : undefined;
  if (!wrong) return [];
  return [{ pointer: at, rule: `check_digit_${scheme}`, detail: `"${reg.number}" is not a valid ${def.name}: ${wrong}. Check the number for a typing error.` }];
}
