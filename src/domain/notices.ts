import type { EventType } from "./events";
import type { Role } from "./people";

/** Which side of an agreement a person is on for an event: its controller, its processor, or the owner of what it is about (an endpoint). */
export type Side = "controller" | "processor" | "owner";

/**
 * The events people are told of by e-mail, and on which side (docs/rules.md, "Notices by e-mail").
 * A controller hears of what waits for its decision, what happened to its annex and the processor's
 * answer to its objection; a processor of what its controllers decided; the owner of an endpoint
 * that it was disabled.
 */
export const NOTICES = {
  "change_request.submitted": ["controller"],
  "notice.reminder": ["controller"],
  "decision.overdue": ["controller", "processor"],
  "decision.deemed_approved": ["controller", "processor"],
  "decision.approved": ["processor"],
  "decision.objected": ["processor"],
  "decision.objection_responded": ["controller"],
  "decision.withdrawn": ["controller"],
  "annex.version_created": ["controller", "processor"],
  "change_request.failed": ["controller", "processor"],
  "agreement.proposed": ["controller"],
  "agreement.confirmed": ["processor"],
  "agreement.declined": ["processor"],
  "agreement.amended": ["controller", "processor"],
  "webhook_endpoint.disabled": ["owner"],
} as const satisfies Partial<Record<EventType, readonly Side[]>>;

export type NoticeKind = keyof typeof NOTICES;
export const NOTICE_KINDS = Object.keys(NOTICES) as [NoticeKind, ...NoticeKind[]];
export const isNoticeKind = (type: string): type is NoticeKind => type in NOTICES;

/**
 * What a person gets when they have not chosen: deciders and admins everything of their side; an
 * admin also the endpoints; a viewer only what changed the annex or the terms.
 */
const DEFAULTS: Record<Role, readonly NoticeKind[]> = {
  admin: NOTICE_KINDS,
  decider: NOTICE_KINDS.filter((k) => k !== "webhook_endpoint.disabled"),
  viewer: ["annex.version_created", "agreement.amended"],
};

export const defaultNotices = (role: Role): readonly NoticeKind[] => DEFAULTS[role];

/** Whether a person with these choices (null: the defaults of the role) gets the notice of `type` on `side`. */
export function wantsNotice(role: Role, chosen: readonly string[] | null, type: string, side: Side): boolean {
  if (!isNoticeKind(type)) return false;
  if (!(NOTICES[type] as readonly Side[]).includes(side)) return false;
  return (chosen ?? DEFAULTS[role]).includes(type);
}

/** The language a person is written to: their own choice, else their organisation's country's. */
export const mailLanguage = (chosen: "da" | "sv" | "en" | null, country: string): "da" | "sv" | "en" => chosen ?? (country === "DK" ? "da" : country === "SE" ? "sv" : "en");
