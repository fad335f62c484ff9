import type { z } from "zod";
import { CLASSIFICATION_SOURCE, countryInfo, internationalOrganisationInfo, LEGAL_DATA_RELEASE } from "../../domain/countries";
import type { Country, CountryList } from "./countries.schemas";

// The examples are the table's own answers, as on the day of its release: they change only with it.
const ON = new Date(`${LEGAL_DATA_RELEASE}T12:00:00.000Z`);

/** The United Kingdom: a third country, with an adequacy decision in force. */
export const countryExample: z.output<typeof Country> = countryInfo("GB", ON)!;

/** Three of the table's rows (a member state, a full adequacy decision, one scoped to DPF-certified recipients) and an international organisation. */
export const countryListExample: z.output<typeof CountryList> = {
  object: "list",
  release: LEGAL_DATA_RELEASE,
  source: CLASSIFICATION_SOURCE,
  data: ["DK", "GB", "US"].map((code) => countryInfo(code, ON)!),
  international_organisations: [internationalOrganisationInfo("EPO", ON)!],
};
