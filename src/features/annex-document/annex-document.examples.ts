import type { z } from "zod";
import { EXAMPLE_IDS, EXAMPLE_TIMES } from "../examples";
import type { AnnexDocument } from "./annex-document.schemas";

type Row = z.output<typeof AnnexDocument>["rows"][number];

/** What the document says of a sub-processor in the EU/EEA engaged by the processor itself. */
const inTheEu = () => ({
  classification: { code: "eu_eea" as const, label: "EU/EØS" },
  dpf_certified: false,
  transfer_basis: { mechanism: null, label: "Ikke relevant" },
  parent: null,
});

const hetzner: Row = {
  id: EXAMPLE_IDS.hetzner,
  ref: "hetzner",
  name: "Hetzner Online GmbH",
  registration: { scheme: "eu_vat", number: "DE812871812", text: "DE812871812 (EU-momsnr.)" },
  address: {
    street: "Industriestr. 25",
    postal_code: "91710",
    city: "Gunzenhausen",
    region: null,
    country: "DE",
    country_name: "Tyskland",
    text: "Industriestr. 25, 91710 Gunzenhausen, Tyskland",
  },
  description: "Hosting, storage and primary backup of the care system (dedicated servers)",
  locations: [
    {
      id: EXAMPLE_IDS.hetznerFalkenstein,
      ref: "hetzner-fsn",
      label: "Hetzner data centre park Falkenstein",
      country: "DE",
      country_name: "Tyskland",
      activities: ["hosting", "storage", "backup"],
      text: "Hetzner data centre park Falkenstein (Falkenstein/Vogtland, Tyskland)",
    },
  ],
  ...inTheEu(),
  contact: { name: "Data Protection Officer", email: "data-protection@hetzner.com" },
};

const microsoft: Row = {
  id: EXAMPLE_IDS.microsoftIreland,
  ref: "microsoft-ireland",
  name: "Microsoft Ireland Operations Limited",
  registration: { scheme: "eu_vat", number: "IE8256796U", text: "IE8256796U (EU-momsnr.)" },
  address: {
    street: "One Microsoft Place, South County Business Park, Leopardstown",
    postal_code: "D18 P521",
    city: "Dublin",
    region: null,
    country: "IE",
    country_name: "Irland",
    text: "One Microsoft Place, South County Business Park, Leopardstown, D18 P521 Dublin, Irland",
  },
  description: "Off-site backup and disaster recovery of the care system (Azure)",
  locations: [
    {
      id: EXAMPLE_IDS.azureNorthEurope,
      ref: "azure-north-europe",
      label: "Microsoft Azure North Europe (Dublin)",
      country: "IE",
      country_name: "Irland",
      activities: ["backup", "disaster_recovery"],
      text: "Microsoft Azure North Europe (Dublin) (Dublin, Irland)",
    },
  ],
  ...inTheEu(),
  contact: { name: "EU Data Protection Officer", email: "eudpo@microsoft-ireland.example" },
};

/** `format=json&lang=da`: the rows of the document, labelled in Danish. */
export const annexDocumentExample: z.output<typeof AnnexDocument> = {
  object: "annex_document",
  agreement: {
    id: EXAMPLE_IDS.agreement,
    title: "Databehandleraftale – omsorgssystem til hjemmeplejen",
    controller_reference: "AAK-2026-0412",
    authorisation: "specific",
    controller: {
      id: EXAMPLE_IDS.aarhus,
      name: "Aarhus Kommune",
      registration: { scheme: "dk_cvr", number: "55133018", text: "55133018 (CVR)" },
      address: {
        street: "Rådhuspladsen 2",
        postal_code: "8000",
        city: "Aarhus C",
        region: null,
        country: "DK",
        country_name: "Danmark",
        text: "Rådhuspladsen 2, 8000 Aarhus C, Danmark",
      },
    },
    processor: {
      id: EXAMPLE_IDS.nordcare,
      name: "NordCare Systems ApS",
      registration: { scheme: "dk_cvr", number: "41726385", text: "41726385 (CVR)" },
      address: { street: "Lyskær 3", postal_code: "2730", city: "Herlev", region: null, country: "DK", country_name: "Danmark", text: "Lyskær 3, 2730 Herlev, Danmark" },
    },
  },
  version: 2,
  effective_at: EXAMPLE_TIMES.approved,
  lang: "da",
  rows: [hetzner, microsoft],
};
