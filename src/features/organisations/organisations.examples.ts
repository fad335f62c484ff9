import type { z } from "zod";
import { EXAMPLE_IDS, EXAMPLE_TIMES } from "../examples";
import type { ApiKey, CreateApiKeyBody, CreatedApiKey, CreateOrganisationBody, Organisation } from "./organisations.schemas";

export const createOrganisationExample: z.input<typeof CreateOrganisationBody> = {
  name: "Aarhus Kommune",
  registration: { scheme: "dk_cvr", number: "55133018" },
  address: { street: "Rådhuspladsen 2", postal_code: "8000", city: "Aarhus C", country: "DK" },
  public_authority: true,
  time_zone: "Europe/Copenhagen",
};

/** The controller of the story. */
export const aarhusKommune: z.output<typeof Organisation> = {
  object: "organisation",
  id: EXAMPLE_IDS.aarhus,
  name: "Aarhus Kommune",
  registration: { scheme: "dk_cvr", number: "55133018" },
  country: "DK",
  address: { street: "Rådhuspladsen 2", postal_code: "8000", city: "Aarhus C", country: "DK" },
  public_authority: true,
  time_zone: "Europe/Copenhagen",
  created_at: EXAMPLE_TIMES.organisationsCreated,
};

/** The processor of the story. */
export const nordCare: z.output<typeof Organisation> = {
  object: "organisation",
  id: EXAMPLE_IDS.nordcare,
  name: "NordCare Systems ApS",
  registration: { scheme: "dk_cvr", number: "41726385" },
  country: "DK",
  address: { street: "Lyskær 3", postal_code: "2730", city: "Herlev", country: "DK" },
  public_authority: false,
  time_zone: "Europe/Copenhagen",
  created_at: "2026-09-01T08:05:00.000Z",
};

export const createApiKeyExample: z.input<typeof CreateApiKeyBody> = { name: "ESDH integration (Acadre)", scope: "write" };

export const apiKeyExample: z.output<typeof ApiKey> = {
  object: "api_key",
  id: EXAMPLE_IDS.aarhusKey,
  organisation_id: EXAMPLE_IDS.aarhus,
  user_id: null,
  name: "ESDH integration (Acadre)",
  prefix: "sk_live_4Khp",
  scope: "write",
  expires_at: null,
  last_used_at: "2026-11-22T09:58:00.000Z",
  created_at: "2026-09-01T08:10:00.000Z",
  revoked_at: null,
};

export const createdApiKeyExample: z.output<typeof CreatedApiKey> = {
  ...apiKeyExample,
  last_used_at: null,
  secret: "sk_live_4KhpKnURc2JVJNxolxUNjgiCaHPChLus",
};

/** A key tied to a person: what it does names her, and it can do no more than her role. */
const personalKey: z.output<typeof ApiKey> = {
  object: "api_key",
  id: EXAMPLE_IDS.metteKey,
  organisation_id: EXAMPLE_IDS.aarhus,
  user_id: EXAMPLE_IDS.mette,
  name: "Mette Hansen: decisions from ESDH",
  prefix: "sk_live_AO4A",
  scope: "write",
  expires_at: "2027-09-02T00:00:00.000Z",
  last_used_at: "2026-11-20T10:15:00.000Z",
  created_at: "2026-09-02T08:00:00.000Z",
  revoked_at: null,
};

export const apiKeyListExample = [personalKey, apiKeyExample];

export const revokedApiKeyExample: z.output<typeof ApiKey> = { ...apiKeyExample, revoked_at: EXAMPLE_TIMES.now };
