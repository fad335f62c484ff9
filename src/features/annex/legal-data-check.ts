import { and, eq, isNotNull } from "drizzle-orm";
import { schema } from "../../../db/client";
import type { Deps } from "../../deps";
import { type AnnexContent, classificationSnapshot, type StoredClassification } from "../../domain/annex";
import { type Classification, LEGAL_DATA_RELEASE } from "../../domain/countries";
import { partiesOf } from "../agreements/agreements.service";
import { eventsWithAudit } from "../../core/events";
import { commit } from "../../core/writer";

type CheckDeps = Pick<Deps, "db" | "clock" | "newId" | "webhooks">;

export interface ClassificationMove {
  entry_id: string;
  ref: string;
  name: string;
  kind: "location" | "sub_processor";
  country: string;
  from: Classification;
  to: Classification;
}

/** The entries whose classification under `now` differs from what the version stored. */
export function classificationMoves(content: AnnexContent, stored: StoredClassification, now: StoredClassification): ClassificationMove[] {
  const moves: ClassificationMove[] = [];
  for (const l of content.locations) {
    const [from, to] = [stored.entries[l.id], now.entries[l.id]];
    if (from && to && from !== to) moves.push({ entry_id: l.id, ref: l.ref, name: l.label, kind: "location", country: l.address.country, from, to });
  }
  for (const s of content.sub_processors) {
    const [from, to] = [stored.entries[s.id], now.entries[s.id]];
    if (from && to && from !== to) moves.push({ entry_id: s.id, ref: s.ref, name: s.legal_name, kind: "sub_processor", country: s.address.country, from, to });
  }
  return moves;
}

/**
 * Run on start (and by the scheduler): once per release of the legal reference data, compares the
 * classification every annex in force was approved under with the classification under this release,
 * and tells both parties of each agreement where an entry moved (`classification.changed`). History is
 * not rewritten: the versions keep what they stored. `classify` and `release` are parameters so a test
 * can play a new release.
 */
export async function checkLegalData(deps: CheckDeps, opts: { release?: string; classify?: (content: AnnexContent, release: string) => StoredClassification } = {}) {
  const release = opts.release ?? LEGAL_DATA_RELEASE;
  const classify = opts.classify ?? ((content: AnnexContent, r: string) => classificationSnapshot(content, r));
  const done = await deps.db.query.legalDataChecks.findFirst({ where: eq(schema.legalDataChecks.release, release) });
  if (done) return { release, checked: false, changed: 0 };
  const a = schema.agreements;
  const v = schema.annexVersions;
  const rows = await deps.db
    .select({ agreement: a, version: v })
    .from(a)
    .innerJoin(v, and(eq(v.agreementId, a.id), eq(v.version, a.currentVersion)))
    .where(and(eq(a.status, "active"), isNotNull(v.classification)));
  const now = deps.clock.now();
  const events = rows.flatMap(({ agreement, version }) => {
    const stored = version.classification!;
    if (stored.release === release) return [];
    const moves = classificationMoves(version.content, stored, classify(version.content, release));
    if (!moves.length) return [];
    return [
      {
        type: "classification.changed" as const,
        agreement: partiesOf(agreement),
        data: { agreement_id: agreement.id, annex_version: version.version, approved_under: stored.release, release, changes: moves },
      },
    ];
  });
  await commit(deps, {
    // the check row's primary key makes a second process's identical check fail here, before its events commit
    writes: [deps.db.insert(schema.legalDataChecks).values({ release, checkedAt: now, changedAgreements: events.length })],
    ...eventsWithAudit(deps, events),
  });
  return { release, checked: true, changed: events.length };
}
