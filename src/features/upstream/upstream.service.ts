import type { z } from "zod";
import { and, asc, desc, eq, inArray, isNull, lt, type SQL, sql } from "drizzle-orm";
import { schema } from "../../../db/client";
import { readTogether } from "../../../db/read-together";
import { personOf, requireOrganisation } from "../../core/actor";
import type { Ctx } from "../../core/context";
import { decodeCursor, toPage } from "../../core/pagination";
import { type Change, commit, Conflict, guarded } from "../../core/writer";
import type { ObjectionGround } from "../../domain/decisions";
import { AppError, type FieldError, notFound, validationFailed } from "../../domain/errors";
import { checkResolvedHost, checkWebhookUrl } from "../../webhooks/address-policy";
import { decide } from "../decisions/decisions.service";
import { type GatheredDecision, isApproved, presentChange, presentSource } from "./upstream.presenter";
import { composeUpstreamReason } from "./upstream-reason";
import type { CreateUpstreamSourceBody } from "./upstream.schemas";

const src = schema.upstreamSources;
const upc = schema.upstreamChanges;
const crd = schema.changeRequestDrafts;
const d = schema.decisions;
const a = schema.agreements;

// ---------------------------------------------------------------------------------------------
// Upstream sources (docs/rules.md, rule 14)
// ---------------------------------------------------------------------------------------------

/** A source of the calling processor still in use; anyone else's answers as a missing one. */
async function loadSource(ctx: Ctx, id: string) {
  const org = requireOrganisation(ctx.actor);
  const row = await ctx.db.query.upstreamSources.findFirst({ where: and(eq(src.id, id), eq(src.processorId, org), isNull(src.removedAt)) });
  if (!row) throw notFound("upstream source");
  return row;
}

/** Whether `ref` names a sub-processor in the annex in force of one of the processor's active agreements. */
async function hasSubProcessor(ctx: Ctx, processorId: string, ref: string) {
  const v = schema.annexVersions;
  const found = await ctx.db
    .select({ id: a.id })
    .from(a)
    .innerJoin(v, and(eq(v.agreementId, a.id), eq(v.version, a.currentVersion)))
    .where(
      and(
        eq(a.processorId, processorId),
        eq(a.status, "active"),
        sql`exists (select 1 from json_each(${v.content}, '$.sub_processors') where json_extract(value, '$.ref') = ${ref})`,
      ),
    )
    .limit(1);
  return found.length > 0;
}

/**
 * A processor records where one of its sub-processors' changes come from: its agreement in this
 * register, on which the processor is the controller, or its public feed (polled by the scheduler
 * through the address guard of webhooks, from the next run on).
 */
export async function createSource({ ctx, input }: { ctx: Ctx; input: z.infer<typeof CreateUpstreamSourceBody> }) {
  const org = requireOrganisation(ctx.actor);
  const errors: FieldError[] = [];
  if (!(await hasSubProcessor(ctx, org, input.sub_processor_ref)))
    errors.push({ pointer: "/sub_processor_ref", rule: "sub_processor_in_annex", detail: "No active agreement of this processor has a sub-processor with this ref in its annex." });
  if (input.kind === "register") {
    const agreement = await ctx.db.query.agreements.findFirst({ where: and(eq(a.id, input.upstream_agreement_id), eq(a.controllerId, org), eq(a.status, "active")) });
    // another's agreement is reported exactly like a missing one
    if (!agreement)
      errors.push({
        pointer: "/upstream_agreement_id",
        rule: "own_agreement_as_controller",
        detail: "Not an active agreement in which the caller is the controller (docs/rules.md, rule 14: the sub-processor's own agreement with the processor).",
      });
  } else {
    const policy = { allowInsecure: ctx.webhooks.allowInsecure };
    const refused = checkWebhookUrl(input.feed_url, policy) ?? (await checkResolvedHost(input.feed_url, policy, ctx.webhooks.resolveHost));
    if (refused) errors.push({ pointer: "/feed_url", rule: refused.rule, detail: refused.detail });
  }
  if (errors.length) throw validationFailed(errors, "The upstream source cannot be recorded.");
  const now = ctx.clock.now();
  const row: typeof src.$inferSelect = {
    id: ctx.newId("upstreamSource"),
    processorId: org,
    subProcessorRef: input.sub_processor_ref,
    kind: input.kind,
    upstreamAgreementId: input.kind === "register" ? input.upstream_agreement_id : null,
    feedUrl: input.kind === "feed" ? input.feed_url : null,
    etag: null,
    lastModified: null,
    defaultWindowDays: input.kind === "feed" ? input.default_window_days : 30,
    marginDays: input.margin_days,
    // a feed is polled at the scheduler's next run
    nextPollAt: input.kind === "feed" ? now : null,
    lastPolledAt: null,
    lastPollError: null,
    createdAt: now,
    removedAt: null,
  };
  const answer = presentSource(row);
  await commit(ctx, {
    writes: [ctx.db.insert(src).values(row)],
    audit: [{ action: "upstream_source.create", resourceType: "upstream_source", resourceId: row.id }],
    response: answer,
  });
  return answer;
}

export async function listSources({ ctx, limit, cursor }: { ctx: Ctx; limit: number; cursor?: string }) {
  const org = requireOrganisation(ctx.actor);
  const after = decodeCursor(cursor, "string");
  const rows = await ctx.db.query.upstreamSources.findMany({
    where: and(eq(src.processorId, org), isNull(src.removedAt), after ? lt(src.id, after) : undefined),
    orderBy: desc(src.id),
    limit: limit + 1,
  });
  return toPage(rows.map(presentSource), limit, (s) => s.id);
}

export async function getSource({ ctx, id }: { ctx: Ctx; id: string }) {
  return presentSource(await loadSource(ctx, id));
}

/** Stops receiving from a source; the changes received from it stay, with their drafts. */
export async function removeSource({ ctx, id }: { ctx: Ctx; id: string }) {
  const current = await loadSource(ctx, id);
  const now = ctx.clock.now();
  const answer = presentSource({ ...current, removedAt: now });
  try {
    await commit(ctx, {
      writes: [
        guarded(
          "upstream_source.removed",
          ctx.db
            .update(src)
            .set({ removedAt: now })
            .where(and(eq(src.id, id), isNull(src.removedAt))),
        ),
      ],
      audit: [{ action: "upstream_source.remove", resourceType: "upstream_source", resourceId: id }],
      response: answer,
    });
  } catch (err) {
    // removed by another request meanwhile: gone, as for any removed source
    if (err instanceof Conflict) throw notFound("upstream source");
    throw err;
  }
  return answer;
}

// ---------------------------------------------------------------------------------------------
// Upstream changes: the controllers' decisions gathered, and the processor's answer upstream
// ---------------------------------------------------------------------------------------------

type ChangeRow = typeof upc.$inferSelect;
type DraftRow = typeof crd.$inferSelect;

/** The drafts of some upstream changes, their sources, and the decisions of the change requests submitted from them. */
/**
 * Upstream changes of the processor matching `where` (newest first, at most `limit`), with what
 * presenting them needs: their sources, their drafts, and the decisions of the change requests the
 * drafts became. One batch, whatever the page's size: the related rows are found by subqueries of
 * the same page (at the edge, one round trip, docs/rules.md rule 14 and the README's round trips).
 */
async function changesWith(ctx: Ctx, org: string, where: SQL | undefined, limit: number) {
  const mine = and(eq(upc.processorId, org), where);
  const onPage = ctx.db.select({ id: upc.id, sourceId: upc.sourceId }).from(upc).where(mine).orderBy(desc(upc.id)).limit(limit).as("on_page");
  const draftsOnPage = and(inArray(crd.upstreamChangeId, ctx.db.select({ id: onPage.id }).from(onPage)), eq(crd.processorId, org));
  const o = schema.organisations;
  const [rows, sources, drafts, decisions] = await readTogether(ctx.db, [
    ctx.db.select().from(upc).where(mine).orderBy(desc(upc.id)).limit(limit),
    ctx.db
      .select()
      .from(src)
      .where(inArray(src.id, ctx.db.select({ id: onPage.sourceId }).from(onPage))),
    ctx.db.select().from(crd).where(draftsOnPage).orderBy(asc(crd.id)),
    ctx.db
      .select({ row: d, agreementTitle: a.title, controllerName: o.name })
      .from(d)
      .innerJoin(a, eq(a.id, d.agreementId))
      .innerJoin(o, eq(o.id, d.controllerId))
      .where(and(inArray(d.changeRequestId, ctx.db.select({ id: crd.changeRequestId }).from(crd).where(draftsOnPage)), eq(d.processorId, org)))
      .orderBy(asc(d.id)),
  ]);
  // the latest draft of each change (there is one; a later one would replace it)
  const draftOf = new Map<string, DraftRow>();
  for (const x of drafts) if (x.upstreamChangeId) draftOf.set(x.upstreamChangeId, x);
  const byRequest = new Map<string, GatheredDecision[]>();
  for (const g of decisions) byRequest.set(g.row.changeRequestId, [...(byRequest.get(g.row.changeRequestId) ?? []), g]);
  const sourceOf = new Map(sources.map((s) => [s.id, s]));
  return rows.map((row) => {
    const draft = draftOf.get(row.id);
    const gathered = draft?.changeRequestId ? (byRequest.get(draft.changeRequestId) ?? []) : undefined;
    return { row, source: sourceOf.get(row.sourceId)!, draft, gathered };
  });
}

async function loadChange(ctx: Ctx, id: string) {
  const org = requireOrganisation(ctx.actor);
  const [found] = await changesWith(ctx, org, eq(upc.id, id), 1);
  if (!found) throw notFound("upstream change");
  return { org, ...found };
}

export async function listChanges({ ctx, limit, cursor, state }: { ctx: Ctx; limit: number; cursor?: string; state?: ChangeRow["state"] }) {
  const org = requireOrganisation(ctx.actor);
  const after = decodeCursor(cursor, "string");
  const found = await changesWith(ctx, org, and(state ? eq(upc.state, state) : undefined, after ? lt(upc.id, after) : undefined), limit + 1);
  const page = toPage(found, limit, (f) => f.row.id);
  return { ...page, data: page.data.map((f) => presentChange(f.row, f.source, f.draft, f.gathered)) };
}

export async function getChange({ ctx, id }: { ctx: Ctx; id: string }) {
  const { row, source, draft, gathered } = await loadChange(ctx, id);
  return presentChange(row, source, draft, gathered);
}

type Answerable = Awaited<ReturnType<typeof loadChange>>;

/**
 * What answering upstream needs, or why it cannot: only a change in this register (a feed's has
 * no decision here: 409 `not_in_register`), still open, whose upstream decision is still pending.
 * Checked before anything is written, so a refusal leaves everything as it was.
 */
async function answerable(ctx: Ctx, id: string) {
  const loaded = await loadChange(ctx, id);
  const { row, source, org } = loaded;
  if (source.kind !== "register" || !row.upstreamDecisionId)
    throw new AppError("not_in_register", "This upstream change came from a feed: it has no decision in this register to answer (docs/rules.md, rule 14).", [], {
      current_state: row.state,
    });
  if (row.state !== "open") throw new AppError("invalid_state", `The upstream change is already ${row.state}; it is answered once.`, [], { current_state: row.state });
  const decision = await ctx.db.query.decisions.findFirst({ where: and(eq(d.id, row.upstreamDecisionId), eq(d.controllerId, org)) });
  if (!decision) throw new AppError("not_in_register", "The upstream decision is not one this organisation decides as controller.", [], { current_state: row.state });
  if (decision.state !== "pending")
    throw new AppError("invalid_state", `The upstream decision is already ${decision.state}; final states are final.`, [], {
      current_state: row.state,
      upstream_decision_state: decision.state,
    });
  return loaded;
}

/**
 * The processor's answer upstream and the upstream decision it is, in one change: the decision
 * verb commits the upstream change's new state with its own writes, guarded on the change still
 * being open, so either both are written or neither (docs/rules.md, rules 9 and 14). The request's
 * answer (and what its Idempotency-Key keeps) is the upstream change.
 */
function answered(ctx: Ctx, loaded: Answerable, state: "objected" | "approved", reason: string | null): { change: Change; response: ReturnType<typeof presentChange> } {
  const { row, source, draft, gathered } = loaded;
  const set = { state, respondedAt: ctx.clock.now(), respondedBy: personOf(ctx.actor), responseReason: reason };
  return {
    change: {
      writes: [
        guarded(
          "upstream_change.state",
          ctx.db
            .update(upc)
            .set(set)
            .where(and(eq(upc.id, row.id), eq(upc.state, "open"))),
        ),
      ],
      audit: [{ action: `upstream_change.${state === "objected" ? "object" : "approve"}`, resourceType: "upstream_change", resourceId: row.id }],
    },
    response: presentChange({ ...row, ...set }, source, draft, gathered),
  };
}

/**
 * Objects upstream in one act (docs/rules.md, rule 14): the processor's reason with each objecting
 * controller's ground and reason attached, by name only where the controller agreed, is the
 * processor's objection, as controller, to the upstream decision.
 */
export async function objectUpstream({ ctx, id, reason, ground }: { ctx: Ctx; id: string; reason: string; ground: ObjectionGround }) {
  const loaded = await answerable(ctx, id);
  const { row, gathered } = loaded;
  const objections = (gathered ?? [])
    .filter((g) => g.row.state === "objected")
    .map((g) => ({ controllerName: g.controllerName, share: g.row.objectionShareUpstream, ground: g.row.objectionGround, reason: g.row.objectionReason }));
  const composed = composeUpstreamReason(reason, objections);
  const alongside = answered(ctx, loaded, "objected", composed);
  await decide({ ctx, id: row.upstreamDecisionId!, verb: "object", reason: composed, ground, alongside });
  return alongside.response;
}

/** Approves upstream, once every controller has approved or been deemed to (docs/rules.md, rule 14). */
export async function approveUpstream({ ctx, id, comment }: { ctx: Ctx; id: string; comment?: string }) {
  const loaded = await answerable(ctx, id);
  const { row, draft, gathered } = loaded;
  if (!draft?.changeRequestId || !gathered?.length || !gathered.every((g) => isApproved(g.row.state))) {
    const pending = gathered?.filter((g) => !isApproved(g.row.state)).map((g) => g.row.id) ?? [];
    throw new AppError(
      "controllers_pending",
      draft?.changeRequestId
        ? "Not every controller has approved the change (or been deemed to): approve upstream once they all have, or object."
        : "The draft has not been submitted: the controllers have yet to be asked.",
      [],
      { current_state: row.state, pending_decisions: pending },
    );
  }
  const alongside = answered(ctx, loaded, "approved", null);
  await decide({ ctx, id: row.upstreamDecisionId!, verb: "approve", comment, alongside });
  return alongside.response;
}

/** The caller's upstream changes among `ids` (others are left out): what the console shows beside a change request passed on. */
export async function upstreamChangesByIds({ ctx, ids }: { ctx: Ctx; ids: string[] }) {
  const org = requireOrganisation(ctx.actor);
  if (!ids.length) return new Map<string, { id: string; title: string; deadline_at: string }>();
  const rows = await ctx.db.query.upstreamChanges.findMany({ where: and(inArray(upc.id, ids), eq(upc.processorId, org)) });
  return new Map(rows.map((r) => [r.id, { id: r.id, title: r.title, deadline_at: r.deadlineAt.toISOString() }]));
}
