import type { LocationInput, SubProcessorInput } from "../../src/domain/annex";

// Small annex inputs for the domain's unit tests: an address, a location and a sub-processor from a ref and a country.

export const addr = (country: string, city = "Somewhere", street = "Main Street 1") => ({ street, postal_code: "1000", city, country });

export const loc = (ref: string, country = "DK", extra: Partial<LocationInput> = {}): LocationInput => ({
  ref,
  label: `Location ${ref}`,
  address: addr(country),
  activities: ["hosting"],
  ...extra,
});

export const sp = (ref: string, country: string, locations: string[], extra: Partial<SubProcessorInput> = {}): SubProcessorInput => ({
  ref,
  legal_name: `${ref} Ltd`,
  registration: { scheme: "other", number: `REG ${ref}` },
  address: addr(country),
  description: "Processing",
  locations,
  ...extra,
});

export const SCCS = { type: "sccs_2021_914", module: "module_3" } as const;
