import { and, asc, eq, inArray, isNull, lt, ne, sql } from "drizzle-orm";
import { z } from "zod";
import { schema } from "../../../db/client";
import { hashSecret } from "../../core/crypto";
import { mailRow } from "../../core/mail-outbox";
import { countRequest } from "../../core/request-limits";
import { commit, Conflict, guarded, retryOnConflict } from "../../core/writer";
import type { Deps } from "../../deps";
import { AppError, notFound, validationFailed } from "../../domain/errors";
import { createIdGenerator } from "../../domain/ids";
import { normaliseEmail } from "../../domain/people";
import type { Lang } from "../../i18n/types";
import { LINK_LIMITS } from "../users/sign-in.service";
import { randomToken, sameSecret } from "../../core/crypto";
import { SLUG_PATTERN } from "./public-page.schemas";
import { loadPublicView, publicPath } from "./public-page.service";
import { structuredChange } from "./public-page.view";

/**
 * Subscriptions to a processor's public sub-processor page (docs/rules.md, "Public page
 * subscriptions"): anyone subscribes an address, confirms it from a mailed link (double opt-in),
 * then gets the page's new upcoming and applied changes, a burst of them merged into one mail,
 * until one click unsubscribes it. The mails say what the page says: their items are the page's
 * own entries (loadPublicView), in the words the page uses.
 */

/** A confirmation link works once, for this long. */
export const CONFIRM_DAYS = 7;
/** A digest waits until no new change came for `quietMs`, unless its oldest change has waited `maxWaitMs`; at most `limit` mails per run. */
export const DIGEST_DEFAULTS = { quietMs: 10 * 60_000, maxWaitMs: 60 * 60_000, limit: 100 } as const;
export const CONFIRM_KIND = "page_subscription.confirm";
export const DIGEST_KIND = "page_subscription.digest";

type Writer = Pick<Deps, "db" | "clock" | "newId" | "webhooks" | "publicUrl">;
type SubscriptionRow = typeof schema.pageSubscriptions.$inferSelect;

const s = schema.pageSubscriptions;
const p = schema.publicPages;
const DAY_MS = 86_400_000;

const isAddress = (address: string) => address.length <= 254 && z.email().safeParse(address).success;

/** The link of a confirmation mail. */
export const confirmUrl = (publicUrl: string, slug: string, token: string) => `${publicUrl}${publicPath(slug)}/subscription/confirm?token=${encodeURIComponent(token)}`;
/** The unsubscribe link of every digest (in its text and its List-Unsubscribe header). */
export const unsubscribeUrl = (publicUrl: string, slug: string, row: Pick<SubscriptionRow, "id" | "unsubscribeSecret">) =>
  `${publicUrl}${publicPath(slug)}/unsubscribe?s=${encodeURIComponent(row.id)}&t=${encodeURIComponent(row.unsubscribeSecret)}`;
/** The page in the subscriber's language: English is its default address. */
const pageUrl = (publicUrl: string, slug: string, lang: Lang) => `${publicUrl}${publicPath(slug)}${lang === "en" ? "" : `?lang=${lang}`}`;

/** An enabled page by its slug, with its processor's name; anything else is the public page's 404. */
export async function enabledPage(deps: Pick<Deps, "db">, slug: string) {
  const page = SLUG_PATTERN.test(slug) ? await deps.db.query.publicPages.findFirst({ where: and(eq(p.slug, slug), eq(p.enabled, true)) }) : undefined;
  const organisation = page ? await deps.db.query.organisations.findFirst({ where: eq(schema.organisations.id, page.organisationId) }) : undefined;
  if (!page || !organisation) throw notFound("public page");
  return { organisationId: page.organisationId, slug: page.slug, name: organisation.name };
}

/** What the pages behind a mail's links show of a subscription: its address, its page, its language. */
export interface SubscriptionView {
  id: string;
  address: string;
  language: Lang;
  status: SubscriptionRow["status"];
  pageName: string;
  /** the page's slug now (a page may have been renamed since the mail) */
  slug: string;
}

async function viewOf(deps: Pick<Deps, "db">, row: SubscriptionRow): Promise<SubscriptionView> {
  const [page, organisation] = await Promise.all([
    deps.db.query.publicPages.findFirst({ where: eq(p.organisationId, row.organisationId) }),
    deps.db.query.organisations.findFirst({ where: eq(schema.organisations.id, row.organisationId) }),
  ]);
  return { id: row.id, address: row.address, language: row.language, status: row.status, pageName: organisation?.name ?? "", slug: page?.slug ?? "" };
}

/**
 * Subscribes an address to an enabled page. The answer is the same for a new address, a pending one
 * (its confirmation is sent again, with a new link) and an active one (nothing visible happens), so
 * it tells nothing about who is subscribed; `"limited"` past the limits of link requests, counted
 * per page and address and per client address. A malformed address is refused before anything is
 * written. The pending row and its confirmation mail are one change.
 */
export async function subscribe(deps: Writer, input: { slug: string; email: string; lang: Lang; ip: string | null }): Promise<"sent" | "limited"> {
  const page = await enabledPage(deps, input.slug);
  const address = normaliseEmail(input.email);
  if (!isAddress(address))
    throw validationFailed([{ pointer: "/email", rule: "email", detail: "Not an e-mail address." }], "The e-mail address is not valid; nothing was written.");
  return retryOnConflict(async () => {
    const now = deps.clock.now();
    const { limited, writes: counted } = await countRequest(deps, now, LINK_LIMITS.windowMs, [
      { subject: `sub:${page.slug}:${address}`, max: LINK_LIMITS.perAddress },
      ...(input.ip ? [{ subject: `sub-ip:${input.ip}`, max: LINK_LIMITS.perIp }] : []),
    ]);
    if (limited) {
      await commit(deps, { writes: counted });
      return "limited";
    }
    const existing = await deps.db.query.pageSubscriptions.findFirst({ where: and(eq(s.organisationId, page.organisationId), eq(s.address, address)) });
    if (existing?.status === "active") {
      await commit(deps, { writes: counted });
      return "sent";
    }
    const token = randomToken();
    const pending = {
      status: "pending" as const,
      language: input.lang,
      confirmTokenHash: await hashSecret(token),
      confirmExpiresAt: new Date(now.getTime() + CONFIRM_DAYS * DAY_MS),
      updatedAt: now,
    };
    // either write must hit its row: an address subscribed (or confirmed) by a request racing this one replans it
    const write = existing
      ? guarded(
          "page_subscription.not_active",
          deps.db
            .update(s)
            .set(pending)
            .where(and(eq(s.id, existing.id), ne(s.status, "active"))),
        )
      : guarded(
          "page_subscription.new",
          deps.db
            .insert(s)
            .values({ id: deps.newId("pageSubscription"), organisationId: page.organisationId, address, unsubscribeSecret: randomToken(), createdAt: now, ...pending })
            .onConflictDoNothing(),
        );
    const mail = mailRow(deps, {
      kind: CONFIRM_KIND,
      organisationId: page.organisationId,
      toAddress: address,
      language: input.lang,
      payload: { url: confirmUrl(deps.publicUrl, page.slug, token), page_name: page.name, expires_days: CONFIRM_DAYS },
    });
    await commit(deps, { writes: [...counted, write, deps.db.insert(schema.mails).values(mail)] });
    return "sent";
  });
}

/** The subscription a confirmation link names, if the link can still be used, without using it: what the page behind the link shows first. */
export async function peekConfirmation(deps: Pick<Deps, "db" | "clock">, token: string): Promise<SubscriptionView | null> {
  if (!token) return null;
  const row = await deps.db.query.pageSubscriptions.findFirst({ where: eq(s.confirmTokenHash, await hashSecret(token)) });
  if (row?.status !== "pending" || !row.confirmExpiresAt || row.confirmExpiresAt <= deps.clock.now()) return null;
  return viewOf(deps, row);
}

/**
 * Uses a confirmation link: the subscription becomes active and will be mailed the changes that
 * come after this instant. The token is spent in the same write, so a link works once. Null when
 * the link is unknown, used or expired.
 */
export async function confirm(deps: Writer, token: string): Promise<SubscriptionView | null> {
  const found = await peekConfirmation(deps, token);
  if (!found) return null;
  const now = deps.clock.now();
  const spend = deps.db
    .update(s)
    .set({ status: "active", confirmTokenHash: null, confirmExpiresAt: null, confirmedAt: now, notifiedThrough: now, updatedAt: now })
    .where(and(eq(s.id, found.id), eq(s.confirmTokenHash, await hashSecret(token)), eq(s.status, "pending")));
  try {
    await commit(deps, { writes: [guarded("page_subscription.confirm_token", spend)] });
  } catch (err) {
    if (err instanceof Conflict) return null;
    throw err;
  }
  return { ...found, status: "active" };
}

/** The row an unsubscribe link names, if its secret is right (compared in constant time). */
async function rowOfLink(deps: Pick<Deps, "db">, input: { id: string; secret: string }): Promise<SubscriptionRow | null> {
  if (!input.id || !input.secret) return null;
  const row = await deps.db.query.pageSubscriptions.findFirst({ where: eq(s.id, input.id) });
  return row && sameSecret(input.secret, row.unsubscribeSecret) ? row : null;
}

/** The subscription an unsubscribe link names, if its secret is right: what the page behind the link shows first. */
export async function peekUnsubscribe(deps: Pick<Deps, "db">, input: { id: string; secret: string }): Promise<SubscriptionView | null> {
  const row = await rowOfLink(deps, input);
  return row ? viewOf(deps, row) : null;
}

/**
 * One-click unsubscribe (RFC 8058): the secret from the mail's link is the proof. No further digest
 * is written, and any still waiting in the outbox is cancelled. Unsubscribing again answers the
 * same. Null when the link is not one of ours. It works whether or not the page is still published.
 */
export async function unsubscribe(deps: Writer, input: { id: string; secret: string }): Promise<SubscriptionView | null> {
  const row = await rowOfLink(deps, input);
  if (!row) return null;
  const found = await viewOf(deps, row);
  if (row.status === "unsubscribed") return found;
  const now = deps.clock.now();
  const m = schema.mails;
  await commit(deps, {
    writes: [
      deps.db.update(s).set({ status: "unsubscribed", confirmTokenHash: null, confirmExpiresAt: null, unsubscribedAt: now, updatedAt: now }).where(eq(s.id, row.id)),
      deps.db
        .update(m)
        .set({ state: "cancelled", payload: null, updatedAt: now })
        .where(and(eq(m.kind, DIGEST_KIND), eq(m.state, "pending"), eq(m.organisationId, row.organisationId), eq(m.toAddress, row.address))),
    ],
  });
  return { ...found, status: "unsubscribed" };
}

/**
 * Whether the processor's register moved after `since`: a cheap test before reading a whole page.
 * Every entry's `listedAt` is the instant of a change that wrote an event naming the processor,
 * and event ids sort by the instant they were made, so one step down the index answers. A second
 * of slack covers an id and its row's time read a moment apart.
 */
async function movedSince(deps: Pick<Deps, "db">, processorId: string, since: Date): Promise<boolean> {
  const floor = createIdGenerator(
    () => new Date(since.getTime() - 1000),
    (b) => b.fill(0),
  )("event");
  const rows = await deps.db.all<{ n: number }>(sql`SELECT 1 AS n FROM events WHERE processor_id = ${processorId} AND id > ${floor} LIMIT 1`);
  return rows.length > 0;
}

/**
 * The scheduler's step (docs/rules.md, "Public page subscriptions"): for each active subscription
 * of a published page, the page's entries (upcoming and applied changes) listed after its
 * `notified_through`, as the page shows them at `now`. Once no new one has come for `quietMs`, or
 * the oldest has waited `maxWaitMs`, they go out as one mail, and `notified_through` moves to the
 * newest of them, in one change per subscription. A subscription with nothing new is caught up to
 * `now - quietMs`, so changes that never reach the page (another agreement's, a withdrawn one) stop
 * being looked at. At most `limit` mails per run; returns how many were written.
 */
export async function sendDigests(deps: Writer, now: Date, options: Partial<typeof DIGEST_DEFAULTS> = {}): Promise<number> {
  const { quietMs, maxWaitMs, limit } = { ...DIGEST_DEFAULTS, ...options };
  const pages = await deps.db
    .select({ organisationId: p.organisationId, slug: p.slug, since: sql<number>`min(${s.notifiedThrough})`.mapWith(Number) })
    .from(s)
    .innerJoin(p, and(eq(p.organisationId, s.organisationId), eq(p.enabled, true)))
    .where(eq(s.status, "active"))
    .groupBy(p.organisationId);
  const caughtUpTo = new Date(now.getTime() - quietMs);
  let written = 0;
  for (const page of pages) {
    if (written >= limit) break;
    if (!(await movedSince(deps, page.organisationId, new Date(Number.isFinite(page.since) ? page.since : 0)))) continue;
    let view: Awaited<ReturnType<typeof loadPublicView>>;
    try {
      view = await loadPublicView({ db: deps.db, clock: { now: () => now }, slug: page.slug });
    } catch (err) {
      // unpublished since the list was read: nothing of it is mailed
      if (err instanceof AppError && err.code === "not_found") continue;
      throw err;
    }
    const entries = [...view.upcoming, ...view.changelog].filter((c) => c.listedAt <= now);
    const subscriptions = await deps.db.query.pageSubscriptions.findMany({
      where: and(eq(s.organisationId, page.organisationId), eq(s.status, "active")),
      orderBy: asc(s.id),
    });
    const caughtUp: string[] = [];
    for (const sub of subscriptions) {
      if (written >= limit) break;
      const through = sub.notifiedThrough ?? sub.confirmedAt ?? now;
      const unsent = entries.filter((c) => c.listedAt > through);
      if (!unsent.length) {
        if (through < caughtUpTo) caughtUp.push(sub.id);
        continue;
      }
      const times = unsent.map((c) => c.listedAt.getTime());
      const newest = Math.max(...times);
      const oldest = Math.min(...times);
      if (now.getTime() - newest < quietMs && now.getTime() - oldest < maxWaitMs) continue;
      const mail = mailRow(deps, {
        kind: DIGEST_KIND,
        organisationId: page.organisationId,
        toAddress: sub.address,
        language: sub.language,
        createdAt: now,
        updatedAt: now,
        nextAttemptAt: now,
        payload: {
          page_name: view.processorName,
          page_url: pageUrl(deps.publicUrl, view.slug, sub.language),
          unsubscribe_url: unsubscribeUrl(deps.publicUrl, view.slug, sub),
          items: unsent.map(structuredChange),
        },
      });
      // only the run that moves it from what was read writes the mail: two runs at once send one
      const moved = deps.db
        .update(s)
        .set({ notifiedThrough: new Date(newest), updatedAt: now })
        .where(and(eq(s.id, sub.id), eq(s.status, "active"), sub.notifiedThrough ? eq(s.notifiedThrough, sub.notifiedThrough) : isNull(s.notifiedThrough)));
      try {
        await commit(deps, { writes: [guarded("page_subscription.notified_through", moved), deps.db.insert(schema.mails).values(mail)] });
        written++;
      } catch (err) {
        if (!(err instanceof Conflict)) throw err;
      }
    }
    if (caughtUp.length)
      await commit(deps, {
        writes: [
          deps.db
            .update(s)
            .set({ notifiedThrough: caughtUpTo })
            .where(and(inArray(s.id, caughtUp), eq(s.status, "active"), lt(s.notifiedThrough, caughtUpTo))),
        ],
      });
  }
  return written;
}
