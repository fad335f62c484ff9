import type { z } from "zod";
import { EXAMPLE_IDS, EXAMPLE_TIMES } from "../examples";
import type { DeletedSsoConnection, PutSsoConnectionBody, SsoConnection } from "./sso.schemas";

export const putSsoConnectionExample: z.input<typeof PutSsoConnectionBody> = {
  issuer: "https://login.aarhus.example/realms/staff",
  client_id: "subprocessor-registry",
  client_secret: "0f3c6e1a9b7d4c2e8a5f1b3d6c9e2a4f",
  email_domain: "aarhus.example",
  default_role: "viewer",
};

/** The municipality signs its staff in through its own OpenID provider; newcomers read until an admin raises their role. */
export const ssoConnectionExample: z.output<typeof SsoConnection> = {
  object: "sso_connection",
  organisation_id: EXAMPLE_IDS.aarhus,
  issuer: "https://login.aarhus.example/realms/staff",
  client_id: "subprocessor-registry",
  client_secret_set: true,
  email_domain: "aarhus.example",
  default_role: "viewer",
  enabled: true,
  created_at: "2026-09-05T09:00:00.000Z",
  updated_at: EXAMPLE_TIMES.now,
};

export const deletedSsoConnectionExample: z.output<typeof DeletedSsoConnection> = { object: "sso_connection", organisation_id: EXAMPLE_IDS.aarhus, deleted: true };
