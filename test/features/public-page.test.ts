import { XMLParser, XMLValidator } from "fast-xml-parser";
import { parseJsonFeed } from "feedsmith";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createTestContext, DAY, T0, type TestContext, type TestResponse } from "../helpers/app";
import { addPolishBackupOp, createActiveAgreement, createOrg, type TestOrg } from "../helpers/factories";
import type { AnnexContent } from "../../src/domain/annex";
import type { ApplicationState, DecisionState } from "../../src/domain/decisions";
import type { Operation } from "../../src/domain/operations";
import { derivePublicView } from "../../src/features/public-page/public-page.view";
import { checkAnswersAgainstDocument } from "../helpers/contract";

const SETTING = "/v1/organisations/me/public-page";
const ATOM_NS = "http://www.w3.org/2005/Atom";

const dataCentre = { street: "Datacentervej 7", postal_code: "2750", city: "Ballerup", country: "DK" };
const nordhost = {
  ref: "nordhost",
  legal_name: "NordHost A/S",
  registration: { scheme: "dk_cvr", number: "31415926" },
  address: { street: "Hostgade 12", postal_code: "8000", city: "Aarhus C", country: "DK" },
  description: "Hosting of the care system",
  locations: ["dc-ballerup"],
};
const insight = {
  ref: "insight",
  legal_name: "Insight Analytics AB",
  registration: { scheme: "se_orgnr", number: "556677-1233" },
  address: { street: "Analysvägen 3", postal_code: "111 22", city: "Stockholm", country: "SE" },
  description: "Usage analytics",
  locations: ["dc-ballerup"],
};
const annex = (...extra: object[]) => ({
  locations: [{ ref: "dc-ballerup", label: "Ballerup server hall", address: dataCentre, activities: ["hosting"] }],
  sub_processors: [nordhost, ...extra],
});
const addPolBackup = addPolishBackupOp("dc-ballerup");
const SUB_PROCESSOR_STREETS = ["Hostgade 12", "Analysvägen 3", "ul. Prosta 1"];

/** A processor with two controllers (agreement B also has Insight), and another processor that never opts in. */
async function setup() {
  const t = await createTestContext();
  // every answer under /public is what the OpenAPI document says it is
  checkAnswersAgainstDocument(t.app, "/public/");
  const processor = await createOrg(t, "NordCare Systems A/S");
  const controllerA = await createOrg(t, "Aarhus Kommune");
  const controllerB = await createOrg(t, "Arbetsmarknadsnämnden Stockholm", "SE");
  const other = await createOrg(t, "Other Processor ApS");
  const agreementA = await createActiveAgreement(t, processor, controllerA, { annex: annex() });
  const agreementB = await createActiveAgreement(t, processor, controllerB, { annex: annex(insight) });
  const otherAgreement = await createActiveAgreement(t, other, controllerA, {
    annex: annex({ ...insight, ref: "other-only", legal_name: "Other-Only Hosting GmbH", registration: { scheme: "de_hr", number: "HRB 86891" } }),
  });
  return { t, processor, controllerA, controllerB, other, agreementA, agreementB, otherAgreement };
}
type World = Awaited<ReturnType<typeof setup>>;

const publish = (t: TestContext, org: TestOrg, body: Record<string, unknown>) => t.call(org.key, "PATCH", SETTING, body);
const get = (t: TestContext, path: string, headers: Record<string, string> = {}) => t.call(null, "GET", path, undefined, headers);
const submit = (t: TestContext, org: TestOrg, body: Record<string, unknown>) =>
  t.call(org.key, "POST", "/v1/change-requests", { agreements: "all", operations: [addPolBackup], reason: "Second backup", ...body });
/** 30 days' notice given at T0 (22 November, 10:00 in Copenhagen) runs out at 24:00 on 22 December there. */
const NOTICE_END = new Date("2026-12-22T23:00:00.000Z");

const advance = async (t: TestContext, body: Record<string, unknown>) => {
  const res = await t.call(t.operatorKey, "POST", "/v1/test-clock/advance", body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

/** The page and both feeds, as text. */
async function readAll(t: TestContext, slug: string) {
  const [page, atom, json] = await Promise.all([get(t, `/public/${slug}`), get(t, `/public/${slug}/feed.atom`), get(t, `/public/${slug}/feed.json`)]);
  for (const res of [page, atom, json]) expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { html: page.body as string, atom: atom.body as string, json: JSON.stringify(json.body), etags: [page, atom, json].map((r) => r.headers.get("etag")) };
}

/** A section of the page by its id. */
const section = (html: string, id: string) => new RegExp(`<section id="${id}">([\\s\\S]*?)</section>`).exec(html)?.[1] ?? "";

/** Nothing of a controller, an agreement, a decision or an objection, nor of the processor that did not opt in. */
function expectNothingPrivate(text: string, w: World, extra: string[] = []) {
  const secrets = [
    w.controllerA.name,
    w.controllerA.id,
    w.controllerB.name,
    w.controllerB.id,
    w.agreementA.id,
    w.agreementB.id,
    w.otherAgreement.id,
    w.other.name,
    w.other.id,
    "Other-Only Hosting GmbH",
    "Databehandleraftale",
    ...extra,
  ];
  for (const secret of secrets) expect(text, secret).not.toContain(secret);
  expect(text).not.toMatch(/pending|approved|objected|objection|withdrawn|deemed|overdue/i);
  expect(text).not.toMatch(/\b(agr|dec|org|key)_[0-9A-Z]{26}\b/);
}

const atomParser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_", isArray: (name) => ["entry", "link", "author", "category"].includes(name) });
const textOf = (node: unknown) => (typeof node === "string" ? node : (node as { "#text": string })["#text"]);
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The required structure of an Atom 1.0 feed (RFC 4287 §4.1.1, §4.1.2), parsed back from the text. */
function parseAtom(text: string) {
  expect(XMLValidator.validate(text)).toBe(true);
  const feed = atomParser.parse(text).feed;
  expect(feed["@_xmlns"]).toBe(ATOM_NS);
  expect(feed.id).toMatch(/^urn:subprocessor-registry:/);
  expect(textOf(feed.title)).toBeTruthy();
  expect(feed.updated).toMatch(RFC3339);
  expect(feed.author?.[0]?.name).toBeTruthy();
  const entries = (feed.entry ?? []) as Record<string, unknown>[];
  for (const e of entries) {
    expect(e.id).toMatch(/^urn:subprocessor-registry:[a-z0-9-]+:cr_[0-9A-Z]{26}:(upcoming|applied)$/);
    expect(textOf(e.title)).toBeTruthy();
    expect(e.updated).toMatch(RFC3339);
    expect((e.link as { "@_href": string }[])[0]!["@_href"]).toMatch(/^http:\/\/localhost\/public\/[a-z0-9-]+#(upcoming|applied)-cr_/);
  }
  return { feed, entries };
}

/** The required fields of JSON Feed 1.1 (jsonfeed.org/version/1.1). */
const JsonFeed11 = z.strictObject({
  version: z.literal("https://jsonfeed.org/version/1.1"),
  title: z.string().min(1),
  home_page_url: z.url(),
  feed_url: z.url(),
  language: z.string(),
  authors: z.array(z.object({ name: z.string().min(1) })).min(1),
  items: z.array(
    z
      .looseObject({
        id: z.string().min(1),
        url: z.url(),
        title: z.string().min(1),
        content_html: z.string().optional(),
        content_text: z.string().optional(),
        date_published: z.string().regex(RFC3339),
        date_modified: z.string().regex(RFC3339),
        tags: z.array(z.string()),
      })
      .refine((i) => i.content_html !== undefined || i.content_text !== undefined, "an item has content_html or content_text"),
  ),
});

function parseJson(res: TestResponse) {
  const feed = JsonFeed11.parse(res.body);
  // a second, maintained reader of JSON Feed agrees on the items
  expect(parseJsonFeed(res.body).items?.map((i) => i.id)).toEqual(feed.items.map((i) => i.id));
  return feed;
}

describe("setting up the public page", () => {
  it("a processor opts in, reads its setting back, changes one field; every write is audited", async () => {
    const { t, processor } = await setup();
    expect((await t.call(processor.key, "GET", SETTING)).status).toBe(404);
    expect((await get(t, "/public/nordcare")).status).toBe(404);

    const created = await publish(t, processor, { enabled: true, slug: "nordcare", agreements: "all" });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body).toMatchObject({
      object: "public_page",
      organisation_id: processor.id,
      enabled: true,
      slug: "nordcare",
      agreements: "all",
      show_own_locations: false,
      url: "/public/nordcare",
      feeds: { atom: "/public/nordcare/feed.atom", json: "/public/nordcare/feed.json" },
    });
    expect((await t.call(processor.key, "GET", SETTING)).body).toEqual(created.body);

    t.clock.advance(1000);
    const changed = await publish(t, processor, { show_own_locations: true });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ enabled: true, slug: "nordcare", agreements: "all", show_own_locations: true, created_at: created.body.created_at });
    expect(changed.body.updated_at > created.body.updated_at).toBe(true);

    const audit = await t.call(processor.key, "GET", "/v1/audit?action=public_page.update");
    expect(audit.body.data).toHaveLength(2);
    expect(audit.body.data[0]).toMatchObject({ action: "public_page.update", resource: { type: "public_page", id: "nordcare" }, actor: { organisation_id: processor.id } });

    const page = await get(t, "/public/nordcare");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
  });

  it("the first write needs enabled, slug and agreements; unknown fields are refused; nothing is stored", async () => {
    const { t, processor } = await setup();
    const empty = await publish(t, processor, {});
    expect(empty.status).toBe(422);
    expect(empty.headers.get("content-type")).toContain("application/problem+json");
    expect(empty.body.errors.map((e: { pointer: string; rule: string }) => `${e.pointer} ${e.rule}`).sort()).toEqual([
      "/agreements required",
      "/enabled required",
      "/slug required",
    ]);
    const unknown = await publish(t, processor, { enabled: true, slug: "nordcare", agreements: "all", colour: "blue" });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toContainEqual(expect.objectContaining({ pointer: "/colour", rule: "unknown_field" }));
    expect((await t.call(processor.key, "GET", SETTING)).status).toBe(404);
    expect((await t.call(processor.key, "GET", "/v1/audit?action=public_page.update")).body.data).toHaveLength(0);
  });

  it.each([
    ["too short", "ab"],
    ["too long", "a".repeat(64)],
    ["upper case", "NordCare"],
    ["an underscore", "nord_care"],
    ["a space", "nord care"],
    ["a letter outside a-z", "nørdcare"],
    ["a slash", "nord/care"],
    ["empty", ""],
  ])("refuses a slug with %s", async (_name, slug) => {
    const { t, processor } = await setup();
    const res = await publish(t, processor, { enabled: true, slug, agreements: "all" });
    expect(res.status).toBe(422);
    expect(res.body.errors).toContainEqual(expect.objectContaining({ pointer: "/slug", rule: "slug" }));
  });

  it.each(["abc", "a".repeat(63), "nordcare-systems-2", "123", "-a-"])("accepts the slug %s", async (slug) => {
    const { t, processor } = await setup();
    const res = await publish(t, processor, { enabled: true, slug, agreements: "all" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await get(t, `/public/${slug}`)).status).toBe(200);
  });

  it("listed agreements are the processor's own active ones; anything else reads like a missing agreement", async () => {
    const w = await setup();
    const proposed = await w.t.call(w.processor.key, "POST", "/v1/agreements", {
      controller_id: w.controllerA.id,
      title: "Databehandleraftale",
      authorisation: "general",
      third_country_transfers: "with_transfer_mechanism",
      notice_days: 30,
      annex: annex(),
    });
    expect(proposed.status).toBe(201);
    const cases: [TestOrg, unknown, string, string][] = [
      [w.processor, [w.otherAgreement.id], "/agreements/0", "active_agreement"],
      [w.processor, ["agr_01ZZZZZZZZZZZZZZZZZZZZZZZZ"], "/agreements/0", "active_agreement"],
      [w.processor, [proposed.body.id], "/agreements/0", "active_agreement"],
      [w.processor, [w.agreementA.id, w.agreementA.id], "/agreements/1", "unique"],
      [w.processor, [], "/agreements", "too_small"],
      [w.processor, "some", "/agreements", "invalid_union"],
      // a controller has no sub-processors of its own in the agreement it is party to
      [w.controllerA, [w.agreementA.id], "/agreements/0", "active_agreement"],
    ];
    for (const [org, agreements, pointer, rule] of cases) {
      const res = await publish(w.t, org, { enabled: true, slug: "some-page", agreements });
      expect(res.status, JSON.stringify(agreements)).toBe(422);
      expect(res.body.errors, JSON.stringify(res.body.errors)).toContainEqual(expect.objectContaining({ pointer, rule }));
    }
    expect((await get(w.t, "/public/some-page")).status).toBe(404);
  });

  it("the operator has no page", async () => {
    const { t } = await setup();
    expect((await t.call(t.operatorKey, "GET", SETTING)).status).toBe(403);
    expect((await t.call(t.operatorKey, "PATCH", SETTING, { enabled: true, slug: "operator", agreements: "all" })).status).toBe(403);
  });

  it("a slug is unique across organisations, also while its page is disabled; once given up it can be taken", async () => {
    const { t, processor, other } = await setup();
    expect((await publish(t, processor, { enabled: true, slug: "nordcare", agreements: "all" })).status).toBe(200);

    const taken = await publish(t, other, { enabled: true, slug: "nordcare", agreements: "all" });
    expect(taken.status).toBe(409);
    expect(taken.headers.get("content-type")).toContain("application/problem+json");
    expect(taken.body).toMatchObject({ code: "conflict", errors: [expect.objectContaining({ pointer: "/slug", rule: "unique" })] });
    expect((await t.call(other.key, "GET", SETTING)).status).toBe(404);

    // its own slug is no conflict
    expect((await publish(t, processor, { slug: "nordcare", enabled: false })).status).toBe(200);
    expect((await publish(t, other, { enabled: true, slug: "nordcare", agreements: "all" })).status).toBe(409);

    expect((await publish(t, processor, { slug: "nordcare-systems", enabled: true })).status).toBe(200);
    expect((await publish(t, other, { enabled: true, slug: "nordcare", agreements: "all" })).status).toBe(200);
    const page = await get(t, "/public/nordcare");
    expect(page.body).toContain(other.name);
    expect(page.body).not.toContain(processor.name);
    expect((await get(t, "/public/nordcare-systems")).body).toContain(processor.name);
  });
});

describe("what the page shows", () => {
  it("a recipient in the UK is shown as a third country (with its adequacy decision), not as EU/EEA", async () => {
    const t = await createTestContext();
    const processor = await createOrg(t, "Omsorgspartner ApS");
    const controller = await createOrg(t, "Skanderborg Kommune");
    const london = { street: "1 Principal Place", postal_code: "EC2A 2FA", city: "London", country: "GB" };
    const dk = { street: "Lautrupvang 1", postal_code: "2750", city: "Ballerup", country: "DK" };
    await createActiveAgreement(t, processor, controller, {
      annex: {
        locations: [
          { ref: "dc-dk", label: "Primary data centre", address: dk, activities: ["hosting"] },
          { ref: "uk", label: "Support", address: london, activities: ["support"] },
        ],
        sub_processors: [
          { ref: "night", legal_name: "Night Desk Ltd", registration: { scheme: "gb_crn", number: "04241161" }, address: london, description: "Support", locations: ["uk"] },
        ],
      },
    });
    expect((await publish(t, processor, { enabled: true, slug: "uk-case", agreements: "all" })).status).toBe(200);
    const { html } = await readAll(t, "uk-case");
    expect(section(html, "sub-processors")).toContain("Third country, adequacy decision (GDPR Art. 45)");
    expect(section(html, "sub-processors")).not.toContain("EU/EEA");
  });

  it("the current sub-processors of the listed agreements only, once each, with registration, country, classification and purpose, never their street addresses", async () => {
    const w = await setup();
    await publish(w.t, w.processor, { enabled: true, slug: "nordcare", agreements: [w.agreementA.id] });
    let { html } = await readAll(w.t, "nordcare");
    const current = section(html, "sub-processors");
    for (const shown of ["NordHost A/S", "31415926", "CVR-nummer (Denmark)", "Denmark", "EU/EEA", "Hosting of the care system"]) expect(current).toContain(shown);
    expect(html).not.toContain("Insight Analytics AB");
    expect(html).not.toContain("Other-Only Hosting GmbH");

    await publish(w.t, w.processor, { agreements: "all" });
    const all = await readAll(w.t, "nordcare");
    html = all.html;
    for (const shown of ["Insight Analytics AB", "556677-1233", "Sweden", "Usage analytics"]) expect(section(html, "sub-processors")).toContain(shown);
    // in both agreements, shown once
    expect(html.match(/id="sp-nordhost"/g)).toHaveLength(1);
    expect(html).not.toContain("Other-Only Hosting GmbH");
    for (const text of [all.html, all.atom, all.json]) for (const street of SUB_PROCESSOR_STREETS) expect(text).not.toContain(street);
  });

  it("the addresses of the processor's own processing locations only when it chooses", async () => {
    const w = await setup();
    await publish(w.t, w.processor, { enabled: true, slug: "nordcare", agreements: "all" });
    const addHall = {
      op: "add_location",
      location: { ref: "dc-skejby", label: "Skejby hall", address: { street: "Skejbyvej 9", postal_code: "8200", city: "Aarhus N", country: "DK" }, activities: ["backup"] },
    };
    expect((await submit(w.t, w.processor, { operations: [addHall] })).status).toBe(201);

    const hidden = await readAll(w.t, "nordcare");
    for (const text of [hidden.html, hidden.atom, hidden.json]) {
      for (const secret of ["Datacentervej 7", "Ballerup server hall", "Skejbyvej 9", "Skejby hall", "dc-skejby", ...SUB_PROCESSOR_STREETS])
        expect(text, secret).not.toContain(secret);
      expect(text).toContain("Added a processing location in Denmark");
    }
    expect(hidden.html).not.toContain('id="locations"');

    await publish(w.t, w.processor, { show_own_locations: true });
    const shown = await readAll(w.t, "nordcare");
    expect(section(shown.html, "locations")).toContain("Datacentervej 7");
    expect(section(shown.html, "locations")).toContain("Ballerup server hall");
    for (const text of [shown.html, shown.atom, shown.json]) {
      expect(text).toContain("Skejbyvej 9");
      for (const street of SUB_PROCESSOR_STREETS) expect(text).not.toContain(street);
    }
  });

  it("an upcoming change after a submit, with its notice end and what it changes; in the changelog once applied", async () => {
    const w = await setup();
    await publish(w.t, w.processor, { enabled: true, slug: "nordcare", agreements: "all" });
    const cr = await submit(w.t, w.processor, {
      operations: [addPolBackup, { op: "update_sub_processor", target: "nordhost", changes: { description: "Hosting and operations" } }],
    });
    expect(cr.status, JSON.stringify(cr.body)).toBe(201);
    // a removal is a notice (nothing to decide); with its effective date it is upcoming until then
    const removal = await submit(w.t, w.processor, {
      agreements: [w.agreementB.id],
      operations: [{ op: "remove_sub_processor", target: "insight" }],
      effective_date: new Date(T0.getTime() + 30 * DAY).toISOString(),
    });
    expect(removal.status, JSON.stringify(removal.body)).toBe(201);

    let { html } = await readAll(w.t, "nordcare");
    const upcoming = section(html, "upcoming");
    expect(upcoming).toContain(`id="upcoming-${cr.body.id}"`);
    expect(upcoming).toContain(`Notice period ends: ${new Date(T0.getTime() + 30 * DAY).toISOString().slice(0, 10)}`);
    expect(upcoming).toContain("Added sub-processor PolBackup sp. z o.o. (polbackup), Poland; purpose: Second backup copy");
    expect(upcoming).toContain("Updated sub-processor NordHost A/S (nordhost); changed: purpose");
    expect(upcoming).toContain("Removed sub-processor Insight Analytics AB (insight)");
    expect(section(html, "changelog")).toContain("No changes yet.");
    expect(section(html, "sub-processors")).not.toContain("PolBackup");

    // general authorisation: deemed approved by silence when the notice ends, then applied
    const ran = await advance(w.t, { days: 31 });
    expect(ran.ran.applied).toBe(3);
    html = (await readAll(w.t, "nordcare")).html;
    expect(section(html, "upcoming")).toContain("No upcoming changes.");
    const changelog = section(html, "changelog");
    expect(changelog).toContain(`In effect since ${new Date(T0.getTime() + 30 * DAY).toISOString().slice(0, 10)}`);
    // one entry per change request, however many agreements it applied to
    expect(changelog.match(new RegExp(`<li id="applied-${cr.body.id}"`, "g"))).toHaveLength(1);
    expect(changelog.match(/<li id="applied-/g)).toHaveLength(2);
    expect(changelog).toContain("Removed sub-processor Insight Analytics AB (insight)");
    const current = section(html, "sub-processors");
    expect(current).toContain('id="sp-polbackup"');
    expect(current).toContain("Poland");
    expect(current).toContain("Hosting and operations");
    expect(current).not.toContain("Insight Analytics AB");
  });

  it("shows the effective date the processor asked for", async () => {
    const w = await setup();
    await publish(w.t, w.processor, { enabled: true, slug: "nordcare", agreements: "all" });
    const effective = new Date(T0.getTime() + 45 * DAY);
    expect((await submit(w.t, w.processor, { effective_date: effective.toISOString() })).status).toBe(201);
    const { html } = await readAll(w.t, "nordcare");
    expect(section(html, "upcoming")).toContain(`Planned effective date: ${effective.toISOString().slice(0, 10)}`);
  });
});

describe("privacy", () => {
  it("never a controller, an agreement, a decision or an objection: an objection and an approval change nothing visible", async () => {
    const w = await setup();
    await publish(w.t, w.processor, { enabled: true, slug: "nordcare", agreements: "all" });
    // a date ahead, so that an approval schedules the change rather than applying it at once
    const cr = await submit(w.t, w.processor, { reason: "Reason-written-to-controllers-QX", effective_date: new Date(T0.getTime() + 40 * DAY).toISOString() });
    expect(cr.status).toBe(201);
    const decisionOf = (agreementId: string) => cr.body.decisions.find((d: { agreement: { id: string } }) => d.agreement.id === agreementId).id as string;
    const before = await readAll(w.t, "nordcare");
    expect(section(before.html, "upcoming")).toContain("PolBackup");

    const objected = await w.t.call(w.controllerA.key, "POST", `/v1/decisions/${decisionOf(w.agreementA.id)}/object`, { reason: "OBJECTION-REASON-7731" });
    expect(objected.status).toBe(200);
    const afterObjection = await readAll(w.t, "nordcare");
    expect(afterObjection).toEqual(before);

    const approved = await w.t.call(w.controllerB.key, "POST", `/v1/decisions/${decisionOf(w.agreementB.id)}/approve`, { comment: "APPROVAL-COMMENT-991" });
    expect(approved.status).toBe(200);
    expect(await readAll(w.t, "nordcare")).toEqual(before);

    // the sweep applies it to agreement B only; the page shows the change, never for whom
    await advance(w.t, { days: 40 });
    const after = await readAll(w.t, "nordcare");
    expect(section(after.html, "changelog")).toContain("PolBackup");
    expect(section(after.html, "upcoming")).toContain("No upcoming changes.");
    const extra = ["OBJECTION-REASON-7731", "APPROVAL-COMMENT-991", "Reason-written-to-controllers-QX", ...cr.body.decisions.map((d: { id: string }) => d.id)];
    for (const bodies of [before, after]) for (const text of [bodies.html, bodies.atom, bodies.json]) expectNothingPrivate(text, w, extra);
  });

  it("a change every listed controller objected to leaves the upcoming changes and never reaches the changelog", async () => {
    const w = await setup();
    await publish(w.t, w.processor, { enabled: true, slug: "nordcare", agreements: [w.agreementA.id] });
    const cr = await submit(w.t, w.processor, {});
    const decision = cr.body.decisions.find((d: { agreement: { id: string } }) => d.agreement.id === w.agreementA.id).id;
    await w.t.call(w.controllerA.key, "POST", `/v1/decisions/${decision}/object`, { reason: "OBJECTION-REASON-7731" });
    await advance(w.t, { days: 31 });
    const all = await readAll(w.t, "nordcare");
    expect(all.html).not.toContain("PolBackup");
    expect(all.atom).not.toContain(cr.body.id);
    expect(all.json).not.toContain(cr.body.id);
    for (const text of [all.html, all.atom, all.json]) expectNothingPrivate(text, w, ["OBJECTION-REASON-7731"]);
  });

  it("a processor that did not opt in, an unknown slug, a malformed one and a disabled page are the same 404", async () => {
    const { t, processor } = await setup();
    await publish(t, processor, { enabled: true, slug: "nordcare", agreements: "all" });
    const comparable = (res: TestResponse) => {
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      const { request_id: _r, instance: _i, ...rest } = res.body;
      return rest;
    };
    const unknown = comparable(await get(t, "/public/no-such-page"));
    expect(unknown).toMatchObject({ code: "not_found", status: 404 });
    for (const path of ["/public/other-processor-aps", "/public/NordCare", "/public/nordcare%2Ffeed.atom"]) expect(comparable(await get(t, path)), path).toEqual(unknown);

    expect((await publish(t, processor, { enabled: false })).status).toBe(200);
    for (const suffix of ["", "/feed.atom", "/feed.json"]) expect(comparable(await get(t, `/public/nordcare${suffix}`))).toEqual(unknown);

    expect((await publish(t, processor, { enabled: true })).status).toBe(200);
    expect((await get(t, "/public/nordcare")).status).toBe(200);
  });

  it("escapes what the processor wrote: the page runs nothing and loads nothing", async () => {
    const t = await createTestContext();
    const processor = await createOrg(t, `Evil <b>Corp</b> & "Sons"`);
    const controller = await createOrg(t, "Kommune");
    const evilName = `Evil <script>alert(1)</script> ]]> & "Co"`;
    await createActiveAgreement(t, processor, controller, {
      annex: annex({ ...insight, ref: "evil", legal_name: evilName, description: `<img src=x onerror=alert(1)>` }),
    });
    await publish(t, processor, { enabled: true, slug: "evil", agreements: "all" });
    expect(
      (await submit(t, processor, { operations: [{ ...addPolBackup, sub_processor: { ...addPolBackup.sub_processor, ref: "evil2", legal_name: `${evilName} 2` } }] })).status,
    ).toBe(201);

    const page = await get(t, "/public/evil");
    const html = page.body as string;
    expect(html).toContain("Evil &lt;script&gt;alert(1)&lt;/script&gt; ]]&gt; &amp; &quot;Co&quot;");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).not.toMatch(/<(script|img|iframe|object|embed|base|link rel="stylesheet")\b/i);
    expect(html).not.toMatch(/<[^>]*\s(src|on\w+)=/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toMatch(/^<!DOCTYPE html>\s*<html lang="en">/);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");

    const { entries } = parseAtom((await get(t, "/public/evil/feed.atom")).body);
    expect(textOf(entries[0]!.title)).toContain(`${evilName} 2`);
    const json = parseJson(await get(t, "/public/evil/feed.json"));
    expect(json.items[0]!.title).toContain(`${evilName} 2`);
    expect(json.authors[0]!.name).toBe(processor.name);
  });
});

describe("feeds", () => {
  /** One change applied (its notice ended at 24:00 on day 30, Copenhagen), one upcoming (submitted day 31). */
  async function withHistory() {
    const w = await setup();
    await publish(w.t, w.processor, { enabled: true, slug: "nordcare", agreements: "all" });
    const applied = await submit(w.t, w.processor, {});
    await advance(w.t, { days: 30 });
    await advance(w.t, { days: 1 });
    const upcoming = await submit(w.t, w.processor, {
      operations: [{ op: "remove_sub_processor", target: "polbackup" }],
      effective_date: new Date(T0.getTime() + 90 * DAY).toISOString(),
    });
    expect(upcoming.status, JSON.stringify(upcoming.body)).toBe(201);
    return { ...w, applied: applied.body.id as string, upcoming: upcoming.body.id as string };
  }

  it("Atom 1.0 parses back: feed id, title, updated (the latest change), author, links; entries with id, title, updated, link", async () => {
    const w = await withHistory();
    const res = await get(w.t, "/public/nordcare/feed.atom");
    expect(res.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
    const { feed, entries } = parseAtom(res.body);
    expect(feed.id).toBe("urn:subprocessor-registry:nordcare");
    expect(textOf(feed.title)).toBe(`Sub-processor changes of ${w.processor.name}`);
    expect(feed.author[0].name).toBe(w.processor.name);
    expect(feed.link.map((l: Record<string, string>) => `${l["@_rel"]} ${l["@_href"]}`)).toEqual([
      "self http://localhost/public/nordcare/feed.atom",
      "alternate http://localhost/public/nordcare",
    ]);
    expect(entries.map((e) => e.id)).toEqual([`urn:subprocessor-registry:nordcare:${w.upcoming}:upcoming`, `urn:subprocessor-registry:nordcare:${w.applied}:applied`]);
    expect(entries.map((e) => e.updated)).toEqual([new Date(T0.getTime() + 31 * DAY).toISOString(), NOTICE_END.toISOString()]);
    expect(feed.updated).toBe(new Date(T0.getTime() + 31 * DAY).toISOString());
    expect(textOf(entries[0]!.title)).toBe("Upcoming change: removed PolBackup sp. z o.o.");
    expect(textOf(entries[1]!.title)).toContain("added PolBackup sp. z o.o.");
    expect((entries[0]!.category as Record<string, string>[])[0]!["@_term"]).toBe("upcoming");
    expect(textOf(entries[0]!.content)).toContain(`Planned effective date: ${new Date(T0.getTime() + 90 * DAY).toISOString().slice(0, 10)}`);
  });

  it("JSON Feed 1.1 parses back with its required fields and the same entries", async () => {
    const w = await withHistory();
    const res = await get(w.t, "/public/nordcare/feed.json");
    expect(res.headers.get("content-type")).toBe("application/feed+json; charset=utf-8");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const feed = parseJson(res);
    expect(feed).toMatchObject({
      title: `Sub-processor changes of ${w.processor.name}`,
      home_page_url: "http://localhost/public/nordcare",
      feed_url: "http://localhost/public/nordcare/feed.json",
      language: "en",
    });
    expect(feed.items.map((i) => [i.id, i.tags])).toEqual([
      [`urn:subprocessor-registry:nordcare:${w.upcoming}:upcoming`, ["upcoming"]],
      [`urn:subprocessor-registry:nordcare:${w.applied}:applied`, ["applied"]],
    ]);
    expect(feed.items[1]!.url).toBe(`http://localhost/public/nordcare#applied-${w.applied}`);
    expect(feed.items[1]!._subprocessor_registry).toMatchObject({
      status: "applied",
      applied_at: NOTICE_END.toISOString(),
      changes: [{ action: "added", ref: "polbackup", name: "PolBackup sp. z o.o." }],
    });
  });

  it("entry ids are stable across requests and across decisions the public does not see", async () => {
    const w = await withHistory();
    const ids = async () => {
      const atom = parseAtom((await get(w.t, "/public/nordcare/feed.atom")).body).entries.map((e) => e.id);
      const json = parseJson(await get(w.t, "/public/nordcare/feed.json")).items.map((i) => i.id);
      expect(json).toEqual(atom);
      return atom;
    };
    const first = await ids();
    expect(await ids()).toEqual(first);
    const cr = await w.t.call(w.processor.key, "GET", `/v1/change-requests/${w.upcoming}`);
    // the removal is a notice: the processor withdraws it from one agreement; it is still upcoming for the other
    const decision = cr.body.decisions.find((d: { agreement: { id: string } }) => d.agreement.id === w.agreementA.id).id;
    expect((await w.t.call(w.processor.key, "POST", `/v1/decisions/${decision}/withdraw`)).status).toBe(200);
    expect(await ids()).toEqual(first);
  });

  it.each(["/public/nordcare", "/public/nordcare/feed.atom", "/public/nordcare/feed.json"])(
    "%s: ETag and Last-Modified, 304 on revalidation, a new ETag after a change",
    async (path) => {
      const w = await withHistory();
      const first = await get(w.t, path);
      expect(first.status).toBe(200);
      const etag = first.headers.get("etag")!;
      const lastModified = first.headers.get("last-modified")!;
      expect(etag).toMatch(/^"[0-9a-f]{40}"$/);
      expect(new Date(lastModified).toUTCString()).toBe(lastModified);
      expect(new Date(lastModified).toISOString()).toBe(new Date(T0.getTime() + 31 * DAY).toISOString());
      expect((await get(w.t, path)).headers.get("etag")).toBe(etag);

      const notModified = (res: TestResponse) => {
        expect(res.status).toBe(304);
        expect(res.body).toBeNull();
        expect(res.headers.get("etag")).toBe(etag);
        expect(res.headers.get("last-modified")).toBe(lastModified);
      };
      notModified(await get(w.t, path, { "If-None-Match": etag }));
      notModified(await get(w.t, path, { "If-None-Match": `"other", W/${etag}` }));
      notModified(await get(w.t, path, { "If-Modified-Since": lastModified }));
      notModified(await get(w.t, path, { "If-Modified-Since": new Date(Date.parse(lastModified) + 3_600_000).toUTCString() }));
      expect((await get(w.t, path, { "If-Modified-Since": new Date(Date.parse(lastModified) - 1000).toUTCString() })).status).toBe(200);
      expect((await get(w.t, path, { "If-Modified-Since": "not a date" })).status).toBe(200);
      // If-None-Match decides when both are sent (RFC 9110 §13.2.2)
      expect((await get(w.t, path, { "If-None-Match": '"stale"', "If-Modified-Since": lastModified })).status).toBe(200);

      await advance(w.t, { days: 1 });
      expect((await submit(w.t, w.processor, { operations: [{ op: "update_sub_processor", target: "nordhost", changes: { description: "Hosting and support" } }] })).status).toBe(
        201,
      );
      const changed = await get(w.t, path, { "If-None-Match": etag });
      expect(changed.status).toBe(200);
      expect(changed.headers.get("etag")).not.toBe(etag);
      expect(Date.parse(changed.headers.get("last-modified")!)).toBeGreaterThan(Date.parse(lastModified));
      expect((await get(w.t, path, { "If-Modified-Since": lastModified })).status).toBe(200);
    },
  );

  it("a change leaving the upcoming list moves Last-Modified, though no entry is newer", async () => {
    const w = await withHistory();
    const before = await get(w.t, "/public/nordcare/feed.atom");
    await advance(w.t, { days: 1 });
    expect((await w.t.call(w.processor.key, "POST", `/v1/change-requests/${w.upcoming}/withdraw`)).status).toBe(200);
    const res = await get(w.t, "/public/nordcare/feed.atom", { "If-Modified-Since": before.headers.get("last-modified")! });
    expect(res.status).toBe(200);
    expect(res.body).not.toContain(w.upcoming);
  });
});

describe("deriving the view (pure)", () => {
  const content: AnnexContent = {
    locations: [{ id: "loc_1", ref: "dc", label: "Hall", address: dataCentre, activities: ["hosting"], description: null, transfer_mechanism: null }],
    sub_processors: [
      { ...nordhost, id: "sp_1", location_ids: ["loc_1"], parent_id: null, dpf_certified: false, transfer_mechanism: null, registration: { scheme: "dk_cvr", number: "31415926" } },
    ],
  };
  const view = (
    decision: { state: DecisionState; application: ApplicationState; decidedAt?: Date | null },
    operations: Operation[] = [{ op: "remove_sub_processor", target: "nordhost" }],
  ) =>
    derivePublicView({
      page: { slug: "p", showOwnLocations: false, updatedAt: T0 },
      organisation: { name: "P" },
      agreements: [{ id: "agr_a", activatedAt: T0 }],
      versions: [{ agreementId: "agr_a", version: 1, effectiveAt: T0, changeRequestId: null, createdAt: T0, content }],
      decisions: [{ changeRequestId: "cr_1", noticeEndsAt: new Date(T0.getTime() + 30 * DAY), effectiveAt: null, decidedAt: null, ...decision }],
      requests: [{ id: "cr_1", operations, effectiveDate: null, submittedAt: new Date(T0.getTime() + DAY) }],
      now: new Date(T0.getTime() + 2 * DAY),
    });

  it.each<[DecisionState, ApplicationState, boolean]>([
    ["pending", "not_applicable", true],
    ["approved", "scheduled", true],
    ["deemed_approved", "scheduled", true],
    ["approved", "applied", false],
    ["deemed_approved", "failed", false],
    ["objected", "not_applicable", false],
    ["withdrawn", "not_applicable", false],
  ])("a listed decision %s / %s: upcoming %s", (state, application, upcoming) => {
    expect(view({ state, application }).upcoming).toHaveLength(upcoming ? 1 : 0);
  });

  it("a change applied under one agreement and still awaited under another is listed once: upcoming, until none awaits it", () => {
    const both = (second: { state: DecisionState; application: ApplicationState }) =>
      derivePublicView({
        page: { slug: "p", showOwnLocations: false, updatedAt: T0 },
        organisation: { name: "P" },
        agreements: [
          { id: "agr_a", activatedAt: T0 },
          { id: "agr_b", activatedAt: T0 },
        ],
        versions: [
          { agreementId: "agr_a", version: 1, effectiveAt: T0, changeRequestId: null, createdAt: T0, content },
          { agreementId: "agr_b", version: 1, effectiveAt: T0, changeRequestId: null, createdAt: T0, content },
          { agreementId: "agr_a", version: 2, effectiveAt: new Date(T0.getTime() + 2 * DAY), changeRequestId: "cr_1", createdAt: new Date(T0.getTime() + 2 * DAY), content },
        ],
        decisions: [
          {
            changeRequestId: "cr_1",
            noticeEndsAt: new Date(T0.getTime() + 30 * DAY),
            effectiveAt: new Date(T0.getTime() + 2 * DAY),
            decidedAt: T0,
            state: "approved",
            application: "applied",
          },
          { changeRequestId: "cr_1", noticeEndsAt: new Date(T0.getTime() + 30 * DAY), effectiveAt: null, decidedAt: null, ...second },
        ],
        requests: [{ id: "cr_1", operations: [{ op: "remove_sub_processor", target: "nordhost" }], effectiveDate: null, submittedAt: new Date(T0.getTime() + DAY) }],
        now: new Date(T0.getTime() + 3 * DAY),
      });
    const partly = both({ state: "pending", application: "not_applicable" });
    expect([partly.upcoming.length, partly.changelog.length]).toEqual([1, 0]);
    const done = both({ state: "objected", application: "not_applicable" });
    expect([done.upcoming.length, done.changelog.length]).toEqual([0, 1]);
  });

  it("a decision on a change still upcoming never moves Last-Modified; the final one does", () => {
    const decidedAt = new Date(T0.getTime() + 1.5 * DAY);
    expect(view({ state: "pending", application: "not_applicable" }).lastModified).toEqual(new Date(T0.getTime() + DAY));
    expect(view({ state: "approved", application: "scheduled", decidedAt }).lastModified).toEqual(new Date(T0.getTime() + DAY));
    expect(view({ state: "objected", application: "not_applicable", decidedAt }).lastModified).toEqual(decidedAt);
  });

  it("names a target by its entry; an entry id it cannot resolve is never shown", () => {
    const pending = { state: "pending", application: "not_applicable" } as const;
    expect(view(pending, [{ op: "remove_sub_processor", target: "sp_1" }]).upcoming[0]!.changes[0]).toMatchObject({ ref: "nordhost", name: "NordHost A/S" });
    expect(view(pending, [{ op: "remove_sub_processor", target: "sp_01ZZZZZZZZZZZZZZZZZZZZZZZZ" }]).upcoming[0]!.changes[0]).toMatchObject({ ref: null, name: null });
    expect(view(pending, [{ op: "remove_location", target: "dc" }]).upcoming[0]!.changes[0]).toMatchObject({
      entity: "location",
      ref: null,
      name: null,
      countryName: "Denmark",
      address: null,
    });
  });
});
