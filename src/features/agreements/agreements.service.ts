import { annexVersionDigest, termsDigest } from "../../core/row-digests";
import type { z } from "zod";
import { and, desc, eq, inArray, lt, or, sql } from "drizzle-orm";
import { schema, type DbOrTx } from "../../../db/client";
import { prepared } from "../../../db/prepared";
import { readTogether } from "../../../db/read-together";
import { type AnnexContent, buildAnnex, checkDerogationsFor, classificationSnapshot, classifyAnnex } from "../../domain/annex";
import { AppError, type FieldError, notFound, validationFailed } from "../../domain/errors";
import { requireOrganisation } from "../../core/actor";
import { decodeCursor, toPage } from "../../core/pagination";
import { presentAnnexContent } from "../annex/annex.presenter";
import { commit, Conflict, guarded } from "../../core/writer";
import { type NewEvent, planEvents } from "../../core/events";
import { recordAnnexRead } from "../audit/audit.service";
import { type Ctx, iso } from "../../core/context";
import { findOrganisation, presentOrganisation } from "../organisations/organisations.service";
import type { CreateAgreementBody, DeclineAgreementBody, ListAgreementsQuery } from "./agreements.schemas";
import { baselineTerms } from "./agreement-terms.service";

export type AgreementRow = typeof schema.agreements.$inferSelect;
type OrganisationRow = typeof schema.organisations.$inferSelect;

const party = (o: OrganisationRow) => {
  const { object: _object, created_at: _created, ...rest } = presentOrganisation(o);
  return rest;
};

/** An agreement as one of its parties sees it. */
export async function presentAgreement(db: DbOrTx, a: AgreementRow, viewer: string | null) {
  return presentAgreementWith(a, await partiesById(db, [a]), viewer);
}

/** The parties of these agreements, in one query: a list costs the same round trips at any page size. */
async function partiesById(db: DbOrTx, agreements: AgreementRow[]) {
  const ids = [...new Set(agreements.flatMap((a) => [a.processorId, a.controllerId]))];
  const o = schema.organisations;
  const rows = ids.length ? await db.select().from(o).where(inArray(o.id, ids)) : [];
  return new Map(rows.map((r) => [r.id, r]));
}

function presentAgreementWith(a: AgreementRow, parties: Map<string, OrganisationRow>, viewer: string | null) {
  const processor = parties.get(a.processorId);
  const controller = parties.get(a.controllerId);
  return {
    object: "agreement" as const,
    id: a.id,
    status: a.status,
    title: a.title,
    controller_reference: a.controllerReference,
    authorisation: a.authorisation,
    notice_days: a.noticeDays,
    third_country_transfers: a.thirdCountryTransfers,
    processor: party(processor!),
    controller: party(controller!),
    role: viewer === a.controllerId ? ("controller" as const) : ("processor" as const),
    current_version: a.currentVersion,
    terms_version: a.termsVersion,
    proposed_annex: a.proposedAnnex ? presentAnnexContent(a.proposedAnnex) : null,
    decline_reason: a.declineReason,
    created_at: a.createdAt.toISOString(),
    activated_at: iso(a.activatedAt),
  };
}

/** The event of an agreement's state, to both its parties: the agreement without a viewer's role or the proposed annex. */
function agreementEvent(
  type: "agreement.proposed" | "agreement.confirmed" | "agreement.declined",
  row: AgreementRow,
  presented: Awaited<ReturnType<typeof presentAgreement>>,
): NewEvent {
  const { role: _role, proposed_annex: _annex, ...agreement } = presented;
  return { type, agreement: partiesOf(row), data: { agreement } };
}

/** An agreement's two parties, as an audit record or an event names them. */
export const partiesOf = (a: { id: string; processorId: string; controllerId: string }) => ({ id: a.id, processorId: a.processorId, controllerId: a.controllerId });

/**
 * The agreement if the calling organisation is party to it. Anything else answers
 * exactly as a missing agreement (docs/rules.md, rule 8).
 */
export async function loadAgreementFor(ctx: Ctx, id: string, db: DbOrTx = ctx.db) {
  const org = requireOrganisation(ctx.actor);
  const t = schema.agreements;
  const a =
    db === ctx.db
      ? await prepared(ctx.readDb, "agreements.for", (db) =>
          db
            .select()
            .from(t)
            .where(and(eq(t.id, sql.placeholder("id")), or(eq(t.processorId, sql.placeholder("org")), eq(t.controllerId, sql.placeholder("org")))))
            .limit(1)
            .prepare(),
        ).get({ id, org })
      : await db.query.agreements.findFirst({ where: and(eq(t.id, id), or(eq(t.processorId, org), eq(t.controllerId, org))) });
  if (!a) throw notFound("agreement");
  return { agreement: a, organisationId: org };
}

/**
 * A processor proposes an agreement with its baseline annex; the operator imports one
 * already signed, which is active at once with the baseline as version 1.
 */
export async function createAgreement({ ctx, input }: { ctx: Ctx; input: z.infer<typeof CreateAgreementBody> }) {
  const errors: FieldError[] = [];
  const operator = ctx.actor.kind === "operator";
  let processorId: string;
  if (ctx.actor.kind === "operator") {
    processorId = input.processor_id ?? "";
    if (!input.processor_id) errors.push({ pointer: "/processor_id", rule: "required", detail: "An imported agreement names its processor." });
  } else {
    processorId = requireOrganisation(ctx.actor);
    if (input.processor_id !== undefined && input.processor_id !== processorId)
      errors.push({ pointer: "/processor_id", rule: "own_organisation", detail: "A processor creates agreements as itself; leave processor_id out." });
    if (input.signed_at !== undefined)
      errors.push({
        pointer: "/signed_at",
        rule: "operator_only",
        detail: "Only the operator imports an already signed agreement; a processor's proposal is confirmed by the controller.",
      });
  }
  if (processorId && !(await findOrganisation(ctx.db, processorId))) errors.push({ pointer: "/processor_id", rule: "known_organisation", detail: "No organisation has this id." });
  const controller = await findOrganisation(ctx.db, input.controller_id);
  if (!controller) errors.push({ pointer: "/controller_id", rule: "known_organisation", detail: "No organisation has this id." });
  if (input.controller_id === processorId)
    errors.push({ pointer: "/controller_id", rule: "distinct_parties", detail: "The controller and the processor must be two organisations." });

  const now = ctx.clock.now();
  const signedAt = input.signed_at ? new Date(input.signed_at) : now;
  if (signedAt > now) errors.push({ pointer: "/signed_at", rule: "not_in_future", detail: "An imported agreement was signed in the past." });

  const built = buildAnnex(input.annex, ctx.newId);
  if ("errors" in built) errors.push(...built.errors);
  else {
    if (input.third_country_transfers === "prohibited") errors.push(...prohibitedTransfers(built.content));
    if (controller) errors.push(...checkDerogationsFor(built.content, controller));
  }
  if (errors.length || !("content" in built)) throw validationFailed(errors);

  const id = ctx.newId("agreement");
  const row: AgreementRow = {
    id,
    processorId,
    controllerId: input.controller_id,
    title: input.title,
    controllerReference: input.controller_reference ?? null,
    authorisation: input.authorisation,
    noticeDays: input.notice_days,
    thirdCountryTransfers: input.third_country_transfers,
    // off until the controller amends its terms (docs/rules.md, rule 13)
    questionExtensionDays: null,
    termsVersion: 1,
    status: operator ? "active" : "proposed",
    proposedAnnex: operator ? null : built.content,
    declineReason: null,
    currentVersion: operator ? 1 : null,
    createdAt: now,
    activatedAt: operator ? signedAt : null,
  };
  const answer = await presentAgreement(ctx.db, row, operator ? null : processorId);
  // a proposal waits for the controller: both parties are told (an import is signed already)
  const events = operator ? [] : planEvents(ctx, [agreementEvent("agreement.proposed", row, answer)]);
  const version1 = operator ? firstVersion(id, built.content, signedAt, now) : null;
  const terms1 = baselineTerms(row, operator ? signedAt : now, now);
  await commit(ctx, {
    response: answer,
    events,
    writes: [
      ctx.db.insert(schema.agreements).values(row),
      ...(operator ? [ctx.db.insert(schema.annexVersions).values(version1!)] : []),
      ctx.db.insert(schema.agreementTerms).values(terms1),
    ],
    audit: [
      {
        action: operator ? "agreement.import" : "agreement.propose",
        resourceType: "agreement",
        resourceId: id,
        agreement: partiesOf(row),
        rows: { ...termsDigest(terms1), ...(version1 ? annexVersionDigest(version1) : {}) },
      },
    ],
  });
  return answer;
}

/** Field errors for every third-country entry of an annex whose agreement prohibits such transfers. */
function prohibitedTransfers(content: Parameters<typeof classifyAnnex>[0]): FieldError[] {
  const c = classifyAnnex(content);
  const detail =
    "The agreement's instruction prohibits transfers to third countries (any country outside the EU/EEA, adequacy decision or not); this entry puts personal data outside the EU/EEA.";
  return [
    ...c.locations.flatMap((l, i) => (l.third_country ? [{ pointer: `/annex/locations/${i}/address/country`, rule: "instruction_prohibits_third_country", detail }] : [])),
    ...c.sub_processors.flatMap((s, i) => (s.third_country ? [{ pointer: `/annex/sub_processors/${i}`, rule: "instruction_prohibits_third_country", detail }] : [])),
  ];
}

export async function getAgreement({ ctx, id }: { ctx: Ctx; id: string }) {
  const { agreement, organisationId } = await loadAgreementFor(ctx, id);
  // a proposed baseline is an annex too: reading it is recorded like any annex read
  if (agreement.proposedAnnex) await recordAnnexRead(ctx, agreement, "annex.read_proposed", `${id}@proposed`);
  return presentAgreement(ctx.db, agreement, organisationId);
}

export async function listAgreements({ ctx, limit, cursor, status, role }: { ctx: Ctx; limit: number; cursor?: string } & z.infer<typeof ListAgreementsQuery>) {
  const org = requireOrganisation(ctx.actor);
  const after = decodeCursor(cursor, "string");
  const t = schema.agreements;
  const parties = role === "processor" ? eq(t.processorId, org) : role === "controller" ? eq(t.controllerId, org) : or(eq(t.processorId, org), eq(t.controllerId, org));
  const where = and(parties, status ? eq(t.status, status) : undefined, after ? lt(t.id, after) : undefined);
  // the page and the parties of its rows in one round trip: the parties by a subquery of the same page
  const onPage = ctx.db
    .select({ processorId: t.processorId, controllerId: t.controllerId })
    .from(t)
    .where(where)
    .orderBy(desc(t.id))
    .limit(limit + 1)
    .as("on_page");
  const o = schema.organisations;
  const [rows, parties_] = await readTogether(ctx.db, [
    ctx.db
      .select()
      .from(t)
      .where(where)
      .orderBy(desc(t.id))
      .limit(limit + 1),
    ctx.db
      .select()
      .from(o)
      .where(or(inArray(o.id, ctx.db.select({ id: onPage.processorId }).from(onPage)), inArray(o.id, ctx.db.select({ id: onPage.controllerId }).from(onPage)))),
  ]);
  const page = toPage(rows, limit, (a) => a.id);
  // lists leave the proposed baseline out: it is read (and audited) one agreement at a time
  const related = new Map(parties_.map((r) => [r.id, r]));
  return { ...page, data: page.data.map((a) => ({ ...presentAgreementWith(a, related, org), proposed_annex: null })) };
}

/** Version 1 of an annex: the baseline, in force from when the agreement was signed or confirmed. */
const firstVersion = (agreementId: string, content: AnnexContent, effectiveAt: Date, now: Date) => ({
  agreementId,
  version: 1,
  content,
  classification: classificationSnapshot(content),
  effectiveAt,
  changeRequestId: null,
  createdAt: now,
});

/** Moves a proposed agreement on; a state other than `proposed` is a 409 naming it. */
async function decideProposal(ctx: Ctx, id: string, to: "active" | "declined", reason?: string) {
  const { agreement, organisationId } = await loadAgreementFor(ctx, id);
  if (agreement.controllerId !== organisationId) throw new AppError("forbidden", "Only the controller confirms or declines a proposed agreement.");
  const now = ctx.clock.now();
  const t = schema.agreements;
  const refuse = (status: string | undefined) => new AppError("invalid_state", `The agreement is ${status}, not proposed.`, [], { current_state: status });
  if (agreement.status !== "proposed") throw refuse(agreement.status);
  const set =
    to === "active" ? { status: "active" as const, currentVersion: 1, activatedAt: now, proposedAnnex: null } : { status: "declined" as const, declineReason: reason ?? null };
  const row: AgreementRow = { ...agreement, ...set };
  const answer = await presentAgreement(ctx.db, row, organisationId);
  const version1 = to === "active" ? firstVersion(id, agreement.proposedAnnex!, now, now) : null;
  try {
    await commit(ctx, {
      response: answer,
      events: planEvents(ctx, [agreementEvent(to === "active" ? "agreement.confirmed" : "agreement.declined", row, answer)]),
      writes: [
        // the state is checked in the batch itself, so of two racing decisions exactly one wins
        guarded(
          "agreement.state",
          ctx.db
            .update(t)
            .set(set)
            .where(and(eq(t.id, id), eq(t.status, "proposed"))),
        ),
        ...(version1 ? [ctx.db.insert(schema.annexVersions).values(version1)] : []),
      ],
      audit: [
        {
          action: to === "active" ? "agreement.confirm" : "agreement.decline",
          resourceType: "agreement",
          resourceId: id,
          agreement: partiesOf(row),
          ...(version1 ? { rows: annexVersionDigest(version1) } : {}),
        },
      ],
    });
  } catch (err) {
    if (!(err instanceof Conflict)) throw err;
    throw refuse((await ctx.db.query.agreements.findFirst({ where: eq(t.id, id) }))?.status);
  }
  return answer;
}

export const confirmAgreement = ({ ctx, id }: { ctx: Ctx; id: string }) => decideProposal(ctx, id, "active");

export const declineAgreement = ({ ctx, id, input }: { ctx: Ctx; id: string; input: z.infer<typeof DeclineAgreementBody> }) => decideProposal(ctx, id, "declined", input.reason);
