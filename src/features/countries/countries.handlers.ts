import { createHash } from "node:crypto";
import type { Context } from "hono";
import type { ZodError } from "zod";
import { CLASSIFICATION_SOURCE, countryInfo, LEGAL_DATA_RELEASE, listCountries as allCountries, listInternationalOrganisations } from "../../domain/countries";
import { AppError, validationFailed } from "../../domain/errors";
import { type AppEnv, type AppRouteHandler, fieldErrors } from "../../http/router";
import type * as R from "./countries.routes";

const CACHE_CONTROL = "public, max-age=86400";

/** The release, and a digest of the answer: a new release, or an expired decision, is a new ETag. */
const etagOf = (body: string) => `"${LEGAL_DATA_RELEASE}.${createHash("sha256").update(body, "utf8").digest("hex").slice(0, 16)}"`;

/** If-None-Match names the current ETag (weak comparison, as for GET; `*` matches any). */
const isCurrent = (ifNoneMatch: string | undefined, etag: string) => ifNoneMatch?.split(",").some((t) => t.trim() === "*" || t.trim().replace(/^W\//, "") === etag);

/** A public, cacheable JSON answer, or 304 when the client's copy is current. */
function cachedJson(c: Context<AppEnv>, body: string, etag: string) {
  const headers = { "Cache-Control": CACHE_CONTROL, ETag: etag };
  if (isCurrent(c.req.header("if-none-match"), etag)) return c.body(null, 304, headers);
  return c.body(body, 200, { ...headers, "Content-Type": "application/json" });
}

// The answer depends on the day only through decisions that expire: one list per day is kept.
let listCache: { day: string; body: string; etag: string } | undefined;

function listFor(now: Date) {
  const day = now.toISOString().slice(0, 10);
  if (listCache?.day !== day) {
    const body = JSON.stringify({
      object: "list",
      release: LEGAL_DATA_RELEASE,
      source: CLASSIFICATION_SOURCE,
      data: allCountries(now),
      international_organisations: listInternationalOrganisations(now),
    });
    listCache = { day, body, etag: etagOf(body) };
  }
  return listCache;
}

export const listCountries: AppRouteHandler<R.ListCountriesRoute> = async (c) => {
  const { body, etag } = listFor(c.get("deps").clock.now());
  return cachedJson(c, body, etag);
};

export const getCountry: AppRouteHandler<R.GetCountryRoute> = async (c) => {
  const code = c.req.valid("param").code.toUpperCase();
  const info = countryInfo(code, c.get("deps").clock.now());
  if (!info) throw new AppError("not_found", `No country has the ISO 3166-1 alpha-2 code ${code}${code === "UK" ? " (the United Kingdom's is GB)" : ""}.`);
  const body = JSON.stringify(info);
  return cachedJson(c, body, etagOf(body));
};

/** A malformed country code is a 422 naming the path parameter and the rule (the default for a path is 400). */
export const refuseMalformedCode = (result: { success: boolean; target: string; error?: unknown; data?: unknown }): undefined => {
  if (result.success) return undefined;
  const part = result.target === "param" ? "path" : result.target;
  const errors = fieldErrors(result.error as ZodError, part, result.data);
  throw validationFailed(errors, `The request ${part} is not valid: ${errors.map((e) => `${e.pointer} (${e.rule})`).join(", ")}.`);
};
