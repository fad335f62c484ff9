import { isoDay, type PublicMessages } from "./types";

/** Swedish (svenska), in the words of docs/glossary.md: underbiträde, plats för behandling, tredjeland. */
export const sv = {
  language_name: "Svenska",
  language: "Språk",
  // the ISO date, as Swedish writes dates anyway: the same calendar day (UTC) in every language
  day: isoDay,

  page_title: (p) => `Underbiträden hos ${p}`,
  intro: (p) =>
    `Här visas vilka underbiträden ${p} anlitar för att behandla personuppgifter för sina kunders räkning, vilka ändringar som har aviserats och vilka ändringar som har genomförts.`,
  last_updated: "Senast uppdaterad",
  follow_changes: "Följ ändringarna:",
  atom_feed: "Atom-flöde",
  json_feed: "JSON Feed",
  footer: (p) =>
    `Klassificeringen följer kapitel V i dataskyddsförordningen: inom EU/EES eller i ett tredjeland (varje land utanför EU/EES), antingen med ett beslut om adekvat skyddsnivå från Europeiska kommissionen eller utan ett sådant beslut, då en överföringsgrund som standardavtalsklausuler krävs. Ett underbiträde eller en plats för behandling i ett tredjeland medför överföring till tredjeland. Publicerad av ${p} via Subprocessor Registry.`,

  heading_sub_processors: "Nuvarande underbiträden",
  heading_locations: "Platser för behandling",
  heading_upcoming: "Aviserade ändringar",
  heading_changelog: "Ändringshistorik",

  col_sub_processor: "Underbiträde",
  col_registration: "Organisationsnummer",
  col_country: "Land",
  col_classification: "Klassificering",
  col_purpose: "Beskrivning av behandlingen",
  col_processes_in: "Platser för behandling",
  col_location: "Plats",
  col_address: "Adress",
  col_activities: "Aktiviteter",

  no_sub_processors: "Inga underbiträden anlitas.",
  no_locations: "Inga platser för behandling har angetts.",
  no_upcoming: "Inga aviserade ändringar.",
  no_changes: "Inga ändringar ännu.",

  classification: {
    eu_eea: "EU/EES",
    adequacy: "Tredjeland med beslut om adekvat skyddsnivå (art. 45 i dataskyddsförordningen)",
    third_country: "Tredjeland, överföringsgrund krävs",
  },
  activity: {
    hosting: "hosting",
    storage: "lagring",
    backup: "säkerhetskopiering",
    disaster_recovery: "katastrofåterställning",
    support: "support",
    operations: "drift",
    development: "utveckling",
    other: "övrigt",
  },
  field: {
    "legal name": "namn",
    "registration number": "organisationsnummer",
    address: "adress",
    purpose: "beskrivning av behandlingen",
    "processing locations": "platser för behandling",
    "engaging sub-processor": "anlitad av",
    "Data Privacy Framework certification": "certifiering enligt EU-US Data Privacy Framework",
    "transfer mechanism": "överföringsgrund",
    label: "benämning",
    activities: "aktiviteter",
    description: "beskrivning",
  },

  verb: { added: "Lagt till", removed: "Tagit bort", updated: "Ändrat" },
  verb_in_title: { added: "lagt till", removed: "tagit bort", updated: "ändrat" },
  sub_processor: (name) => `underbiträde ${name}`,
  location: (name) => `plats för behandling ${name}`,
  location_in: (country) => `en plats för behandling i ${country}`,
  location_unknown: "en plats för behandling",
  unnamed: "(namnlöst)",
  changed_fields: (fields) => `ändrat: ${fields}`,
  purpose: (purpose) => `beskrivning av behandlingen: ${purpose}`,
  and_more: (n) => `och ${n} till`,

  feed_title: (p) => `Ändringar av underbiträden hos ${p}`,
  title_upcoming: (summary) => `Aviserad ändring: ${summary}`,
  title_applied: (day, summary) => `Ändring gäller från ${day}: ${summary}`,

  in_effect_since: (day) => `Gäller från ${day}.`,
  announced: (day) => `Aviserad ${day}.`,
  planned_effective_date: (day) => `Planerat ikraftträdandedatum: ${day}.`,
  notice_ends: (day) => `Varseltiden löper ut: ${day}.`,
} satisfies PublicMessages;
