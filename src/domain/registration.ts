import type { FieldError } from "./errors";

/** Registration-number schemes: the national register each number belongs to. */
export const REGISTRATION_SCHEMES = {
  dk_cvr: { name: "CVR-nummer (Denmark)", pattern: /^\d{8}$/, example: "12345678" },
  se_orgnr: { name: "Organisationsnummer (Sweden)", pattern: /^\d{6}-?\d{4}$/, example: "212000-1355" },
  no_orgnr: { name: "Organisasjonsnummer (Norway)", pattern: /^\d{9}$/, example: "974760673" },
  fi_ytunnus: { name: "Y-tunnus (Finland)", pattern: /^\d{7}-\d$/, example: "0112038-9" },
  gb_crn: { name: "Company registration number (UK)", pattern: /^[A-Z0-9]{8}$/, example: "04241161" },
  de_hr: { name: "Handelsregisternummer (Germany)", pattern: /^HR[AB] ?\d{1,7}( ?[A-Z]{1,3})?$/, example: "HRB 86891" },
  eu_vat: { name: "EU VAT identification number", pattern: /^[A-Z]{2}[0-9A-Z+*]{2,13}$/, example: "IE6388047V" },
  us_ein: { name: "Employer Identification Number (US)", pattern: /^\d{2}-?\d{7}$/, example: "91-1646860" },
  other: { name: "Other register (name it in the number)", pattern: /^.{1,64}$/, example: "LEI 5493001KJTIIGC8Y1R12" },
} as const;

export type RegistrationScheme = keyof typeof REGISTRATION_SCHEMES;
export const REGISTRATION_SCHEME_CODES = Object.keys(REGISTRATION_SCHEMES) as [RegistrationScheme, ...RegistrationScheme[]];

/** Checks a registration number against the format of its scheme. */
export function checkRegistration(reg: { scheme: string; number: string }, pointer: string): FieldError[] {
  const scheme = REGISTRATION_SCHEMES[reg.scheme as RegistrationScheme];
  if (!scheme || scheme.pattern.test(reg.number)) return [];
  return [{ pointer: `${pointer}/number`, rule: `format_${reg.scheme}`, detail: `"${reg.number}" is not a ${scheme.name}; expected the form ${scheme.example}.` }];
}
