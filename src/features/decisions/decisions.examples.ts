import type { z } from "zod";
import type { Operation } from "../change-requests/change-requests.schemas";
import { EXAMPLE_IDS, EXAMPLE_TIMES } from "../examples";
import type { AnswerQuestionBody, ApproveBody, AskQuestionBody, Decision, ObjectBody, ObjectionResponseBody } from "./decisions.schemas";

/** The change of the story: Microsoft's Dublin region for an off-site backup, and Hetzner's description to match. */
export const changeOperationsExample: z.output<typeof Operation>[] = [
  {
    op: "add_location",
    location: {
      ref: "azure-north-europe",
      label: "Microsoft Azure North Europe (Dublin)",
      address: { street: "Grange Castle Business Park", postal_code: "D22 XR57", city: "Dublin", country: "IE" },
      activities: ["backup", "disaster_recovery"],
    },
  },
  { op: "update_sub_processor", target: "hetzner", changes: { description: "Hosting, storage and primary backup of the care system (dedicated servers)" } },
  {
    op: "add_sub_processor",
    sub_processor: {
      ref: "microsoft-ireland",
      legal_name: "Microsoft Ireland Operations Limited",
      registration: { scheme: "eu_vat", number: "IE8256796U" },
      address: { street: "One Microsoft Place, South County Business Park, Leopardstown", postal_code: "D18 P521", city: "Dublin", country: "IE" },
      description: "Off-site backup and disaster recovery of the care system (Azure)",
      locations: ["azure-north-europe"],
      dpf_certified: false,
      contact: { name: "EU Data Protection Officer", email: "eudpo@microsoft-ireland.example" },
    },
  },
];

export const changeReasonExample = "A second, off-site backup in another EU country, so that the care system can be restored if the Falkenstein site is lost";

const mette = { id: EXAMPLE_IDS.mette, name: "Mette Hansen", email: "mette.hansen@aarhus.example" };

/** The decision Aarhus Kommune has to make, as the change request created it. */
export const pendingDecisionExample: z.output<typeof Decision> = {
  object: "decision",
  id: EXAMPLE_IDS.decision,
  change_request_id: EXAMPLE_IDS.changeRequest,
  agreement: { id: EXAMPLE_IDS.agreement, title: "Databehandleraftale – omsorgssystem til hjemmeplejen", controller_reference: "AAK-2026-0412" },
  processor: { id: EXAMPLE_IDS.nordcare, name: "NordCare Systems ApS" },
  controller: { id: EXAMPLE_IDS.aarhus, name: "Aarhus Kommune", time_zone: "Europe/Copenhagen" },
  kind: "decision",
  state: "pending",
  overdue: false,
  authorisation: "specific",
  notice_ends_at: EXAMPLE_TIMES.noticeEnds,
  notice_held: false,
  original_notice_ends_at: null,
  introduces_third_country: false,
  instruction_conflict: false,
  comment: null,
  objection_reason: null,
  objection_ground: null,
  objection_shared_upstream: false,
  decided_at: null,
  decided_by: null,
  objection_response: null,
  questions: [],
  application: { state: "not_applicable", effective_at: null, version: null, failure_reason: null },
  change: { operations: changeOperationsExample, reason: changeReasonExample, effective_date: null, submitted_at: EXAMPLE_TIMES.submitted, submitted_by: null },
};

export const approveDecisionExample: z.input<typeof ApproveBody> = { comment: "Approved; the DPIA is updated (case 26/01234)." };

/** Approved by a person, through a key tied to her: the change took effect at once, as annex version 2. */
export const approvedDecisionExample: z.output<typeof Decision> = {
  ...pendingDecisionExample,
  state: "approved",
  comment: approveDecisionExample.comment ?? null,
  decided_at: EXAMPLE_TIMES.approved,
  decided_by: mette,
  application: { state: "applied", effective_at: EXAMPLE_TIMES.approved, version: 2, failure_reason: null },
};

export const objectToDecisionExample: z.input<typeof ObjectBody> = {
  reason: "The backup would hold health data of citizens; we need Microsoft's confirmation that support access from outside the EU is excluded before we can approve.",
  ground: "third_country",
  share_with_upstream: false,
};

export const objectedDecisionExample: z.output<typeof Decision> = {
  ...pendingDecisionExample,
  state: "objected",
  objection_reason: objectToDecisionExample.reason,
  objection_ground: "third_country",
  decided_at: EXAMPLE_TIMES.approved,
  decided_by: mette,
};

export const respondToObjectionExample: z.input<typeof ObjectionResponseBody> = {
  response: "propose_alternative",
  note: "We will submit a new change request with the backup in Microsoft's EU Data Boundary, with Microsoft's written confirmation that support access from outside the EU is excluded.",
};

/** NordCare answers Aarhus Kommune's objection through its organisation key: no person is named. */
export const respondedDecisionExample: z.output<typeof Decision> = {
  ...objectedDecisionExample,
  objection_response: { response: "propose_alternative", note: respondToObjectionExample.note, responded_at: "2026-11-21T09:00:00.000Z", responded_by: null },
};

/** Withdrawn by the processor's key: no person is named. */
export const withdrawnDecisionExample: z.output<typeof Decision> = { ...pendingDecisionExample, state: "withdrawn", decided_at: "2026-11-10T14:00:00.000Z" };

export const askQuestionExample: z.input<typeof AskQuestionBody> = {
  question: "Can Microsoft's support staff outside the EU reach the backups, for instance under the Azure support plan? If so, under which transfer tool?",
};

/**
 * Aarhus Kommune asks before it decides; its agreement's terms set `question_extension_days: 10`,
 * so the question holds the notice until NordCare answers.
 */
export const questionAskedDecisionExample: z.output<typeof Decision> = {
  ...pendingDecisionExample,
  notice_held: true,
  questions: [
    {
      id: EXAMPLE_IDS.question,
      question: askQuestionExample.question,
      asked_at: "2026-11-10T09:00:00.000Z",
      asked_by: mette,
      holds_notice: true,
      answer: null,
      answered_at: null,
      answered_by: null,
    },
  ],
};

export const answerQuestionExample: z.input<typeof AnswerQuestionBody> = {
  answer: "No: the backups are in Microsoft's EU Data Boundary, and support access from outside the EU is excluded by contract (Microsoft's confirmation is attached to the case).",
};

/**
 * NordCare answers on 25 November through its organisation key: the notice, held until then, now
 * ends 10 days after the answer, at 24:00 on 5 December in Copenhagen, later than the 2 December
 * it had as submitted.
 */
export const questionAnsweredDecisionExample: z.output<typeof Decision> = {
  ...questionAskedDecisionExample,
  notice_held: false,
  notice_ends_at: "2026-12-05T23:00:00.000Z",
  original_notice_ends_at: EXAMPLE_TIMES.noticeEnds,
  questions: [
    {
      ...questionAskedDecisionExample.questions[0]!,
      holds_notice: false,
      answer: answerQuestionExample.answer,
      answered_at: "2026-11-25T10:00:00.000Z",
      answered_by: null,
    },
  ],
};
