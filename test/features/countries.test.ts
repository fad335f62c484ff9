import { describe, expect, it } from "vitest";
import { LEGAL_DATA_RELEASE } from "../../src/domain/countries";
import { createTestContext, DAY, type TestResponse } from "../helpers/app";

/** The legal reference data over HTTP: public (no key), cacheable, problem+json on errors. */

const expectProblem = (res: TestResponse, status: number, code: string) => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, code, type: expect.stringMatching(/^https:\/\//), title: expect.any(String), detail: expect.any(String) });
};

const expectCacheable = (res: TestResponse) => {
  expect(res.headers.get("cache-control")).toBe("public, max-age=86400");
  expect(res.headers.get("etag")).toMatch(new RegExp(`^"${LEGAL_DATA_RELEASE}\\.[0-9a-f]{16}"$`));
};

describe("GET /v1/countries/{code}: public, without a key", () => {
  it("Brazil: adequacy under Implementing Decision (EU) 2026/179 of 26 January 2026", async () => {
    const t = await createTestContext();
    const res = await t.call(null, "GET", "/v1/countries/BR");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expectCacheable(res);
    expect(res.body).toMatchObject({
      object: "country",
      code: "BR",
      name: { en: "Brazil", da: "Brasilien", sv: "Brasilien" },
      eu_eea: false,
      eu_eea_basis: null,
      part_of: null,
      third_country: true,
      classification: "adequacy",
      adequacy: {
        decision: "Commission Implementing Decision (EU) 2026/179",
        adopted_on: "2026-01-26",
        expires_on: null,
        in_force: true,
        scope: "full",
        recipient_condition: null,
        source: "https://eur-lex.europa.eu/eli/dec_impl/2026/179/oj",
        release: LEGAL_DATA_RELEASE,
      },
      release: LEGAL_DATA_RELEASE,
    });
  });

  it("the United Kingdom: a third country with adequacy, the 2025 renewal in force until 27 December 2031", async () => {
    const t = await createTestContext();
    const res = await t.call(null, "GET", "/v1/countries/GB");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      code: "GB",
      third_country: true,
      eu_eea: false,
      classification: "adequacy",
      adequacy: {
        expires_on: "2031-12-27",
        in_force: true,
        scope: "full",
        replaces: { decision: "Commission Implementing Decision (EU) 2021/1772", adopted_on: "2021-06-28" },
      },
    });
    expect(res.body.adequacy.adopted_on).toMatch(/^2025-12-\d{2}$/);
  });

  it("Åland: in the EU as part of Finland", async () => {
    const t = await createTestContext();
    const res = await t.call(null, "GET", "/v1/countries/AX");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      code: "AX",
      eu_eea: true,
      eu_eea_basis: "eu_special_territory",
      part_of: "FI",
      third_country: false,
      classification: "eu_eea",
      adequacy: null,
    });
  });

  it("Canada: adequacy only for recipients subject to PIPEDA, with the date the scope was checked", async () => {
    const t = await createTestContext();
    const res = await t.call(null, "GET", "/v1/countries/CA");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      code: "CA",
      third_country: true,
      classification: "adequacy_with_scope",
      adequacy: {
        decision: "Commission Decision 2002/2/EC",
        adopted_on: "2001-12-20",
        scope: "pipeda_organisations",
        recipient_condition: "pipeda_covered",
        scope_checked_on: "2026-11-27",
        in_force: true,
      },
    });
  });

  it("the United States: adequacy only for DPF-certified recipients", async () => {
    const t = await createTestContext();
    const res = await t.call(null, "GET", "/v1/countries/US");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      code: "US",
      third_country: true,
      classification: "adequacy_with_scope",
      adequacy: {
        decision: "Commission Implementing Decision (EU) 2023/1795",
        adopted_on: "2023-07-10",
        scope: "dpf_certified_recipients",
        recipient_condition: "dpf_certified",
        scope_checked_on: "2026-11-27",
      },
    });
  });

  it("the code is case-insensitive", async () => {
    const t = await createTestContext();
    const lower = await t.call(null, "GET", "/v1/countries/gb");
    const mixed = await t.call(null, "GET", "/v1/countries/Gb");
    const upper = await t.call(null, "GET", "/v1/countries/GB");
    expect(lower.status).toBe(200);
    expect(lower.body).toEqual(upper.body);
    expect(mixed.body).toEqual(upper.body);
    expect(lower.headers.get("etag")).toBe(upper.headers.get("etag"));
  });

  it("the same answer with any key, and with a key that is wrong (a public route ignores Authorization)", async () => {
    const t = await createTestContext();
    const anonymous = await t.call(null, "GET", "/v1/countries/DK");
    for (const key of [t.operatorKey, "sk_live_wrong"]) {
      const res = await t.call(key, "GET", "/v1/countries/DK");
      expect(res.status).toBe(200);
      expect(res.body).toEqual(anonymous.body);
    }
    expect(anonymous.body).toMatchObject({ code: "DK", eu_eea: true, eu_eea_basis: "eu_member_state", third_country: false, classification: "eu_eea" });
  });

  it("no rate-limit headers: the per-key limit does not apply", async () => {
    const t = await createTestContext();
    const res = await t.call(null, "GET", "/v1/countries/DK");
    expect(res.headers.get("ratelimit-limit")).toBeNull();
  });

  it("once the United Kingdom's decision has expired (by the service's clock), it is served as not in force and third_country", async () => {
    const t = await createTestContext({ now: new Date("2031-12-27T23:00:00Z") });
    const lastDay = await t.call(null, "GET", "/v1/countries/GB");
    expect(lastDay.body).toMatchObject({ classification: "adequacy", adequacy: { in_force: true } });
    t.clock.advance(DAY);
    const after = await t.call(null, "GET", "/v1/countries/GB");
    expect(after.body).toMatchObject({ classification: "third_country", third_country: true, adequacy: { expires_on: "2031-12-27", in_force: false } });
    expect(after.headers.get("etag")).not.toBe(lastDay.headers.get("etag"));
  });
});

describe("GET /v1/countries: the whole table, public", () => {
  it("every code sorted, with the release and the source, and the international organisations", async () => {
    const t = await createTestContext();
    const res = await t.call(null, "GET", "/v1/countries");
    expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(200);
    expectCacheable(res);
    expect(res.body).toMatchObject({
      object: "list",
      release: LEGAL_DATA_RELEASE,
      source: { url: expect.stringMatching(/^https:\/\//), checked_on: LEGAL_DATA_RELEASE, release: LEGAL_DATA_RELEASE },
    });
    const codes = res.body.data.map((c: { code: string }) => c.code);
    expect(codes.length).toBeGreaterThanOrEqual(249);
    expect(codes).toEqual([...codes].sort());
    expect(new Set(codes).size).toBe(codes.length);
    expect(res.body).not.toHaveProperty("has_more");
    const byCode = Object.fromEntries(res.body.data.map((c: { code: string }) => [c.code, c]));
    const single = await t.call(null, "GET", "/v1/countries/GB");
    expect(byCode.GB).toEqual(single.body);
    for (const code of ["AX", "GF", "GP", "MQ", "RE", "YT", "MF"]) expect(byCode[code], code).toMatchObject({ eu_eea: true, classification: "eu_eea" });
    expect(byCode.CN).toMatchObject({ third_country: true, classification: "third_country", adequacy: null });
    expect(res.body.international_organisations).toEqual([
      expect.objectContaining({
        object: "international_organisation",
        key: "EPO",
        classification: "adequacy",
        adequacy: expect.objectContaining({ decision: "Commission Implementing Decision (EU) 2025/1382", source: "https://eur-lex.europa.eu/eli/dec_impl/2025/1382/oj" }),
        release: LEGAL_DATA_RELEASE,
      }),
    ]);
  });

  it("HEAD answers without a key too", async () => {
    const t = await createTestContext();
    const res = await t.app.request("/v1/countries", { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBeTruthy();
  });
});

describe("conditional requests", () => {
  it.each(["/v1/countries", "/v1/countries/GB"])("%s: 304 with the same validators for the current ETag (also weak, in a list, or *); 200 for another", async (path) => {
    const t = await createTestContext();
    const first = await t.call(null, "GET", path);
    const etag = first.headers.get("etag")!;
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
      const again = await t.call(null, "GET", path, undefined, { "If-None-Match": ifNoneMatch });
      expect(again.status, ifNoneMatch).toBe(304);
      expect(again.body).toBeNull();
      expect(again.headers.get("etag")).toBe(etag);
      expect(again.headers.get("cache-control")).toBe("public, max-age=86400");
    }
    const stale = await t.call(null, "GET", path, undefined, { "If-None-Match": '"2020-01-01.0000000000000000"' });
    expect(stale.status).toBe(200);
    expect(stale.body).toEqual(first.body);
  });

  it("each country has its own ETag", async () => {
    const t = await createTestContext();
    const gb = await t.call(null, "GET", "/v1/countries/GB");
    const dk = await t.call(null, "GET", "/v1/countries/DK", undefined, { "If-None-Match": gb.headers.get("etag")! });
    expect(dk.status).toBe(200);
    expect(dk.headers.get("etag")).not.toBe(gb.headers.get("etag"));
  });
});

describe("errors, as problem+json", () => {
  it.each(["XX", "UK", "EU", "zz"])("%s: two letters but no assigned code: 404", async (code) => {
    const t = await createTestContext();
    const res = await t.call(null, "GET", `/v1/countries/${code}`);
    expectProblem(res, 404, "not_found");
    expect(res.body.instance).toBe(`/v1/countries/${code}`);
  });

  it("UK points at GB", async () => {
    const t = await createTestContext();
    expect((await t.call(null, "GET", "/v1/countries/UK")).body.detail).toContain("GB");
  });

  it.each(["GBR", "G", "1A", "D%C3%85", "%20DK", "a".repeat(300), "G-"])("%j: not two letters: 422 naming the path parameter and the rule", async (code) => {
    const t = await createTestContext();
    const res = await t.call(null, "GET", `/v1/countries/${code}`);
    expectProblem(res, 422, "validation_failed");
    expect(res.body.errors).toEqual([{ in: "path", pointer: "/code", rule: "iso_3166_1_alpha_2", detail: expect.any(String) }]);
  });

  it("other methods and deeper paths are not public: 401 without a key", async () => {
    const t = await createTestContext();
    expectProblem(await t.call(null, "POST", "/v1/countries", {}), 401, "unauthenticated");
    expectProblem(await t.call(null, "DELETE", "/v1/countries/GB"), 401, "unauthenticated");
    expectProblem(await t.call(null, "GET", "/v1/countries/GB/extra"), 401, "unauthenticated");
    expectProblem(await t.call(null, "GET", "/v1/countriesx"), 401, "unauthenticated");
    // the routes beside them still need a key
    expectProblem(await t.call(null, "GET", "/v1/organisations/me"), 401, "unauthenticated");
  });
});

describe("the OpenAPI document", () => {
  it("declares both operations public (security: []) with their cache headers and errors", async () => {
    const t = await createTestContext();
    const doc = (await t.call(null, "GET", "/openapi.json")).body;
    for (const [path, statuses] of [
      ["/v1/countries", ["200", "304", "400", "401"]],
      ["/v1/countries/{code}", ["200", "304", "400", "401", "404", "422"]],
    ] as const) {
      const op = doc.paths[path].get;
      expect(op.security, path).toEqual([]);
      expect(Object.keys(op.responses).sort(), path).toEqual([...statuses].sort());
      expect(Object.keys(op.responses["200"].headers), path).toEqual(["X-Request-Id", "Cache-Control", "ETag"]);
    }
  });
});
