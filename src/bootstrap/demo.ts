import { eq } from "drizzle-orm";
import { schema } from "../../db/client";
import type { Deps } from "../deps";
import type { z } from "@hono/zod-openapi";
import type { AnnexInput } from "../features/annex/annex.schemas";
import { hashSecret } from "../core/crypto";
import { createAgreement } from "../features/agreements/agreements.service";
import { createOrganisation, insertApiKey } from "../features/organisations/organisations.service";
import { inviteUser } from "../features/users/users.service";
import type { Ctx } from "../core/context";
import type { SubmitChangeRequestBody } from "../features/change-requests/change-requests.schemas";
import { submitChangeRequest } from "../features/change-requests/change-requests.service";
import { updateOwnPublicPage } from "../features/public-page/public-page.service";

/** Well-known keys of the demo data: for local trials only, printed at every demo start. */
/** The demo's people: each signs in with their address at /console/sign-in (the link is written to the log and ./data/mail). */
export const DEMO_PEOPLE = {
  dpoA: { email: "dpo@aarhus.example", name: "Mette Hansen", who: "Aarhus Kommune, data protection officer" },
  dpoB: { email: "dataskydd@malmo.example", name: "Karin Lindqvist", who: "Malmö stad, data protection officer" },
  processorAdmin: { email: "compliance@omsorgspartner.example", name: "Jonas Berg", who: "Omsorgspartner ApS, compliance (admin)" },
} as const;

export const DEMO_KEYS = {
  operator: "sk_live_demo_operator_0000000000",
  processor: "sk_live_demo_processor_000000000",
  controllerA: "sk_live_demo_controller_a_000000",
  controllerB: "sk_live_demo_controller_b_000000",
} as const;

/** The demo's pending changes: an EU/EEA addition, and a UK one (outside the EU/EEA, with an adequacy decision). */
const DEMO_CHANGES: Record<"polishBackup" | "ukSupport", z.infer<typeof SubmitChangeRequestBody>["operations"]> = {
  polishBackup: [
    {
      op: "add_sub_processor",
      sub_processor: {
        ref: "polbackup",
        legal_name: "PolBackup sp. z o.o.",
        registration: { scheme: "eu_vat", number: "PL5260250995" },
        address: { street: "ul. Prosta 1", postal_code: "00-838", city: "Warszawa", country: "PL" },
        description: "Second backup copy",
        locations: ["backup-stockholm"],
        dpf_certified: false,
      },
    },
  ],
  ukSupport: [
    {
      op: "add_location",
      location: {
        ref: "london",
        label: "Support centre",
        address: { street: "1 Principal Place", postal_code: "EC2A 2FA", city: "London", country: "GB" },
        activities: ["support"],
      },
    },
    {
      op: "add_sub_processor",
      sub_processor: {
        ref: "nightdesk",
        legal_name: "Night Desk Ltd",
        registration: { scheme: "gb_crn", number: "04241161" },
        address: { street: "1 Principal Place", postal_code: "EC2A 2FA", city: "London", country: "GB" },
        description: "Night-time first-line support",
        locations: ["london"],
        dpf_certified: false,
      },
    },
  ],
};

export const DEMO_BASELINE: z.infer<typeof AnnexInput> = {
  locations: [
    {
      ref: "dc-ballerup",
      label: "Primary data centre",
      address: { street: "Lautrupvang 1", postal_code: "2750", city: "Ballerup", country: "DK" },
      activities: ["hosting", "storage"],
    },
    {
      ref: "backup-stockholm",
      label: "Backup site",
      address: { street: "Kista Allévägen 5", postal_code: "164 55", city: "Kista", country: "SE" },
      activities: ["backup", "disaster_recovery"],
    },
  ],
  sub_processors: [
    {
      ref: "nordhost",
      legal_name: "NordHost A/S",
      registration: { scheme: "dk_cvr", number: "31415926" },
      address: { street: "Lautrupvang 1", postal_code: "2750", city: "Ballerup", country: "DK" },
      description: "Hosting and operation of the care system",
      locations: ["dc-ballerup"],
      dpf_certified: false,
    },
    {
      ref: "backupbolaget",
      legal_name: "Backupbolaget AB",
      registration: { scheme: "se_orgnr", number: "556677-8899" },
      address: { street: "Kista Allévägen 5", postal_code: "164 55", city: "Kista", country: "SE" },
      description: "Encrypted off-site backup",
      locations: ["backup-stockholm"],
      dpf_certified: false,
      parent: "nordhost",
    },
  ],
};

/**
 * Seeds one processor, two controllers and four active agreements (each controller: one
 * general; A one specific, B one prohibiting third-country transfers), two pending changes (one
 * conflicting with B's instruction) and the processor's public page. Runs once per database.
 */
export async function seedDemo(deps: Deps): Promise<{ seeded: boolean; organisations: Record<string, string> }> {
  const operator: Ctx = { ...deps, actor: { kind: "operator", keyId: "demo", keyPrefix: "demo" } };
  const existing = await deps.db.query.apiKeys.findFirst({ where: eq(schema.apiKeys.secretHash, await hashSecret(DEMO_KEYS.processor)) });
  if (existing) {
    const orgs = await deps.db.query.apiKeys.findMany({ where: eq(schema.apiKeys.name, "demo") });
    return { seeded: false, organisations: Object.fromEntries(orgs.map((k) => [k.prefix, k.organisationId ?? ""])) };
  }
  const org = async (
    name: string,
    registration: { scheme: "dk_cvr" | "se_orgnr"; number: string },
    address: z.infer<typeof AnnexInput>["locations"][number]["address"],
    secret: string,
  ) => {
    const o = await createOrganisation({ ctx: operator, input: { name, registration, address } });
    await insertApiKey(deps.db, { id: deps.newId("apiKey"), organisationId: o.id, name: "demo", secret, now: deps.clock.now() });
    return o.id;
  };
  const processor = await org(
    "Omsorgspartner ApS",
    { scheme: "dk_cvr", number: "12345674" },
    { street: "Vestergade 12", postal_code: "8000", city: "Aarhus C", country: "DK" },
    DEMO_KEYS.processor,
  );
  const controllerA = await org(
    "Aarhus Kommune",
    { scheme: "dk_cvr", number: "55133018" },
    { street: "Rådhuspladsen 2", postal_code: "8000", city: "Aarhus C", country: "DK" },
    DEMO_KEYS.controllerA,
  );
  const controllerB = await org(
    "Arbetsmarknadsnämnden, Malmö stad",
    { scheme: "se_orgnr", number: "212000-1124" },
    { street: "August Palms plats 1", postal_code: "205 80", city: "Malmö", country: "SE" },
    DEMO_KEYS.controllerB,
  );
  // the people who sign in: each organisation's admin, invited by the operator
  const person = (organisationId: string, p: (typeof DEMO_PEOPLE)[keyof typeof DEMO_PEOPLE]) =>
    inviteUser({ ctx: operator, organisationId, input: { email: p.email, name: p.name, role: "admin" } });
  await person(processor, DEMO_PEOPLE.processorAdmin);
  await person(controllerA, DEMO_PEOPLE.dpoA);
  await person(controllerB, DEMO_PEOPLE.dpoB);
  const agreement = (controller_id: string, title: string, authorisation: "general" | "specific", third_country_transfers: "prohibited" | "with_transfer_mechanism") =>
    createAgreement({ ctx: operator, input: { processor_id: processor, controller_id, title, authorisation, third_country_transfers, notice_days: 30, annex: DEMO_BASELINE } });
  const aGeneral = await agreement(controllerA, "Databehandleraftale — praktisk hjælp (generel godkendelse)", "general", "with_transfer_mechanism");
  const aSpecific = await agreement(controllerA, "Databehandleraftale — personlig pleje (specifik godkendelse)", "specific", "with_transfer_mechanism");
  const bGeneral = await agreement(controllerB, "Personuppgiftsbiträdesavtal — hemtjänst", "general", "with_transfer_mechanism");
  const bProhibited = await agreement(controllerB, "Personuppgiftsbiträdesavtal — LSS (inga överföringar till tredjeland)", "general", "prohibited");

  // something to decide: one change under a general and a specific authorisation, and one that
  // conflicts with an instruction prohibiting third-country transfers
  const asProcessor: Ctx = { ...deps, actor: { kind: "organisation", organisationId: processor, keyId: "demo", keyPrefix: "demo", scope: "write" } };
  await submitChangeRequest({
    ctx: asProcessor,
    input: { agreements: [aGeneral.id, aSpecific.id, bGeneral.id], operations: DEMO_CHANGES.polishBackup, reason: "A second, independent backup copy in Warsaw." },
  });
  await submitChangeRequest({
    ctx: asProcessor,
    input: { agreements: [bProhibited.id], operations: DEMO_CHANGES.ukSupport, reason: "Night-time support from our London helpdesk." },
  });
  await updateOwnPublicPage({ ctx: asProcessor, input: { enabled: true, slug: "omsorgspartner", agreements: "all" } });
  return { seeded: true, organisations: { processor, controllerA, controllerB } };
}
