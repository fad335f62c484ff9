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
