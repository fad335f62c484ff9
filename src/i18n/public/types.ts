import type { Activity } from "../../domain/annex";
import type { Classification, Lang } from "../../domain/countries";

export type { Lang };

/** What a change line does (src/features/public-page/public-page.view.ts, ChangeLine). */
export type ChangeAction = "added" | "removed" | "updated";

/**
 * The changed fields of an update as the view names them, in English
 * (src/features/public-page/public-page.view.ts): the key each language translates.
 */
export const FIELD_LABELS = [
  "legal name",
  "registration number",
  "address",
  "purpose",
  "processing locations",
  "engaging sub-processor",
  "Data Privacy Framework certification",
  "transfer mechanism",
  "label",
  "activities",
  "description",
] as const;
export type FieldLabel = (typeof FIELD_LABELS)[number];

/** A calendar day of an instant in UTC, as YYYY-MM-DD: the same day in every language, unambiguous. */
export const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Every word of the public sub-processor page and of its feeds, in one shape for every language:
 * a key missing in one language is a type error. Terms follow docs/glossary.md. Deliberately none
 * of the decision states' names: the public never learns how a controller decided.
 */
export interface PublicMessages {
  /** this language's own name, for the language switch */
  language_name: string;
  /** the label of the language switch */
  language: string;
  /** how the page writes a date */
  day: (d: Date) => string;

  /** the page's title and first heading */
  page_title: (processor: string) => string;
  intro: (processor: string) => string;
  last_updated: string;
  follow_changes: string;
  atom_feed: string;
  json_feed: string;
  footer: (processor: string) => string;

  heading_sub_processors: string;
  heading_locations: string;
  heading_upcoming: string;
  heading_changelog: string;

  col_sub_processor: string;
  col_registration: string;
  col_country: string;
  col_classification: string;
  col_purpose: string;
  col_processes_in: string;
  col_location: string;
  col_address: string;
  col_activities: string;

  no_sub_processors: string;
  no_locations: string;
  no_upcoming: string;
  no_changes: string;

  classification: Record<Classification, string>;
  activity: Record<Activity, string>;
  field: Record<FieldLabel, string>;

  /** a change line starts with this: "Added …" */
  verb: Record<ChangeAction, string>;
  /** the same inside a feed entry's title: "… : added …" */
  verb_in_title: Record<ChangeAction, string>;
  sub_processor: (name: string) => string;
  location: (name: string) => string;
  location_in: (country: string) => string;
  location_unknown: string;
  unnamed: string;
  changed_fields: (fields: string) => string;
  purpose: (purpose: string) => string;
  and_more: (count: number) => string;

  /** a feed's title */
  feed_title: (processor: string) => string;
  title_upcoming: (summary: string) => string;
  title_applied: (day: string, summary: string) => string;

  /** the dates of a change, as sentences */
  in_effect_since: (day: string) => string;
  announced: (day: string) => string;
  planned_effective_date: (day: string) => string;
  notice_ends: (day: string) => string;

  /** the subscribe form on the page, and the pages behind it and behind a subscriber's links (docs/rules.md, "Public page subscriptions") */
  subscribe_heading: string;
  subscribe_intro: (processor: string) => string;
  email_label: string;
  subscribe_button: string;
  /** the answer to a subscription: the same whether or not the address was subscribed */
  subscribe_sent_title: string;
  subscribe_sent: string;
  subscribe_limited: string;
  subscribe_invalid: string;
  /** a form post that did not come from the page itself */
  form_refused: string;
  confirm_title: string;
  confirm_intro: (address: string, processor: string) => string;
  confirm_button: string;
  confirmed: (processor: string) => string;
  /** a confirmation link used already, or expired */
  link_invalid: string;
  unsubscribe_title: string;
  unsubscribe_intro: (address: string, processor: string) => string;
  unsubscribe_button: string;
  unsubscribed: (processor: string) => string;
  unsubscribe_invalid: string;
  back_to_page: string;
}
