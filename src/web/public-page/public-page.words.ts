import { ACTIVITIES, type Activity, ART_46_ROUTES, ART_49_DEROGATIONS, type Address, SCC_MODULES, type TransferMechanism } from "../../domain/annex";
import type { Classification, LocalisedName } from "../../domain/countries";
import { countryName, listCountries } from "../../domain/countries";
import { REGISTRATION_SCHEMES, REGISTRATION_SCHEME_CODES, type RegistrationScheme } from "../../domain/registration";
import { mechanismLabel } from "../../i18n/labels";
import { type Lang, MESSAGES } from "../../i18n/messages";
import { FIELD_LABELS, type FieldLabel, PUBLIC_MESSAGES, type PublicMessages } from "../../i18n/public";
import type { ChangeLine, PublicChange } from "../../features/public-page/public-page.view";

// The words of the page and its feeds, in the reader's language (src/i18n/public). Deliberately
// none of the decision states' names: the public never learns how a controller decided.
//
// The view (src/features/public-page/public-page.view.ts) names countries, transfer tools,
// registration schemes and changed fields in English; each is mapped back to what it names and
// said again in the reader's language. English passes through unchanged.

/** A map from each value's English words to the value, built once on first use. */
const lazyIndex = <T>(build: () => [string, T][]) => {
  let index: Map<string, T> | undefined;
  return (english: string) => {
    index ??= new Map(build());
    return index.get(english);
  };
};

const countryByName = lazyIndex<LocalisedName>(() => listCountries().map((c) => [c.name.en, c.name]));

const MECHANISMS: TransferMechanism[] = [
  ...SCC_MODULES.map((module) => ({ type: "sccs_2021_914", module }) as const),
  { type: "bcr" },
  { type: "bcr_processor" },
  { type: "bcr_controller" },
  ...ART_46_ROUTES.map((route) => ({ type: "art_46", route }) as const),
  ...ART_49_DEROGATIONS.map((derogation) => ({ type: "derogation_art_49", derogation }) as const),
];
const mechanismByLabel = lazyIndex<TransferMechanism>(() => MECHANISMS.map((t) => [mechanismLabel(t, MESSAGES.en), t]));

const schemeByName = lazyIndex<RegistrationScheme>(() => REGISTRATION_SCHEME_CODES.map((code) => [REGISTRATION_SCHEMES[code].name, code]));

const isActivity = (a: string): a is Activity => (ACTIVITIES as readonly string[]).includes(a);
const isFieldLabel = (f: string): f is FieldLabel => (FIELD_LABELS as readonly string[]).includes(f);

export interface Words {
  lang: Lang;
  m: PublicMessages;
  day: (d: Date) => string;
  classification: (c: Classification) => string;
  /** a country the view names in English */
  country: (english: string) => string;
  /** a list of countries the view names in English, in this language's alphabetical order */
  countries: (english: string[]) => string[];
  /** a transfer tool the view names in English */
  mechanism: (english: string) => string;
  /** a registration scheme the view names in English */
  scheme: (english: string) => string;
  activity: (a: string) => string;
  formatAddress: (a: Address) => string;
  /** one change line as a sentence */
  lineText: (l: ChangeLine) => string;
  /** a short title for a feed entry */
  changeTitle: (c: PublicChange) => string;
  /** when an upcoming change is due, or when an applied one took effect, as sentences */
  changeDates: (c: PublicChange) => string[];
}

function build(lang: Lang): Words {
  const m = PUBLIC_MESSAGES[lang];
  const en = lang === "en";
  const day = m.day;
  const country = (english: string) => (en ? english : (countryByName(english)?.[lang] ?? english));
  // English keeps the view's order; another language sorts the names it shows
  const countries = (list: string[]) => (en ? list : list.map(country).sort((x, y) => x.localeCompare(y, lang)));
  const mechanism = (english: string) => {
    const t = en ? undefined : mechanismByLabel(english);
    return t ? mechanismLabel(t, MESSAGES[lang]) : english;
  };
  const scheme = (english: string) => {
    const code = en ? undefined : schemeByName(english);
    return code ? MESSAGES[lang].registration_scheme[code] : english;
  };
  const activity = (a: string) => (isActivity(a) ? m.activity[a] : a.replaceAll("_", " "));
  const field = (f: string) => (isFieldLabel(f) ? m.field[f] : f);
  const formatAddress = (a: Address) => [a.street, `${a.postal_code} ${a.city}`, a.region, countryName(a.country, lang)].filter(Boolean).join(", ");

  /** What a line is about: a named sub-processor or location, or only a location's country while locations are hidden. */
  const subject = (l: ChangeLine): string => {
    if (l.entity === "sub_processor") return l.name && l.ref ? m.sub_processor(`${l.name} (${l.ref})`) : m.sub_processor(l.name ?? l.ref ?? m.unnamed);
    if (l.ref !== null || l.name !== null) return m.location(`${l.name ?? l.ref}${l.name && l.ref ? ` (${l.ref})` : ""}`);
    return l.countryName ? m.location_in(country(l.countryName)) : m.location_unknown;
  };

  const lineText = (l: ChangeLine): string => {
    const parts = [`${m.verb[l.action]} ${subject(l)}`];
    if (l.action === "added" && l.entity === "sub_processor" && l.countryName) parts[0] += `, ${country(l.countryName)}`;
    if (l.address) parts[0] += `, ${formatAddress(l.address)}`;
    if (l.fields.length) parts.push(m.changed_fields(l.fields.map(field).join(", ")));
    if (l.purpose && l.action === "added") parts.push(m.purpose(l.purpose));
    return parts.join("; ");
  };

  const changeTitle = (c: PublicChange): string => {
    const short = c.changes.map((l) => `${m.verb_in_title[l.action]} ${l.entity === "sub_processor" ? (l.name ?? l.ref) : subject(l)}`);
    const head = short.slice(0, 3).join("; ") + (short.length > 3 ? `; ${m.and_more(short.length - 3)}` : "");
    return c.status === "upcoming" ? m.title_upcoming(head) : m.title_applied(day(c.appliedAt!), head);
  };

  const changeDates = (c: PublicChange): string[] => {
    if (c.status === "applied") return [m.in_effect_since(day(c.appliedAt!))];
    const dates = [m.announced(day(c.submittedAt))];
    if (c.effectiveDate) dates.push(m.planned_effective_date(day(c.effectiveDate)));
    dates.push(m.notice_ends(day(c.noticeEndsAt!)));
    return dates;
  };

  return { lang, m, day, classification: (c) => m.classification[c], country, countries, mechanism, scheme, activity, formatAddress, lineText, changeTitle, changeDates };
}

const cache = new Map<Lang, Words>();

/** The page's words in one language. */
export function wordsFor(lang: Lang): Words {
  let w = cache.get(lang);
  if (!w) {
    w = build(lang);
    cache.set(lang, w);
  }
  return w;
}
