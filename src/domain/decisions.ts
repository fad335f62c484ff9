/** The states of one agreement's decision on a change request. */
export const DECISION_STATES = ["pending", "approved", "objected", "withdrawn", "deemed_approved"] as const;
export type DecisionState = (typeof DECISION_STATES)[number];

export const FINAL_STATES: ReadonlySet<DecisionState> = new Set(["approved", "objected", "withdrawn", "deemed_approved"]);
export const APPROVED_STATES: ReadonlySet<DecisionState> = new Set(["approved", "deemed_approved"]);

/** What happens to an approved change in the annex. */
export type ApplicationState = "not_applicable" | "scheduled" | "applied" | "failed";

export type DecisionVerb = "approve" | "object" | "withdraw";
export const VERB_TARGET: Record<DecisionVerb, DecisionState> = { approve: "approved", object: "objected", withdraw: "withdrawn" };
/** Who may take each verb: the controller decides, the processor withdraws. */
export const VERB_ROLE: Record<DecisionVerb, "controller" | "processor"> = { approve: "controller", object: "controller", withdraw: "processor" };

const DAY_MS = 24 * 60 * 60 * 1000;

/** The notice ends `notice_days` after submission (seed 004 clause 10.1). */
export const noticeEndsAt = (submittedAt: Date, noticeDays: number) => new Date(submittedAt.getTime() + noticeDays * DAY_MS);

/**
 * Silence approves only a general authorisation without an instruction conflict
 * (PRODUCT.md rules 3 and 5; SCC 2021/915 clause 7.7).
 */
export const silenceApproves = (d: { authorisation: "specific" | "general"; instructionConflict: boolean }) =>
  d.authorisation === "general" && !d.instructionConflict;

/** A pending decision whose notice has ended without approval by silence. */
export const isOverdue = (d: { state: DecisionState; noticeEndsAt: Date }, now: Date) => d.state === "pending" && d.noticeEndsAt.getTime() <= now.getTime();

/** An approved change takes effect on its effective date, or at the decision if later. */
export function effectiveAt(effectiveDate: Date | null, decidedAt: Date): Date {
  return effectiveDate && effectiveDate > decidedAt ? effectiveDate : decidedAt;
}

/** Reminders before the notice ends (PRODUCT.md: 7 days and 1 day before). */
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
