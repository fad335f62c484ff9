import { startOfLocalDay } from "./time-zones";
/**
 * The states of one agreement's decision on a change request. `noticed` is a change that needs no
 * decision (removals and corrections, docs/rules.md rule 10): both parties are told, and it takes
 * effect at its effective date.
 */
export const DECISION_STATES = ["pending", "approved", "objected", "withdrawn", "deemed_approved", "noticed"] as const;
export type DecisionState = (typeof DECISION_STATES)[number];

export const FINAL_STATES: ReadonlySet<DecisionState> = new Set(["approved", "objected", "withdrawn", "deemed_approved", "noticed"]);
/** States in which the change takes effect in the annex. */
export const APPROVED_STATES: ReadonlySet<DecisionState> = new Set(["approved", "deemed_approved", "noticed"]);

/** What happens to an approved change in the annex. */
export type ApplicationState = "not_applicable" | "scheduled" | "applied" | "failed";

/**
 * What an objection rests on, besides its reason text (docs/rules.md, rule 6): the agreement's
 * clause 4.2 asks for "en konkret saglig begrundelse"; the ground names its kind. `other` is what
 * an objection without one is recorded as.
 */
export const OBJECTION_GROUNDS = ["third_country", "security", "insufficient_information", "sub_processor_reputation", "other"] as const;
export type ObjectionGround = (typeof OBJECTION_GROUNDS)[number];

/** How the processor answers an objection (docs/rules.md, rule 6), once, with a note of what it will do. */
export const OBJECTION_RESPONSES = ["keep_current_arrangement", "propose_alternative", "end_service"] as const;
export type ObjectionResponse = (typeof OBJECTION_RESPONSES)[number];

/** What a party (or the scheduler: `deem`) can do to a decision. */
export const DECISION_VERBS = ["approve", "object", "withdraw", "deem"] as const;
export type DecisionVerb = (typeof DECISION_VERBS)[number];
/** Who may take each verb: the controller decides, the processor withdraws, only the scheduler deems. */
export const VERB_ROLE: Record<DecisionVerb, "controller" | "processor" | "scheduler"> = { approve: "controller", object: "controller", withdraw: "processor", deem: "scheduler" };

/** Why a verb is refused in a state: `invalid_state` (final states are final) or `notice_only` (nothing to decide). */
export type Refusal = "invalid_state" | "notice_only";

/**
 * The decision lifecycle, whole: for each state, where each verb leads. A missing entry is refused.
 * A notice can still be withdrawn until it has taken effect (the caller's guard: application scheduled).
 * The API's conditional UPDATEs and the scheduler's sweeps take their guards from this table.
 */
const TRANSITIONS: Record<DecisionState, Partial<Record<DecisionVerb, DecisionState>>> = {
  pending: { approve: "approved", object: "objected", withdraw: "withdrawn", deem: "deemed_approved" },
  noticed: { withdraw: "withdrawn" },
  approved: {},
  objected: {},
  withdrawn: {},
  deemed_approved: {},
};

/** The state `verb` leads to from `state`, or why it is refused. */
export function next(state: DecisionState, verb: DecisionVerb): { to: DecisionState } | { refused: Refusal } {
  const to = TRANSITIONS[state][verb];
  if (to) return { to };
  return { refused: state === "noticed" && (verb === "approve" || verb === "object") ? "notice_only" : "invalid_state" };
}

/** The states from which `verb` is allowed: the guard of its conditional UPDATE. */
export const statesAllowing = (verb: DecisionVerb): DecisionState[] => DECISION_STATES.filter((s) => TRANSITIONS[s][verb] !== undefined);

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The notice ends at 24:00 on its last day in the controller's time zone: the day notice is given
 * is not counted, so N days' notice given on day D runs out as day D+N ends, there (docs/rules.md,
 * rule 4: 30 days by default, SCC 2021/915 clause 7.7 option 2).
 */
export const noticeEndsAt = (submittedAt: Date, noticeDays: number, timeZone: string) => startOfLocalDay(submittedAt, noticeDays + 1, timeZone);

/**
 * Silence approves only a general authorisation without an instruction conflict
 * (docs/rules.md, rules 3 and 5; SCC 2021/915 clause 7.7).
 */
export const silenceApproves = (d: { authorisation: "specific" | "general"; instructionConflict: boolean }) => d.authorisation === "general" && !d.instructionConflict;

/** A pending decision whose notice has ended without approval by silence; a notice held by an open question has not ended (docs/rules.md, rule 13). */
export const isOverdue = (d: { state: DecisionState; noticeEndsAt: Date; noticeHeld?: boolean }, now: Date) =>
  d.state === "pending" && !d.noticeHeld && d.noticeEndsAt.getTime() <= now.getTime();

/**
 * Where a held notice ends once the last question holding it is answered (docs/rules.md, rule 13):
 * the later of its end before and 24:00 in the controller's time zone on the day `days` days after
 * the answer, counted as the notice itself is (rule 4). A notice is never shortened.
 */
export function extendedNoticeEnd(before: Date, answeredAt: Date, days: number, timeZone: string): Date {
  const after = noticeEndsAt(answeredAt, days, timeZone);
  return after > before ? after : before;
}

/** An approved change takes effect on its effective date, or at the decision if later. */
export function effectiveAt(effectiveDate: Date | null, decidedAt: Date): Date {
  return effectiveDate && effectiveDate > decidedAt ? effectiveDate : decidedAt;
}

/** Reminders before the notice ends (docs/rules.md: 7 days and 1 day before). */
export const REMINDERS = [
  { days: 7, column: "reminded7dAt" },
  { days: 1, column: "reminded1dAt" },
] as const;
export const reminderAt = (noticeEnds: Date, days: number) => new Date(noticeEnds.getTime() - days * DAY_MS);

/** The state of a whole change request, derived from its decisions. */
export function deriveRequestStatus(states: DecisionState[]): "pending" | "withdrawn" | "decided" {
  if (states.some((s) => s === "pending")) return "pending";
  if (states.length > 0 && states.every((s) => s === "withdrawn")) return "withdrawn";
  return "decided";
}
