import { and, asc, eq, gte, inArray, isNull, lte, ne, notExists, or, type SQLWrapper, sql } from "drizzle-orm";
import { type Db, schema } from "../../../db/client";
import type { Deps } from "../../deps";
import type { AnnexContent } from "../../domain/annex";
import { noticeEndsAt } from "../../domain/decisions";
import { applyOperations } from "../../domain/operations";
import {
  buildUpstreamDraft,
  type DownstreamAgreement,
  type DraftWarning,
  describeUpstreamOperations,
  type FeedEntry,
  feedEntryDeadline,
  type UpstreamChangeInput,
} from "../../domain/upstream";
import { planEvents } from "../../core/events";
import { commit, Conflict, guarded } from "../../core/writer";
import { checkWebhookUrl } from "../../webhooks/address-policy";
import { type AgreementNow, presentChange, presentDraft } from "./upstream.presenter";

// The intake of upstream changes (docs/rules.md, rule 14): the scheduler receives each change
// request on a register source's agreement, and each new entry of a due feed, once: an upstream
// change, its draft change request and `upstream_change.received` to the processor, in one change.

const s = schema.upstreamSources;
const u = schema.upstreamChanges;
const d = schema.decisions;
const a = schema.agreements;
const v = schema.annexVersions;
const o = schema.organisations;

const HOUR_MS = 60 * 60 * 1000;
/** A feed is polled every hour, after an error too (docs/rules.md, rule 14). */
export const FEED_POLL_INTERVAL_MS = HOUR_MS;
/** A feed's answer is read up to 1 MB; a larger one is refused as an error. */
export const FEED_MAX_BYTES = 1024 * 1024;
/** How long a feed may take to answer, headers and body. */
const FEED_TIMEOUT_MS = 15_000;
/** What one scheduler run takes on: the rest is the next run's. */
export const INTAKE_LIMITS = { changes: 50, feeds: 10 } as const;
const ERROR_MAX = 500;
const TITLE_MAX = 500;
const SUMMARY_MAX = 4000;

export type IntakeDeps = Pick<Deps, "db" | "clock" | "newId" | "webhooks"> & Partial<Pick<Deps, "feeds" | "logger" | "auditHead">>;
type SourceRow = typeof s.$inferSelect;
type ChangeRow = typeof u.$inferSelect;
type DraftRow = typeof schema.changeRequestDrafts.$inferSelect;

const one = sql`1`;

/**
 * The register sources' upstream decisions not yet received: decisions of any kind on the agreement
 * a source names (the processor its controller there), made since the source was recorded, not
 * withdrawn before they were seen, without an upstream change of that source for them.
 */
export function registerBacklog(db: Pick<Db, "select">) {
  return db
    .select({ source: s, decisionId: d.id, changeRequestId: d.changeRequestId, noticeEndsAt: d.noticeEndsAt, application: d.application, appliedVersion: d.appliedVersion })
    .from(s)
    .innerJoin(a, and(eq(a.id, s.upstreamAgreementId), eq(a.controllerId, s.processorId)))
    .innerJoin(d, and(eq(d.agreementId, a.id), gte(d.createdAt, s.createdAt), ne(d.state, "withdrawn")))
    .where(
      and(
        eq(s.kind, "register"),
        isNull(s.removedAt),
        notExists(
          db
            .select({ one })
            .from(u)
            .where(and(eq(u.sourceId, s.id), eq(u.entryKey, d.id))),
        ),
      ),
    );
}

/** Feed sources whose next poll has come (never polled: at once). */
export const feedDue = (now: Date) => and(eq(s.kind, "feed"), isNull(s.removedAt), or(isNull(s.nextPollAt), lte(s.nextPollAt, now)))!;

/** Whether a scheduler run has upstream work: as `receiveUpstream` chooses it, for the scheduler's one read of what is due. */
export const upstreamChecks = (db: Pick<Db, "select">, now: Date): [string, SQLWrapper][] => [
  ["upstreamRegister", registerBacklog(db).limit(1)],
  ["upstreamFeeds", db.select({ one }).from(s).where(feedDue(now)).limit(1)],
];

/**
 * The scheduler's step (docs/rules.md, rule 14): receives what register sources' agreements have
 * been sent since the last run, then polls the feeds that are due. Bounded: at most
 * `INTAKE_LIMITS.changes` upstream changes and `INTAKE_LIMITS.feeds` feeds a run; the rest stays
 * due for the next. Returns how many changes were received and feeds polled.
 */
export async function receiveUpstream(
  deps: IntakeDeps,
  now: Date,
  limits: { changes?: number; feeds?: number; register?: boolean; polls?: boolean } = {},
): Promise<{ received: number; polled: number }> {
  const budget = { remaining: limits.changes ?? INTAKE_LIMITS.changes };
  const received = limits.register === false ? 0 : await receiveRegisterChanges(deps, now, budget);
  const polled = limits.polls === false ? { received: 0, polled: 0 } : await pollDueFeeds(deps, now, budget, limits.feeds ?? INTAKE_LIMITS.feeds);
  return { received: received + polled.received, polled: polled.polled };
}

/** Receives the register sources' new upstream decisions, at most `budget.remaining`. */
export async function receiveRegisterChanges(deps: IntakeDeps, now: Date, budget: { remaining: number }): Promise<number> {
  if (budget.remaining <= 0) return 0;
  const backlog = await registerBacklog(deps.db).orderBy(asc(d.createdAt), asc(d.id)).limit(budget.remaining);
  let received = 0;
  const downstream = new Map<string, Promise<Downstream[]>>();
  for (const row of backlog) {
    const { source } = row;
    const key = `${source.processorId}\u0000${source.subProcessorRef}`;
    if (!downstream.has(key)) downstream.set(key, readDownstream(deps.db, source.processorId, source.subProcessorRef));
    const [request, upstream] = await Promise.all([
      deps.db.query.changeRequests.findFirst({ where: eq(schema.changeRequests.id, row.changeRequestId) }),
      readUpstreamAnnexes(deps.db, source.upstreamAgreementId!, row.application === "applied" ? row.appliedVersion : null),
    ]);
    if (!request || !upstream) continue;
    // the annex before the change and after it: as applied, or as it would be applied to the annex in force
    let after = upstream.after;
    if (!after) {
      let n = 0;
      const applied = applyOperations(upstream.before, request.operations, (kind) => `${kind}_upstream_${++n}`);
      after = "content" in applied ? applied.content : upstream.before;
    }
    const change: UpstreamChangeInput = { kind: "register", before: upstream.before, after, operations: request.operations, reason: request.reason };
    const lines = describeUpstreamOperations(change);
    // a new recipient says most: it leads the title
    const lead = lines.find((l) => /^(adds sub-processor|replaces) /.test(l)) ?? lines[0] ?? "a change";
    const title = `${upstream.processorName}: ${lead}${lines.length > 1 ? ` (and ${lines.length - 1} more)` : ""}`;
    const done = await receive(deps, now, source, await downstream.get(key)!, {
      entryKey: row.decisionId,
      upstreamDecisionId: row.decisionId,
      title: clip(title, TITLE_MAX),
      summary: clip(request.reason, SUMMARY_MAX),
      link: null,
      announcedAt: request.submittedAt,
      deadline: row.noticeEndsAt,
      upstreamName: upstream.processorName,
      change,
    });
    if (done) received++;
    budget.remaining--;
  }
  return received;
}

/** The upstream agreement's annex before and after an applied change (`appliedVersion`), or the annex in force; and its processor's name. */
async function readUpstreamAnnexes(db: Db, agreementId: string, appliedVersion: number | null) {
  const [agreement] = await db.select({ currentVersion: a.currentVersion, processorName: o.name }).from(a).innerJoin(o, eq(o.id, a.processorId)).where(eq(a.id, agreementId));
  if (!agreement?.currentVersion) return null;
  const wanted = appliedVersion && appliedVersion > 1 ? [appliedVersion - 1, appliedVersion] : [agreement.currentVersion];
  const versions = await db
    .select({ version: v.version, content: v.content })
    .from(v)
    .where(and(eq(v.agreementId, agreementId), inArray(v.version, wanted)));
  const content = (n: number) => versions.find((x) => x.version === n)?.content;
  if (wanted.length === 2) {
    const before = content(wanted[0]!);
    const after = content(wanted[1]!);
    return before && after ? { before, after, processorName: agreement.processorName } : null;
  }
  const before = content(wanted[0]!);
  return before ? { before, after: null as AnnexContent | null, processorName: agreement.processorName } : null;
}

interface Downstream extends DownstreamAgreement {
  title: string;
  controllerName: string;
  /** the sub-processor's legal name in this annex */
  subProcessorName: string | null;
}

/** The processor's active agreements whose annex in force has the sub-processor `ref`, with what a draft needs of each (docs/rules.md, rule 14). */
async function readDownstream(db: Db, processorId: string, ref: string): Promise<Downstream[]> {
  const rows = await db
    .select({
      id: a.id,
      title: a.title,
      noticeDays: a.noticeDays,
      content: v.content,
      timeZone: o.timeZone,
      publicAuthority: o.publicAuthority,
      controllerName: o.name,
    })
    .from(a)
    .innerJoin(v, and(eq(v.agreementId, a.id), eq(v.version, a.currentVersion)))
    .innerJoin(o, eq(o.id, a.controllerId))
    .where(
      and(
        eq(a.processorId, processorId),
        eq(a.status, "active"),
        sql`EXISTS (SELECT 1 FROM json_each(${v.content}, '$.sub_processors') WHERE json_extract(value, '$.ref') = ${ref})`,
      ),
    )
    .orderBy(asc(a.id));
  return rows.map((r) => ({
    id: r.id,
    notice_days: r.noticeDays,
    time_zone: r.timeZone,
    annex: r.content,
    public_authority: r.publicAuthority,
    label: `${r.id} ("${r.title}" with ${r.controllerName})`,
    title: r.title,
    controllerName: r.controllerName,
    subProcessorName: r.content.sub_processors.find((x) => x.ref === ref)?.legal_name ?? null,
  }));
}

interface Incoming {
  entryKey: string;
  upstreamDecisionId: string | null;
  title: string;
  summary: string;
  link: string | null;
  announcedAt: Date;
  deadline: Date;
  /** who announced it, as the reason names it */
  upstreamName: string;
  change: UpstreamChangeInput;
}

/**
 * Receives one upstream change in one change (docs/rules.md, rules 9 and 14): the upstream change,
 * its draft, `upstream_change.received` to the processor only, and the audit record. The source and
 * entry key are unique: a change received meanwhile (another run) is not received again (false).
 */
async function receive(deps: IntakeDeps, now: Date, source: SourceRow, downstream: Downstream[], incoming: Incoming): Promise<boolean> {
  const draft = buildUpstreamDraft({
    now,
    parentRef: source.subProcessorRef,
    upstreamName: incoming.upstreamName,
    change: incoming.change,
    deadline: incoming.deadline,
    marginDays: source.marginDays,
    agreements: downstream,
  });
  const changeRow: ChangeRow = {
    id: deps.newId("upstreamChange"),
    sourceId: source.id,
    processorId: source.processorId,
    entryKey: incoming.entryKey,
    upstreamDecisionId: incoming.upstreamDecisionId,
    title: incoming.title,
    summary: incoming.summary,
    link: incoming.link,
    announcedAt: incoming.announcedAt,
    deadlineAt: incoming.deadline,
    receivedAt: now,
    state: "open",
    respondedAt: null,
    respondedBy: null,
    responseReason: null,
  };
  const draftRow: DraftRow = {
    id: deps.newId("changeRequestDraft"),
    processorId: source.processorId,
    upstreamChangeId: changeRow.id,
    operations: draft.operations,
    reason: draft.reason,
    effectiveDate: null,
    agreements: draft.agreements,
    noticeEndBy: draft.noticeEndBy,
    state: "draft",
    changeRequestId: null,
    createdAt: now,
    updatedAt: now,
  };
  const current = new Map<string, AgreementNow>(
    downstream.map((x) => [x.id, { title: x.title, noticeDays: x.notice_days, noticeEndsAt: noticeEndsAt(now, x.notice_days, x.time_zone) }]),
  );
  // what the draft's own view cannot tell from its row: what was not pre-filled, or does not apply
  const prefillWarnings: DraftWarning[] = draft.warnings.filter((w) => w.code === "not_prefilled" || w.code === "operations_do_not_apply");
  const events = planEvents(deps, [
    {
      type: "upstream_change.received",
      organisationId: source.processorId,
      data: { upstream_change: presentChange(changeRow, source, draftRow, undefined), draft: presentDraft(draftRow, current), prefill_warnings: prefillWarnings },
    },
  ]);
  try {
    await commit(deps, {
      writes: [
        // unique by source and entry key: a second receiver finds it taken, and its change is refused whole
        guarded("upstream_change.new", deps.db.insert(u).values(changeRow).onConflictDoNothing()),
        deps.db.insert(schema.changeRequestDrafts).values(draftRow),
      ],
      events,
      audit: [
        {
          action: "upstream_change.receive",
          resourceType: "upstream_change",
          resourceId: changeRow.id,
          agreement: null,
          detail: {
            processor_id: source.processorId,
            source_id: source.id,
            entry_key: incoming.entryKey,
            upstream_decision_id: incoming.upstreamDecisionId,
            draft_id: draftRow.id,
            agreement_ids: draft.agreements.map((x) => x.agreement_id),
            deadline_at: incoming.deadline.toISOString(),
          },
        },
      ],
    });
    return true;
  } catch (err) {
    if (err instanceof Conflict && err.guard === "upstream_change.new") return false;
    throw err;
  }
}

/** Polls the due feeds, at most `maxFeeds`, receiving their new entries within `budget`. */
export async function pollDueFeeds(deps: IntakeDeps, now: Date, budget: { remaining: number }, maxFeeds: number = INTAKE_LIMITS.feeds) {
  const due = await deps.db.select().from(s).where(feedDue(now)).orderBy(sql`coalesce(${s.nextPollAt}, 0)`, asc(s.id)).limit(maxFeeds);
  let received = 0;
  for (const source of due) received += await pollFeed(deps, source, now, budget);
  return { received, polled: due.length };
}

type Polled = { status: "not_modified" } | { status: "ok"; entries: FeedEntry[]; etag: string | null; lastModified: string | null } | { status: "failed"; error: string };

/**
 * Polls one feed (docs/rules.md, rule 14) and receives each entry not seen before. A conditional
 * request with the last answer's validators; 304 changes nothing but the poll's times. An error
 * (refused address, network, status ≥ 400, not a feed) is recorded on the source and nothing else
 * is written. New validators are kept only once every new entry is received: with a run's budget
 * spent first, the feed stays due and is read again in full by the next run.
 */
export async function pollFeed(deps: IntakeDeps, source: SourceRow, now: Date, budget: { remaining: number }): Promise<number> {
  const polled = await fetchFeed(deps, source);
  const next = new Date(now.getTime() + FEED_POLL_INTERVAL_MS);
  const update = (set: Partial<SourceRow>) => commit(deps, { writes: [deps.db.update(s).set(set).where(eq(s.id, source.id))] });
  if (polled.status === "failed") {
    deps.logger?.info("upstream feed poll failed", { source_id: source.id, error: polled.error });
    await update({ lastPolledAt: now, nextPollAt: next, lastPollError: polled.error });
    return 0;
  }
  if (polled.status === "not_modified") {
    await update({ lastPolledAt: now, nextPollAt: next, lastPollError: null });
    return 0;
  }
  const keys = [...new Set(polled.entries.map((e) => e.key))];
  const seen = new Set<string>();
  for (let i = 0; i < keys.length; i += 500) {
    const found = await deps.db
      .select({ key: u.entryKey })
      .from(u)
      .where(and(eq(u.sourceId, source.id), inArray(u.entryKey, keys.slice(i, i + 500))));
    for (const f of found) seen.add(f.key);
  }
  // oldest first: a feed lists its newest first, and a run that stops at its budget leaves the newest
  const fresh: FeedEntry[] = [];
  for (const e of polled.entries) {
    if (seen.has(e.key)) continue;
    seen.add(e.key);
    fresh.push(e);
  }
  fresh.sort((x, y) => (x.date?.getTime() ?? 0) - (y.date?.getTime() ?? 0));
  let received = 0;
  let complete = true;
  let downstream: Downstream[] | undefined;
  for (const entry of fresh) {
    if (budget.remaining <= 0) {
      complete = false;
      break;
    }
    downstream ??= await readDownstream(deps.db, source.processorId, source.subProcessorRef);
    const name = downstream.find((x) => x.subProcessorName)?.subProcessorName ?? source.subProcessorRef;
    const done = await receive(deps, now, source, downstream, {
      entryKey: entry.key,
      upstreamDecisionId: null,
      title: clip(entry.title, TITLE_MAX),
      summary: clip(entry.summary, SUMMARY_MAX),
      link: entry.link,
      announcedAt: entry.date ?? now,
      deadline: feedEntryDeadline(entry, source.defaultWindowDays, now),
      upstreamName: name,
      change: { kind: "feed", title: entry.title, summary: entry.summary, link: entry.link },
    });
    if (done) received++;
    budget.remaining--;
  }
  await update(
    complete
      ? { lastPolledAt: now, nextPollAt: next, lastPollError: null, etag: polled.etag, lastModified: polled.lastModified }
      : // what is left is read again by the next run, in full: the old validators would answer 304
        { lastPolledAt: now, nextPollAt: now, lastPollError: null },
  );
  return received;
}

/** One conditional GET of a feed through the address guard, its body read up to `FEED_MAX_BYTES` and parsed. Never throws. */
async function fetchFeed(deps: IntakeDeps, source: SourceRow): Promise<Polled> {
  const url = source.feedUrl ?? "";
  if (!deps.feeds) return { status: "failed", error: "This deployment does not poll feeds (no feed reader on this platform)." };
  // what the guard refuses before connecting, as a webhook URL is checked (docs/rules.md, rule 9)
  const violation = checkWebhookUrl(url, { allowInsecure: deps.webhooks.allowInsecure });
  if (violation) return { status: "failed", error: `Refused: ${violation.detail} (${violation.rule}).` };
  const headers: Record<string, string> = {
    Accept: "application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1",
    "User-Agent": "SubprocessorRegistry/1 (upstream feed poller)",
  };
  if (source.etag) headers["If-None-Match"] = source.etag;
  if (source.lastModified) headers["If-Modified-Since"] = source.lastModified;
  let res: Response;
  try {
    res = await deps.feeds.fetch(url, { headers, redirect: "follow", signal: AbortSignal.timeout(FEED_TIMEOUT_MS) });
  } catch (err) {
    return { status: "failed", error: clip(`Could not fetch the feed: ${reasonOf(err)}`, ERROR_MAX) };
  }
  if (res.status === 304) {
    await res.body?.cancel().catch(() => {});
    return { status: "not_modified" };
  }
  if (res.status < 200 || res.status >= 300) {
    await res.body?.cancel().catch(() => {});
    return { status: "failed", error: `The feed answered HTTP ${res.status}.` };
  }
  let text: string;
  try {
    text = await readLimited(res, FEED_MAX_BYTES);
  } catch (err) {
    return { status: "failed", error: clip(`Could not read the feed: ${reasonOf(err)}`, ERROR_MAX) };
  }
  try {
    const entries = deps.feeds.parse(text);
    return { status: "ok", entries, etag: res.headers.get("etag"), lastModified: res.headers.get("last-modified") };
  } catch (err) {
    return { status: "failed", error: clip(`Not an Atom or JSON Feed: ${reasonOf(err)}`, ERROR_MAX) };
  }
}

/** The body as UTF-8 text, refused once it passes `max` bytes (whatever Content-Length claims). */
async function readLimited(res: Response, max: number): Promise<string> {
  const declared = Number(res.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel().catch(() => {});
    throw new Error(`the answer is ${declared} bytes, more than ${max}`);
  }
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw new Error(`the answer is more than ${max} bytes`);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder().decode(body);
}

/** Why a fetch failed, as the guard or the network said it (undici wraps it as `cause`). */
function reasonOf(err: unknown): string {
  const cause = (err as { cause?: unknown })?.cause;
  const inner = cause instanceof Error ? cause.message : null;
  const outer = err instanceof Error ? err.message : String(err);
  return inner ?? outer;
}

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
