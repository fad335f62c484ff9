import type { Activity, ART_46_ROUTES, ART_49_DEROGATIONS, SCC_MODULES } from "../domain/annex";
import type { Classification, Lang } from "../domain/countries";
import type { RegistrationScheme } from "../domain/registration";

export type { Lang };

/** The languages of the annex document: Danish, Swedish, English (the words of docs/glossary.md). */
export const LANGS = ["da", "sv", "en"] as const satisfies readonly Lang[];

/** The locale whose conventions Intl uses for each language (dates: 22.11.2026 / 2026-11-22 / 22 November 2026). */
export const LOCALES: Record<Lang, string> = { da: "da-DK", sv: "sv-SE", en: "en-GB" };

export type Derogation = (typeof ART_49_DEROGATIONS)[number];
export type SccModule = (typeof SCC_MODULES)[number];
export type Art46Route = (typeof ART_46_ROUTES)[number];
export type Authorisation = "specific" | "general";

/**
 * Every label of the annex document, in one shape for every language: a key missing (or
 * misspelt) in one language is a type error. Terms follow the domain words of docs/glossary.md; the
 * sub-processor columns follow Datatilsynet's standard clauses, Appendix B.
 */
export interface Messages {
  /** how Intl formats a date in this language */
  date_format: Intl.DateTimeFormatOptions;
  document_title: string;
  /** the start of a downloaded document's file name: bilag-2, bilaga-2, annex-2 */
  file_stem: string;
  /** the CSV field separator a spreadsheet in this language expects: Danish and Swedish Excel use ; */
  csv_delimiter: "comma" | "semicolon";
  agreement: string;
  agreement_reference: string;
  agreement_id: string;
  annex_version: string;
  in_force_from: string;
  authorisation_label: string;
  authorisation: Record<Authorisation, string>;
  third_country_label: string;
  yes: string;
  no: string;
  parties: string;
  role: string;
  controller: string;
  processor: string;
  sub_processors: string;
  no_sub_processors: string;
  locations: string;
  no_locations: string;
  change_history: string;
  /** the columns of the sub-processor table: Appendix B's four, then ours */
  col_name: string;
  col_registration: string;
  col_address: string;
  col_description: string;
  col_processing_locations: string;
  col_classification: string;
  col_transfer_basis: string;
  col_engaged_by: string;
  col_contact: string;
  /** the columns of the location table */
  col_location: string;
  col_activities: string;
  /** the columns of the change history */
  col_version: string;
  col_effective_date: string;
  col_change: string;
  col_how_decided: string;
  baseline: string;
  how_baseline: string;
  how_approved: (controller: string, date: string, notice: string) => string;
  how_deemed: (date: string, notice: string) => string;
  how_noticed: string;
  notice_period_label: string;
  notice_days: (days: number) => string;
  instruction_label: string;
  instruction: Record<"prohibited" | "with_transfer_mechanism", string>;
  terms_version: (version: number) => string;
  terms_history: string;
  baseline_terms: string;
  not_applicable: string;
  classification: Record<Classification, string>;
  activity: Record<Activity, string>;
  registration_scheme: Record<RegistrationScheme, string>;
  sccs: (module: SccModule) => string;
  bcr: string;
  bcr_processor: string;
  bcr_controller: string;
  art_46: Record<Art46Route, string>;
  art_49_warning: string;
  /** GDPR Art. 49(1), point `letter` (a–g), with the derogation's name */
  art_49: (letter: string, derogation: string) => string;
  derogation: Record<Derogation, string>;
  adequacy_decision: string;
  dpf: string;
  dates_note: string;
  console: ConsoleMessages;
}

/** The decision console's words (src/web/console): the same terms as the annex document. */
export interface ConsoleMessages {
  title: string;
  skip_to_content: string;
  nav_label: string;
  nav_inbox: string;
  nav_requests: string;
  language: string;
  sign_in: string;
  sign_out: string;
  inbox_title: string;
  inbox_empty: string;
  col_agreement: string;
  col_processor: string;
  col_controller: string;
  col_notice_ends: string;
  col_days_left: string;
  col_flags: string;
  col_state: string;
  col_decided: string;
  days_left: (n: number) => string;
  /** the last day of a period that runs out at midnight: "22. december 2026 kl. 24:00" */
  until_end_of: (date: string) => string;
  /** the zone a deadline is counted in, and the same instant in UTC */
  zone_and_utc: (zone: string, utc: string) => string;
  /** what silence does, for a pending decision */
  silence_general: (date: string) => string;
  silence_specific: string;
  silence_conflict: string;
  badge_overdue: string;
  badge_third_country: string;
  badge_conflict: string;
  open: string;
  decision_title: string;
  change: string;
  processor_reason: string;
  notice_ends: string;
  effective_date: string;
  effective_on_approval: string;
  state_label: string;
  state: Record<import("../domain/decisions").DecisionState, string>;
  added: string;
  removed: string;
  changed: string;
  no_changes: string;
  preview_unavailable: string;
  field: string;
  before: string;
  after: string;
  approve: string;
  approve_comment: string;
  conflict_explainer: (instruction: string) => string;
  amend_instruction: string;
  amendment_reason: string;
  amendment_reason_required: string;
  amendment_required: string;
  terms_history: string;
  notice_explainer: string;
  object: string;
  objection_reason: string;
  objection_explainer: string;
  objection_share_upstream: string;
  objection_share_upstream_explainer: string;
  objection_reason_required: string;
  /** what an objection rests on (docs/rules.md, rule 6): the select's label, its placeholder, its error, and the five grounds */
  objection_ground: string;
  objection_ground_choose: string;
  objection_ground_required: string;
  objection_grounds: Record<import("../domain/decisions").ObjectionGround, string>;
  /** the processor's answer to an objection, as the decision page shows it and the processor's form asks for it */
  objection_response: string;
  objection_responses: Record<import("../domain/decisions").ObjectionResponse, string>;
  objection_response_answer: string;
  objection_response_note: string;
  objection_responded_at: string;
  objection_responded_by: string;
  objection_response_awaited: string;
  respond_title: string;
  respond_response: string;
  respond_choose: string;
  respond_note: string;
  respond_explainer: string;
  respond_required: string;
  respond: string;
  respond_conflict: string;
  /** questions before objections (docs/rules.md, rule 13): the list on the decision page, and the controller's and the processor's forms */
  questions: string;
  question: string;
  question_asked_at: string;
  question_asked_by: string;
  question_answer: string;
  question_open: string;
  question_holds: string;
  notice_held: string;
  notice_as_submitted: string;
  ask_explainer: string;
  ask_question: string;
  ask_required: string;
  ask: string;
  answer_explainer: string;
  answer_label: string;
  answer_required: string;
  answer_submit: string;
  answer_conflict: string;
  comment: string;
  decided_at: string;
  final_note: string;
  agreement_title: string;
  current_annex: string;
  open_document: string;
  versions: string;
  past_decisions: string;
  no_decisions: string;
  not_active: string;
  requests_title: string;
  requests_empty: string;
  submitted: string;
  withdraw: string;
  /** the withdraw-for-all button's accessible name: its visible words first (WCAG 2.5.3), then which request */
  withdraw_label: (id: string) => string;
  /** a change request passed on from a sub-processor's own change (docs/rules.md, rule 14) */
  upstream_change: (title: string) => string;
  col_upstream_deadline: string;
  /** the controller's notice ends after the upstream deadline: its objection may come too late to go up */
  upstream_too_late: string;
  not_found_title: string;
  not_found: string;
  forbidden_title: string;
  forbidden: string;
  conflict: string;
  /** a confirmation after an action, shown on the page it returns to */
  done: Record<"approved" | "objected" | "responded" | "asked" | "answered" | "withdrawn" | "withdrawn_all", string>;
  confirm: string;
  cancel: string;
  /** approving with the amendment that lifts a conflict: the step before it is done */
  confirm_amendment_title: string;
  confirm_amendment: (from: string, to: string) => string;
  /** withdrawing: one agreement's decision, or the whole request */
  withdraw_one: string;
  withdraw_all: string;
  withdraw_confirm_title: string;
  withdraw_confirm_one: (agreement: string) => string;
  withdraw_confirm_all: (n: number) => string;
  error_title: string;
  error: string;
  agreement_status: Record<"proposed" | "active" | "declined", string>;
  /** the names of an annex entry's fields, as a diff lists them */
  field_name: Record<string, string>;
  /** a sub-processor's place in the chain */
  parent_of: (name: string) => string;
  version_reason: string;
  version_how: string;
  how: Record<"approved" | "deemed_approved" | "noticed" | "baseline", string>;
}

/** "module_3" → "3" */
export const moduleNumber = (m: SccModule) => m.slice("module_".length);
