// Every word of the document and the console exists in Danish, Swedish and English, none empty.
// The `Messages` type makes a missing key a compile error; this catches what the type cannot: an
// empty string, a function that returns nothing, a key one language has and the others lack.
import { describe, expect, it } from "vitest";
import { DECISION_STATES } from "../../src/domain/decisions";
import { LANGS, MESSAGES } from "../../src/i18n/messages";

const SAMPLE_ARGS = ["Aarhus Kommune", "2026-12-22", 3, "x"];

/** Every leaf of a catalogue, by its path: strings, and functions called with sample arguments. */
function leaves(value: unknown, path = ""): [string, unknown][] {
  if (typeof value === "function") return [[path, (value as (...a: unknown[]) => unknown)(...SAMPLE_ARGS)]];
  if (value && typeof value === "object" && !Array.isArray(value))
    return Object.entries(value).flatMap(([k, v]) => (path.endsWith("date_format") ? [] : leaves(v, path ? `${path}.${k}` : k)));
  return [[path, value]];
}

describe("the catalogues", () => {
  const byLang = Object.fromEntries(LANGS.map((lang) => [lang, new Map(leaves(MESSAGES[lang]))]));

  it.each(LANGS)("%s has every key the others have, and no empty text", (lang) => {
    const mine = byLang[lang]!;
    const all = new Set(LANGS.flatMap((l) => [...byLang[l]!.keys()]));
    expect([...all].filter((k) => !mine.has(k))).toEqual([]);
    const empty = [...mine].filter(([, v]) => typeof v === "string" && v.trim() === "");
    expect(empty).toEqual([]);
    expect([...mine].filter(([, v]) => v === undefined || v === null)).toEqual([]);
  });

  it.each(LANGS)("%s names every decision state, agreement status and instruction", (lang) => {
    const m = MESSAGES[lang].console;
    for (const s of DECISION_STATES) expect(m.state[s], s).toMatch(/\S/);
    for (const s of ["proposed", "active", "declined"] as const) expect(m.agreement_status[s], s).toMatch(/\S/);
    for (const s of ["prohibited", "with_transfer_mechanism"] as const) expect(MESSAGES[lang].instruction[s], s).toMatch(/\S/);
  });

  it("Danish and Swedish are not English left untranslated", () => {
    // made of its arguments only, the same in every language
    const neutral = new Set(["console.zone_and_utc"]);
    const en = byLang.en!;
    for (const lang of ["da", "sv"] as const) {
      const same = [...byLang[lang]!].filter(([k, v]) => !neutral.has(k) && typeof v === "string" && v.length > 12 && v === en.get(k) && !/Framework|GDPR|SCC|\(EU\)/.test(v));
      expect(same, lang).toEqual([]);
    }
  });
});
