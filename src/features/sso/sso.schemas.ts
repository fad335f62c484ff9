import { z } from "@hono/zod-openapi";
import { ROLES } from "../../domain/people";
import { text, Timestamp } from "../../http/schemas";

/** A domain name as addresses end in it: labels of letters, digits and hyphens, a dot between each. */
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i;

const Role = z.enum(ROLES);

export const SsoConnection = z
  .object({
    object: z.literal("sso_connection"),
    organisation_id: z.string().openapi({ example: "org_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C" }),
    issuer: z.string().openapi({ example: "https://login.kommune.example/realms/staff" }),
    client_id: z.string().openapi({ example: "subprocessor-registry" }),
    client_secret_set: z.literal(true).openapi({ description: "The client secret is kept to authenticate to the provider and never shown again" }),
    email_domain: z.string().openapi({ example: "kommune.example" }),
    default_role: Role.openapi({ description: "The role of a person provisioned on their first sign-in" }),
    enabled: z.boolean(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("SsoConnection");

export const PutSsoConnectionBody = z
  .strictObject({
    issuer: z.string().min(1).max(2048).openapi({
      description: "The provider's issuer identifier; discovery reads <issuer>/.well-known/openid-configuration",
      example: "https://login.kommune.example/realms/staff",
    }),
    client_id: text(255).openapi({ example: "subprocessor-registry" }),
    client_secret: z.string().min(1).max(2048).openapi({ description: "Kept to authenticate to the provider; never returned" }),
    email_domain: z
      .string()
      .trim()
      .refine((s) => DOMAIN.test(s), { message: "A domain name, such as kommune.example (no @).", params: { rule: "domain" } })
      .openapi({ description: "Only addresses of this domain sign in through the provider; one organisation per domain", example: "kommune.example" }),
    // viewer: whoever the provider lets in reads first; an admin raises the role of who decides (docs/rules.md, "People and sign-in")
    default_role: Role.default("viewer").openapi({ description: "The role of a person provisioned on their first sign-in; viewer unless said otherwise" }),
    enabled: z.boolean().default(true),
  })
  .openapi("PutSsoConnection");

export const DeletedSsoConnection = z.object({ object: z.literal("sso_connection"), organisation_id: z.string(), deleted: z.literal(true) }).openapi("DeletedSsoConnection");
