import type { Lang } from "../../i18n/types";

export type { Lang };

/** The agreement and the parties a notice is about, as its sentences name them. */
export interface About {
  agreement: string;
  processor: string;
  controller: string;
}

/** A role in an organisation's console, as an invitation offers it. */
export type ConsoleRole = "admin" | "decider" | "viewer";

/** The words of a notice about one decision (a change to one agreement's annex). */
interface DecisionNotice {
  subject: (agreement: string) => string;
  lead: (a: About) => string;
  action: string;
}

/**
 * Every word of the e-mails, in one shape for every language: a key missing (or misspelt) in one
 * language is a type error. Terms follow docs/glossary.md; what the annex document and the console
 * already say (authorisation, instruction, states, silence) comes from src/i18n and is not repeated here.
 */
export interface MailMessages {
  /** the product's name, as the mails sign */
  service: string;
  greeting: (name: string | null) => string;
  labels: {
    agreement: string;
    processor: string;
    controller: string;
    submitted_by: string;
    decided_by: string;
    amended_by: string;
    notice_ends: string;
    introduces_third_country: string;
    instruction_conflict: string;
    objection_reason: string;
    decline_reason: string;
    amendment_reason: string;
    annex_version: string;
    annex_third_country: string;
    terms_version: string;
    endpoint: string;
    last_status: string;
    last_error: string;
    detail: string;
    errors: string;
    reclassified: string;
    copy_link: string;
  };
  /** an annex entry, named in a list of changes */
  entry: Record<"sub_processor" | "location", string>;
  /** the marker of an entry outside the EU/EEA */
  third_country: string;
  replaces: (ref: string) => string;
  moves_to: (place: string) => string;
  /** an amendment's or a classification's change of one value */
  from_to: (from: string, to: string) => string;
  /** the names of fields the console's field_name does not have */
  field_name: Record<"parent" | "contact" | "pipeda_covered" | "international_organisation", string>;
  /** what silence does, said to someone other than the controller (the processor) */
  silence_for_processor: {
    general: (controller: string, date: string) => string;
    specific: (controller: string) => string;
    conflict: (controller: string) => string;
  };
  submitted: {
    subject_decide: (agreement: string) => string;
    subject_notice: (agreement: string) => string;
    subject_submitted: (agreement: string) => string;
    lead: (a: About) => string;
    /** to the controller: what to do */
    ask: string;
    /** to the processor: whose move it is */
    waits: (controller: string) => string;
    notice_takes_effect: (date: string) => string;
    action_decide: string;
    action_view: string;
  };
  reminder: {
    subject_decide: (days: string, agreement: string) => string;
    subject_view: (days: string, agreement: string) => string;
    lead: (a: About, days: string) => string;
    action_decide: string;
    action_view: string;
  };
  deemed_approved: Omit<DecisionNotice, "lead"> & { lead: (a: About, date: string) => string };
  overdue: Omit<DecisionNotice, "lead"> & {
    lead: (a: About, date: string) => string;
    why: Record<"specific" | "conflict", string>;
    to_controller: string;
    to_processor: (controller: string) => string;
    action_decide: string;
  };
  approved: DecisionNotice;
  objected: DecisionNotice;
  /** the processor's answer to an objection, told to the controller */
  objection_responded: DecisionNotice;
  withdrawn: DecisionNotice;
  failed: DecisionNotice & { to_processor: string };
  version_created: {
    subject: (version: number, agreement: string) => string;
    lead: (a: About, version: number, date: string) => string;
    action: string;
  };
  proposed: {
    subject_confirm: (agreement: string) => string;
    subject_view: (agreement: string) => string;
    lead: (a: About) => string;
    ask: string;
    waits: (controller: string) => string;
    action_confirm: string;
    action_view: string;
  };
  confirmed: { subject: (agreement: string) => string; lead: (a: About) => string; action: string };
  declined: { subject: (agreement: string) => string; lead: (a: About) => string; action: string };
  amended: {
    /** the payload names the agreement by its id only */
    agreement: (id: string) => string;
    subject: (agreement: string) => string;
    lead: (agreement: string, version: number, date: string) => string;
    action: string;
  };
  classification: {
    subject: (agreement: string) => string;
    lead: (agreement: string, version: number, release: string, approvedUnder: string) => string;
    action: string;
  };
  endpoint_disabled: {
    subject: (url: string) => string;
    lead: Record<"gone" | "failing", (url: string) => string>;
    fix: string;
    action: string;
  };
  footer: {
    why: (organisation: string) => string;
    why_any: string;
    preferences: string;
    unsubscribe: string;
  };
  sign_in: {
    subject: (organisation: string) => string;
    lead: (organisation: string) => string;
    expires: (minutes: number) => string;
    action: string;
    why: string;
  };
  /** the double opt-in of a public page subscription: `page` is the processor's name */
  page_confirm: {
    subject: (page: string) => string;
    lead: (page: string) => string;
    expires: (days: number) => string;
    action: string;
    why: string;
  };
  /** a digest of a public page's new changes; the changes themselves are in the page's words (src/i18n/public) */
  page_digest: {
    subject: (page: string, count: number) => string;
    lead: (page: string) => string;
    action: string;
    why: (page: string) => string;
    unsubscribe: string;
  };
  invitation: {
    subject: (organisation: string) => string;
    lead: (organisation: string, invitedBy: string | null, role: string) => string;
    role: Record<ConsoleRole, { name: string; description: string }>;
    expires: (days: number) => string;
    action: string;
    why: (organisation: string) => string;
  };
}
