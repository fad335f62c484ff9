import { describe, expect, it } from "vitest";
import { createTestContext, DAY, type TestContext, type TestResponse } from "../helpers/app";
import { baselineAnnex, createActiveAgreement, createOrg, type TestOrg, usAnnex } from "../helpers/factories";
import { snapshotCounts } from "../helpers/db-snapshot";

/** Everything the refusal cases point at: three organisations, an active and a proposed agreement, a revoked key. */
interface Setup {
  t: TestContext;
  processor: TestOrg;
  controller: TestOrg;
  other: TestOrg;
  activeId: string;
  proposedId: string;
  revokedKey: string;
}

async function setup(): Promise<Setup> {
  const t = await createTestContext();
  const processor = await createOrg(t, "Omsorgspartner ApS");
  const controller = await createOrg(t, "Aarhus Kommune");
  const other = await createOrg(t, "Odense Kommune");
  const active = await createActiveAgreement(t, processor, controller);
  const proposed = await t.call(processor.key, "POST", "/v1/agreements", agreementBody(controller.id));
  expect(proposed.status, JSON.stringify(proposed.body)).toBe(201);
  const extra = await t.call(t.operatorKey, "POST", `/v1/organisations/${other.id}/api-keys`, { name: "to revoke" });
  expect(extra.status).toBe(201);
  const revoked = await t.call(t.operatorKey, "DELETE", `/v1/organisations/${other.id}/api-keys/${extra.body.id}`);
  expect(revoked.status).toBe(200);
  return { t, processor, controller, other, activeId: active.id, proposedId: proposed.body.id, revokedKey: extra.body.secret };
}

const orgBody = () => ({
  name: "Silkeborg Kommune",
  registration: { scheme: "dk_cvr", number: "29189730" },
  address: { street: "Søvej 1", postal_code: "8600", city: "Silkeborg", country: "DK" },
});

function agreementBody(controllerId: string) {
  return {
    controller_id: controllerId,
    title: "Databehandleraftale",
    authorisation: "general",
    third_country_transfers: "with_transfer_mechanism",
    notice_days: 30,
    annex: baselineAnnex() as Record<string, any>,
  } as Record<string, any>;
}

/** A deep copy of `value` changed by `edit`. */
function edited<T>(value: T, edit: (v: any) => void): T {
  const copy = structuredClone(value);
  edit(copy);
  return copy;
}

const TITLES: Record<string, string> = {
  malformed_json: "Malformed JSON",
  invalid_request: "Invalid request",
  unauthenticated: "Authentication required",
  route_not_found: "No such route",
  unsupported_media_type: "Unsupported media type",
  validation_failed: "Validation failed",
};

interface ExpectedError {
  in: "json" | "query" | "path";
  pointer: string;
  rule: string;
}

interface RefusalCase {
  name: string;
  key: (s: Setup) => string | null;
  method: string;
  path: (s: Setup) => string;
  body?: (s: Setup) => unknown;
  headers?: Record<string, string>;
  status: number;
  code: string;
  /** the field errors, exactly (order included); none means the body has no `errors` */
  errors?: ExpectedError[];
}

const asOperator = (s: Setup) => s.t.operatorKey;
const asProcessor = (s: Setup) => s.processor.key;
const json = (pointer: string, rule: string): ExpectedError => ({ in: "json", pointer, rule });
const query = (pointer: string, rule: string): ExpectedError => ({ in: "query", pointer, rule });

const createAgreementCase = (name: string, edit: (body: any, s: Setup) => void, errors: ExpectedError[], key = asProcessor): RefusalCase => ({
  name,
  key,
  method: "POST",
  path: () => "/v1/agreements",
  body: (s) => edited(agreementBody(s.controller.id), (b) => edit(b, s)),
  status: 422,
  code: "validation_failed",
  errors,
});

const REFUSALS: RefusalCase[] = [
  // --- the body is not JSON, or not sent as JSON
  {
    name: "malformed JSON (organisation)",
    key: asOperator,
    method: "POST",
    path: () => "/v1/organisations",
    body: () => '{"name": "Silkeborg Kommune",',
    status: 400,
    code: "malformed_json",
    errors: [json("", "json")],
  },
  {
    name: "malformed JSON (agreement)",
    key: asProcessor,
    method: "POST",
    path: () => "/v1/agreements",
    body: () => "{ not json",
    status: 400,
    code: "malformed_json",
    errors: [json("", "json")],
  },
  {
    name: "text/plain body",
    key: asOperator,
    method: "POST",
    path: () => "/v1/organisations",
    body: () => JSON.stringify(orgBody()),
    headers: { "Content-Type": "text/plain" },
    status: 415,
    code: "unsupported_media_type",
  },
  {
    name: "form-encoded body",
    key: asProcessor,
    method: "POST",
    path: (s) => `/v1/agreements/${s.proposedId}/decline`,
    body: () => "reason=no",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    status: 415,
    code: "unsupported_media_type",
  },

  // --- unknown fields
  {
    name: "unknown top-level field",
    key: asOperator,
    method: "POST",
    path: () => "/v1/organisations",
    body: () => ({ ...orgBody(), colour: "red" }),
    status: 422,
    code: "validation_failed",
    errors: [json("/colour", "unknown_field")],
  },
  {
    name: "unknown field in an organisation's address",
    key: asOperator,
    method: "POST",
    path: () => "/v1/organisations",
    body: () => edited(orgBody(), (b) => (b.address.floor = "3")),
    status: 422,
    code: "validation_failed",
    errors: [json("/address/floor", "unknown_field")],
  },
  createAgreementCase("unknown top-level field of an agreement", (b) => (b.status = "active"), [json("/status", "unknown_field")]),
  createAgreementCase("unknown field deep in the annex", (b) => (b.annex.sub_processors[0].address.floor = "3"), [json("/annex/sub_processors/0/address/floor", "unknown_field")]),
  createAgreementCase("unknown field of a location", (b) => (b.annex.locations[0].classification = "eu_eea"), [json("/annex/locations/0/classification", "unknown_field")]),

  // --- the rules of a field
  createAgreementCase("not an ISO country code", (b) => (b.annex.sub_processors[0].address.country = "XX"), [
    json("/annex/sub_processors/0/address/country", "iso_3166_1_alpha_2"),
  ]),
  createAgreementCase("a lower-case country code", (b) => (b.annex.locations[0].address.country = "dk"), [json("/annex/locations/0/address/country", "iso_3166_1_alpha_2")]),
  createAgreementCase("UK is not the United Kingdom's code", (b) => (b.annex.sub_processors[0].address.country = "UK"), [
    json("/annex/sub_processors/0/address/country", "iso_3166_1_alpha_2"),
  ]),
  createAgreementCase("a CVR number of the wrong form", (b) => (b.annex.sub_processors[0].registration.number = "1234-5678"), [
    json("/annex/sub_processors/0/registration/number", "format_dk_cvr"),
  ]),
  {
    name: "an organisation's CVR number of the wrong form",
    key: asOperator,
    method: "POST",
    path: () => "/v1/organisations",
    body: () => edited(orgBody(), (b) => (b.registration.number = "123")),
    status: 422,
    code: "validation_failed",
    errors: [json("/registration/number", "format_dk_cvr")],
  },
  {
    // 29189730 with its last digit changed: the right form, a wrong modulus 11 check digit
    name: "an organisation's CVR number with a wrong check digit",
    key: asOperator,
    method: "POST",
    path: () => "/v1/organisations",
    body: () => edited(orgBody(), (b) => (b.registration.number = "29189731")),
    status: 422,
    code: "validation_failed",
    errors: [json("/registration/number", "check_digit_dk_cvr")],
  },
  createAgreementCase(
    "a sub-processor's Swedish organisationsnummer with a wrong check digit",
    (b) => (b.annex.sub_processors[0].registration = { scheme: "se_orgnr", number: "556677-8898" }),
    [json("/annex/sub_processors/0/registration/number", "check_digit_se_orgnr")],
  ),
  createAgreementCase(
    "a third-country sub-processor and location without a transfer mechanism",
    (b) => {
      b.annex = usAnnex();
      delete b.annex.sub_processors[1].transfer_mechanism;
    },
    [json("/annex/sub_processors/1/transfer_mechanism", "transfer_mechanism_required"), json("/annex/locations/1/transfer_mechanism", "transfer_mechanism_required")],
  ),
  createAgreementCase("a missing title", (b) => delete b.title, [json("/title", "required")]),
  createAgreementCase("a missing annex", (b) => delete b.annex, [json("/annex", "required")]),
  createAgreementCase("a missing sub-processor description", (b) => delete b.annex.sub_processors[0].description, [json("/annex/sub_processors/0/description", "required")]),
  {
    name: "a missing organisation name",
    key: asOperator,
    method: "POST",
    path: () => "/v1/organisations",
    body: () => edited(orgBody(), (b) => delete b.name),
    status: 422,
    code: "validation_failed",
    errors: [json("/name", "required")],
  },
  // a present value of the wrong type is not a missing one
  createAgreementCase("a title that is a number", (b) => (b.title = 123), [json("/title", "invalid_type")]),
  createAgreementCase("a blank title", (b) => (b.title = "   "), [json("/title", "too_small")]),
  createAgreementCase("an unknown authorisation", (b) => (b.authorisation = "sometimes"), [json("/authorisation", "invalid_value")]),
  createAgreementCase("an unknown activity", (b) => (b.annex.locations[0].activities = ["hosting", "mining"]), [json("/annex/locations/0/activities/1", "invalid_value")]),
  createAgreementCase("an unknown registration scheme", (b) => (b.annex.sub_processors[0].registration.scheme = "xx_reg"), [
    json("/annex/sub_processors/0/registration/scheme", "invalid_value"),
  ]),
  createAgreementCase("notice_days 0", (b) => (b.notice_days = 0), [json("/notice_days", "too_small")]),
  createAgreementCase("notice_days 366", (b) => (b.notice_days = 366), [json("/notice_days", "too_big")]),

  // --- rules about the parties
  createAgreementCase("an unknown controller", (b) => (b.controller_id = "org_00000000000000000000000000"), [json("/controller_id", "known_organisation")]),
  createAgreementCase("the processor as its own controller", (b, s) => (b.controller_id = s.processor.id), [json("/controller_id", "distinct_parties")]),
  createAgreementCase("processor_id of another organisation", (b, s) => (b.processor_id = s.other.id), [json("/processor_id", "own_organisation")]),
  createAgreementCase("signed_at sent by a processor", (b) => (b.signed_at = "2026-01-01T00:00:00Z"), [json("/signed_at", "operator_only")]),
  createAgreementCase(
    "signed_at in the future (operator import)",
    (b, s) => {
      b.processor_id = s.processor.id;
      b.signed_at = new Date(s.t.clock.now().getTime() + DAY).toISOString();
    },
    [json("/signed_at", "not_in_future")],
    asOperator,
  ),
  createAgreementCase("an operator import without processor_id", () => {}, [json("/processor_id", "required")], asOperator),
  {
    name: "a decline without a reason",
    key: (s) => s.controller.key,
    method: "POST",
    path: (s) => `/v1/agreements/${s.proposedId}/decline`,
    body: () => ({}),
    status: 422,
    code: "validation_failed",
    errors: [json("/reason", "required")],
  },

  // --- query and path parameters
  ...(
    [
      ["limit=0", "too_small"],
      ["limit=101", "too_big"],
      ["limit=2.5", "invalid_type"],
      ["limit=ten", "invalid_type"],
    ] as const
  ).map(
    ([q, rule]): RefusalCase => ({
      name: `GET /v1/agreements?${q}`,
      key: asProcessor,
      method: "GET",
      path: () => `/v1/agreements?${q}`,
      status: 400,
      code: "invalid_request",
      errors: [query("/limit", rule)],
    }),
  ),
  {
    name: "a cursor this API never issued",
    key: asProcessor,
    method: "GET",
    path: () => "/v1/agreements?cursor=not-a-cursor",
    status: 400,
    code: "invalid_request",
    errors: [query("/cursor", "cursor")],
  },
  {
    name: "a version cursor (a number) passed to the organisation list",
    key: asOperator,
    method: "GET",
    path: () => `/v1/organisations?cursor=${btoa(JSON.stringify({ k: 3 })).replaceAll("=", "")}`,
    status: 400,
    code: "invalid_request",
    errors: [query("/cursor", "cursor")],
  },
  {
    name: "an unknown status filter",
    key: asProcessor,
    method: "GET",
    path: () => "/v1/agreements?status=pending",
    status: 400,
    code: "invalid_request",
    errors: [query("/status", "invalid_value")],
  },
  ...["yesterday", "2026-11-22", "2026-11-22T10:00:00"].map(
    (asOf): RefusalCase => ({
      name: `as_of=${asOf}`,
      key: asProcessor,
      method: "GET",
      path: (s) => `/v1/agreements/${s.activeId}/annex?as_of=${encodeURIComponent(asOf)}`,
      status: 400,
      code: "invalid_request",
      errors: [query("/as_of", "invalid_format")],
    }),
  ),
  {
    name: "a diff without `from`",
    key: asProcessor,
    method: "GET",
    path: (s) => `/v1/agreements/${s.activeId}/annex/diff`,
    status: 400,
    code: "invalid_request",
    errors: [query("/from", "required")],
  },
  {
    name: "a version that is not a number",
    key: asProcessor,
    method: "GET",
    path: (s) => `/v1/agreements/${s.activeId}/annex/versions/first`,
    status: 400,
    code: "invalid_request",
    errors: [{ in: "path", pointer: "/version", rule: "invalid_type" }],
  },
  {
    name: "version 0",
    key: asProcessor,
    method: "GET",
    path: (s) => `/v1/agreements/${s.activeId}/annex/versions/0`,
    status: 400,
    code: "invalid_request",
    errors: [{ in: "path", pointer: "/version", rule: "too_small" }],
  },

  // --- routes
  { name: "an unknown route under /v1", key: asProcessor, method: "GET", path: () => "/v1/sub-processors", status: 404, code: "route_not_found" },
  { name: "an unknown route outside /v1", key: () => null, method: "GET", path: () => "/admin", status: 404, code: "route_not_found" },
  { name: "a method the route does not have", key: asOperator, method: "PUT", path: () => "/v1/organisations", body: () => orgBody(), status: 404, code: "route_not_found" },

  // --- authentication
  { name: "no Authorization header", key: () => null, method: "GET", path: () => "/v1/agreements", status: 401, code: "unauthenticated" },
  {
    name: "a Basic Authorization header",
    key: () => null,
    method: "GET",
    path: () => "/v1/agreements",
    headers: { Authorization: "Basic c2tfbGl2ZTp4" },
    status: 401,
    code: "unauthenticated",
  },
  { name: "Bearer without a token", key: () => null, method: "GET", path: () => "/v1/agreements", headers: { Authorization: "Bearer " }, status: 401, code: "unauthenticated" },
  {
    name: "an unknown key",
    key: () => "sk_live_0000000000000000000000000000000",
    method: "GET",
    path: () => "/v1/agreements",
    status: 401,
    code: "unauthenticated",
  },
  { name: "a revoked key", key: (s) => s.revokedKey, method: "GET", path: () => "/v1/organisations/me", status: 401, code: "unauthenticated" },
  {
    name: "a revoked key cannot write",
    key: (s) => s.revokedKey,
    method: "POST",
    path: () => "/v1/agreements",
    body: (s) => agreementBody(s.processor.id),
    status: 401,
    code: "unauthenticated",
  },
  { name: "no key for a write", key: () => null, method: "POST", path: () => "/v1/organisations", body: () => orgBody(), status: 401, code: "unauthenticated" },
];

/** How zod words its own messages; none of them may reach a client. */
const ZOD_PHRASING = /Invalid input|Invalid option|Too (small|big)|Unrecognized key|expected \w+, received|Invalid (string|email|url|ISO)/;

async function send(s: Setup, c: RefusalCase): Promise<TestResponse> {
  return s.t.call(c.key(s), c.method, c.path(s), c.body?.(s), c.headers);
}

describe("refused requests answer RFC 9457 problem+json and change nothing", () => {
  it.each(REFUSALS.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const s = await setup();
    const before = await snapshotCounts(s.t);
    const res = await send(s, c);
    expect(res.status, JSON.stringify(res.body)).toBe(c.status);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    const path = c.path(s);
    expect(res.body).toMatchObject({
      type: `https://subprocessor-registry.dev/problems/${c.code.replaceAll("_", "-")}`,
      title: TITLES[c.code],
      status: c.status,
      code: c.code,
      instance: path.split("?")[0],
    });
    expect(typeof res.body.detail).toBe("string");
    expect(res.body.detail.length).toBeGreaterThan(0);
    expect(res.body.request_id).toMatch(/^req_[0-9A-Z]{26}$/);
    expect(res.headers.get("x-request-id")).toBe(res.body.request_id);
    if (c.errors) {
      expect(res.body.errors.map((e: { pointer: string; rule: string }) => ({ pointer: e.pointer, rule: e.rule }))).toEqual(
        c.errors.map((e) => ({ pointer: e.pointer, rule: e.rule })),
      );
      for (const e of res.body.errors) {
        expect(typeof e.detail === "string" && e.detail.length > 0, JSON.stringify(e)).toBe(true);
        // in the API's words, never the validation library's
        expect(e.detail, JSON.stringify(e)).not.toMatch(ZOD_PHRASING);
      }
    } else {
      expect(res.body).not.toHaveProperty("errors");
    }
    // no stack trace or SQL ever reaches a client
    expect(JSON.stringify(res.body)).not.toMatch(/SQLITE|at .*\.ts:\d+/);
    expect(await snapshotCounts(s.t)).toEqual(before);
  });

  it("every field error names the part of the request it is in (json, query or path)", async () => {
    const s = await setup();
    const missing: string[] = [];
    for (const c of REFUSALS.filter((c) => c.errors)) {
      const res = await send(s, c);
      res.body.errors.forEach((e: { in?: string; pointer: string }, i: number) => {
        if (e.in !== c.errors![i]?.in) missing.push(`${c.name}: ${e.pointer} has in=${JSON.stringify(e.in)}, expected ${c.errors![i]?.in}`);
      });
    }
    expect(missing).toEqual([]);
  });

  it("the bodies the cases start from are accepted (so each refusal is caused by its one change)", async () => {
    const s = await setup();
    expect((await s.t.call(s.t.operatorKey, "POST", "/v1/organisations", orgBody())).status).toBe(201);
    expect((await s.t.call(s.processor.key, "POST", "/v1/agreements", agreementBody(s.controller.id))).status).toBe(201);
    expect(
      (
        await s.t.call(
          s.processor.key,
          "POST",
          "/v1/agreements",
          edited(agreementBody(s.controller.id), (b) => (b.annex = usAnnex())),
        )
      ).status,
    ).toBe(201);
    const imported = edited(agreementBody(s.controller.id), (b) => {
      b.processor_id = s.processor.id;
      b.signed_at = new Date(s.t.clock.now().getTime() - DAY).toISOString();
    });
    expect((await s.t.call(s.t.operatorKey, "POST", "/v1/agreements", imported)).status).toBe(201);
    expect((await s.t.call(s.processor.key, "GET", "/v1/agreements?limit=100")).status).toBe(200);
    expect((await s.t.call(s.processor.key, "GET", `/v1/agreements/${s.activeId}/annex?as_of=${encodeURIComponent(s.t.clock.now().toISOString())}`)).status).toBe(200);
    expect((await s.t.call(s.processor.key, "GET", `/v1/agreements/${s.activeId}/annex?as_of=2026-11-22T10:00:00%2B01:00`)).status).toBe(200);
    expect((await s.t.call(s.controller.key, "POST", `/v1/agreements/${s.proposedId}/decline`, { reason: "Missing backup site" })).status).toBe(200);
  });
});

describe("registration numbers with a wrong check digit", () => {
  it("the field error names the rule and the check digit the number should have", async () => {
    const t = await createTestContext();
    const res = await t.call(
      t.operatorKey,
      "POST",
      "/v1/organisations",
      edited(orgBody(), (b) => (b.registration.number = "29189731")),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe("validation_failed");
    expect(res.body.errors).toHaveLength(1);
    const [error] = res.body.errors;
    expect(error.pointer).toMatch(/\/registration\/number$/);
    expect(error).toMatchObject({ in: "json", rule: "check_digit_dk_cvr" });
    expect(error.detail).toContain("29189731");
    expect(error.detail).toContain("the last digit should be 0, not 1");
  });
});
