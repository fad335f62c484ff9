import { type Lang, LOCALES, MESSAGES } from "./messages";

/**
 * Dates of the document are calendar dates of instants in UTC, so a document shows the same
 * day as the API's timestamps whatever the language; the document says so (`dates_note`).
 */
export const DOCUMENT_TIME_ZONE = "UTC";

const formatters = new Map<Lang, Intl.DateTimeFormat>();

/** A date in the language's own format: 22. november 2026, 2026-11-22, 22 November 2026. */
export function formatDate(at: Date, lang: Lang): string {
  let f = formatters.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(LOCALES[lang], { ...MESSAGES[lang].date_format, timeZone: DOCUMENT_TIME_ZONE });
    formatters.set(lang, f);
  }
  return f.format(at);
}

const zoned = new Map<string, Intl.DateTimeFormat>();
const formatter = (lang: Lang, timeZone: string, options: Intl.DateTimeFormatOptions) => {
  const key = `${lang} ${timeZone} ${JSON.stringify(options)}`;
  let f = zoned.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(LOCALES[lang], { ...options, timeZone });
    zoned.set(key, f);
  }
  return f;
};

/**
 * A deadline as people count it, in the zone it is counted in: a period that runs out at
 * midnight is shown as its last day "at 24:00", and the same instant in UTC beside it, as the
 * API gives it (docs/rules.md, rule 4).
 */
export function formatDeadline(at: Date, lang: Lang, timeZone: string): { local: string; zone: string; utc: string } {
  const console_ = MESSAGES[lang].console;
  const time = formatter(lang, timeZone, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(at);
  const midnight = time === "00:00" || time === "00.00";
  const local = midnight
    ? console_.until_end_of(formatter(lang, timeZone, MESSAGES[lang].date_format).format(new Date(at.getTime() - 1)))
    : `${formatter(lang, timeZone, MESSAGES[lang].date_format).format(at)} ${time}`;
  const utc = formatter(lang, "UTC", { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(at);
  const name = formatter(lang, timeZone, { timeZoneName: "longGeneric" })
    .formatToParts(at)
    .find((part) => part.type === "timeZoneName")?.value;
  return { local, zone: name && timeZone !== "UTC" ? `${name} (${timeZone})` : timeZone, utc };
}
