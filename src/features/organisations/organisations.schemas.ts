import { z } from "@hono/zod-openapi";
import { isTimeZone } from "../../domain/time-zones";
import { Address, CountryCode, DateTimeInput, Registration, text, Timestamp } from "../../http/schemas";

const TimeZone = z
  .string()
  .max(64)
  .refine(isTimeZone, { params: { rule: "iana_time_zone" }, message: "An IANA time zone, such as Europe/Copenhagen." })
  .openapi({ example: "Europe/Copenhagen" });

export const CreateOrganisationBody = z
  .strictObject({
    name: text(200).openapi({ example: "Aarhus Kommune" }),
    registration: Registration,
    address: Address,
    public_authority: z.boolean().optional().openapi({
      description: "A public authority (a municipality, a region, an agency). Default false. As a controller it may not rely on GDPR Art. 49(1)(a)–(c) derogations (Art. 49(3))",
    }),
    time_zone: TimeZone.optional().openapi({
      description:
        "The IANA time zone the organisation's deadlines are counted in: a notice to it ends at 24:00 there on its last day. Default: its country's (Europe/Copenhagen for DK, Europe/Stockholm for SE), else UTC",
    }),
  })
  .openapi("CreateOrganisation");

export const Organisation = z
  .object({
    object: z.literal("organisation"),
    id: z.string().openapi({ example: "org_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C" }),
    name: z.string(),
    registration: Registration,
    country: CountryCode,
    address: Address,
    public_authority: z.boolean(),
    time_zone: z.string().openapi({ description: "IANA time zone its deadlines are counted in", example: "Europe/Copenhagen" }),
    created_at: Timestamp,
  })
  .openapi("Organisation");

export const CreateApiKeyBody = z
  .strictObject({
    name: text(100).openapi({ example: "case-management integration" }),
    scope: z.enum(["read", "write"]).default("write").openapi({ description: "read: GET requests only; write: everything the organisation may do" }),
    expires_at: DateTimeInput.optional().openapi({ description: "After this instant the key answers 401" }),
    user_id: z.string().optional().openapi({
      description:
        "Ties the key to a person of the organisation: what it does names them, it can do no more than their role, and it stops working when they are deactivated. Without it, an organisation key.",
    }),
  })
  .openapi("CreateApiKey");

export const ApiKey = z
  .object({
    object: z.literal("api_key"),
    id: z.string().openapi({ example: "key_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C" }),
    organisation_id: z.string(),
    user_id: z.string().nullable().openapi({ description: "The person the key acts for; null: an organisation key" }),
    name: z.string(),
    prefix: z.string().openapi({ description: "The visible start of the secret", example: "sk_live_Ab12" }),
    scope: z.enum(["read", "write"]),
    expires_at: Timestamp.nullable(),
    last_used_at: Timestamp.nullable().openapi({ description: "Updated at most once a minute" }),
    created_at: Timestamp,
    revoked_at: Timestamp.nullable(),
  })
  .openapi("ApiKey");

export const CreatedApiKey = ApiKey.extend({
  secret: z.string().openapi({ description: "Shown once, at creation; only its hash is stored", example: "sk_live_Ab12…" }),
}).openapi("CreatedApiKey");

export const OrganisationIdParam = z.object({
  organisation_id: z.string().openapi({ param: { name: "organisation_id", in: "path" }, example: "org_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C" }),
});

export const ApiKeyParams = OrganisationIdParam.extend({
  key_id: z.string().openapi({ param: { name: "key_id", in: "path" }, example: "key_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C" }),
});
