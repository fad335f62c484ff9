import { schema } from "../../db/client";
import type { DraftAgreement } from "../../db/schema/upstream";
import { noticeEndsAt } from "../../src/domain/decisions";
import type { Operation } from "../../src/domain/operations";
import type { TestContext } from "./app";

const DAY = 24 * 60 * 60 * 1000;

/** An upstream source of a processor, written directly (the API refuses what a test world may need: a controller as its processor). */
export async function insertUpstreamSource(
  t: TestContext,
  opts: { processorId: string; ref?: string; kind?: "register" | "feed"; upstreamAgreementId?: string | null; feedUrl?: string | null; marginDays?: number },
) {
  const now = t.clock.now();
  const kind = opts.kind ?? "register";
  const row: typeof schema.upstreamSources.$inferInsert = {
    id: t.deps.newId("upstreamSource"),
    processorId: opts.processorId,
    subProcessorRef: opts.ref ?? "nordhost",
    kind,
    upstreamAgreementId: kind === "register" ? (opts.upstreamAgreementId ?? null) : null,
    feedUrl: kind === "feed" ? (opts.feedUrl ?? "https://feeds.example.com/nordhost.json") : null,
    marginDays: opts.marginDays ?? 5,
    nextPollAt: kind === "feed" ? now : null,
    createdAt: now,
  };
  await t.db.insert(schema.upstreamSources).values(row);
  return row.id!;
}

/**
 * What the intake makes of an upstream change (docs/rules.md, rule 14), written directly: the
 * upstream change and its draft covering `agreements` (each with its notice days and controller
 * zone), proposing notices against the deadline less the margin.
 */
export async function insertUpstreamChange(
  t: TestContext,
  opts: {
    processorId: string;
    sourceId: string;
    /** register: the decision on the upstream agreement; its notice end is the deadline unless given */
    upstreamDecisionId?: string | null;
    deadlineAt: Date;
    marginDays?: number;
    agreements: { id: string; noticeDays: number; timeZone?: string }[];
    operations: unknown[];
    reason?: string;
    title?: string;
  },
) {
  const now = t.clock.now();
  const changeId = t.deps.newId("upstreamChange");
  await t.db.insert(schema.upstreamChanges).values({
    id: changeId,
    sourceId: opts.sourceId,
    processorId: opts.processorId,
    entryKey: opts.upstreamDecisionId ?? `entry-${changeId}`,
    upstreamDecisionId: opts.upstreamDecisionId ?? null,
    title: opts.title ?? "NordHost A/S: a new backup sub-processor",
    summary: "Adds a backup provider in Sweden.",
    link: null,
    announcedAt: now,
    deadlineAt: opts.deadlineAt,
    receivedAt: now,
    state: "open",
  });
  const noticeEndBy = new Date(opts.deadlineAt.getTime() - (opts.marginDays ?? 5) * DAY);
  const agreements: DraftAgreement[] = opts.agreements.map((a) => {
    const ends = noticeEndsAt(now, a.noticeDays, a.timeZone ?? "Europe/Copenhagen");
    return { agreement_id: a.id, notice_days: a.noticeDays, notice_ends_at: ends.toISOString(), fits: ends <= noticeEndBy };
  });
  const draftId = t.deps.newId("changeRequestDraft");
  await t.db.insert(schema.changeRequestDrafts).values({
    id: draftId,
    processorId: opts.processorId,
    upstreamChangeId: changeId,
    operations: opts.operations as Operation[],
    reason: opts.reason ?? "NordHost A/S, our hosting sub-processor, adds a backup provider.",
    effectiveDate: null,
    agreements,
    noticeEndBy,
    state: "draft",
    changeRequestId: null,
    createdAt: now,
    updatedAt: now,
  });
  return { changeId, draftId };
}
