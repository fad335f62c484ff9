/** Every event type, with what it means; the catalogue webhooks and the feed share. */
export const EVENT_TYPES = {
  "change_request.submitted":
    "A processor submitted a change to the annex of this agreement: a decision whose notice period runs, or a notice (removals and corrections) that needs no decision.",
  "agreement.proposed": "A processor proposed an agreement with its baseline annex: the controller confirms or declines it.",
  "agreement.confirmed": "The controller confirmed a proposed agreement: it is active, with its baseline as annex version 1.",
  "agreement.declined": "The controller declined a proposed agreement, with its reason if it gave one.",
  "agreement.amended":
    "The controller amended the agreement's terms (third-country instruction, notice period, authorisation): a new numbered version, in force from its effective date.",
  "decision.approved": "The controller approved the change for this agreement.",
  "decision.objected": "The controller objected to the change for this agreement, with its reason and its ground (objection_ground); the change never takes effect here.",
  "decision.objection_responded":
    "The processor answered the controller's objection, once: it keeps the current arrangement, will propose an alternative, or will end the service, with a note of what it will do (objection_response). The decision stays objected.",
  "decision.question_asked":
    "The controller asked the processor a question on a pending decision (question): the information it needs to decide. Where the agreement says so, the notice is held until the answer and ends no sooner than the agreed number of days after it.",
  "decision.question_answered": "The processor answered the controller's question (question, answer); where the question held the notice, notice_ends_at is the notice's new end.",
  "decision.withdrawn": "The processor withdrew the change for this agreement.",
  "decision.deemed_approved": "The notice ended without objection under a general authorisation: the change is approved by silence.",
  "decision.overdue": "The notice ended, and silence does not approve here (specific authorisation or an instruction conflict): a decision is still needed.",
  "notice.reminder": "The notice period for a pending change ends soon (7 days or 1 day).",
  "annex.version_created": "An approved change took effect: the annex has a new version.",
  "classification.changed":
    "A new release of the legal reference data (adequacy decisions, their scope and expiry) classifies entries of the annex in force differently: which entries, from what to what. The stored version keeps the classification it was approved under.",
  "change_request.failed": "An approved change could no longer be applied to the annex as it now is; nothing was applied.",
  "upstream_change.received":
    "One of the processor's sub-processors announced a change of its own (in this register, or in its feed): a draft change request covers exactly the processor's agreements whose annex has that sub-processor, with notices proposed to end before the upstream deadline.",
  "webhook_endpoint.disabled": "One of the organisation's webhook endpoints was disabled: it answered 410 Gone, or kept failing for 5 days.",
  "webhook_endpoint.ping": "A test event, sent on request to one endpoint.",
  "audit.checkpoint":
    "A signed checkpoint of the audit trail that covers records of this organisation: keep it. Any later export can be checked against it offline with the published public key (GET /v1/audit/public-key).",
} as const;

export type EventType = keyof typeof EVENT_TYPES;
export const EVENT_TYPE_NAMES = Object.keys(EVENT_TYPES) as [EventType, ...EventType[]];
