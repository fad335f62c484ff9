/**
 * Fuzzing every operation of the OpenAPI document (new routes are covered as they appear):
 * fuzzed bodies, path parameters, query strings and headers, sent with real keys against
 * real resources. Never a 5xx; every 4xx a clean problem+json (no stack, no SQL); and a
 * refused request leaves every row of the database as it was.
 *
 * A failing case prints its seed and path; replay it with `{ seed, path }` in ASSERT_OPTIONS.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app";
import { generateOpenApiDocument } from "../../src/openapi";
import { createTestContext, type TestContext } from "../helpers/app";
import { snapshotState } from "../helpers/db-snapshot";
import { addBackupOp, baselineAnnex, createActiveAgreement, createOrg, type TestOrg } from "../helpers/factories";
import { insertUpstreamChange, insertUpstreamSource } from "../helpers/upstream";

const RUNS_PER_OPERATION = Number(process.env.FUZZ_RUNS ?? 40);
const ASSERT_OPTIONS: fc.Parameters<unknown> = { numRuns: RUNS_PER_OPERATION };

// ---------------------------------------------------------------------------------------------
// The operations of the document
// ---------------------------------------------------------------------------------------------

interface Operation {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  operationId: string;
  pathParams: string[];
  queryParams: string[];
  hasBody: boolean;
}

const METHODS = ["get", "post", "put", "patch", "delete"] as const;
const OPERATIONS: Operation[] = (() => {
  const doc = generateOpenApiDocument() as { paths?: Record<string, Record<string, { operationId?: string; parameters?: { in: string; name: string }[]; requestBody?: unknown }>> };
  // the JSON API; the HTML pages and forms under /public answer pages of their own (test/features/page-subscriptions.test.ts)
  return Object.entries(doc.paths ?? {})
    .filter(([path]) => path.startsWith("/v1/"))
    .flatMap(([path, item]) =>
      METHODS.filter((m) => item[m]).map((m) => {
        const op = item[m]!;
        const params = op.parameters ?? [];
        return {
          method: m.toUpperCase() as Operation["method"],
          path,
          operationId: op.operationId ?? `${m} ${path}`,
          pathParams: [...path.matchAll(/\{([^}]+)\}/g)].map((x) => x[1]!),
          queryParams: params.filter((p) => p.in === "query").map((p) => p.name),
          hasBody: op.requestBody !== undefined,
        };
      }),
    );
})();

// ---------------------------------------------------------------------------------------------
// The world: real organisations with real resources
// ---------------------------------------------------------------------------------------------

interface World {
  t: TestContext;
  app: App;
  processor: TestOrg;
  controller: TestOrg;
  /** the real id for each path parameter name */
  ids: Record<string, string>;
  /** a valid body for each operation that takes one */
  bodies: Record<string, unknown>;
  /** the agreement awaiting the controller's confirmation */
  proposedId: string;
  /** a write request answered 2xx changed the world: build a new one before the next case */
  dirty: boolean;
}

const addBackup = addBackupOp("backup");

async function buildWorld(): Promise<World> {
  const t = await createTestContext();
  // the same app over the same database, without the per-key rate limit (hundreds of requests a minute here)
  const app = createApp({ ...t.deps, limits: { requestsPerMinute: 1_000_000_000 } });
  const processor = await createOrg(t, "Fuzz Processor ApS");
  const controller = await createOrg(t, "Fuzz Kommune");
  const active = await createActiveAgreement(t, processor, controller);
  const agreementBody = {
    controller_id: controller.id,
    title: "DPA",
    authorisation: "general",
    third_country_transfers: "with_transfer_mechanism",
    notice_days: 30,
    annex: baselineAnnex(),
  };
  const proposed = await t.call(processor.key, "POST", "/v1/agreements", agreementBody);
  const cr = await t.call(processor.key, "POST", "/v1/change-requests", { agreements: "all", operations: [addBackup], reason: "A second backup" });
  const endpoint = await t.call(controller.key, "POST", "/v1/webhook-endpoints", { url: "https://hooks.example.com/fuzz" });
  // a second key of the controller: the one revoke routes aim at, so the key the fuzzer sends stays valid
  const spareKey = await t.call(t.operatorKey, "POST", `/v1/organisations/${controller.id}/api-keys`, { name: "spare" });
  const event = await t.call(controller.key, "GET", "/v1/events?limit=1");
  for (const [what, res, status] of [
    ["proposed", proposed, 201],
    ["change request", cr, 201],
    ["endpoint", endpoint, 201],
    ["spare key", spareKey, 201],
    ["events", event, 200],
  ] as const)
    expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(status);
  // an upstream change the processor received (docs/rules.md, rule 14), with its draft covering its agreement
  const upstreamSourceId = await insertUpstreamSource(t, { processorId: processor.id, kind: "feed" });
  const upstream = await insertUpstreamChange(t, {
    processorId: processor.id,
    sourceId: upstreamSourceId,
    deadlineAt: new Date(t.clock.now().getTime() + 40 * 24 * 60 * 60 * 1000),
    agreements: [{ id: active.id, noticeDays: 30 }],
    operations: [addBackupOp("upstream")],
  });
  const ids: Record<string, string> = {
    organisation_id: controller.id,
    key_id: spareKey.body.id,
    agreement_id: active.id,
    version: "1",
    change_request_id: cr.body.id,
    decision_id: cr.body.decisions[0].id,
    event_id: event.body.data[0].id,
    endpoint_id: endpoint.body.id,
    upstream_source_id: upstreamSourceId,
    upstream_change_id: upstream.changeId,
    draft_id: upstream.draftId,
  };
  const bodies: Record<string, unknown> = {
    createOrganisation: {
      name: "Ny Kommune",
      registration: { scheme: "dk_cvr", number: "29189730" },
      address: { street: "Rådhuspladsen 1", postal_code: "1550", city: "København V", country: "DK" },
    },
    createApiKey: { name: "integration", scope: "read" },
    createAgreement: agreementBody,
    declineAgreement: { reason: "Not our agreement" },
    submitChangeRequest: {
      agreements: [active.id],
      operations: [{ ...addBackup, sub_processor: { ...addBackup.sub_processor, ref: "backup2" } }],
      reason: "Another backup",
      effective_date: "2027-06-01T00:00:00Z",
    },
    approveDecision: { comment: "Approved" },
    objectToDecision: { reason: "Not acceptable", ground: "security" },
    respondToObjection: { response: "propose_alternative", note: "We will host the backup in Denmark instead." },
    askQuestion: { question: "Can the backup provider's staff reach the records from outside the EU?" },
    answerQuestion: { answer: "No: the backups are encrypted with our keys." },
    createWebhookEndpoint: { url: "https://hooks.example.com/other", description: "GRC", event_types: ["decision.approved", "decision.objected"], enabled: true },
    updateWebhookEndpoint: { url: "https://hooks.example.com/moved", description: "moved", event_types: null, enabled: false },
    resendEvent: { endpoint_id: endpoint.body.id },
    createUpstreamSource: { sub_processor_ref: "nordhost", kind: "feed", feed_url: "https://feeds.example.com/fuzz.json", default_window_days: 30, margin_days: 5 },
    objectToUpstreamChange: { reason: "Not acceptable", ground: "security" },
    approveUpstreamChange: { comment: "Approved" },
    updateChangeRequestDraft: { operations: [addBackupOp("edited")], reason: "Edited", effective_date: "2027-06-01T00:00:00Z" },
  };
  return { t, app, processor, controller, ids, bodies, proposedId: proposed.body.id, dirty: false };
}

/** confirm and decline act on the proposed agreement */
const idsFor = (w: World, op: Operation) => (/\/(confirm|decline)$/.test(op.path) ? { ...w.ids, agreement_id: w.proposedId } : w.ids);

// ---------------------------------------------------------------------------------------------
// Fuzzed parts of a request
// ---------------------------------------------------------------------------------------------

const POLLUTION_MARK = "fuzzPolluted";

/** Values of the wrong kind, or of the right kind at the edges. */
const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    false,
    0,
    -1,
    1.5,
    Number.MAX_SAFE_INTEGER + 2,
    [],
    {},
    [null],
    "",
    " ",
    "\u0000",
    "\t\n",
    "1e309",
    "-0",
    "NaN",
    "Infinity",
    "-Infinity",
    "null",
    "true",
    "[]",
    "{}",
  ),
  fc.constantFrom(
    "' OR 1=1 --",
    "'; DROP TABLE agreements; --",
    '" OR ""="',
    "1 UNION SELECT secret_hash FROM api_keys",
    "<script>alert(1)</script>",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a log-injection probe, sent as plain text
    "${jndi:ldap://x}",
    "{{7*7}}",
    "../../etc/passwd",
  ),
  fc.constantFrom("ÆØÅ æøå ÄÖ", "𝕏𝕐ℤ 🎉🔥", "\u202Eevil", "\ud800", "\uffff", "Z͑ͫ̓ͪ̂ͫ̽͏̴̙̤̞͉͚̯̞̠͍", "\u0000\u0001\u001f"),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.integer({ min: 1000, max: 20_000 }).map((n) => "x".repeat(n)),
  fc.integer({ min: 50, max: 3000 }).map((depth) => JSON.parse("[".repeat(depth) + "]".repeat(depth)) as unknown),
  fc.integer({ min: 50, max: 1000 }).map((depth) => JSON.parse(`${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`) as unknown),
  fc.array(fc.constant("dc-dk"), { minLength: 100, maxLength: 2000 }),
  fc.double(),
  fc.anything({ maxDepth: 3 }),
);

/** Raw JSON texts JSON.stringify cannot write: numbers out of range, prototype keys, duplicates. */
const rawJsonValue = fc.constantFrom("1e309", "-1e309", "-0", "1e-400", "123456789012345678901234567890", "0.0000000000000000000001", "9007199254740993", "-9223372036854775809");
const pollutionKeys = fc.constantFrom(
  `"__proto__": {"${POLLUTION_MARK}": true}`,
  `"constructor": {"prototype": {"${POLLUTION_MARK}": true}}`,
  `"prototype": {"${POLLUTION_MARK}": true}`,
  `"__proto__": null`,
  `"hasOwnProperty": 1`,
  `"toString": "x"`,
);

/** Every JSON path of a value, to aim a mutation at. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(value))
    value.forEach((v, i) => {
      out.push(...pathsOf(v, [...prefix, i]));
    });
  else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, k]));
  return out;
}

function setAt(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (!path.length) return replacement;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  copy[path[0]!] = setAt(copy[path[0]!], path.slice(1), replacement);
  return copy;
}

/** A body as text: anything, a valid body with one field broken, or text that is not JSON at all. */
const bodyText = (template: unknown): fc.Arbitrary<string> => {
  const paths = pathsOf(template ?? {});
  return fc.oneof(
    { arbitrary: fc.anything({ maxDepth: 4, maxKeys: 6 }).map((v) => JSON.stringify(v) ?? "null"), weight: 2 },
    { arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)), weight: 1 },
    { arbitrary: fc.tuple(fc.constantFrom(...paths), nastyValue).map(([p, v]) => JSON.stringify(setAt(template ?? {}, p, v)) ?? "null"), weight: 4 },
    // a field dropped, or an unknown one added
    {
      arbitrary: fc.tuple(fc.constantFrom(...paths), fc.boolean(), fc.string({ maxLength: 10 })).map(([p, drop, key]) => {
        if (!p.length) return JSON.stringify({ ...(template as object), [key]: 1 });
        const parent = p.slice(0, -1).reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], template);
        if (drop && parent && typeof parent === "object" && !Array.isArray(parent)) {
          const { [p.at(-1)!]: _gone, ...rest } = parent as Record<string, unknown>;
          return JSON.stringify(setAt(template, p.slice(0, -1), rest));
        }
        return JSON.stringify(setAt(template, p, { [key]: "extra" }));
      }),
      weight: 2,
    },
    // raw numbers and prototype keys spliced into the valid body's text
    {
      arbitrary: fc
        .tuple(fc.constantFrom(...(paths.length > 1 ? paths.slice(1) : [["value"]])), rawJsonValue)
        .map(([p, raw]) => JSON.stringify(setAt(template ?? {}, p, "__RAW__")).replace('"__RAW__"', raw)),
      weight: 2,
    },
    {
      arbitrary: pollutionKeys.map((k) => {
        const text = JSON.stringify(template ?? {});
        return text === "{}" ? `{${k}}` : `{${k},${text.slice(1)}`;
      }),
      weight: 2,
    },
    { arbitrary: pollutionKeys.map((k) => `{"a": {${k}}, "b": [{${k}}]}`), weight: 1 },
    {
      arbitrary: fc.constantFrom(
        "",
        "{",
        "[1,",
        "nul",
        "\u0000",
        '{"a":1}}',
        "\uFEFF{}",
        "null",
        "[]",
        '"string"',
        "123",
        "{'a': 1}",
        "{a:1}",
        "[".repeat(100_000),
        '{"a":"\\ud800"}',
        '{"a":"\\u0000"}',
        "\u00ff\u00fe",
      ),
      weight: 2,
    },
    { arbitrary: fc.string({ unit: "binary", maxLength: 60 }), weight: 1 },
    // over the 256 KiB limit
    { arbitrary: fc.constant(JSON.stringify({ ...(template as object), reason: "x".repeat(300 * 1024) })), weight: 1 },
  );
};

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const b64url = (s: string) => Buffer.from(s, "utf8").toString("base64url");

/** Path parameter values; `raw` ones go into the URL as they are, the others percent-encoded. */
const pathValue = (w: World): fc.Arbitrary<{ value: string; raw: boolean }> =>
  fc.record({
    value: fc.oneof(
      fc.constantFrom(
        "../",
        "..",
        ".",
        "..%2F..%2Fadmin",
        "%2e%2e%2f",
        "%00",
        "%",
        "%E0%A4%A",
        "%%",
        "%zz",
        "%C0%AE",
        "a%00b",
        "\u0000",
        " ",
        "\t",
        "-1",
        "0",
        "1e309",
        "NaN",
        "1.5",
        "99999999999999999999",
        "0x10",
      ),
      fc.constantFrom("' OR 1=1 --", "1; DROP TABLE agreements", '" OR 1=1 --', "1' UNION SELECT * FROM api_keys --", "*", "%", "_"),
      fc.constantFrom("ÆØÅ", "🎉", "\u202E", "ｏｒｇ", "agr_ÆØÅ"),
      fc.integer({ min: 300, max: 20_000 }).map((n) => "a".repeat(n)),
      // ids of the right shape that do not exist, and real ids of the wrong kind
      fc
        .constantFrom("org", "key", "agr", "cr", "dec", "evt", "ep")
        .chain((p) => fc.array(fc.constantFrom(...CROCKFORD), { minLength: 26, maxLength: 26 }).map((c) => `${p}_${c.join("")}`)),
      fc.constantFrom(...Object.values(w.ids), w.processor.id, w.t.operatorKey, w.processor.key),
      fc.string({ unit: "grapheme", maxLength: 30 }),
      fc.string({ unit: "binary", maxLength: 30 }),
    ),
    raw: fc.boolean(),
  });

/** Query values: out of range, of the wrong type, cursors this API never issued. */
const queryValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("-1", "0", "1", "100", "101", "1e9", "1e309", "-0", "NaN", "Infinity", "1.5", "0x10", "", " ", "true", "null", "[]", "abc", "%00", "\u0000"),
  fc.constantFrom(
    "2026-13-45T99:99:99Z",
    "yesterday",
    "2026-11-22",
    "2026-11-22T10:00:00",
    "+275760-09-13T00:00:00.000Z",
    "-271821-04-20T00:00:00Z",
    "1970-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999Z",
    "2026-11-22T10:00:00+25:00",
    "0000-00-00T00:00:00Z",
  ),
  fc.constantFrom(
    "pending",
    "PENDING",
    "approved",
    "all",
    "asc",
    "desc",
    "sideways",
    "processor",
    "controller",
    "decision.approved",
    "nope",
    "' OR 1=1 --",
    "agr_01ZZZZZZZZZZZZZZZZZZZZZZZZ",
  ),
  // cursors: garbage, and well-formed ones holding keys of the wrong kind or out of range
  fc.oneof(
    fc.string({ maxLength: 40 }),
    fc
      .constantFrom("1e309", "-1e309", "-0", "1e400", "null", '"zzz"', "{}", "[]", "true", "9007199254740993", '"\\u0000"', `"${"9".repeat(300)}"`)
      .map((k) => b64url(`{"k":${k}}`)),
    fc.jsonValue({ maxDepth: 2 }).map((k) => b64url(JSON.stringify({ k }))),
    fc.constantFrom(b64url("not json"), "====", "-_-_", "%", "a".repeat(201), b64url("{")),
  ),
  fc.integer({ min: 300, max: 10_000 }).map((n) => "9".repeat(n)),
  fc.string({ unit: "grapheme", maxLength: 20 }),
);

const QUERY_NAMES_EXTRA = [
  "limit",
  "cursor",
  "as_of",
  "from",
  "to",
  "state",
  "overdue",
  "order",
  "type",
  "role",
  "status",
  "agreement_id",
  "action",
  "__proto__",
  "constructor",
  "limit[]",
];

const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "APPLICATION/JSON",
  "application/problem+json",
  "application/merge-patch+json",
  "application/json;",
  "application/json; charset=latin1",
  "application/jsonx",
  "application/json-seq",
  "text/json",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/xml",
  "*/*",
  "",
  " ",
  ";",
  "application/",
];

// ---------------------------------------------------------------------------------------------
// One fuzzed request
// ---------------------------------------------------------------------------------------------

interface FuzzRequest {
  category: "body" | "path" | "query" | "headers";
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** what the request carried, so an echo of it in a problem is not taken for a leak */
  inputs: string[];
}

type KeyChoice = "controller" | "processor" | "operator";
const keyOf = (w: World, k: KeyChoice) => (k === "controller" ? w.controller.key : k === "processor" ? w.processor.key : w.t.operatorKey);
const keyChoice = fc.constantFrom<KeyChoice>("controller", "controller", "processor", "operator");

function urlFor(op: Operation, values: Record<string, { value: string; raw: boolean }>) {
  return op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const v = values[name]!;
    return v.raw ? v.value : encodeURIComponent(v.value);
  });
}

const real = (w: World, op: Operation) => Object.fromEntries(op.pathParams.map((p) => [p, { value: idsFor(w, op)[p] ?? w.controller.id, raw: false }]));
const canHaveBody = (op: Operation) => op.method !== "GET";

/** The four kinds of fuzzed request for one operation, against the world's real resources. */
function fuzzRequest(w: World, op: Operation): fc.Arbitrary<FuzzRequest> {
  const template = w.bodies[op.operationId];
  const validBody = op.hasBody ? JSON.stringify(template ?? {}) : undefined;
  const jsonHeaders = (key: string) => ({ Authorization: `Bearer ${key}`, ...(validBody !== undefined ? { "Content-Type": "application/json" } : {}) });

  const body = fc.record({ key: keyChoice, text: bodyText(template), contentType: fc.constantFrom("application/json", "application/json; charset=utf-8") }).map(
    ({ key, text, contentType }): FuzzRequest => ({
      category: "body",
      method: op.method,
      url: urlFor(op, real(w, op)),
      headers: { Authorization: `Bearer ${keyOf(w, key)}`, "Content-Type": contentType },
      body: text,
      inputs: [text],
    }),
  );

  const path = fc
    .record({
      key: keyChoice,
      fuzzed: fc.record(
        Object.fromEntries(op.pathParams.map((p) => [p, fc.option(pathValue(w), { nil: null, freq: 3 })])) as Record<string, fc.Arbitrary<{ value: string; raw: boolean } | null>>,
      ),
      fallback: pathValue(w),
    })
    .map(({ key, fuzzed, fallback }): FuzzRequest => {
      const values = real(w, op);
      const chosen = Object.entries(fuzzed).filter(([, v]) => v !== null) as [string, { value: string; raw: boolean }][];
      // at least one parameter is fuzzed
      if (!chosen.length) chosen.push([op.pathParams[0]!, fallback]);
      for (const [name, v] of chosen) values[name] = v;
      return {
        category: "path",
        method: op.method,
        url: urlFor(op, values),
        headers: jsonHeaders(keyOf(w, key)),
        body: validBody,
        inputs: chosen.flatMap(([, v]) => [v.value, encodeURIComponent(v.value)]),
      };
    });

  const names = [...new Set([...op.queryParams, ...QUERY_NAMES_EXTRA])];
  const query = fc
    .record({
      key: keyChoice,
      pairs: fc.array(fc.tuple(fc.oneof({ arbitrary: fc.constantFrom(...names), weight: 5 }, { arbitrary: fc.string({ maxLength: 12 }), weight: 1 }), queryValue), {
        minLength: 1,
        maxLength: 5,
      }),
      rawQuery: fc.option(fc.constantFrom("?&&&", "?=", "?limit", "?limit=1&limit=2", "?as_of=%", "?cursor=%E0%A4%A", "?%zz=1", "?limit=%00", `?${"a=1&".repeat(2000)}`), {
        nil: null,
        freq: 4,
      }),
    })
    .map(({ key, pairs, rawQuery }): FuzzRequest => {
      const search = rawQuery ?? `?${new URLSearchParams(pairs).toString()}`;
      return {
        category: "query",
        method: op.method,
        url: urlFor(op, real(w, op)) + search,
        headers: jsonHeaders(keyOf(w, key)),
        body: validBody,
        inputs: [...pairs.flat(), search, ...pairs.map(([, v]) => encodeURIComponent(v))],
      };
    });

  const headerValue = fc.string({
    unit: fc
      .integer({ min: 0x20, max: 0xff })
      .filter((c) => c !== 0x7f)
      .map((c) => String.fromCharCode(c)),
    maxLength: 40,
  });
  const headers = fc
    .record({
      key: keyChoice,
      contentType: fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: undefined, freq: 2 }),
      authorization: fc.option(
        fc.oneof(
          fc.constantFrom(
            "Bearer",
            "Bearer ",
            "Basic YWRtaW46YWRtaW4=",
            "Bearer sk_live_wrong",
            "Bearer null",
            "Bearer undefined",
            "Token abc",
            "Bearer sk_live_test_operator_00000000000",
            "Bearer sk_live_test_operator_0000000000000",
          ),
          fc.integer({ min: 1000, max: 20_000 }).map((n) => `Bearer sk_live_${"A".repeat(n)}`),
          headerValue.map((v) => `Bearer ${v}`),
          fc.constant("__REAL_VARIANT__"),
        ),
        { nil: undefined, freq: 2 },
      ),
      realVariant: fc.constantFrom(
        (k: string) => `bearer ${k}`,
        (k: string) => `BEARER   ${k}`,
        (k: string) => `Bearer ${k} extra`,
        (k: string) => k,
        (k: string) => `Bearer\t${k}`,
        (k: string) => `Bearer ${k}x`,
        (k: string) => `Bearer ${k.slice(0, -1)}`,
      ),
      idempotencyKey: fc.option(
        fc.oneof(
          fc.constantFrom("", " ", "a".repeat(255), "a".repeat(256), "ÆØÅ", "' OR 1=1 --"),
          fc.integer({ min: 256, max: 20_000 }).map((n) => "k".repeat(n)),
          headerValue,
        ),
        { nil: undefined, freq: 2 },
      ),
      extra: fc.option(
        fc.constantFrom<[string, string]>(
          ["X-Forwarded-For", "' OR 1=1 --, ::ffff:127.0.0.1, 999.999.1.1"],
          ["Accept", "text/html"],
          ["Accept", "application/xml"],
          ["Content-Encoding", "gzip"],
          ["X-HTTP-Method-Override", "DELETE"],
          ["Transfer-Encoding", "chunked"],
          ["Origin", "https://evil.example"],
        ),
        {
          nil: undefined,
        },
      ),
    })
    .map(({ key, contentType, authorization, realVariant, idempotencyKey, extra }): FuzzRequest => {
      const k = keyOf(w, key);
      const h: Record<string, string> = { Authorization: authorization === undefined ? `Bearer ${k}` : authorization === "__REAL_VARIANT__" ? realVariant(k) : authorization };
      if (contentType !== undefined) h["Content-Type"] = contentType;
      else if (validBody !== undefined) h["Content-Type"] = "application/json";
      if (idempotencyKey !== undefined) h["Idempotency-Key"] = idempotencyKey;
      if (extra) h[extra[0]] = extra[1];
      return {
        category: "headers",
        method: op.method,
        url: urlFor(op, real(w, op)),
        headers: h,
        // a body even where none is expected, so the content type matters
        body: validBody ?? (canHaveBody(op) ? "{}" : undefined),
        inputs: Object.values(h),
      };
    });

  const kinds: fc.WeightedArbitrary<FuzzRequest>[] = [
    { arbitrary: headers, weight: 2 },
    { arbitrary: query, weight: op.queryParams.length ? 3 : 1 },
  ];
  if (canHaveBody(op)) kinds.push({ arbitrary: body, weight: op.hasBody ? 5 : 2 });
  if (op.pathParams.length) kinds.push({ arbitrary: path, weight: 3 });
  return fc.oneof(...kinds);
}

// ---------------------------------------------------------------------------------------------
// What every answer must be
// ---------------------------------------------------------------------------------------------

const EXTRA_TABLES = ["audit_records", "webhook_endpoints", "deliveries", "delivery_attempts", "idempotency_keys"];

/** Every row of every table: snapshotState's tables, the ones it lacks, and any table added later. */
async function snapshotAll(t: TestContext) {
  const out = await snapshotState(t);
  const all = (await t.client.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")).rows.map((r) => String(r.name));
  for (const table of new Set([...EXTRA_TABLES, ...all])) {
    if (table in out) continue;
    out[table] = (await t.client.execute(`SELECT * FROM "${table}" ORDER BY rowid`)).rows.map((r) => ({ ...r }));
  }
  return out;
}

const LEAKS: [string, RegExp][] = [
  ["a stack trace line", /(^|\n)\s*at\s+\S+/],
  ["a source position", /\.(ts|js|mjs|cjs):\d+(:\d+)?/],
  ["node_modules", /node_modules/],
  ["SQLite", /sqlite/i],
  ["libSQL", /libsql/i],
  ["SQL text (select)", /\bselect\s/i],
  ["SQL text (insert into)", /insert\s+into/i],
  ["SQL text (update … set)", /\bupdate\s+"?\w+"?\s+set\b/i],
  ["SQL text (delete from)", /delete\s+from/i],
  ["a failed query", /failed query|no such (table|column)|constraint failed|syntax error/i],
  ["an internal error name", /\b(TypeError|RangeError|ReferenceError|SyntaxError|URIError)\b/],
];

/** The strings of a problem body (keys too), with what the request itself sent cut out. */
function problemStrings(body: unknown, inputs: string[]): string[] {
  // what the client sent may come back quoted in a detail: the whole input, and every string inside a JSON body
  const leaves = (i: string): string[] => {
    const found: string[] = [];
    const collect = (v: unknown) => {
      if (typeof v === "string") found.push(v);
      else if (Array.isArray(v)) v.forEach(collect);
      else if (v && typeof v === "object")
        for (const [k, x] of Object.entries(v)) {
          found.push(k);
          collect(x);
        }
    };
    try {
      collect(JSON.parse(i));
    } catch {
      // not JSON: the input as a whole is the echo
    }
    return found;
  };
  const echoes = [...new Set(inputs.flatMap((i) => [i, safeDecode(i), ...leaves(i)]))].filter((i) => i.length >= 3).sort((a, b) => b.length - a.length);
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === "string") {
      let s = v;
      for (const e of echoes) if (LEAKS.some(([, re]) => re.test(e))) s = s.split(e).join(" ");
      out.push(s);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object")
      for (const [k, x] of Object.entries(v)) {
        walk(k);
        walk(x);
      }
  };
  walk(body);
  return out;
}

function safeDecode(s: string) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const describeRequest = (r: FuzzRequest) =>
  `[fuzzed ${r.category}] ${r.method} ${r.url.length > 300 ? `${r.url.slice(0, 300)}…(${r.url.length})` : r.url}\nheaders: ${JSON.stringify(Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, v.length > 200 ? `${v.slice(0, 200)}…(${v.length})` : v])))}\nbody: ${r.body === undefined ? "(none)" : r.body.length > 400 ? `${r.body.slice(0, 400)}…(${r.body.length})` : r.body}`;

async function send(w: World, r: FuzzRequest) {
  let request: Request;
  try {
    request = new Request(new URL(r.url, "http://localhost"), { method: r.method, headers: r.headers, body: r.body });
  } catch {
    // not a request any HTTP client could send (the URL or a header cannot be written)
    return null;
  }
  const res = await w.app.fetch(request);
  const text = await res.text();
  return { status: res.status, headers: res.headers, text };
}

async function check(w: World, r: FuzzRequest) {
  const before = await snapshotAll(w.t);
  const res = await send(w, r);
  fc.pre(res !== null);
  const where = `\n${describeRequest(r)}\n→ ${res!.status} ${res!.text.slice(0, 2000)}`;

  expect(res!.status, `a 5xx${where}`).toBeLessThan(500);
  expect(res!.status, where).toBeGreaterThanOrEqual(200);
  expect(Object.prototype, `prototype polluted${where}`).not.toHaveProperty(POLLUTION_MARK);
  expect(({} as Record<string, unknown>)[POLLUTION_MARK], `prototype polluted${where}`).toBeUndefined();

  if (res!.status >= 400) {
    expect(res!.headers.get("content-type"), `a 4xx that is not problem+json${where}`).toMatch(/^application\/problem\+json/);
    let problem: Record<string, unknown>;
    try {
      problem = JSON.parse(res!.text);
    } catch {
      throw new Error(`a problem+json body that is not JSON${where}`);
    }
    expect(problem, where).toMatchObject({ type: expect.any(String), title: expect.any(String), status: res!.status, detail: expect.any(String), code: expect.any(String) });
    expect(String(problem.type), where).toMatch(/^https:\/\//);
    for (const s of problemStrings(problem, r.inputs))
      for (const [what, re] of LEAKS) expect(re.test(s), `the problem shows ${what}: ${JSON.stringify(s.slice(0, 500))}${where}`).toBe(false);

    // a refused request changes nothing; the one exception is the Idempotency-Key ledger, which keeps the
    // first response to a key, 4xx included (src/http/idempotency.ts), so a retry gets the same answer
    const after = await snapshotAll(w.t);
    const key = Object.entries(r.headers).find(([k]) => k.toLowerCase() === "idempotency-key")?.[1];
    if (key !== undefined && after.idempotency_keys!.length === before.idempotency_keys!.length + 1) {
      const added = after.idempotency_keys!.at(-1) as { key: string; status: number; response: string };
      // (header values reach the app without their leading and trailing white space)
      expect(added.key, where).toBe(key.replace(/^[\t ]+|[\t ]+$/g, ""));
      expect(added.status, where).toBe(res!.status);
      expect(added.response, where).toBe(res!.text);
      after.idempotency_keys = after.idempotency_keys!.slice(0, -1);
    }
    expect(after, `a refused request changed the database${where}`).toEqual(before);
  } else if (r.method !== "GET") {
    w.dirty = true;
  }
}

// ---------------------------------------------------------------------------------------------

describe("fuzzing every operation of the OpenAPI document", () => {
  it("the document has operations to fuzz", () => {
    expect(OPERATIONS.length).toBeGreaterThanOrEqual(16);
  });

  it.each(OPERATIONS.map((op) => [`${op.method} ${op.path}`, op] as const))(
    "%s: never a 5xx, every refusal a clean problem+json that changed nothing",
    async (_name, op) => {
      let w = await buildWorld();
      // the arbitrary is built over the first world; a request is generated against its ids and, once a
      // successful write has made a new world necessary, rewritten onto the same resources of the new one
      const first = w;
      await fc.assert(
        fc.asyncProperty(fuzzRequest(first, op), async (generated) => {
          if (w.dirty) w = await buildWorld();
          await check(w, rebase(generated, first, w));
        }),
        ASSERT_OPTIONS,
      );
    },
    60_000,
  );
});

/**
 * Counterexamples the fuzzer found, kept as fixed cases so they fail until the product is fixed.
 *
 * A content type that src/http/content-type.ts accepts (its pattern allows anything after "json;")
 * but @hono/zod-openapi's media-type gate does not match throws an HTTPException(415) from the
 * library; app.onError (src/app.ts) maps only HTTPException 400 and 413, so it answers 500.
 */
describe("cases the fuzzer found", () => {
  const withBody = OPERATIONS.filter((op) => op.hasBody && ["createOrganisation", "submitChangeRequest", "updateWebhookEndpoint"].includes(op.operationId));
  it.each(withBody.flatMap((op) => ["application/json;", "application/json;x", "application/json ;"].map((ct) => [`${op.method} ${op.path}`, ct, op] as const)))(
    "%s with Content-Type %j and a valid body: not a 5xx",
    async (_name, contentType, op) => {
      const w = await buildWorld();
      const key = op.operationId === "createOrganisation" ? w.t.operatorKey : op.operationId === "updateWebhookEndpoint" ? w.controller.key : w.processor.key;
      await check(w, {
        category: "headers",
        method: op.method,
        url: urlFor(op, real(w, op)),
        headers: { Authorization: `Bearer ${key}`, "Content-Type": contentType },
        body: JSON.stringify(w.bodies[op.operationId]),
        inputs: [contentType],
      });
    },
  );
});

/** A request generated against one world, aimed at the same resources of another. */
function rebase(r: FuzzRequest, from: World, to: World): FuzzRequest {
  if (from === to) return r;
  const pairs: [string, string][] = [
    ...Object.keys(from.ids).map((k) => [from.ids[k]!, to.ids[k]!] as [string, string]),
    [from.proposedId, to.proposedId],
    [from.processor.id, to.processor.id],
    [from.controller.id, to.controller.id],
    [from.processor.key, to.processor.key],
    [from.controller.key, to.controller.key],
  ];
  const swap = (s: string) => pairs.reduce((acc, [a, b]) => (a.length > 2 ? acc.split(a).join(b) : acc), s);
  return {
    ...r,
    url: swap(r.url),
    headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, swap(v)])),
    body: r.body === undefined ? undefined : swap(r.body),
    inputs: r.inputs.map(swap),
  };
}
