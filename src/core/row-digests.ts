import { sha256Hex } from "./crypto";

/**
 * Digests of the business rows a change writes (docs/rules.md, rule 8, "Business rows"): each
 * audit record of a write carries them in its hashed content, and `verify` recomputes them from
 * the rows as they are now, so an annex version, a decision's state or an agreement's terms edited
 * behind the API's back is named. Keys name the row: `decision:<id>`, `annex_version:<agreement>:<n>`,
 * `terms:<agreement>:<n>`.
 */
export type RowDigests = Record<string, string>;

const iso = (d: Date | string | null | undefined) => (d === null || d === undefined ? null : typeof d === "string" ? d : d.toISOString());

/** A decision's state: what deciding, the scheduler and applying change. */
export interface DecisionState {
  id: string;
  state: string;
  decidedAt: Date | string | null;
  objectionReason: string | null;
  comment: string | null;
  application: string;
  appliedVersion: number | null;
  effectiveAt: Date | string | null;
  /** an objection's ground, and the processor's answer to it (docs/rules.md, rule 6) */
  objectionGround?: string | null;
  objectionResponse?: string | null;
  objectionResponseNote?: string | null;
  objectionRespondedAt?: Date | string | null;
}

/**
 * The ground and the answer of an objection join the digest only where there is one: the digest
 * of every decision written before they existed stays what its audit record holds.
 */
export const decisionDigest = (d: DecisionState): RowDigests => ({
  [`decision:${d.id}`]: sha256Hex(
    JSON.stringify([
      "decision",
      d.id,
      d.state,
      iso(d.decidedAt),
      d.objectionReason,
      d.comment,
      d.application,
      d.appliedVersion,
      iso(d.effectiveAt),
      ...(d.objectionGround || d.objectionResponse ? [d.objectionGround ?? null, d.objectionResponse ?? null, d.objectionResponseNote ?? null, iso(d.objectionRespondedAt)] : []),
    ]),
  ),
});

/** The same state as a decision event carries it (src/features/decisions/decisions.presenter.ts). */
export const decisionStateOfView = (v: {
  id: string;
  state: string;
  decided_at: string | null;
  objection_reason: string | null;
  comment: string | null;
  application: { state: string; version: number | null; effective_at: string | null };
  objection_ground?: string | null;
  objection_response?: { response: string; note: string; responded_at: string } | null;
}): DecisionState => ({
  id: v.id,
  state: v.state,
  decidedAt: v.decided_at,
  objectionReason: v.objection_reason,
  comment: v.comment,
  application: v.application.state,
  appliedVersion: v.application.version,
  effectiveAt: v.application.effective_at,
  objectionGround: v.objection_ground ?? null,
  objectionResponse: v.objection_response?.response ?? null,
  objectionResponseNote: v.objection_response?.note ?? null,
  objectionRespondedAt: v.objection_response?.responded_at ?? null,
});

export const annexVersionDigest = (v: { agreementId: string; version: number; content: unknown; effectiveAt: Date }): RowDigests => ({
  [`annex_version:${v.agreementId}:${v.version}`]: sha256Hex(JSON.stringify(["annex_version", v.agreementId, v.version, v.content, iso(v.effectiveAt)])),
});

export const termsDigest = (t: {
  agreementId: string;
  version: number;
  authorisation: string;
  noticeDays: number;
  thirdCountryTransfers: string;
  effectiveAt: Date;
  /** joins the digest only where set (docs/rules.md, rule 13): the digest of every version written before it existed stays what its audit record holds */
  questionExtensionDays?: number | null;
}): RowDigests => ({
  [`terms:${t.agreementId}:${t.version}`]: sha256Hex(
    JSON.stringify([
      "terms",
      t.agreementId,
      t.version,
      t.authorisation,
      t.noticeDays,
      t.thirdCountryTransfers,
      iso(t.effectiveAt),
      ...(t.questionExtensionDays === null || t.questionExtensionDays === undefined ? [] : [t.questionExtensionDays]),
    ]),
  ),
});
