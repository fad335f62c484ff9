import type { z } from "zod";
import { and, desc, eq, inArray, lt, type SQL, sql } from "drizzle-orm";
import { schema } from "../../../db/client";
import { readTogether } from "../../../db/read-together";
import { requireOrganisation } from "../../core/actor";
import type { Ctx } from "../../core/context";
import { decodeCursor, toPage } from "../../core/pagination";
import { commit, Conflict, guarded } from "../../core/writer";
import { noticeEndsAt } from "../../domain/decisions";
import { AppError, type FieldError, notFound, validationFailed } from "../../domain/errors";
import type { Operation } from "../../domain/operations";
import { submitChangeRequest } from "../change-requests/change-requests.service";
import { type AgreementNow, presentDraft } from "./upstream.presenter";
import type { SubmitChangeRequestBody } from "../change-requests/change-requests.schemas";
import type { UpdateDraftBody } from "./upstream.schemas";

const crd = schema.changeRequestDrafts;
const a = schema.agreements;
type DraftRow = typeof crd.$inferSelect;

/** The covered agreements as they stand now, for the notice ends the drafts would have if submitted now (docs/rules.md, rule 4: counted in the controller's zone). */
const agreementsOf = (ctx: Ctx, org: string, covered: SQL) => {
  const o = schema.organisations;
  return ctx.db
    .select({ id: a.id, title: a.title, noticeDays: a.noticeDays, timeZone: o.timeZone })
    .from(a)
    .innerJoin(o, eq(o.id, a.controllerId))
    .where(and(covered, eq(a.processorId, org), eq(a.status, "active")));
};

const agreementsNow = (ctx: Ctx, rows: Awaited<ReturnType<typeof agreementsOf>>) => {
  const now = ctx.clock.now();
  return new Map<string, AgreementNow>(rows.map((r) => [r.id, { title: r.title, noticeDays: r.noticeDays, noticeEndsAt: noticeEndsAt(now, r.noticeDays, r.timeZone) }]));
};

/**
 * The processor's drafts matching `where` (newest first, at most `limit`) and the agreements they
 * cover, in one batch whatever the page's size: the agreements by a subquery of the same page (at
 * the edge, one round trip).
 */
async function draftsWith(ctx: Ctx, org: string, where: SQL | undefined, limit: number) {
  const mine = and(eq(crd.processorId, org), where);
  const page = ctx.db.select({ agreements: crd.agreements }).from(crd).where(mine).orderBy(desc(crd.id)).limit(limit);
  const [rows, covered] = await readTogether(ctx.db, [
    ctx.db.select().from(crd).where(mine).orderBy(desc(crd.id)).limit(limit),
    agreementsOf(ctx, org, sql`${a.id} IN (SELECT j.value ->> 'agreement_id' FROM (${page}) AS p, json_each(p.agreements) AS j)`),
  ]);
  return { rows, now: agreementsNow(ctx, covered) };
}

/** A draft of the calling processor; anyone else's answers as a missing one. */
async function loadDraft(ctx: Ctx, id: string) {
  const org = requireOrganisation(ctx.actor);
  const row = await ctx.db.query.changeRequestDrafts.findFirst({ where: and(eq(crd.id, id), eq(crd.processorId, org)) });
  if (!row) throw notFound("change request draft");
  return { org, row };
}

const present = async (ctx: Ctx, org: string, row: DraftRow) =>
  presentDraft(
    row,
    agreementsNow(
      ctx,
      await agreementsOf(
        ctx,
        org,
        inArray(
          a.id,
          row.agreements.map((g) => g.agreement_id),
        ),
      ),
    ),
  );

/** Only a draft still being written may be changed, submitted or discarded. */
function requireDraft(row: DraftRow) {
  if (row.state !== "draft") throw new AppError("invalid_state", `The draft is already ${row.state}.`, [], { current_state: row.state });
}

/** The draft moved since it was read (submitted or discarded by another request): the same 409 as if it had been read so. */
const movedMeanwhile = () => new AppError("invalid_state", "The draft was submitted or discarded by another request meanwhile.", [], { current_state: "unknown" });

/** The guarded update of a draft still in state `draft`. */
const whileDraft = (ctx: Ctx, id: string, set: Partial<DraftRow>) =>
  guarded(
    "change_request_draft.state",
    ctx.db
      .update(crd)
      .set(set)
      .where(and(eq(crd.id, id), eq(crd.state, "draft"))),
  );

async function commitGuarded(run: () => Promise<void>) {
  try {
    await run();
  } catch (err) {
    if (err instanceof Conflict && err.guard === "change_request_draft.state") throw movedMeanwhile();
    throw err;
  }
}

export async function listDrafts({ ctx, limit, cursor, state }: { ctx: Ctx; limit: number; cursor?: string; state?: DraftRow["state"] }) {
  const org = requireOrganisation(ctx.actor);
  const after = decodeCursor(cursor, "string");
  const { rows, now } = await draftsWith(ctx, org, and(state ? eq(crd.state, state) : undefined, after ? lt(crd.id, after) : undefined), limit + 1);
  const page = toPage(rows, limit, (r) => r.id);
  return { ...page, data: page.data.map((r) => presentDraft(r, now)) };
}

export async function getDraft({ ctx, id }: { ctx: Ctx; id: string }) {
  const { rows, now } = await draftsWith(ctx, requireOrganisation(ctx.actor), eq(crd.id, id), 1);
  if (!rows[0]) throw notFound("change request draft");
  return presentDraft(rows[0], now);
}

/** The processor edits what the intake could not fill in, or corrects it: operations, reason, effective date. */
export async function updateDraft({ ctx, id, input }: { ctx: Ctx; id: string; input: z.infer<typeof UpdateDraftBody> }) {
  const { org, row } = await loadDraft(ctx, id);
  requireDraft(row);
  const set = {
    ...(input.operations !== undefined && { operations: input.operations as Operation[] }),
    ...(input.reason !== undefined && { reason: input.reason }),
    ...(input.effective_date !== undefined && { effectiveDate: input.effective_date === null ? null : new Date(input.effective_date) }),
    updatedAt: ctx.clock.now(),
  };
  const updated = { ...row, ...set };
  const answer = await present(ctx, org, updated);
  await commitGuarded(() =>
    commit(ctx, {
      writes: [whileDraft(ctx, id, set)],
      audit: [{ action: "change_request_draft.update", resourceType: "change_request_draft", resourceId: id }],
      response: answer,
    }),
  );
  return answer;
}

/**
 * Submits the draft as a change request like any other, which remembers the upstream change
 * (docs/rules.md, rule 14). The draft is marked submitted, with the request's id, in the request's
 * own change: both commit, or neither (a draft submitted or discarded meanwhile refuses the whole).
 * The submission's own refusals (422: an operation that does not apply, an agreement no longer
 * active, an effective date past) are answered as they are.
 */
export async function submitDraft({ ctx, id }: { ctx: Ctx; id: string }) {
  const { row } = await loadDraft(ctx, id);
  requireDraft(row);
  const errors: FieldError[] = [];
  if (!row.operations.length)
    errors.push({
      pointer: "/operations",
      rule: "non_empty",
      detail: "The draft has no operations yet: write them (PATCH /v1/change-request-drafts/{draft_id}) before submitting.",
    });
  if (!row.agreements.length) errors.push({ pointer: "/agreements", rule: "active_agreement", detail: "The draft covers no agreement: there is nothing to submit." });
  if (errors.length) throw validationFailed(errors, "The draft cannot be submitted yet; nothing was submitted.");
  let answer: Awaited<ReturnType<typeof submitChangeRequest>> | undefined;
  await commitGuarded(async () => {
    answer = await submitChangeRequest({
      ctx,
      input: {
        agreements: row.agreements.map((g) => g.agreement_id),
        // stored as validated by the Operation schema (PATCH), or as the intake built them
        operations: row.operations as unknown as z.infer<typeof SubmitChangeRequestBody>["operations"],
        reason: row.reason,
        ...(row.effectiveDate ? { effective_date: row.effectiveDate.toISOString() } : {}),
      },
      upstreamChangeId: row.upstreamChangeId ?? undefined,
      alongside: (changeRequestId) => ({
        writes: [whileDraft(ctx, id, { state: "submitted", changeRequestId, updatedAt: ctx.clock.now() })],
        audit: [{ action: "change_request_draft.submit", resourceType: "change_request_draft", resourceId: id }],
      }),
    });
  });
  return answer!;
}

/** The processor drops the draft: nothing is submitted; the upstream change stays, open. */
export async function discardDraft({ ctx, id }: { ctx: Ctx; id: string }) {
  const { org, row } = await loadDraft(ctx, id);
  requireDraft(row);
  const set = { state: "discarded" as const, updatedAt: ctx.clock.now() };
  const answer = await present(ctx, org, { ...row, ...set });
  await commitGuarded(() =>
    commit(ctx, {
      writes: [whileDraft(ctx, id, set)],
      audit: [{ action: "change_request_draft.discard", resourceType: "change_request_draft", resourceId: id }],
      response: answer,
    }),
  );
  return answer;
}
