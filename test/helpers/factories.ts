import { expect } from "vitest";
import type { HttpApi } from "./app";

export interface TestOrg {
  id: string;
  key: string;
  name: string;
}

let counter = 0;
let cvrBody = 1_000_000;

/**
 * A CVR number not handed out before in this test process, with a valid check digit: weights
 * 2,7,6,5,4,3,2,1 and a weighted sum divisible by 11 (bodies whose check digit would be 10 are skipped).
 */
export function nextCvr(): string {
  for (;;) {
    const body = String(++cvrBody);
    const r = [2, 7, 6, 5, 4, 3, 2].reduce((sum, w, i) => sum + w * Number(body[i]), 0) % 11;
    if (r !== 1) return `${body}${(11 - r) % 11}`;
  }
}

/** An organisation with one API key, created by the operator through the API. */
export async function createOrg(t: HttpApi, name = `Org ${++counter}`, country = "DK"): Promise<TestOrg> {
  const registration = country === "SE" ? { scheme: "se_orgnr", number: "212000-1355" } : { scheme: "dk_cvr", number: nextCvr() };
  const org = await t.call(t.operatorKey, "POST", "/v1/organisations", {
    name,
    registration,
    address: { street: "Rådhuspladsen 1", postal_code: "1550", city: "København V", country },
  });
  expect(org.status, JSON.stringify(org.body)).toBe(201);
  const key = await t.call(t.operatorKey, "POST", `/v1/organisations/${org.body.id}/api-keys`, { name: "test" });
  expect(key.status, JSON.stringify(key.body)).toBe(201);
  return { id: org.body.id, key: key.body.secret, name };
}

export const address = (country = "DK", city = "Ballerup") => ({ street: "Lautrupvang 1", postal_code: "2750", city, country });

/** A valid baseline annex: one Danish location, one Danish sub-processor. */
export function baselineAnnex() {
  return {
    locations: [{ ref: "dc-dk", label: "Primary data centre", address: address("DK"), activities: ["hosting"] }],
    sub_processors: [
      {
        ref: "nordhost",
        legal_name: "NordHost A/S",
        registration: { scheme: "dk_cvr", number: "31415926" },
        address: address("DK"),
        description: "Hosting",
        locations: ["dc-dk"],
      },
    ],
  };
}

/** A US sub-processor processing in the US under SCCs, not DPF-certified: a third-country entry. */
export function usAnnex() {
  return {
    locations: [
      ...baselineAnnex().locations,
      { ref: "us-east", label: "US region", address: { street: "410 Terry Ave N", postal_code: "98109", city: "Seattle", region: "WA", country: "US" }, activities: ["hosting"] },
    ],
    sub_processors: [
      ...baselineAnnex().sub_processors,
      {
        ref: "uscloud",
        legal_name: "US Cloud Inc.",
        registration: { scheme: "us_ein", number: "91-1646860" },
        address: { street: "410 Terry Ave N", postal_code: "98109", city: "Seattle", country: "US" },
        description: "Analytics",
        locations: ["us-east"],
        transfer_mechanism: { type: "sccs_2021_914", module: "module_3" },
      },
    ],
  };
}

export interface AgreementOptions {
  authorisation?: "specific" | "general";
  third_country_transfers?: "prohibited" | "with_transfer_mechanism";
  notice_days?: number;
  annex?: unknown;
}

/** A proposed agreement, then confirmed by the controller: active with version 1. */
export async function createActiveAgreement(t: HttpApi, processor: TestOrg, controller: TestOrg, opts: AgreementOptions = {}) {
  const proposed = await t.call(processor.key, "POST", "/v1/agreements", {
    controller_id: controller.id,
    title: "Databehandleraftale",
    authorisation: opts.authorisation ?? "general",
    third_country_transfers: opts.third_country_transfers ?? "with_transfer_mechanism",
    notice_days: opts.notice_days ?? 30,
    annex: opts.annex ?? baselineAnnex(),
  });
  expect(proposed.status, JSON.stringify(proposed.body)).toBe(201);
  const confirmed = await t.call(controller.key, "POST", `/v1/agreements/${proposed.body.id}/confirm`);
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
  return confirmed.body as { id: string; [k: string]: unknown };
}

/** The id of an organisation's first API key, read by the operator. */
export async function firstKeyId(t: HttpApi, organisationId: string): Promise<string> {
  const keys = await t.call(t.operatorKey, "GET", `/v1/organisations/${organisationId}/api-keys`);
  expect(keys.status, JSON.stringify(keys.body)).toBe(200);
  return keys.body.data.at(-1).id as string;
}

/** A change-request operation adding a Swedish backup sub-processor at the baseline's location. */
export const addBackupOp = (ref: string) => ({
  op: "add_sub_processor",
  sub_processor: {
    ref,
    legal_name: `Backup ${ref} AB`,
    registration: { scheme: "se_orgnr", number: "556677-8899" },
    address: { street: "Kista Allévägen 5", postal_code: "164 55", city: "Kista", country: "SE" },
    description: "Backup",
    locations: ["dc-dk"],
  },
});

/** A change-request operation adding a Polish backup sub-processor (EU/EEA) at the given location ref. */
export const addPolishBackupOp = (location = "dc-dk") => ({
  op: "add_sub_processor",
  sub_processor: {
    ref: "polbackup",
    legal_name: "PolBackup sp. z o.o.",
    registration: { scheme: "eu_vat", number: "PL5260250995" },
    address: { street: "ul. Prosta 1", postal_code: "00-838", city: "Warszawa", country: "PL" },
    description: "Second backup copy",
    locations: [location],
  },
});

/** A change adding a UK support provider at its own London location: outside the EU/EEA, with an adequacy decision. */
export const ukSupportOps = () => {
  const london = { street: "1 Principal Place", postal_code: "EC2A 2FA", city: "London", country: "GB" };
  return [
    { op: "add_location", location: { ref: "london", label: "Support centre", address: london, activities: ["support"] } },
    {
      op: "add_sub_processor",
      sub_processor: {
        ref: "night",
        legal_name: "Night Desk Ltd",
        registration: { scheme: "gb_crn", number: "04241161" },
        address: london,
        description: "Support",
        locations: ["london"],
      },
    },
  ];
};
