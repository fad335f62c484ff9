/**
 * The annex rendered as the appendix of the agreement: GET /v1/agreements/{id}/annex/document.
 *
 * Golden files: the Markdown and CSV of one agreement in each language are fixed byte for byte
 * under test/golden/annex.{da,sv,en}.{md,csv}. After an intended change of the output,
 * regenerate them with
 *
 *     UPDATE_GOLDEN=1 npx vitest run test/features/annex-document.test.ts
 *
 * and review the diff of test/golden/ like any other change. Without UPDATE_GOLDEN=1 the files
 * are only read. The fixture runs on the fixed test clock with a seeded id generator, so every
 * id and date in them is stable.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createIdGenerator } from "../../src/domain/ids";
import { AnnexDocument } from "../../src/features/annex-document/annex-document.schemas";
import { LANGS, type Lang, type Messages, MESSAGES } from "../../src/i18n/messages";
import { generateOpenApiDocument } from "../../src/openapi";
import { createTestContext, DAY, T0, type TestContext } from "../helpers/app";
import { baselineAnnex, createActiveAgreement, createOrg, type TestOrg } from "../helpers/factories";

// a catalogue missing one key in one language does not compile
const { col_name: _dropped, ...incomplete } = MESSAGES.da;
// @ts-expect-error col_name is missing
const _notACatalogue: Messages = incomplete;

const GOLDEN_DIR = new URL("../golden/", import.meta.url);
const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === "1";

/** The bytes of a response exactly as sent (Response.text() would drop the CSV's byte-order mark). */
async function fetchRaw(t: TestContext, key: string, path: string) {
  const res = await t.app.request(path, { headers: { Authorization: `Bearer ${key}` } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

const documentPath = (agreementId: string, query: string) => `/v1/agreements/${agreementId}/annex/document?${query}`;

/** Ids that are the same on every run: the ULID generator over the test clock with seeded "random" bytes. */
function seedIds(t: TestContext) {
  let n = 0;
  t.deps.newId = createIdGenerator(
    () => t.clock.now(),
    (bytes) => {
      n += 1;
      for (let i = 0; i < bytes.length; i++) bytes[i] = (n * 37 + i * 11) & 0xff;
      return bytes;
    },
  );
}

async function org(t: TestContext, name: string, registration: { scheme: string; number: string }, address: Record<string, string>): Promise<TestOrg> {
  const created = await t.call(t.operatorKey, "POST", "/v1/organisations", { name, registration, address });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const key = await t.call(t.operatorKey, "POST", `/v1/organisations/${created.body.id}/api-keys`, { name: "golden" });
  expect(key.status, JSON.stringify(key.body)).toBe(201);
  return { id: created.body.id, key: key.body.secret, name };
}

const SEATTLE = { street: "410 Terry Ave N", postal_code: "98109", city: "Seattle", region: "WA", country: "US" };
const V1_AT = T0;
const V2_AT = new Date(T0.getTime() + 31 * DAY);

interface Fixture {
  t: TestContext;
  processor: TestOrg;
  controller: TestOrg;
  agreementId: string;
  changeRequestId: string;
}

/**
 * The golden agreement: Københavns Kommune and its home-care provider; version 1 (22 Nov 2026)
 * has a Danish host and a Swedish backup company; version 2 (23 Dec 2026), through a change
 * request approved by the controller, adds a US sub-processor under SCCs module 3 that the
 * Danish host engaged (the chain).
 */
async function goldenAgreement(): Promise<Fixture> {
  const t = await createTestContext();
  seedIds(t);
  const controller = await org(
    t,
    "Københavns Kommune",
    { scheme: "dk_cvr", number: "64942212" },
    { street: "Rådhuspladsen 1", postal_code: "1550", city: "København V", country: "DK" },
  );
  const processor = await org(
    t,
    "Omsorgspartner ApS",
    { scheme: "dk_cvr", number: "29403473" },
    { street: "Vesterbrogade 10", postal_code: "1620", city: "København V", country: "DK" },
  );
  const proposed = await t.call(processor.key, "POST", "/v1/agreements", {
    controller_id: controller.id,
    title: "Databehandleraftale – fritvalg praktisk hjælp og personlig pleje",
    controller_reference: "KK-2026-0412",
    authorisation: "specific",
    third_country_transfers: "with_transfer_mechanism",
    annex: {
      locations: [
        {
          ref: "dc-dk",
          label: "Datacenter Ballerup",
          address: { street: "Lautrupvang 1", postal_code: "2750", city: "Ballerup", country: "DK" },
          activities: ["hosting", "backup"],
        },
        {
          ref: "backup-se",
          label: "Backup Kista",
          address: { street: "Kista Allévägen 5", postal_code: "164 55", city: "Kista", country: "SE" },
          activities: ["backup", "disaster_recovery"],
        },
      ],
      sub_processors: [
        {
          ref: "nordhost",
          legal_name: "NordHost A/S",
          registration: { scheme: "dk_cvr", number: "31415926" },
          address: { street: "Lautrupvang 1", postal_code: "2750", city: "Ballerup", country: "DK" },
          description: "Drift og hosting af omsorgssystemet",
          locations: ["dc-dk"],
        },
        {
          ref: "backupbolaget",
          legal_name: "Backupbolaget AB",
          registration: { scheme: "se_orgnr", number: "556677-8899" },
          address: { street: "Kista Allévägen 5", postal_code: "164 55", city: "Kista", country: "SE" },
          description: 'Sikkerhedskopiering, "off-site"',
          locations: ["backup-se"],
        },
      ],
    },
  });
  expect(proposed.status, JSON.stringify(proposed.body)).toBe(201);
  const agreementId: string = proposed.body.id;
  expect((await t.call(controller.key, "POST", `/v1/agreements/${agreementId}/confirm`)).status).toBe(200);

  const submitted = await t.call(processor.key, "POST", "/v1/change-requests", {
    agreements: [agreementId],
    reason: "Statistik over besøg",
    effective_date: V2_AT.toISOString(),
    operations: [
      { op: "add_location", location: { ref: "us-east", label: "US East", address: SEATTLE, activities: ["hosting"] } },
      {
        op: "add_sub_processor",
        sub_processor: {
          ref: "uscloud",
          legal_name: "US Cloud Inc.",
          registration: { scheme: "us_ein", number: "91-1646860" },
          address: SEATTLE,
          description: "Analyse af besøgsstatistik",
          locations: ["us-east"],
          parent: "nordhost",
          transfer_mechanism: { type: "sccs_2021_914", module: "module_3" },
        },
      },
    ],
  });
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
  const decision = submitted.body.decisions[0].id;
  expect((await t.call(controller.key, "POST", `/v1/decisions/${decision}/approve`, {})).status).toBe(200);
  const advanced = await t.call(t.operatorKey, "POST", "/v1/test-clock/advance", { to: V2_AT.toISOString() });
  expect(advanced.body.ran.applied).toBe(1);
  return { t, processor, controller, agreementId, changeRequestId: submitted.body.id };
}

describe("golden files: the same agreement, byte for byte", () => {
  it.each(LANGS.flatMap((lang) => (["md", "csv"] as const).map((format) => [lang, format] as const)))("%s %s", async (lang, format) => {
    const f = await goldenAgreement();
    const res = await fetchRaw(f.t, f.controller.key, documentPath(f.agreementId, `format=${format}&lang=${lang}`));
    expect(res.status, res.bytes.toString()).toBe(200);
    const file = new URL(`annex.${lang}.${format}`, GOLDEN_DIR);
    if (UPDATE_GOLDEN) {
      mkdirSync(GOLDEN_DIR, { recursive: true });
      writeFileSync(file, res.bytes);
    }
    expect(existsSync(file), `${file.pathname} is missing: run with UPDATE_GOLDEN=1`).toBe(true);
    const golden = readFileSync(file);
    expect(res.bytes.toString("utf8")).toBe(golden.toString("utf8"));
    expect(Buffer.compare(res.bytes, golden)).toBe(0);
  });
});

const LABELS: Record<
  Lang,
  { name: string; registration: string; address: string; description: string; scc: string; thirdCountry: string; v1Date: string; v2Date: string; approvedBy: string }
> = {
  da: {
    name: "Navn",
    registration: "CVR-nr.",
    address: "Adresse",
    description: "Beskrivelse af behandling",
    scc: "Standardkontraktbestemmelser (2021/914), modul 3",
    thirdCountry: "Tredjeland uden tilstrækkelighedsafgørelse",
    v1Date: "22. november 2026",
    v2Date: "23. december 2026",
    approvedBy: "Godkendt af Københavns Kommune",
  },
  sv: {
    name: "Namn",
    registration: "Organisationsnummer",
    address: "Adress",
    description: "Beskrivning av behandlingen",
    scc: "Standardavtalsklausuler (2021/914), modul 3",
    thirdCountry: "Tredjeland utan beslut om adekvat skyddsnivå",
    v1Date: "2026-11-22",
    v2Date: "2026-12-23",
    approvedBy: "Godkänd av Københavns Kommune",
  },
  en: {
    name: "Name",
    registration: "Registration number",
    address: "Address",
    description: "Description of processing",
    scc: "Standard contractual clauses (2021/914), module 3",
    thirdCountry: "Third country without an adequacy decision",
    v1Date: "22 November 2026",
    v2Date: "23 December 2026",
    approvedBy: "Approved by Københavns Kommune",
  },
};

/** What i18n-iso-countries calls the countries of the fixture in each language. */
const COUNTRY_NAMES: Record<Lang, Record<"US" | "DK" | "SE", string>> = {
  da: { US: "USA", DK: "Danmark", SE: "Sverige" },
  sv: { US: "USA", DK: "Danmark", SE: "Sverige" },
  en: { US: "United States of America", DK: "Denmark", SE: "Sweden" },
};

describe.each(LANGS)("every format in %s", (lang) => {
  const l = LABELS[lang];

  it("html: a standalone page in the language, with the Appendix B columns", async () => {
    const f = await goldenAgreement();
    const res = await f.t.call(f.controller.key, "GET", documentPath(f.agreementId, `format=html&lang=${lang}`));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html: string = res.body;
    expect(html.startsWith(`<!DOCTYPE html><html lang="${lang}">`)).toBe(true);
    for (const col of [l.name, l.registration, l.address, l.description]) expect(html).toContain(`<th scope="col">${col}</th>`);
    expect(html).toContain(l.scc);
    expect(html).toContain(l.v1Date);
    expect(html).toContain(l.v2Date);
    // how each version came to be: the change's reason and who approved it, not a raw id
    expect(html).toContain("Statistik over besøg");
    expect(html).not.toContain(f.changeRequestId);
    expect(html).toContain(COUNTRY_NAMES[lang].US);
  });

  it("md: headings and GFM tables in the language", async () => {
    const f = await goldenAgreement();
    const res = await f.t.call(f.processor.key, "GET", documentPath(f.agreementId, `format=md&lang=${lang}`));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
    const md: string = res.body;
    expect(md.startsWith(`# ${MESSAGES[lang].document_title}\n`)).toBe(true);
    expect(md).toContain(`\n## ${MESSAGES[lang].sub_processors}\n`);
    expect(md).toContain(`| ${l.name} | ${l.registration} | ${l.address} | ${l.description} |`);
    expect(md).toContain(`| 2 | ${l.v2Date} | Statistik over besøg | ${l.approvedBy} `);
  });

  it("csv: a localised header row, then one row per sub-processor", async () => {
    const f = await goldenAgreement();
    const res = await fetchRaw(f.t, f.controller.key, documentPath(f.agreementId, `format=csv&lang=${lang}`));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect([...res.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = res.bytes.toString("utf8").slice(1).split("\r\n");
    // Danish and Swedish spreadsheets split on ;, English ones on ,
    const sep = lang === "en" ? "," : ";";
    expect(lines[0]!.startsWith([l.name, l.registration, l.address, l.description, ""].join(sep))).toBe(true);
    expect(res.headers.get("content-disposition")).toBe(`inline; filename="${{ da: "bilag-2", sv: "bilaga-2", en: "annex-2" }[lang]}-${f.agreementId}-v2.csv"`);
    // the separator asked for wins over the language's
    const other = await fetchRaw(f.t, f.controller.key, documentPath(f.agreementId, `format=csv&lang=${lang}&delimiter=${lang === "en" ? "semicolon" : "comma"}`));
    expect(
      other.bytes
        .toString("utf8")
        .slice(1)
        .split("\r\n")[0]!
        .startsWith([l.name, l.registration].join(lang === "en" ? ";" : ",")),
    ).toBe(true);
    expect(lines).toHaveLength(1 + 3 + 1); // header, three sub-processors, and the final CRLF
    expect(lines.at(-1)).toBe("");
    expect(lines.find((line: string) => line.startsWith("US Cloud Inc."))).toContain(l.scc);
  });

  it("json: the same rows with codes and labels; country names in the language", async () => {
    const f = await goldenAgreement();
    const res = await f.t.call(f.controller.key, "GET", documentPath(f.agreementId, `format=json&lang=${lang}`));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(Object.keys(res.body)).toEqual(["object", "agreement", "version", "effective_at", "lang", "rows"]);
    expect(AnnexDocument.safeParse(res.body).error).toBeUndefined();
    expect(res.body).toMatchObject({ object: "annex_document", version: 2, effective_at: V2_AT.toISOString(), lang });
    expect(res.body.agreement).toMatchObject({
      id: f.agreementId,
      title: "Databehandleraftale – fritvalg praktisk hjælp og personlig pleje",
      controller_reference: "KK-2026-0412",
      controller: { name: "Københavns Kommune", registration: { scheme: "dk_cvr", number: "64942212" }, address: { country: "DK", country_name: COUNTRY_NAMES[lang].DK } },
      processor: { name: "Omsorgspartner ApS" },
    });
    const rows = Object.fromEntries(res.body.rows.map((r: { ref: string }) => [r.ref, r]));
    expect(Object.keys(rows)).toEqual(["nordhost", "backupbolaget", "uscloud"]);
    expect(rows.uscloud).toMatchObject({
      name: "US Cloud Inc.",
      registration: { scheme: "us_ein", number: "91-1646860" },
      address: { country: "US", country_name: COUNTRY_NAMES[lang].US, region: "WA" },
      classification: { code: "third_country", label: l.thirdCountry },
      transfer_basis: { mechanism: { type: "sccs_2021_914", module: "module_3" }, label: l.scc },
      parent: { ref: "nordhost", name: "NordHost A/S" },
      locations: [{ ref: "us-east", country: "US", country_name: COUNTRY_NAMES[lang].US }],
    });
    expect(rows.backupbolaget.address.country_name).toBe(COUNTRY_NAMES[lang].SE);
    expect(rows.nordhost).toMatchObject({ parent: null, classification: { code: "eu_eea" } });
  });
});

describe("defaults and version selection", () => {
  it("without a query: HTML in English, the version in force now", async () => {
    const f = await goldenAgreement();
    const res = await f.t.call(f.controller.key, "GET", `/v1/agreements/${f.agreementId}/annex/document`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.body).toContain('<html lang="en">');
    expect(res.body).toMatch(/<dt>Annex version<\/dt><dd>2<\/dd>/);
  });

  it("version=1 and as_of before version 2 render version 1, with the history up to it", async () => {
    const f = await goldenAgreement();
    for (const q of ["version=1", `as_of=${encodeURIComponent(new Date(V2_AT.getTime() - 1).toISOString())}`]) {
      const res = await f.t.call(f.controller.key, "GET", documentPath(f.agreementId, `format=json&lang=sv&${q}`));
      expect(res.status, q).toBe(200);
      expect(res.body).toMatchObject({ version: 1, effective_at: V1_AT.toISOString() });
      expect(res.body.rows.map((r: { ref: string }) => r.ref)).toEqual(["nordhost", "backupbolaget"]);
      const md = await f.t.call(f.controller.key, "GET", documentPath(f.agreementId, `format=md&lang=sv&${q}`));
      expect(md.body).toContain("| 1 | 2026-11-22 | Ursprunglig bilaga |");
      expect(md.body).not.toContain(f.changeRequestId);
    }
  });

  it.each([
    ["version=3", "version 3"],
    [`as_of=${encodeURIComponent(new Date(V1_AT.getTime() - 1).toISOString())}`, "in force at"],
  ])("%s: no such version, 404", async (q, detail) => {
    const f = await goldenAgreement();
    const res = await f.t.call(f.controller.key, "GET", documentPath(f.agreementId, q));
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: "not_found" });
    expect(res.body.detail).toContain(detail);
  });
});

describe("the HTML page", () => {
  it("is standalone and print-ready: no scripts, no external assets, print rules, its own CSP", async () => {
    const f = await goldenAgreement();
    const res = await f.t.call(f.controller.key, "GET", documentPath(f.agreementId, "format=html&lang=da"));
    const html: string = res.body;
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).toContain("@media print");
    expect(html).toMatch(/@page \{ size: A4; margin: [^;]+;/);
    expect(html).toContain('<meta charset="utf-8"/>');
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; style-src 'unsafe-inline'");
    expect(res.headers.get("cache-control")).toBe("private, no-store");
  });
});

/** A sub-processor whose name and description hold what HTML, Markdown and CSV each treat as markup. */
async function hostileAgreement() {
  const t = await createTestContext();
  const processor = await createOrg(t, "Processor A/S");
  const controller = await createOrg(t, "Kommune");
  const annex = baselineAnnex();
  annex.sub_processors[0]!.legal_name = 'Evil <b>&" | Co';
  annex.sub_processors[0]!.description = '=SUM(A1), backup\nand "support"';
  const agreement = await createActiveAgreement(t, processor, controller, { annex });
  return { t, controller, agreementId: agreement.id };
}

describe("escaping per format", () => {
  it("html: escaped by the template, never markup", async () => {
    const { t, controller, agreementId } = await hostileAgreement();
    const res = await t.call(controller.key, "GET", documentPath(agreementId, "format=html"));
    expect(res.body).toContain("Evil &lt;b&gt;&amp;&quot; | Co");
    expect(res.body).not.toContain("<b>");
  });

  it("md: pipes and markup backslash-escaped, a line break folded into the cell", async () => {
    const { t, controller, agreementId } = await hostileAgreement();
    const res = await t.call(controller.key, "GET", documentPath(agreementId, "format=md"));
    expect(res.body).toContain('| Evil \\<b\\>&" \\| Co | 31415926 (CVR, Denmark) |');
    expect(res.body).toContain('| =SUM(A1), backup and "support" |');
  });

  it("csv: RFC 4180 quoting, quotes doubled, CRLF between records, a formula defused", async () => {
    const { t, controller, agreementId } = await hostileAgreement();
    const res = await fetchRaw(t, controller.key, documentPath(agreementId, "format=csv"));
    const text = res.bytes.toString("utf8");
    expect(text).toContain('\r\n"Evil <b>&"" | Co","31415926 (CVR, Denmark)","Lautrupvang 1, 2750 Ballerup, Denmark","\'=SUM(A1), backup\nand ""support""",');
    expect(text.endsWith("\r\n")).toBe(true);
    // the only bare LF is the one quoted inside the description
    expect(text.replaceAll("\r\n", "").split("\n")).toHaveLength(2);
  });
});

describe("an audited read, isolated like the annex", () => {
  const auditRows = async (t: TestContext) => (await t.client.execute("SELECT action, resource_id, agreement_id, organisation_id FROM audit_records ORDER BY seq")).rows;

  it.each(["html", "md", "csv", "json"])("%s: one document read, one audit record", async (format) => {
    const f = await goldenAgreement();
    const before = await auditRows(f.t);
    const res = await f.t.call(f.controller.key, "GET", documentPath(f.agreementId, `format=${format}`));
    expect(res.status).toBe(200);
    const added = (await auditRows(f.t)).slice(before.length);
    expect(added).toEqual([
      expect.objectContaining({ action: "annex.document", resource_id: `${f.agreementId}@v2`, agreement_id: f.agreementId, organisation_id: f.controller.id }),
    ]);
  });

  it("another organisation's agreement answers exactly as a missing one (404), and is not audited", async () => {
    const f = await goldenAgreement();
    const stranger = await createOrg(f.t, "Stranger ApS");
    const before = await auditRows(f.t);
    const foreign = await f.t.call(stranger.key, "GET", documentPath(f.agreementId, "format=csv"));
    const missing = await f.t.call(stranger.key, "GET", documentPath("agr_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C", "format=csv"));
    expect(foreign.status).toBe(404);
    const strip = ({ instance: _i, request_id: _r, ...rest }: Record<string, unknown>) => rest;
    expect(strip(foreign.body)).toEqual(strip(missing.body));
    expect((await auditRows(f.t)).slice(before.length)).toEqual([]);
  });

  it("the operator: 403", async () => {
    const f = await goldenAgreement();
    const res = await f.t.call(f.t.operatorKey, "GET", documentPath(f.agreementId, "format=md"));
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("forbidden");
  });

  it("a proposed agreement has no annex in force: 409", async () => {
    const t = await createTestContext();
    const processor = await createOrg(t);
    const controller = await createOrg(t);
    const proposed = await t.call(processor.key, "POST", "/v1/agreements", {
      controller_id: controller.id,
      title: "DPA",
      authorisation: "general",
      third_country_transfers: "with_transfer_mechanism",
      annex: baselineAnnex(),
    });
    const res = await t.call(controller.key, "GET", documentPath(proposed.body.id, "format=json"));
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: "invalid_state", current_state: "proposed" });
  });

  it("without a key: 401", async () => {
    const f = await goldenAgreement();
    expect((await f.t.call(null, "GET", documentPath(f.agreementId, "format=md"))).status).toBe(401);
  });
});

describe("a bad query is a 400 problem naming the field", () => {
  it.each([
    ["format=pdf", "/format"],
    ["lang=de", "/lang"],
    ["format=md&lang=DA", "/lang"],
    ["version=0", "/version"],
    ["version=two", "/version"],
    ["as_of=yesterday", "/as_of"],
    [`version=1&as_of=${encodeURIComponent(T0.toISOString())}`, "/as_of"],
  ])("%s", async (q, pointer) => {
    const f = await goldenAgreement();
    const before = (await f.t.client.execute("SELECT count(*) AS n FROM audit_records")).rows[0]!.n;
    const res = await f.t.call(f.controller.key, "GET", documentPath(f.agreementId, q));
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: "invalid_request", status: 400 });
    expect(res.body.errors).toEqual([expect.objectContaining({ in: "query", pointer })]);
    expect((await f.t.client.execute("SELECT count(*) AS n FROM audit_records")).rows[0]!.n).toBe(before);
  });
});

describe("OpenAPI", () => {
  it("declares the query enums and the four content types", () => {
    const op = (
      generateOpenApiDocument().paths!["/v1/agreements/{agreement_id}/annex/document"] as {
        get: { operationId: string; parameters: { name: string; in: string; schema: { enum?: string[] } }[]; responses: Record<string, { content: object }> };
      }
    ).get;
    expect(op.operationId).toBe("getAnnexDocument");
    const param = (name: string) => op.parameters.find((p) => p.name === name && p.in === "query");
    expect(param("format")?.schema.enum).toEqual(["html", "md", "csv", "json"]);
    expect(param("lang")?.schema.enum).toEqual(["da", "sv", "en"]);
    expect(param("version")).toBeDefined();
    expect(param("as_of")).toBeDefined();
    expect(Object.keys(op.responses["200"]!.content)).toEqual(["text/html", "text/markdown", "text/csv", "application/json"]);
    for (const s of ["400", "401", "403", "404", "409"]) expect(op.responses[s]!.content).toHaveProperty(["application/problem+json"]);
  });
});
