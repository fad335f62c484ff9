import { createRoute, z } from "@hono/zod-openapi";
import { jsonContent, publicErrorResponses } from "../../http/router";
import { CountryCodeParam, Country, CountryList } from "./countries.schemas";
import { countryExample, countryListExample } from "./countries.examples";

const tags = ["Countries"];
/** Public: no API key; any Authorization header is ignored. */
const security: [] = [];

/** Every answer of these routes is cacheable for a day; the ETag changes with the release (and with any change of the answer). */
const cacheHeaders = z.object({
  "X-Request-Id": z.string().openapi({ description: "This request's id, as in the logs" }),
  "Cache-Control": z.string().openapi({ example: "public, max-age=86400" }),
  ETag: z.string().openapi({ description: "Derived from the table's release and the answer; send it back as If-None-Match", example: '"2026-11-27.3f1c9a0b5e7d2c4a"' }),
});

const IfNoneMatch = z.object({
  "if-none-match": z
    .string()
    .optional()
    .openapi({ param: { name: "if-none-match", in: "header" }, description: "An ETag of an earlier answer: 304 while it is current" }),
});

const notModified = { description: "Not modified: the copy with the ETag sent in If-None-Match is current", headers: cacheHeaders };

export const listCountries = createRoute({
  method: "get",
  path: "/v1/countries",
  operationId: "listCountries",
  summary: "The legal reference data: every country's place in GDPR chapter V, and the international organisations with an adequacy decision",
  description:
    "Public, no API key. Every ISO 3166-1 alpha-2 code sorted by code (not paginated: the table is small), with its names, whether it is in the EU/EEA (with Åland and France's outermost regions, which have codes of their own), whether it is a third country (any country outside the EU/EEA, adequacy or not), its classification and its adequacy decision (number, adoption, expiry, scope, source). International organisations (no ISO code, keyed e.g. `EPO`) are listed in `international_organisations`. Every entry carries the table's `release`. Cacheable for a day; revalidate with If-None-Match.",
  tags,
  security,
  request: { headers: IfNoneMatch },
  responses: {
    200: { ...jsonContent(CountryList, "The table", countryListExample), headers: cacheHeaders },
    304: notModified,
    ...publicErrorResponses({}),
  },
});

export const getCountry = createRoute({
  method: "get",
  path: "/v1/countries/{code}",
  operationId: "getCountry",
  summary: "One country's place in GDPR chapter V",
  description:
    "Public, no API key. The code is case-insensitive (`gb` is `GB`). A code that is not two letters is 422 (`errors` names the path parameter and the rule); two letters that are not an assigned ISO 3166-1 alpha-2 code (e.g. `UK`, `EU`) are 404. Cacheable for a day; revalidate with If-None-Match.",
  tags,
  security,
  request: { params: CountryCodeParam, headers: IfNoneMatch },
  responses: {
    200: { ...jsonContent(Country, "The country", countryExample), headers: cacheHeaders },
    304: notModified,
    ...publicErrorResponses({
      404: "Two letters, but not an assigned ISO 3166-1 alpha-2 code",
      422: "The code is not two letters; `errors` names the path parameter and the rule",
    }),
  },
});

export type ListCountriesRoute = typeof listCountries;
export type GetCountryRoute = typeof getCountry;
