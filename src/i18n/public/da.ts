import { isoDay, type PublicMessages } from "./types";

/** Danish (dansk), in the words of docs/glossary.md: underdatabehandler, behandlingssted, tredjeland. */
export const da = {
  language_name: "Dansk",
  language: "Sprog",
  // the ISO date: the same calendar day (UTC) in every language, and unambiguous
  day: isoDay,

  page_title: (p) => `Underdatabehandlere hos ${p}`,
  intro: (p) =>
    `Her kan du se, hvilke underdatabehandlere ${p} anvender til at behandle personoplysninger på vegne af sine kunder, hvilke ændringer der er varslet, og hvilke ændringer der er gennemført.`,
  last_updated: "Senest opdateret",
  follow_changes: "Følg ændringerne:",
  atom_feed: "Atom-feed",
  json_feed: "JSON Feed",
  footer: (p) =>
    `Klassifikationen følger databeskyttelsesforordningens kapitel V: inden for EU/EØS eller i et tredjeland (ethvert land uden for EU/EØS), enten med en tilstrækkelighedsafgørelse fra Europa-Kommissionen eller uden, hvor der kræves et overførselsgrundlag som fx standardkontraktbestemmelser. En underdatabehandler eller et behandlingssted i et tredjeland medfører overførsel til tredjeland. Offentliggjort af ${p} via Subprocessor Registry.`,

  heading_sub_processors: "Aktuelle underdatabehandlere",
  heading_locations: "Lokaliteter for behandling",
  heading_upcoming: "Varslede ændringer",
  heading_changelog: "Ændringshistorik",

  col_sub_processor: "Underdatabehandler",
  col_registration: "CVR-nr.",
  col_country: "Land",
  col_classification: "Klassifikation",
  col_purpose: "Beskrivelse af behandling",
  col_processes_in: "Behandlingssteder",
  col_location: "Lokalitet",
  col_address: "Adresse",
  col_activities: "Aktiviteter",

  no_sub_processors: "Der anvendes ingen underdatabehandlere.",
  no_locations: "Der er ikke angivet lokaliteter for behandling.",
  no_upcoming: "Der er ingen varslede ændringer.",
  no_changes: "Der er endnu ingen ændringer.",

  classification: {
    eu_eea: "EU/EØS",
    adequacy: "Tredjeland med tilstrækkelighedsafgørelse (databeskyttelsesforordningens art. 45)",
    third_country: "Tredjeland, kræver overførselsgrundlag",
  },
  activity: {
    hosting: "hosting",
    storage: "opbevaring",
    backup: "backup",
    disaster_recovery: "nødgendannelse",
    support: "support",
    operations: "drift",
    development: "udvikling",
    other: "andet",
  },
  field: {
    "legal name": "navn",
    "registration number": "CVR-nr.",
    address: "adresse",
    purpose: "beskrivelse af behandling",
    "processing locations": "behandlingssteder",
    "engaging sub-processor": "anvendt af",
    "Data Privacy Framework certification": "certificering under EU-US Data Privacy Framework",
    "transfer mechanism": "overførselsgrundlag",
    label: "betegnelse",
    activities: "aktiviteter",
    description: "beskrivelse",
  },

  verb: { added: "Tilføjet", removed: "Fjernet", updated: "Ændret" },
  verb_in_title: { added: "tilføjet", removed: "fjernet", updated: "ændret" },
  sub_processor: (name) => `underdatabehandler ${name}`,
  location: (name) => `behandlingssted ${name}`,
  location_in: (country) => `et behandlingssted i ${country}`,
  location_unknown: "et behandlingssted",
  unnamed: "(uden navn)",
  changed_fields: (fields) => `ændret: ${fields}`,
  purpose: (purpose) => `beskrivelse af behandling: ${purpose}`,
  and_more: (n) => `og ${n} andre`,

  feed_title: (p) => `Ændringer af underdatabehandlere hos ${p}`,
  title_upcoming: (summary) => `Varslet ændring: ${summary}`,
  title_applied: (day, summary) => `Ændring gældende fra ${day}: ${summary}`,

  in_effect_since: (day) => `Gældende fra ${day}.`,
  announced: (day) => `Varslet ${day}.`,
  planned_effective_date: (day) => `Planlagt ikrafttrædelsesdato: ${day}.`,
  notice_ends: (day) => `Varslingsperioden udløber: ${day}.`,
} satisfies PublicMessages;
