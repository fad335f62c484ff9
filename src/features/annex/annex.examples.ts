import type { z } from "zod";
import { EXAMPLE_IDS, EXAMPLE_TIMES, listExample } from "../examples";
import type { Annex, AnnexContent, AnnexDiff, AnnexInput, AnnexVersionSummary, Location, SubProcessor } from "./annex.schemas";

const falkenstein = { street: "Am Datacenter-Park 1", postal_code: "08223", city: "Falkenstein/Vogtland", country: "DE" };
const herlev = { street: "Lyskær 3", postal_code: "2730", city: "Herlev", country: "DK" };
const gunzenhausen = { street: "Industriestr. 25", postal_code: "91710", city: "Gunzenhausen", country: "DE" };
const hetznerContact = { name: "Data Protection Officer", email: "data-protection@hetzner.com" };

/** The baseline annex as the processor proposes it: Hetzner's servers in Germany, its own support staff in Herlev. */
export const annexInputExample: z.input<typeof AnnexInput> = {
  locations: [
    { ref: "hetzner-fsn", label: "Hetzner data centre park Falkenstein", address: falkenstein, activities: ["hosting", "storage", "backup"] },
    {
      ref: "nordcare-herlev",
      label: "NordCare support and operations",
      address: herlev,
      activities: ["support", "operations"],
      description: "Second-line support and operations staff; remote access to the production environment",
    },
  ],
  sub_processors: [
    {
      ref: "hetzner",
      legal_name: "Hetzner Online GmbH",
      registration: { scheme: "eu_vat", number: "DE812871812" },
      address: gunzenhausen,
      description: "Hosting, storage and backup of the care system (dedicated servers)",
      locations: ["hetzner-fsn"],
      contact: hetznerContact,
    },
  ],
};

/** The classification the annex computes for an entry in the EU/EEA. */
const inTheEu = { classification: "eu_eea", third_country: false } as const;

const hetznerFalkenstein: z.output<typeof Location> = {
  id: EXAMPLE_IDS.hetznerFalkenstein,
  ref: "hetzner-fsn",
  label: "Hetzner data centre park Falkenstein",
  address: falkenstein,
  country: "DE",
  country_name: "Germany",
  activities: ["hosting", "storage", "backup"],
  description: null,
  transfer_mechanism: null,
  ...inTheEu,
  warnings: [],
};

const nordcareHerlev: z.output<typeof Location> = {
  id: EXAMPLE_IDS.nordcareHerlev,
  ref: "nordcare-herlev",
  label: "NordCare support and operations",
  address: herlev,
  country: "DK",
  country_name: "Denmark",
  activities: ["support", "operations"],
  description: "Second-line support and operations staff; remote access to the production environment",
  transfer_mechanism: null,
  ...inTheEu,
  warnings: [],
};

const azureNorthEurope: z.output<typeof Location> = {
  id: EXAMPLE_IDS.azureNorthEurope,
  ref: "azure-north-europe",
  label: "Microsoft Azure North Europe (Dublin)",
  address: { street: "Grange Castle Business Park", postal_code: "D22 XR57", city: "Dublin", country: "IE" },
  country: "IE",
  country_name: "Ireland",
  activities: ["backup", "disaster_recovery"],
  description: null,
  transfer_mechanism: null,
  ...inTheEu,
  warnings: [],
};

const hetznerV1: z.output<typeof SubProcessor> = {
  id: EXAMPLE_IDS.hetzner,
  ref: "hetzner",
  legal_name: "Hetzner Online GmbH",
  registration: { scheme: "eu_vat", number: "DE812871812" },
  address: gunzenhausen,
  country: "DE",
  country_name: "Germany",
  description: "Hosting, storage and backup of the care system (dedicated servers)",
  location_ids: [EXAMPLE_IDS.hetznerFalkenstein],
  parent_id: null,
  dpf_certified: false,
  pipeda_covered: false,
  international_organisation: null,
  transfer_mechanism: null,
  contact: hetznerContact,
  ...inTheEu,
  warnings: [],
};

const hetznerV2: z.output<typeof SubProcessor> = { ...hetznerV1, description: "Hosting, storage and primary backup of the care system (dedicated servers)" };

/** Added by the change request of the story. */
export const microsoftIreland: z.output<typeof SubProcessor> = {
  id: EXAMPLE_IDS.microsoftIreland,
  ref: "microsoft-ireland",
  legal_name: "Microsoft Ireland Operations Limited",
  registration: { scheme: "eu_vat", number: "IE8256796U" },
  address: { street: "One Microsoft Place, South County Business Park, Leopardstown", postal_code: "D18 P521", city: "Dublin", country: "IE" },
  country: "IE",
  country_name: "Ireland",
  description: "Off-site backup and disaster recovery of the care system (Azure)",
  location_ids: [EXAMPLE_IDS.azureNorthEurope],
  parent_id: null,
  dpf_certified: false,
  pipeda_covered: false,
  international_organisation: null,
  transfer_mechanism: null,
  contact: { name: "EU Data Protection Officer", email: "eudpo@microsoft-ireland.example" },
  ...inTheEu,
  warnings: [],
};

/** Version 1, the baseline: also what a proposed agreement carries as `proposed_annex`. */
export const baselineContentExample: z.output<typeof AnnexContent> = {
  third_country: false,
  locations: [hetznerFalkenstein, nordcareHerlev],
  sub_processors: [hetznerV1],
};

export const annexVersion1Example: z.output<typeof Annex> = {
  object: "annex",
  agreement_id: EXAMPLE_IDS.agreement,
  version: 1,
  effective_at: EXAMPLE_TIMES.confirmed,
  change_request_id: null,
  created_at: EXAMPLE_TIMES.confirmed,
  ...baselineContentExample,
};

/** Version 2, in force since the controller approved the change. */
export const annexExample: z.output<typeof Annex> = {
  object: "annex",
  agreement_id: EXAMPLE_IDS.agreement,
  version: 2,
  effective_at: EXAMPLE_TIMES.approved,
  change_request_id: EXAMPLE_IDS.changeRequest,
  created_at: EXAMPLE_TIMES.approved,
  third_country: false,
  locations: [hetznerFalkenstein, nordcareHerlev, azureNorthEurope],
  sub_processors: [hetznerV2, microsoftIreland],
};

const summary = (s: Omit<z.output<typeof AnnexVersionSummary>, "object" | "agreement_id" | "third_country">): z.output<typeof AnnexVersionSummary> => ({
  object: "annex_version",
  agreement_id: EXAMPLE_IDS.agreement,
  third_country: false,
  ...s,
});

export const annexVersionsExample = listExample([
  summary({ version: 2, effective_at: EXAMPLE_TIMES.approved, change_request_id: EXAMPLE_IDS.changeRequest, created_at: EXAMPLE_TIMES.approved, locations: 3, sub_processors: 2 }),
  summary({ version: 1, effective_at: EXAMPLE_TIMES.confirmed, change_request_id: null, created_at: EXAMPLE_TIMES.confirmed, locations: 2, sub_processors: 1 }),
]);

export const annexDiffExample: z.output<typeof AnnexDiff> = {
  object: "annex_diff",
  agreement_id: EXAMPLE_IDS.agreement,
  from: 1,
  to: 2,
  locations: { added: [azureNorthEurope], removed: [], changed: [] },
  sub_processors: {
    added: [microsoftIreland],
    removed: [],
    changed: [
      {
        id: EXAMPLE_IDS.hetzner,
        before: hetznerV1,
        after: hetznerV2,
        changes: [{ field: "description", from: hetznerV1.description, to: hetznerV2.description }],
      },
    ],
  },
};
