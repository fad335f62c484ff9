import { termsDigest } from "../../core/row-digests";
import { personOf } from "../../core/actor";
import { and, asc, desc, eq, gt, lte, sql } from "drizzle-orm";
import { schema, type DbOrTx } from "../../../db/client";
import { classifyAnnex } from "../../domain/annex";
import { countryName } from "../../domain/countries";
import { AppError, type FieldError, validationFailed } from "../../domain/errors";
import type { ThirdCountryInstruction } from "../../domain/operations";
import { type Ctx, iso } from "../../core/context";
import { eventsWithAudit } from "../../core/events";
import { type Change, commit, guarded, retryOnConflict, type WriterDeps } from "../../core/writer";
import { type AgreementRow, loadAgreementFor, partiesOf } from "./agreements.service";

export type TermsRow = typeof schema.agreementTerms.$inferSelect;

/** The controller's amendments take effect at least 30 days after they are made (docs/rules.md, rule 11). */
export const AMENDMENT_NOTICE_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface TermsChange {
  third_country_transfers?: ThirdCountryInstruction;
  notice_days?: number;
  authorisation?: "specific" | "general";
  /** null turns the extension off (docs/rules.md, rule 13) */
  question_extension_days?: number | null;
  reason: string;
}

export function presentTerms(t: TermsRow, now: Date) {
  return {
    object: "agreement_terms" as const,
    agreement_id: t.agreementId,
    version: t.version,
    authorisation: t.authorisation,
    notice_days: t.noticeDays,
    third_country_transfers: t.thirdCountryTransfers,
    question_extension_days: t.questionExtensionDays ?? null,
    effective_at: t.effectiveAt.toISOString(),
    in_force: t.effectiveAt <= now,
    reason: t.reason,
    decision_id: t.decisionId,
    amended_by: t.amendedBy ?? null,
    created_at: t.createdAt.toISOString(),
  };
}

/** Version 1 of an agreement's terms: what was signed (or proposed), in force from then. */
export const baselineTerms = (a: AgreementRow, effectiveAt: Date, now: Date): TermsRow => ({
  agreementId: a.id,
  version: 1,
  authorisation: a.authorisation,
  noticeDays: a.noticeDays,
  thirdCountryTransfers: a.thirdCountryTransfers,
  questionExtensionDays: a.questionExtensionDays ?? null,
  effectiveAt,
  reason: null,
  decisionId: null,
  amendedBy: null,
  amendedByKey: null,
  createdAt: now,
});

/**
 * The refusals of an amendment: it must change something, and an instruction that prohibits
 * third-country transfers cannot come into force over an annex that already puts data outside the
 * EU/EEA (the processor must first remove or move those entries, by a change request).
 */
async function checkAmendment(db: DbOrTx, a: AgreementRow, latest: TermsRow, change: TermsChange, base: string) {
  const errors: FieldError[] = [];
  const same =
    (change.third_country_transfers ?? latest.thirdCountryTransfers) === latest.thirdCountryTransfers &&
    (change.notice_days ?? latest.noticeDays) === latest.noticeDays &&
    (change.authorisation ?? latest.authorisation) === latest.authorisation &&
    (change.question_extension_days === undefined ? latest.questionExtensionDays : change.question_extension_days) === latest.questionExtensionDays;
  if (same)
    errors.push({
      pointer: base,
      rule: "changes_terms",
      detail: "The amendment changes none of the terms now in force: send a new third_country_transfers, notice_days, authorisation or question_extension_days.",
    });
  if (change.third_country_transfers === "prohibited" && latest.thirdCountryTransfers !== "prohibited" && a.currentVersion !== null) {
    const current = await db.query.annexVersions.findFirst({ where: and(eq(schema.annexVersions.agreementId, a.id), eq(schema.annexVersions.version, a.currentVersion)) });
    const outside = current ? classifyAnnex(current.content) : null;
    const entries = outside ? [...outside.locations, ...outside.sub_processors].filter((e) => e.third_country) : [];
    if (entries.length)
      throw new AppError(
        "instruction_conflict",
        `The annex in force puts personal data outside the EU/EEA (${entries.map((e) => `${"legal_name" in e ? e.legal_name : e.label}: ${countryName(e.address.country)}`).join("; ")}); an instruction prohibiting third-country transfers cannot come into force over it. The processor removes or moves those entries first.`,
        [{ in: "json", pointer: `${base}/third_country_transfers`, rule: "annex_in_force_has_third_country", detail: "The annex in force has entries outside the EU/EEA." }],
      );
  }
  if (errors.length) throw validationFailed(errors, "The amendment is not valid.");
}

/**
 * Plans a new version of the terms, with its event and audit record, to both parties. In force
 * now, the agreement's copy of the terms moves in the same change; later, the scheduler moves it
 * (`putAmendmentsInForce`). Guarded on the version after the latest read: of two racing
 * amendments one is replanned.
 */
export async function planAmendment(ctx: Ctx, a: AgreementRow, change: TermsChange, opts: { effectiveAt: Date; decisionId?: string; base: string }) {
  const now = ctx.clock.now();
  const latest = await ctx.db.query.agreementTerms.findFirst({ where: eq(schema.agreementTerms.agreementId, a.id), orderBy: desc(schema.agreementTerms.version) });
  if (!latest) throw new AppError("invalid_state", "The agreement has no terms.");
  await checkAmendment(ctx.db, a, latest, change, opts.base);
  const row: TermsRow = {
    agreementId: a.id,
    version: latest.version + 1,
    authorisation: change.authorisation ?? latest.authorisation,
    noticeDays: change.notice_days ?? latest.noticeDays,
    thirdCountryTransfers: change.third_country_transfers ?? latest.thirdCountryTransfers,
    // absent keeps the extension in force; null turns it off
    questionExtensionDays: change.question_extension_days === undefined ? latest.questionExtensionDays : change.question_extension_days,
    effectiveAt: opts.effectiveAt,
    reason: change.reason,
    decisionId: opts.decisionId ?? null,
    amendedByKey: ctx.actor.keyId,
    amendedBy: personOf(ctx.actor),
    createdAt: now,
  };
  const inForce = row.effectiveAt <= now;
  const writes: Change["writes"] = [guarded("terms.version", ctx.db.insert(schema.agreementTerms).values(row).onConflictDoNothing())];
  if (inForce) writes.push(ctx.db.update(schema.agreements).set(termsCopy(row)).where(eq(schema.agreements.id, a.id)));
  const previous = presentTerms(latest, now);
  const change_: Change = {
    writes,
    ...eventsWithAudit(ctx, [{ type: "agreement.amended", agreement: partiesOf(a), data: { terms: presentTerms(row, now), previous }, rows: termsDigest(row) }]),
  };
  return { row, change: change_, agreement: inForce ? { ...a, ...termsCopy(row) } : a };
}

const termsCopy = (t: TermsRow) => ({
  authorisation: t.authorisation,
  noticeDays: t.noticeDays,
  thirdCountryTransfers: t.thirdCountryTransfers,
  questionExtensionDays: t.questionExtensionDays,
  termsVersion: t.version,
});

/** The controller amends its agreement's terms; in force `AMENDMENT_NOTICE_DAYS` after, or at a later date it names. */
export async function amendAgreement({ ctx, id, input }: { ctx: Ctx; id: string; input: TermsChange & { effective_date?: string } }) {
  const { agreement, organisationId } = await loadAgreementFor(ctx, id);
  if (agreement.controllerId !== organisationId) throw new AppError("forbidden", "Only the controller amends its agreement's terms (its instruction).");
  if (agreement.status !== "active")
    throw new AppError("invalid_state", `The agreement is ${agreement.status}; only an active agreement is amended.`, [], { current_state: agreement.status });
  const now = ctx.clock.now();
  const earliest = new Date(now.getTime() + AMENDMENT_NOTICE_DAYS * DAY_MS);
  const effectiveAt = input.effective_date ? new Date(input.effective_date) : earliest;
  if (effectiveAt < earliest)
    throw validationFailed(
      [
        {
          pointer: "/effective_date",
          rule: "amendment_notice",
          detail: `The controller's amendments take effect at least ${AMENDMENT_NOTICE_DAYS} days after they are made: ${earliest.toISOString()} at the earliest.`,
        },
      ],
      "The amendment is not valid.",
    );
  return retryOnConflict(async () => {
    const { row, change } = await planAmendment(ctx, agreement, input, { effectiveAt, base: "" });
    const answer = presentTerms(row, now);
    await commit(ctx, { ...change, response: answer });
    return answer;
  });
}

/** Every version of an agreement's terms, oldest first, for either party. */
export async function listTerms({ ctx, id }: { ctx: Ctx; id: string }) {
  const { agreement } = await loadAgreementFor(ctx, id);
  const rows = await ctx.db.query.agreementTerms.findMany({ where: eq(schema.agreementTerms.agreementId, agreement.id), orderBy: asc(schema.agreementTerms.version) });
  const now = ctx.clock.now();
  return { object: "list" as const, data: rows.map((r) => presentTerms(r, now)), has_more: false, next_cursor: null };
}

/** The terms in force at `at` (the latest version effective by then). */
export async function termsAt(db: DbOrTx, agreementId: string, at: Date) {
  return db.query.agreementTerms.findFirst({
    where: and(eq(schema.agreementTerms.agreementId, agreementId), lte(schema.agreementTerms.effectiveAt, at)),
    orderBy: desc(schema.agreementTerms.version),
  });
}

/** The scheduler: amendments whose effective instant has come become the agreement's terms, in one change. Idempotent. */
export async function putAmendmentsInForce(deps: WriterDeps, now: Date): Promise<number> {
  const t = schema.agreementTerms;
  const a = schema.agreements;
  const due = await deps.db
    .select({ terms: t })
    .from(t)
    .innerJoin(a, eq(a.id, t.agreementId))
    .where(and(lte(t.effectiveAt, now), gt(t.version, a.termsVersion)))
    .orderBy(asc(t.version));
  await commit(deps, {
    writes: due.map(({ terms }) =>
      deps.db
        .update(a)
        .set(termsCopy(terms))
        .where(and(eq(a.id, terms.agreementId), sql`${a.termsVersion} < ${terms.version}`)),
    ),
  });
  return due.length;
}

export { iso };
