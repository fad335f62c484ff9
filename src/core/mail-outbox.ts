import type { schema } from "../../db/client";
import type { Deps } from "../deps";
import { mailLanguage, type Side, wantsNotice } from "../domain/notices";
import type { Role } from "../domain/people";
import type { PlannedEvent } from "./events";

export type MailRow = typeof schema.mails.$inferInsert;

/** A person who may be mailed about an event of their organisation. */
export interface MailRecipient {
  userId: string;
  organisationId: string;
  email: string;
  role: Role;
  language: "da" | "sv" | "en" | null;
  notices: string[] | null;
  /** the organisation's country: the language when the person chose none */
  country: string;
}

/** The side an organisation is on for an event, if it is in the event's audience at all. */
function sideOf(event: PlannedEvent, organisationId: string): Side | null {
  if (event.row.controllerId === organisationId) return "controller";
  if (event.row.processorId === organisationId) return "processor";
  if (event.row.organisationId === organisationId) return "owner";
  return null;
}

/** A mail row, pending now; what it says is rendered when it is sent, in `language`. */
export function mailRow(deps: Pick<Deps, "newId" | "clock">, fields: Pick<MailRow, "kind" | "toAddress" | "language"> & Partial<MailRow>): MailRow {
  const now = deps.clock.now();
  return {
    id: deps.newId("mail"),
    eventId: null,
    userId: null,
    organisationId: null,
    payload: null,
    threadId: null,
    state: "pending",
    attempts: 0,
    nextAttemptAt: now,
    createdAt: now,
    updatedAt: now,
    ...fields,
  };
}

/**
 * The notices of new events, committed with them like their webhook deliveries (docs/rules.md,
 * "Notices by e-mail"): one row per event and person who wants it on their side. A change's mails
 * share its change request as their thread.
 */
export function planMails(deps: Pick<Deps, "newId" | "clock">, events: PlannedEvent[], recipients: MailRecipient[]): MailRow[] {
  if (!recipients.length) return [];
  const rows: MailRow[] = [];
  for (const event of events) {
    if (event.onlyEndpointId) continue;
    for (const r of recipients) {
      const side = sideOf(event, r.organisationId);
      if (!side || !wantsNotice(r.role, r.notices, event.row.type, side)) continue;
      rows.push(
        mailRow(deps, {
          kind: event.row.type,
          eventId: event.row.id,
          userId: r.userId,
          organisationId: r.organisationId,
          toAddress: r.email,
          language: mailLanguage(r.language, r.country),
          threadId: event.row.changeRequestId ?? event.row.agreementId,
        }),
      );
    }
  }
  return rows;
}
