import { and, desc, eq, getTableColumns, isNull, lt, lte, or, sql } from "drizzle-orm";
import { schema } from "../../../db/client";
import { prepared } from "../../../db/prepared";
import { isLocal } from "../../../db/read-together";
import { callerOrganisation, KEY_COLUMNS, readWithKey } from "../../core/keyed-reads";
import { diffEntries } from "../../domain/annex";
import { AppError, notFound } from "../../domain/errors";
import { requireOrganisation } from "../../core/actor";
import { decodeCursor, toPage } from "../../core/pagination";
import { loadAgreementFor } from "../agreements/agreements.service";
import { recordAnnexRead } from "../audit/audit.service";
import type { Ctx, DeferredKey } from "../../core/context";
import { presentAnnexContent } from "./annex.presenter";

type VersionRow = typeof schema.annexVersions.$inferSelect;

const versionMeta = (v: VersionRow) => ({
  agreement_id: v.agreementId,
  version: v.version,
  effective_at: v.effectiveAt.toISOString(),
  change_request_id: v.changeRequestId,
  created_at: v.createdAt.toISOString(),
});

export const presentAnnex = (v: VersionRow) => ({ object: "annex" as const, ...versionMeta(v), ...presentAnnexContent(v.content) });

/** An agreement that has an annex: a proposed or declined one has only its proposal. */
async function loadActiveAgreement(ctx: Ctx, agreementId: string) {
  const { agreement } = await loadAgreementFor(ctx, agreementId);
  return activeOnly(agreement);
}

/** An agreement with an annex in force; a proposed or declined one is a 409 naming its state. */
function activeOnly<A extends { status: string }>(agreement: A): A {
  if (agreement.status !== "active")
    throw new AppError("invalid_state", `The agreement is ${agreement.status}; it has no annex in force until the controller confirms its baseline.`, [], {
      current_state: agreement.status,
    });
  return agreement;
}

async function findVersion(ctx: Ctx, agreementId: string, version: number) {
  const row = await ctx.db.query.annexVersions.findFirst({
    where: and(eq(schema.annexVersions.agreementId, agreementId), eq(schema.annexVersions.version, version)),
  });
  if (!row) throw new AppError("not_found", `The agreement has no annex version ${version}.`);
  return row;
}

/** The annex in force now, or at `asOf`: the latest version whose effective instant is not after it. */
/** The version of an annex in force at an instant, and the agreement it belongs to if the caller is party to it: read together. */
async function readInForce(ctx: Ctx, agreementId: string, at: Date) {
  const v = schema.annexVersions;
  const key = ctx.deferredKey;
  if (key && !key.settled) return readInForceWithKey(ctx, key, agreementId, at);
  // on a local file, each from its prepared statement; over HTTP, one round trip for both
  if (isLocal(ctx.db)) {
    const version = prepared(ctx.readDb, "annex.in_force", (db) =>
      db
        .select()
        .from(v)
        .where(and(eq(v.agreementId, sql.placeholder("agreement")), lte(v.effectiveAt, sql.placeholder("at"))))
        .orderBy(desc(v.effectiveAt), desc(v.version))
        .limit(1)
        .prepare(),
    ).get({ agreement: agreementId, at });
    const [agreement, row] = await Promise.all([loadActiveAgreement(ctx, agreementId), version]);
    return { agreement, row };
  }
  // with the request's key, when it is still to be read
  const org = callerOrganisation(ctx);
  const t = schema.agreements;
  const [agreements, rows] = await readWithKey(ctx, [
    ctx.db
      .select()
      .from(t)
      .where(and(eq(t.id, agreementId), or(eq(t.processorId, org), eq(t.controllerId, org))))
      .limit(1),
    ctx.db
      .select()
      .from(v)
      .where(and(eq(v.agreementId, agreementId), lte(v.effectiveAt, at)))
      .orderBy(desc(v.effectiveAt), desc(v.version))
      .limit(1),
  ]);
  requireOrganisation(ctx.actor);
  if (!agreements[0]) throw notFound("agreement");
  return { agreement: activeOnly(agreements[0]), row: rows[0] };
}

/**
 * The key, the agreement if the key's organisation is party to it, and the version in force, as one
 * prepared statement: the annex read's one read, on a local file and over HTTP alike. The key is judged first
 * (401, 403), then the agreement (404, 409), then the version.
 */
async function readInForceWithKey(ctx: Ctx, key: DeferredKey, agreementId: string, at: Date) {
  const k = schema.apiKeys;
  const u = schema.users;
  const a = schema.agreements;
  const v = schema.annexVersions;
  const row = await prepared(ctx.readDb, "annex.in_force_with_key", (db) =>
    db
      .select({ ...KEY_COLUMNS, agreement: { id: a.id, processorId: a.processorId, controllerId: a.controllerId, status: a.status }, version: getTableColumns(v) })
      .from(k)
      .leftJoin(u, eq(u.id, k.userId))
      .leftJoin(a, and(eq(a.id, sql.placeholder("agreement")), or(eq(a.processorId, k.organisationId), eq(a.controllerId, k.organisationId))))
      .leftJoin(v, and(eq(v.agreementId, a.id), lte(v.effectiveAt, sql.placeholder("at"))))
      .where(and(eq(k.secretHash, sql.placeholder("hash")), isNull(k.revokedAt)))
      .orderBy(desc(v.effectiveAt), desc(v.version))
      .limit(1)
      .prepare(),
  ).get({ hash: key.hash, agreement: agreementId, at });
  key.settle(row ? [{ key: row.key, user: row.user }] : []);
  requireOrganisation(ctx.actor);
  if (!row?.agreement) throw notFound("agreement");
  return { agreement: activeOnly(row.agreement), row: row.version ?? undefined };
}

export async function getAnnex({ ctx, agreementId, asOf }: { ctx: Ctx; agreementId: string; asOf?: Date }) {
  const at = asOf ?? ctx.clock.now();
  // the version is only answered once the agreement proves the caller a party to it
  const { agreement, row } = await readInForce(ctx, agreementId, at);
  if (!row) throw new AppError("not_found", `No annex version of this agreement was in force at ${at.toISOString()}.`);
  await recordAnnexRead(ctx, agreement, asOf ? "annex.read_as_of" : "annex.read", `${agreementId}@v${row.version}`);
  return presentAnnex(row);
}

export async function listAnnexVersions({ ctx, agreementId, limit, cursor }: { ctx: Ctx; agreementId: string; limit: number; cursor?: string }) {
  const agreement = await loadActiveAgreement(ctx, agreementId);
  const before = decodeCursor(cursor, "number");
  const v = schema.annexVersions;
  const rows = await ctx.db.query.annexVersions.findMany({
    where: and(eq(v.agreementId, agreementId), before !== undefined ? lt(v.version, before) : undefined),
    orderBy: desc(v.version),
    limit: limit + 1,
  });
  const summaries = rows.map((r) => {
    const content = presentAnnexContent(r.content);
    return {
      object: "annex_version" as const,
      ...versionMeta(r),
      third_country: content.third_country,
      locations: content.locations.length,
      sub_processors: content.sub_processors.length,
    };
  });
  await recordAnnexRead(ctx, agreement, "annex.list_versions", agreementId);
  return toPage(summaries, limit, (s) => s.version);
}

export async function getAnnexVersion({ ctx, agreementId, version }: { ctx: Ctx; agreementId: string; version: number }) {
  const agreement = await loadActiveAgreement(ctx, agreementId);
  const row = await findVersion(ctx, agreementId, version);
  await recordAnnexRead(ctx, agreement, "annex.read_version", `${agreementId}@v${version}`);
  return presentAnnex(row);
}

/** Entries added, removed and changed (field by field) between two versions; `to` defaults to the latest. */
export async function getAnnexDiff({ ctx, agreementId, from, to }: { ctx: Ctx; agreementId: string; from: number; to?: number }) {
  const agreement = await loadActiveAgreement(ctx, agreementId);
  const target = to ?? agreement.currentVersion!;
  const [a, b] = await Promise.all([findVersion(ctx, agreementId, from), findVersion(ctx, agreementId, target)]);
  // entries are compared as the annex shows them, so a change of classification is a changed field too
  const [pa, pb] = [presentAnnexContent(a.content), presentAnnexContent(b.content)];
  await recordAnnexRead(ctx, agreement, "annex.diff", `${agreementId}@v${from}..v${target}`);
  return {
    object: "annex_diff" as const,
    agreement_id: agreementId,
    from,
    to: target,
    locations: diffEntries(pa.locations, pb.locations),
    sub_processors: diffEntries(pa.sub_processors, pb.sub_processors),
  };
}
