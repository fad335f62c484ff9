import type { MailMessages } from "./types";

const days = (n: number) => (n === 1 ? "1 day" : `${n} days`);
const minutes = (n: number) => (n === 1 ? "1 minute" : `${n} minutes`);

/** English: every key of MailMessages, or this file does not compile. */
export const en = {
  service: "Subprocessor Registry",
  greeting: (name) => (name ? `Hello ${name},` : "Hello,"),
  labels: {
    agreement: "Agreement",
    processor: "Processor",
    controller: "Controller",
    submitted_by: "Submitted by",
    decided_by: "Decided by",
    amended_by: "Amended by",
    notice_ends: "Notice ends",
    introduces_third_country: "Introduces a transfer to a third country",
    instruction_conflict: "Conflicts with the instruction",
    objection_reason: "Reason for the objection",
    decline_reason: "Reason for declining",
    amendment_reason: "Reason for the amendment",
    annex_version: "Annex version",
    annex_third_country: "Transfer to a third country (the annex as a whole)",
    terms_version: "Terms version",
    endpoint: "Endpoint",
    last_status: "Last HTTP status",
    last_error: "Last error",
    detail: "Detail",
    errors: "Why it could not be applied",
    reclassified: "Entries classified differently",
    copy_link: "If the button does not work, copy this address into your browser:",
  },
  entry: { sub_processor: "Sub-processor", location: "Processing location" },
  third_country: "third country",
  replaces: (ref) => `replaces ${ref}`,
  moves_to: (place) => `moves to ${place}`,
  from_to: (from, to) => `${from} → ${to}`,
  field_name: {
    parent: "Parent sub-processor",
    contact: "Contact person",
    pipeda_covered: "Covered by PIPEDA",
    international_organisation: "International organisation",
  },
  silence_for_processor: {
    general: (c, date) => `Under the general authorisation the change is deemed approved on ${date}, unless ${c} objects before then.`,
    specific: (c) => `Under the specific authorisation ${c} must approve the change explicitly; silence is not approval.`,
    conflict: (c) =>
      `The change conflicts with ${c}'s instruction against third-country transfers: silence never approves it, and ${c} can approve it only by amending the instruction.`,
  },
  submitted: {
    subject_decide: (t) => `Change awaiting your decision: ${t}`,
    subject_notice: (t) => `Notice of a change: ${t}`,
    subject_submitted: (t) => `Change submitted: ${t}`,
    lead: (a) => `${a.processor} has submitted a change to the sub-processors and processing locations of the agreement “${a.agreement}” with ${a.controller}.`,
    ask: "Approve the change, or object to it with a concrete, objective reason, before the notice ends.",
    waits: (c) => `It now waits for ${c}'s decision.`,
    notice_takes_effect: (date) => `It takes effect on ${date}.`,
    action_decide: "Open the decision",
    action_view: "See the change",
  },
  reminder: {
    subject_decide: (d, t) => `Reminder, ${d} left to decide: ${t}`,
    subject_view: (d, t) => `Notice ends in ${d}: ${t}`,
    lead: (a, d) => `The notice of ${a.processor}'s change to the agreement “${a.agreement}” with ${a.controller} ends in ${d}.`,
    action_decide: "Open the decision",
    action_view: "See the change",
  },
  deemed_approved: {
    subject: (t) => `Approved by silence: ${t}`,
    lead: (a, date) =>
      `The notice ended ${date} without an objection from ${a.controller}. Under the general authorisation, ${a.processor}'s change to the agreement “${a.agreement}” is deemed approved.`,
    action: "See the decision",
  },
  overdue: {
    subject: (t) => `Decision overdue: ${t}`,
    lead: (a, date) => `The notice of ${a.processor}'s change to the agreement “${a.agreement}” ended ${date} without a decision from ${a.controller}.`,
    why: {
      specific: "Under a specific authorisation silence is not approval.",
      conflict: "The change conflicts with the instruction against third-country transfers, so silence never approves it.",
    },
    to_controller: "The change does not take effect until you approve it. Approve it, or object to it with a concrete, objective reason.",
    to_processor: (c) => `The change does not take effect unless ${c} approves it.`,
    action_decide: "Decide now",
    action: "See the decision",
  },
  approved: {
    subject: (t) => `Change approved: ${t}`,
    lead: (a) => `${a.controller} approved ${a.processor}'s change to the agreement “${a.agreement}”.`,
    action: "See the decision",
  },
  objected: {
    subject: (t) => `Objection to the change: ${t}`,
    lead: (a) => `${a.controller} objected to ${a.processor}'s change to the agreement “${a.agreement}”. The change will not take effect for this agreement.`,
    action: "See the decision",
  },
  objection_responded: {
    subject: (t) => `Answer to your objection: ${t}`,
    lead: (a) => `${a.processor} answered ${a.controller}'s objection to its change to the agreement “${a.agreement}”. The change still does not take effect for this agreement.`,
    action: "See the decision",
  },
  withdrawn: {
    subject: (t) => `Change withdrawn: ${t}`,
    lead: (a) => `${a.processor} withdrew its change to the agreement “${a.agreement}” with ${a.controller}. There is nothing more to decide, and the annex stays as it is.`,
    action: "See the decision",
  },
  failed: {
    subject: (t) => `Change could not be applied: ${t}`,
    lead: (a) =>
      `${a.processor}'s approved change to the agreement “${a.agreement}” with ${a.controller} could no longer be applied to the annex as it now is. Nothing was applied; the annex is unchanged.`,
    to_processor: "To make the change, submit it again against the annex in force.",
    action: "See the decision",
  },
  version_created: {
    subject: (v, t) => `New annex version ${v}: ${t}`,
    lead: (a, v, date) => `${a.processor}'s change to the agreement “${a.agreement}” with ${a.controller} has taken effect: the annex is now version ${v}, in force from ${date}.`,
    action: "See the annex",
  },
  proposed: {
    subject_confirm: (t) => `Agreement awaiting your confirmation: ${t}`,
    subject_view: (t) => `Agreement proposed: ${t}`,
    lead: (a) => `${a.processor} has proposed the agreement “${a.agreement}” to ${a.controller}, with its annex of sub-processors and processing locations.`,
    ask: "Check the annex and the terms, then confirm the agreement or decline it.",
    waits: (c) => `It now waits for ${c}'s confirmation.`,
    action_confirm: "Review the agreement",
    action_view: "See the agreement",
  },
  confirmed: {
    subject: (t) => `Agreement confirmed: ${t}`,
    lead: (a) => `${a.controller} confirmed the agreement “${a.agreement}” with ${a.processor}. It is active, and its annex is in force as version 1.`,
    action: "See the agreement",
  },
  declined: {
    subject: (t) => `Agreement declined: ${t}`,
    lead: (a) => `${a.controller} declined the agreement “${a.agreement}” proposed by ${a.processor}.`,
    action: "See the agreement",
  },
  amended: {
    agreement: (id) => `agreement ${id}`,
    subject: (t) => `Terms amended: ${t}`,
    lead: (t, v, date) => `The controller has amended the terms of ${t}: terms version ${v}, in force from ${date}.`,
    action: "See the agreement",
  },
  classification: {
    subject: (t) => `Transfer classification changed: ${t}`,
    lead: (t, v, release, under) =>
      `A new release of the legal reference data (${release}) classifies entries of the annex in force of ${t} (version ${v}) differently. The version keeps the classification it was approved under (${under}).`,
    action: "See the agreement",
  },
  endpoint_disabled: {
    subject: (url) => `Webhook endpoint disabled: ${url}`,
    lead: {
      gone: (url) => `The webhook endpoint ${url} answered 410 Gone, so it was disabled.`,
      failing: (url) => `The webhook endpoint ${url} kept failing for 5 days, so it was disabled.`,
    },
    fix: "Events are no longer delivered to it. Fix the receiver, then enable the endpoint again (PATCH /v1/webhook-endpoints/{id} with enabled: true); events from the meantime can be sent again.",
    action: "Open the API documentation",
  },
  footer: {
    why: (org) => `You get this because you use the Subprocessor Registry for ${org} and this kind of notice is turned on.`,
    why_any: "You get this because you use the Subprocessor Registry and this kind of notice is turned on.",
    preferences: "Change which notices you get",
    unsubscribe: "Unsubscribe from this kind of notice",
  },
  sign_in: {
    subject: (org) => `${org}: your sign-in link`,
    lead: (org) => `Use the link below to sign in to the Subprocessor Registry for ${org}.`,
    expires: (n) => `The link works once and expires in ${minutes(n)}.`,
    action: "Sign in",
    why: "You get this because someone asked for a sign-in link for this e-mail address. If it was not you, ignore this e-mail: nobody can sign in without the link.",
  },
  page_confirm: {
    subject: (p) => `Confirm: e-mails about ${p}'s sub-processors`,
    lead: (p) =>
      `Someone, hopefully you, asked for e-mails to this address whenever ${p} announces or applies a change to its sub-processors on its public sub-processor page. Confirm that you want them.`,
    expires: (n) => `The link works once and expires in ${days(n)}.`,
    action: "Confirm the subscription",
    why: "You get this because this address was entered on a public sub-processor page. If it was not you, ignore this e-mail: without confirmation you get nothing more.",
  },
  page_digest: {
    subject: (p, n) => `${p}: ${n === 1 ? "1 change" : `${n} changes`} to its sub-processors`,
    lead: (p) => `${p} has announced or applied these changes to its sub-processors since our last e-mail. Its public sub-processor page shows them too.`,
    action: "See the sub-processor page",
    why: (p) => `You get this because you subscribed to the public sub-processor page of ${p} and confirmed your address.`,
    unsubscribe: "Unsubscribe",
  },
  invitation: {
    subject: (org) => `${org}: invitation to the Subprocessor Registry`,
    lead: (org, by, role) => `${by ?? "An administrator"} has invited you to ${org} in the Subprocessor Registry, as ${role}.`,
    role: {
      admin: { name: "administrator", description: "An administrator manages the organisation's users and keys, and can do everything a decider can." },
      decider: { name: "decider", description: "A decider approves or objects to changes of sub-processors, and confirms agreements." },
      viewer: { name: "viewer", description: "A viewer reads agreements, annexes and decisions, and changes nothing." },
    },
    expires: (n) => `The invitation expires in ${days(n)}.`,
    action: "Accept the invitation",
    why: (org) => `You get this because someone at ${org} invited this e-mail address. If you did not expect it, ignore this e-mail.`,
  },
} satisfies MailMessages;
