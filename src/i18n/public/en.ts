import { isoDay, type PublicMessages } from "./types";

/** English: the words the page has always used (test/features/public-page.test.ts reads them). */
export const en = {
  language_name: "English",
  language: "Language",
  day: isoDay,

  page_title: (p) => `Sub-processors of ${p}`,
  intro: (p) => `The companies ${p} engages to process personal data on its customers' behalf, the changes ahead, and the changes made.`,
  last_updated: "Last updated",
  follow_changes: "Follow the changes:",
  atom_feed: "Atom feed",
  json_feed: "JSON Feed",
  footer: (p) =>
    `Classifications follow GDPR chapter V: inside the EU/EEA, or a third country (any country outside the EU/EEA) with an adequacy decision of the European Commission, or without one, where a transfer tool such as standard contractual clauses is needed. Published by ${p} through the Subprocessor Registry.`,

  heading_sub_processors: "Current sub-processors",
  heading_locations: "Processing locations",
  heading_upcoming: "Upcoming changes",
  heading_changelog: "Changelog",

  col_sub_processor: "Sub-processor",
  col_registration: "Registration",
  col_country: "Country",
  col_classification: "Classification",
  col_purpose: "Purpose",
  col_processes_in: "Processes data in",
  col_location: "Location",
  col_address: "Address",
  col_activities: "Activities",

  no_sub_processors: "No sub-processors.",
  no_locations: "No processing locations.",
  no_upcoming: "No upcoming changes.",
  no_changes: "No changes yet.",

  classification: {
    eu_eea: "EU/EEA",
    // a third country is any country outside the EU/EEA; the class says which transfer tool it needs
    adequacy: "Third country, adequacy decision (GDPR Art. 45)",
    third_country: "Third country, transfer tool needed",
  },
  activity: {
    hosting: "hosting",
    storage: "storage",
    backup: "backup",
    disaster_recovery: "disaster recovery",
    support: "support",
    operations: "operations",
    development: "development",
    other: "other",
  },
  field: {
    "legal name": "legal name",
    "registration number": "registration number",
    address: "address",
    purpose: "purpose",
    "processing locations": "processing locations",
    "engaging sub-processor": "engaging sub-processor",
    "Data Privacy Framework certification": "Data Privacy Framework certification",
    "transfer mechanism": "transfer mechanism",
    label: "label",
    activities: "activities",
    description: "description",
  },

  verb: { added: "Added", removed: "Removed", updated: "Updated" },
  verb_in_title: { added: "added", removed: "removed", updated: "updated" },
  sub_processor: (name) => `sub-processor ${name}`,
  location: (name) => `processing location ${name}`,
  location_in: (country) => `a processing location in ${country}`,
  location_unknown: "a processing location",
  unnamed: "(unnamed)",
  changed_fields: (fields) => `changed: ${fields}`,
  purpose: (purpose) => `purpose: ${purpose}`,
  and_more: (n) => `and ${n} more`,

  feed_title: (p) => `Sub-processor changes of ${p}`,
  title_upcoming: (summary) => `Upcoming change: ${summary}`,
  title_applied: (day, summary) => `Change in effect ${day}: ${summary}`,

  in_effect_since: (day) => `In effect since ${day}.`,
  announced: (day) => `Announced ${day}.`,
  planned_effective_date: (day) => `Planned effective date: ${day}.`,
  notice_ends: (day) => `Notice period ends: ${day}.`,
} satisfies PublicMessages;
