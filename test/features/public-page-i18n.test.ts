// The public sub-processor page and its feeds in Danish, Swedish and English: `?lang=` first, then
// Accept-Language for the page (never for the feeds), a Content-Language, Vary and ETag of their own.
import { HtmlValidate } from "html-validate";
import { describe, expect, it } from "vitest";
import { createTestContext, DAY, T0, type TestContext } from "../helpers/app";
import { addPolishBackupOp, createActiveAgreement, createOrg, usAnnex } from "../helpers/factories";
import { ACTIVITIES } from "../../src/domain/annex";
import { negotiateLang } from "../../src/i18n/negotiate";
import { FIELD_LABELS, PUBLIC_MESSAGES } from "../../src/i18n/public";

const SLUG = "omsorgspartner";
const PAGE = `/public/${SLUG}`;
const NOTICE_ENDS = new Date(T0.getTime() + 30 * DAY).toISOString().slice(0, 10);

/** A processor with a US sub-processor under SCCs, its own locations shown, and one change announced. */
async function published() {
  const t = await createTestContext();
  const processor = await createOrg(t, "Omsorgspartner ApS");
  const controller = await createOrg(t, "Aarhus Kommune");
  await createActiveAgreement(t, processor, controller, { annex: usAnnex() });
  const page = await t.call(processor.key, "PATCH", "/v1/organisations/me/public-page", { enabled: true, slug: SLUG, agreements: "all", show_own_locations: true });
  expect(page.status, JSON.stringify(page.body)).toBe(200);
  const cr = await t.call(processor.key, "POST", "/v1/change-requests", {
    agreements: "all",
    reason: "Second backup",
    operations: [addPolishBackupOp("dc-dk"), { op: "update_sub_processor", target: "nordhost", changes: { description: "Hosting and operations" } }],
  });
  expect(cr.status, JSON.stringify(cr.body)).toBe(201);
  return t;
}

const get = (t: TestContext, path: string, headers: Record<string, string> = {}) => t.call(null, "GET", path, undefined, headers);

/** A section of the page by its id. */
const section = (html: string, id: string) => new RegExp(`<section id="${id}">([\\s\\S]*?)</section>`).exec(html)?.[1] ?? "";

describe("negotiating the language", () => {
  it.each([
    ["da", undefined, "da"],
    ["sv-SE,sv;q=0.9,en;q=0.5", undefined, "sv"],
    ["en;q=0.5, da;q=0.9", undefined, "da"],
    ["fr-FR, sv;q=0.2, da;q=0.1", undefined, "sv"],
    ["da;q=0, sv", undefined, "sv"],
    ["da;q=0", undefined, "en"],
    ["de, fr", undefined, "en"],
    ["nb, da;q=0.5", undefined, "da"],
    ["*", undefined, "en"],
    ["", undefined, "en"],
    [undefined, undefined, "en"],
    ["da", "en", "en"],
    ["en", "sv", "sv"],
    ["da", "xx", "da"],
  ] as const)("Accept-Language %j with explicit %j → %s", (header, explicit, lang) => {
    expect(negotiateLang(header, explicit)).toBe(lang);
  });

  it("Norwegian falls back to Danish only where the caller asks for it (the console does)", () => {
    expect(negotiateLang("nb-NO,nb;q=0.9")).toBe("en");
    expect(negotiateLang("nb-NO,nb;q=0.9", undefined, { nb: "da" })).toBe("da");
  });
});

describe("the public page in Danish, Swedish and English", () => {
  it("Accept-Language: da gives the Danish page, with Content-Language and Vary", async () => {
    const t = await published();
    const res = await get(t, PAGE, { "Accept-Language": "da-DK,da;q=0.9,en;q=0.5" });
    expect(res.status).toBe(200);
    const html = res.body as string;
    expect(html).toMatch(/^<!DOCTYPE html>\s*<html lang="da">/);
    expect(res.headers.get("content-language")).toBe("da");
    expect(res.headers.get("vary")).toContain("Accept-Language");
    expect(html).toContain("<h1>Underdatabehandlere hos Omsorgspartner ApS</h1>");
    expect(section(html, "sub-processors")).toContain("<h2>Aktuelle underdatabehandlere</h2>");
    const current = section(html, "sub-processors");
    for (const shown of ["Underdatabehandler", "Danmark", "USA", "EU/EØS", "Tredjeland, kræver overførselsgrundlag", "Standardkontraktbestemmelser (2021/914), modul 3", "CVR"])
      expect(current, shown).toContain(shown);
    expect(section(html, "locations")).toContain("Lautrupvang 1, 2750 Ballerup, Danmark");
    const upcoming = section(html, "upcoming");
    expect(upcoming).toContain("Tilføjet underdatabehandler PolBackup sp. z o.o. (polbackup), Polen; beskrivelse af behandling: Second backup copy");
    expect(upcoming).toContain("Ændret underdatabehandler NordHost A/S (nordhost); ændret: beskrivelse af behandling");
    expect(upcoming).toContain(`Varslingsperioden udløber: ${NOTICE_ENDS}.`);
    expect(section(html, "changelog")).toContain("Der er endnu ingen ændringer.");
    expect(html).toContain("medfører overførsel til tredjeland");
    // the feeds the Danish page links to are Danish too
    expect(html).toContain(`href="${PAGE}/feed.atom?lang=da"`);
    for (const english of ["Current sub-processors", "Notice period ends", "Added sub-processor", "No changes yet."]) expect(html).not.toContain(english);
  });

  it("Accept-Language: sv gives the Swedish page", async () => {
    const t = await published();
    const res = await get(t, PAGE, { "Accept-Language": "sv" });
    const html = res.body as string;
    expect(html).toMatch(/^<!DOCTYPE html>\s*<html lang="sv">/);
    expect(res.headers.get("content-language")).toBe("sv");
    expect(res.headers.get("vary")).toContain("Accept-Language");
    expect(html).toContain("<h1>Underbiträden hos Omsorgspartner ApS</h1>");
    expect(section(html, "sub-processors")).toContain("<h2>Nuvarande underbiträden</h2>");
    expect(section(html, "sub-processors")).toContain("Tredjeland, överföringsgrund krävs");
    expect(section(html, "sub-processors")).toContain("Standardavtalsklausuler (2021/914), modul 3");
    const upcoming = section(html, "upcoming");
    expect(upcoming).toContain("Lagt till underbiträde PolBackup sp. z o.o. (polbackup), Polen; beskrivning av behandlingen: Second backup copy");
    expect(upcoming).toContain(`Varseltiden löper ut: ${NOTICE_ENDS}.`);
    expect(section(html, "changelog")).toContain("Inga ändringar ännu.");
  });

  it("?lang= wins over Accept-Language; an unknown language is English", async () => {
    const t = await published();
    const en = await get(t, `${PAGE}?lang=en`, { "Accept-Language": "da" });
    expect(en.body).toMatch(/^<!DOCTYPE html>\s*<html lang="en">/);
    expect(en.headers.get("content-language")).toBe("en");
    expect(section(en.body, "upcoming")).toContain("Added sub-processor PolBackup sp. z o.o. (polbackup), Poland; purpose: Second backup copy");
    expect((await get(t, `${PAGE}?lang=sv`, { "Accept-Language": "da" })).body).toContain('<html lang="sv">');

    for (const header of ["fr-FR,fr;q=0.9", "de", "nb"]) {
      const res = await get(t, PAGE, { "Accept-Language": header });
      expect(res.body, header).toMatch(/^<!DOCTYPE html>\s*<html lang="en">/);
      expect(res.headers.get("content-language")).toBe("en");
    }
    // an unknown ?lang= is ignored: Accept-Language decides
    expect((await get(t, `${PAGE}?lang=fr`, { "Accept-Language": "da" })).body).toContain('<html lang="da">');
  });

  it("links to the page in each language, the current one marked", async () => {
    const t = await published();
    const html = (await get(t, PAGE, { "Accept-Language": "sv" })).body as string;
    expect(html).toContain(`<a href="${PAGE}?lang=da" lang="da" hreflang="da">Dansk</a>`);
    expect(html).toContain(`<a href="${PAGE}?lang=sv" lang="sv" hreflang="sv" aria-current="true">Svenska</a>`);
    expect(html).toContain(`<a href="${PAGE}?lang=en" lang="en" hreflang="en">English</a>`);
  });

  it("each language has an ETag of its own: a Danish copy never validates the English page", async () => {
    const t = await published();
    const da = await get(t, PAGE, { "Accept-Language": "da" });
    const en = await get(t, PAGE, { "Accept-Language": "en" });
    const daTag = da.headers.get("etag")!;
    expect(daTag).toMatch(/^"[0-9a-f]{40}"$/);
    expect(daTag).not.toBe(en.headers.get("etag"));
    expect((await get(t, PAGE, { "Accept-Language": "da", "If-None-Match": daTag })).status).toBe(304);
    expect((await get(t, `${PAGE}?lang=da`, { "If-None-Match": daTag })).status).toBe(304);
    const other = await get(t, PAGE, { "Accept-Language": "en", "If-None-Match": daTag });
    expect(other.status).toBe(200);
    expect(other.body).toContain('<html lang="en">');
    const notModified = await get(t, PAGE, { "Accept-Language": "da", "If-None-Match": daTag });
    expect(notModified.headers.get("vary")).toContain("Accept-Language");
    expect(notModified.headers.get("content-language")).toBe("da");
  });
});

describe("the feeds in Danish and Swedish", () => {
  it("English by default whatever Accept-Language says; ?lang= picks the language, with an ETag of its own", async () => {
    const t = await published();
    const english = await get(t, `${PAGE}/feed.json`, { "Accept-Language": "da" });
    expect(english.body).toMatchObject({ title: "Sub-processor changes of Omsorgspartner ApS", language: "en" });
    expect(english.headers.get("content-language")).toBe("en");

    const danish = await get(t, `${PAGE}/feed.json?lang=da`);
    expect(danish.headers.get("content-language")).toBe("da");
    expect(danish.body).toMatchObject({
      title: "Ændringer af underdatabehandlere hos Omsorgspartner ApS",
      language: "da",
      home_page_url: `http://localhost${PAGE}?lang=da`,
      feed_url: `http://localhost${PAGE}/feed.json?lang=da`,
    });
    const item = danish.body.items[0];
    expect(item.title).toBe("Varslet ændring: tilføjet PolBackup sp. z o.o.; ændret NordHost A/S");
    expect(item.url).toMatch(new RegExp(`^http://localhost${PAGE}\\?lang=da#upcoming-cr_`));
    expect(item.content_text).toContain("Tilføjet underdatabehandler PolBackup sp. z o.o. (polbackup), Polen");
    expect(item.id).toBe(english.body.items[0].id);
    expect(danish.headers.get("etag")).not.toBe(english.headers.get("etag"));
    expect((await get(t, `${PAGE}/feed.json`, { "If-None-Match": danish.headers.get("etag")! })).status).toBe(200);

    const atom = (await get(t, `${PAGE}/feed.atom?lang=sv`)).body as string;
    expect(atom).toContain('xml:lang="sv"');
    expect(atom).toContain("Ändringar av underbiträden hos Omsorgspartner ApS");
    expect(atom).toContain("Aviserad ändring: lagt till PolBackup sp. z o.o.; ändrat NordHost A/S");
  });
});

describe("the catalogues", () => {
  const SAMPLE_DATE = new Date("2026-11-22T09:00:00.000Z");
  /** Calls a message function with sample arguments; a string argument must show in the result. */
  function callSample(path: string, fn: (...args: never[]) => unknown) {
    const args = Array.from({ length: fn.length }, (_, i) => (path === "day" ? SAMPLE_DATE : path === "and_more" ? 7 : `«arg${i}»`));
    const out = (fn as (...a: unknown[]) => unknown)(...args);
    expect(typeof out, path).toBe("string");
    expect((out as string).trim().length, path).toBeGreaterThan(0);
    for (const a of args) if (typeof a === "string") expect(out, path).toContain(a);
    if (path === "day") expect(out).toContain("2026");
    if (path === "and_more") expect(out).toContain("7");
  }

  /** Every key path of a catalogue, with its value. */
  const leaves = (o: object, prefix = ""): [string, unknown][] =>
    Object.entries(o).flatMap(([k, v]): [string, unknown][] => (v !== null && typeof v === "object" ? leaves(v, `${prefix}${k}.`) : [[`${prefix}${k}`, v] as [string, unknown]]));

  const all = Object.entries(PUBLIC_MESSAGES);
  const keysOf = (m: object) => leaves(m).map(([k]) => k);
  const keys = [...new Set(all.flatMap(([, m]) => keysOf(m)))].sort();

  it("the same keys in every language, covering every classification, activity and field", () => {
    for (const [lang, m] of all) expect(keysOf(m).sort(), lang).toEqual(keys);
    for (const c of ["eu_eea", "adequacy", "third_country"]) expect(keys).toContain(`classification.${c}`);
    for (const a of ACTIVITIES) expect(keys).toContain(`activity.${a}`);
    for (const f of FIELD_LABELS) expect(keys).toContain(`field.${f}`);
    expect(Object.keys(PUBLIC_MESSAGES).sort()).toEqual(["da", "en", "sv"]);
  });

  it.each(all)("%s: every string is non-empty; every function answers a non-empty string", (_lang, m) => {
    for (const [path, value] of leaves(m)) {
      if (typeof value === "function") callSample(path, value as (...args: never[]) => unknown);
      else {
        expect(typeof value, path).toBe("string");
        expect((value as string).trim().length, path).toBeGreaterThan(0);
      }
    }
  });

  it("Danish and Swedish are translated, not copies of English", () => {
    for (const lang of ["da", "sv"] as const)
      for (const key of ["page_title", "heading_sub_processors", "no_upcoming", "no_changes", "col_sub_processor"] as const) {
        const text = (m: (typeof PUBLIC_MESSAGES)["en"]) => (typeof m[key] === "function" ? (m[key] as (p: string) => string)("P") : (m[key] as string));
        expect(text(PUBLIC_MESSAGES[lang]), `${lang} ${key}`).not.toBe(text(PUBLIC_MESSAGES.en));
      }
  });
});

describe("valid HTML in Danish and Swedish", () => {
  // as test/features/html-valid.test.ts: hono/jsx writes void elements self-closed, which HTML allows
  const validator = new HtmlValidate({ extends: ["html-validate:recommended"], rules: { "void-style": ["error", { style: "selfclose" }] } });

  it("the Danish and the Swedish page have no html-validate messages", async () => {
    const t = await published();
    for (const lang of ["da", "sv"]) {
      const html = (await get(t, PAGE, { "Accept-Language": lang })).body as string;
      expect(html.slice(0, 15).toLowerCase()).toBe("<!doctype html>");
      const report = await validator.validateString(html);
      const messages = report.results.flatMap((r) => r.messages.map((m) => `${lang} ${m.line}:${m.column} ${m.ruleId}: ${m.message}`));
      expect(messages).toEqual([]);
    }
  });
});
