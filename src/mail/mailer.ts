import { and, asc, eq, inArray, isNull, lte, or } from "drizzle-orm";
import { schema } from "../../db/client";
import { MAILER } from "../core/actor";
import type { AuditEntry } from "../core/audit-trail";
import { commit } from "../core/writer";
import type { Clock, Deps } from "../deps";
import type { EventType } from "../domain/events";
import { unsubscribeUrl } from "../features/users/users.service";
import { type MailRecipient, renderEventNotice, renderInvitation, renderPageConfirm, renderPageDigest, renderSignIn, type RenderedMail } from "./render";
import type { MailTransport, OutgoingMail } from "./transport";

type MailRow = typeof schema.mails.$inferSelect;
type EventRow = typeof schema.events.$inferSelect;
type UserRow = typeof schema.users.$inferSelect;

export interface MailerDeps extends Pick<Deps, "db" | "clock" | "newId" | "webhooks" | "logger" | "publicUrl"> {
  transport: MailTransport;
  /** real time for leases, whatever the service's clock says */
  wallClock: Clock;
  leaseMs: number;
  owner: string;
}

const m = schema.mails;

/** Waits before the attempts after a failure: a minute, five, half an hour, two hours, eight, a day; then the mail has failed. */
export const MAIL_RETRY_MS = [60_000, 300_000, 1_800_000, 7_200_000, 28_800_000, 86_400_000] as const;

/** Claims due mails in one statement, as the webhook relay claims deliveries: a live lease of another mailer is skipped. */
async function claimDue(deps: MailerDeps, limit: number): Promise<MailRow[]> {
  const now = deps.clock.now();
  const wall = deps.wallClock.now();
  const free = or(isNull(m.leaseUntil), lte(m.leaseUntil, wall));
  const due = deps.db
    .select({ id: m.id })
    .from(m)
    .where(and(eq(m.state, "pending"), lte(m.nextAttemptAt, now), free))
    .orderBy(asc(m.nextAttemptAt))
    .limit(limit);
  return deps.db
    .update(m)
    .set({ leaseOwner: deps.owner, leaseUntil: new Date(wall.getTime() + deps.leaseMs) })
    .where(and(inArray(m.id, due), free))
    .returning();
}

/** The right-hand side of our Message-IDs: the sender's domain (`registry@kommune.example` → kommune.example). */
const messageDomain = (from: string) => /@([^\s>@]+)>?\s*$/.exec(from)?.[1] ?? "localhost";

/** What a mail says, in its language: a notice from its event, or a sign-in, an invitation or a public page subscriber's mail from its payload. Null: nothing to say (cancelled). */
function render(deps: MailerDeps, mail: MailRow, event: EventRow | undefined, user: UserRow | undefined): RenderedMail | null {
  const side = event && mail.organisationId === event.processorId ? "processor" : "controller";
  const recipient: MailRecipient = { name: user?.name ?? null, email: mail.toAddress, lang: mail.language, side };
  const p = (mail.payload ?? {}) as Record<string, unknown>;
  if (mail.kind === "sign_in")
    return renderSignIn({ recipient, url: String(p.url), expiresMinutes: Number(p.expires_minutes), organisationName: String(p.organisation_name ?? "") });
  if (mail.kind === "invitation")
    return renderInvitation({
      recipient,
      url: String(p.url),
      organisationName: String(p.organisation_name ?? ""),
      invitedBy: typeof p.invited_by === "string" ? p.invited_by : null,
      role: (p.role as "admin" | "decider" | "viewer") ?? "viewer",
      expiresDays: Number(p.expires_days),
    });
  if (mail.kind === "page_subscription.confirm")
    return renderPageConfirm({ recipient, url: String(p.url), pageName: String(p.page_name ?? ""), expiresDays: Number(p.expires_days) });
  if (mail.kind === "page_subscription.digest")
    return renderPageDigest({ recipient, pageName: String(p.page_name ?? ""), pageUrl: String(p.page_url), unsubscribeUrl: String(p.unsubscribe_url), items: p.items });
  if (!event || !user) return null;
  return renderEventNotice({
    type: event.type as EventType,
    data: event.data,
    recipient,
    links: { base: deps.publicUrl, unsubscribe: unsubscribeUrl(deps.publicUrl, user, mail.kind), preferences: `${deps.publicUrl}/console/account` },
  });
}

/** The mail as it leaves: a stable Message-ID, the thread of its change, and (for notices) one-click unsubscribe (RFC 8058). */
function outgoing(deps: MailerDeps, mail: MailRow, content: RenderedMail, user: UserRow | undefined): OutgoingMail {
  const host = messageDomain(deps.transport.from);
  const headers: Record<string, string> = {};
  if (mail.threadId) {
    const root = `<${mail.threadId}@${host}>`;
    headers["In-Reply-To"] = root;
    headers.References = root;
  }
  if (mail.eventId && user) {
    headers["List-Unsubscribe"] = `<${unsubscribeUrl(deps.publicUrl, user, mail.kind)}>`;
    headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click";
    headers["Auto-Submitted"] = "auto-generated";
  }
  // a public page's digest: its subscription's own one-click link (docs/rules.md, "Public page subscriptions")
  const p = (mail.payload ?? {}) as Record<string, unknown>;
  if (mail.kind === "page_subscription.digest" && typeof p.unsubscribe_url === "string") {
    headers["List-Unsubscribe"] = `<${p.unsubscribe_url}>`;
    headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click";
    headers["Auto-Submitted"] = "auto-generated";
  }
  return { from: deps.transport.from, to: mail.toAddress, ...content, messageId: `<${mail.id}@${host}>`, headers };
}

/** The audit record of a notice sent or given up on: who was told what, and when (proof that notice was given). */
function noticeAudit(mail: MailRow, event: EventRow, messageId: string, outcome: "succeeded" | "failed"): AuditEntry {
  const data = event.data as { decision?: { id: string } };
  const agreement =
    event.agreementId && event.processorId && event.controllerId ? { id: event.agreementId, processorId: event.processorId, controllerId: event.controllerId } : null;
  return {
    action: outcome === "succeeded" ? "notice.sent" : "notice.failed",
    resourceType: data.decision ? "decision" : "event",
    resourceId: data.decision?.id ?? event.id,
    agreement,
    outcome,
    // the person by id (the address is the mail row's, personal data kept out of the hashed record)
    detail: { mail_id: mail.id, event_id: event.id, kind: mail.kind, user_id: mail.userId, message_id: messageId },
  };
}

/** Sends one claimed mail and records the attempt, its new state and (for a notice) its audit record in one change. */
async function sendOne(deps: MailerDeps, mail: MailRow, event: EventRow | undefined, user: UserRow | undefined) {
  const now = deps.clock.now();
  const attemptId = deps.newId("mailAttempt");
  const content = render(deps, mail, event, user);
  if (!content) {
    await commit(
      { ...deps, actor: MAILER },
      { writes: [deps.db.update(m).set({ state: "cancelled", payload: null, leaseOwner: null, leaseUntil: null, updatedAt: now }).where(eq(m.id, mail.id))] },
    );
    return;
  }
  const message = outgoing(deps, mail, content, user);
  let response: string;
  let sent = false;
  try {
    response = await deps.transport.send(message);
    sent = true;
  } catch (err) {
    response = err instanceof Error ? err.message : String(err);
  }
  const attempts = mail.attempts + 1;
  const wait = sent ? undefined : MAIL_RETRY_MS[attempts - 1];
  const state = sent ? "sent" : wait === undefined ? "failed" : "pending";
  const next = wait === undefined ? null : new Date(now.getTime() + wait);
  await commit(
    { ...deps, actor: MAILER },
    {
      writes: [
        deps.db
          .insert(schema.mailAttempts)
          .values({ id: attemptId, mailId: mail.id, attemptedAt: now, outcome: sent ? "sent" : "failed", response: response.slice(0, 500), nextAttemptAt: next }),
        deps.db
          .update(m)
          .set({
            state,
            attempts,
            nextAttemptAt: next ?? mail.nextAttemptAt,
            sentAt: sent ? now : null,
            // a link in a sign-in or invitation mail is a secret: once it is out, it is not kept
            payload: state === "pending" ? mail.payload : null,
            leaseOwner: null,
            leaseUntil: null,
            updatedAt: now,
          })
          .where(and(eq(m.id, mail.id), eq(m.leaseOwner, deps.owner))),
      ],
      audit: event && state !== "pending" ? [noticeAudit(mail, event, message.messageId, sent ? "succeeded" : "failed")] : [],
    },
  );
  if (!sent) deps.logger.error("mail not sent", { mail_id: mail.id, kind: mail.kind, attempt: attempts, error: response });
}

/** Claims and sends every due mail until none is left; returns how many were attempted. */
export async function drainMail(deps: MailerDeps, batch = 16): Promise<number> {
  let total = 0;
  for (;;) {
    const claimed = await claimDue(deps, batch);
    if (!claimed.length) return total;
    const eventIds = [...new Set(claimed.map((r) => r.eventId).filter((id): id is string => !!id))];
    const userIds = [...new Set(claimed.map((r) => r.userId).filter((id): id is string => !!id))];
    const [events, users] = await Promise.all([
      eventIds.length ? deps.db.query.events.findMany({ where: inArray(schema.events.id, eventIds) }) : [],
      userIds.length ? deps.db.query.users.findMany({ where: inArray(schema.users.id, userIds) }) : [],
    ]);
    const eventOf = new Map(events.map((e) => [e.id, e]));
    const userOf = new Map(users.map((u) => [u.id, u]));
    for (const mail of claimed) {
      const user = mail.userId ? userOf.get(mail.userId) : undefined;
      // a person deactivated since the mail was queued is not written to
      if (user?.status === "deactivated") {
        await commit(
          { ...deps, actor: MAILER },
          { writes: [deps.db.update(m).set({ state: "cancelled", payload: null, leaseOwner: null, leaseUntil: null }).where(eq(m.id, mail.id))] },
        );
        continue;
      }
      await sendOne(deps, mail, mail.eventId ? eventOf.get(mail.eventId) : undefined, user);
      total++;
    }
  }
}
