import { type AnnexContent, classifyAnnex, transferWarnings } from "../../domain/annex";
import { countryName } from "../../domain/countries";

/** The annex as the API shows it: every entry with its country, country name and computed classification. */
export function presentAnnexContent(content: AnnexContent) {
  const classified = classifyAnnex(content);
  const withCountry = <T extends { address: { country: string }; transfer_mechanism: Parameters<typeof transferWarnings>[0] }>(e: T) => ({
    ...e,
    country: e.address.country,
    country_name: countryName(e.address.country),
    warnings: transferWarnings(e.transfer_mechanism),
  });
  return {
    third_country: classified.third_country,
    locations: classified.locations.map(withCountry),
    sub_processors: classified.sub_processors.map((s) => ({
      ...withCountry(s),
      pipeda_covered: s.pipeda_covered === true,
      international_organisation: s.international_organisation ?? null,
      contact: s.contact ?? null,
    })),
  };
}
