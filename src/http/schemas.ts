import { z } from "@hono/zod-openapi";
import { isCountryCode } from "../domain/countries";
import { checkRegistration, REGISTRATION_SCHEME_CODES, REGISTRATION_SCHEMES } from "../domain/registration";

/** Non-blank text with a length cap; leading and trailing white space is dropped. */
export const text = (max: number) => z.string().trim().min(1).max(max);

export const CountryCode = z
  .string()
  .refine(isCountryCode, { message: "Not an ISO 3166-1 alpha-2 country code (upper case, e.g. DK, SE, US).", params: { rule: "iso_3166_1_alpha_2" } })
  .openapi({ description: "ISO 3166-1 alpha-2, upper case", example: "DK" });

export const Address = z
  .strictObject({
    street: text(200).openapi({ example: "Rådhuspladsen 1" }),
    postal_code: text(20).openapi({ example: "1550" }),
    city: text(100).openapi({ example: "København V" }),
    region: text(100).nullish(),
    country: CountryCode,
  })
  .openapi("Address", { description: "A full postal address (docs/rules.md, rule 2: precise addresses)" });

export const Registration = z
  .strictObject({
    scheme: z.enum(REGISTRATION_SCHEME_CODES).openapi({
      description: Object.entries(REGISTRATION_SCHEMES)
        .map(([k, v]) => `\`${k}\`: ${v.name}`)
        .join("; "),
    }),
    number: text(64).openapi({ example: "29189633" }),
  })
  .superRefine((reg, ctx) => {
    for (const e of checkRegistration(reg, "")) ctx.addIssue({ code: "custom", path: ["number"], message: e.detail, params: { rule: e.rule } });
  })
  .openapi("Registration", {
    description:
      "A registration number in its national register; the number must have the scheme's format and, where the register has one (dk_cvr, se_orgnr, no_orgnr, fi_ytunnus, lei, and eu_vat numbers of AT, BE, DE, DK, ES, FI, FR, IE, IT, NL, PL and SE), valid check digits",
  });

export const Timestamp = z.string().openapi({ format: "date-time", example: "2026-11-22T10:00:00.000Z" });

/** A person as a record names them, as they were at the time; null where a key or the service acted. */
export const PersonRef = z
  .object({
    id: z.string().openapi({ example: "usr_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C" }),
    name: z.string().nullable().openapi({ example: "Mette Hansen" }),
    email: z.string().openapi({ example: "mette.hansen@kommune.example" }),
  })
  .openapi("PersonRef");

/** An ISO 8601 date-time in a request (a `Z` or an offset), e.g. 2026-11-22T10:00:00Z. */
export const DateTimeInput = z.iso.datetime({ offset: true }).openapi({ example: "2026-11-22T10:00:00Z" });

/** Every POST takes an Idempotency-Key: the same key and body replays the first response. */
export const IdempotencyHeader = z.object({
  "idempotency-key": z
    .string()
    .min(1)
    .max(255)
    .optional()
    .openapi({
      param: { name: "idempotency-key", in: "header" },
      description: "Replays the first response for the same key and body (24 hours)",
      example: "8e03978e-40d5-43e8-bc93-6894a57f9324",
    }),
});
