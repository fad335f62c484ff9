import { LANGS, type Lang } from "./types";

/** True for a language the registry speaks (da, sv, en). */
export const isLang = (v: string | null | undefined): v is Lang => !!v && (LANGS as readonly string[]).includes(v);

/**
 * The language to answer in: `explicit` (a `?lang=` parameter, a cookie) when it names a
 * language we speak; else the Accept-Language header (RFC 9110 §12.5.4), its ranges tried by
 * q-value, highest first, and in the order sent among equal ones, by primary subtag ("da-DK" is
 * da); a range with q=0 is refused, never chosen. `fallbacks` maps further primary subtags to a
 * language (the console reads Norwegian as Danish). English when nothing matches.
 */
export function negotiateLang(header: string | null | undefined, explicit?: string | null, fallbacks: Partial<Record<string, Lang>> = {}): Lang {
  if (isLang(explicit)) return explicit;
  const ranges = (header ?? "")
    .split(",")
    .map((part, order) => {
      const [range = "", ...params] = part.split(";").map((s) => s.trim());
      const q = params.find((p) => /^q\s*=/i.test(p));
      const weight = q === undefined ? 1 : Number(q.slice(q.indexOf("=") + 1).trim());
      return { base: range.toLowerCase().split("-")[0]!, q: Number.isFinite(weight) ? weight : 0, order };
    })
    .filter((r) => r.base && r.q > 0)
    .sort((x, y) => y.q - x.q || x.order - y.order);
  for (const { base } of ranges) {
    if (isLang(base)) return base;
    const fallback = Object.hasOwn(fallbacks, base) ? fallbacks[base] : undefined;
    if (fallback) return fallback;
  }
  return "en";
}
