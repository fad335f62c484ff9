import { TZDate } from "@date-fns/tz";

/**
 * The time zone an organisation counts its deadlines in, when it names none: the capital's, for
 * the countries of the EU/EEA and their neighbours (docs/rules.md, rule 4). Elsewhere UTC, until
 * the organisation says otherwise.
 */
const CAPITAL_ZONES: Readonly<Record<string, string>> = {
  AT: "Europe/Vienna",
  BE: "Europe/Brussels",
  BG: "Europe/Sofia",
  CH: "Europe/Zurich",
  CY: "Asia/Nicosia",
  CZ: "Europe/Prague",
  DE: "Europe/Berlin",
  DK: "Europe/Copenhagen",
  EE: "Europe/Tallinn",
  ES: "Europe/Madrid",
  FI: "Europe/Helsinki",
  FO: "Atlantic/Faroe",
  FR: "Europe/Paris",
  GB: "Europe/London",
  GL: "America/Nuuk",
  GR: "Europe/Athens",
  HR: "Europe/Zagreb",
  HU: "Europe/Budapest",
  IE: "Europe/Dublin",
  IS: "Atlantic/Reykjavik",
  IT: "Europe/Rome",
  LI: "Europe/Vaduz",
  LT: "Europe/Vilnius",
  LU: "Europe/Luxembourg",
  LV: "Europe/Riga",
  MT: "Europe/Malta",
  NL: "Europe/Amsterdam",
  NO: "Europe/Oslo",
  PL: "Europe/Warsaw",
  PT: "Europe/Lisbon",
  RO: "Europe/Bucharest",
  SE: "Europe/Stockholm",
  SI: "Europe/Ljubljana",
  SK: "Europe/Bratislava",
};

export const defaultTimeZone = (country: string) => CAPITAL_ZONES[country] ?? "UTC";

/** Whether the runtime knows `zone` as an IANA time zone. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The calendar date of an instant in a time zone: year, month (1–12), day. */
export function localDate(at: Date, timeZone: string) {
  const d = new TZDate(at.getTime(), timeZone);
  return { year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate() };
}

/** Calendar days from the local date of `from` to the local date of `to`: 0 on the same day. */
export function localDaysBetween(from: Date, to: Date, timeZone: string): number {
  const day = (at: Date) => {
    const { year, month, day } = localDate(at, timeZone);
    return Date.UTC(year, month - 1, day);
  };
  return Math.round((day(to) - day(from)) / 86_400_000);
}

/** 00:00 local time, `days` after the local date of `at` (the end of the day before it, 24:00). */
export function startOfLocalDay(at: Date, days: number, timeZone: string): Date {
  const { year, month, day } = localDate(at, timeZone);
  return new Date(new TZDate(year, month - 1, day + days, timeZone).getTime());
}
