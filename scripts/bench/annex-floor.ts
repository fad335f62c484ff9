// The annex read's baseline: the least a correct implementation of GET /v1/agreements/{id}/annex
// must do, on the product's own connections. One prepared read (the key by its hash, the agreement
// it may read, the version in force: the rows the real route reads, as one statement on the read
// connection of db/connect.ts, kept prepared by db/prepared.ts) and one audit record, appended to
// the chain and group-committed: the records of all reads waiting meanwhile go into one
// transaction, as the service's group commit of read records does (rule 8: no read unrecorded).
// No middleware, no validation, no rate limit, no logging.
import type { Client, InStatement, InValue } from "@libsql/client";
import { and, desc, eq, getTableColumns, isNull, lte, or, sql } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import { Hono } from "hono";
import { insertRowsSql } from "../../db/bulk";
import { schema } from "../../db/client";
import { prepared } from "../../db/prepared";
import { type AuditItem, chainAudit, GENESIS_HASH } from "../../src/core/audit-trail";
import { hashSecret } from "../../src/core/crypto";
import type { Deps } from "../../src/deps";
import { presentAnnex } from "../../src/features/annex/annex.service";

/** Where the baseline answers: this prefix, then the product's own path. */
export const FLOOR_PREFIX = "/floor";

const dialect = new SQLiteAsyncDialect();
const HEAD_SQL = "SELECT hash FROM audit_records ORDER BY seq DESC LIMIT 1";

/** Appends audit records in one transaction per turn of the event loop, chained onto the trail's end. */
function groupCommitter(client: Client) {
  let waiting: { item: AuditItem; done: (err?: unknown) => void }[] = [];
  let flushing = false;
  const flush = async () => {
    while (waiting.length) {
      await new Promise((r) => setImmediate(r));
      const batch = waiting;
      waiting = [];
      try {
        const tx = await client.transaction("write");
        try {
          const head = ((await tx.execute(HEAD_SQL)).rows[0]?.hash as string | undefined) ?? GENESIS_HASH;
          const rows = chainAudit(
            batch.map((w) => w.item),
            head,
          );
          await tx.batch(
            insertRowsSql(schema.auditRecords, rows).map((q): InStatement => {
              const { sql, params } = dialect.sqlToQuery(q);
              return { sql, args: params as InValue[] };
            }),
          );
          await tx.commit();
        } finally {
          tx.close();
        }
        for (const w of batch) w.done();
      } catch (err) {
        for (const w of batch) w.done(err);
      }
    }
    flushing = false;
  };
  return (item: AuditItem) =>
    new Promise<void>((resolve, reject) => {
      waiting.push({ item, done: (err) => (err ? reject(err) : resolve()) });
      if (!flushing) {
        flushing = true;
        void flush();
      }
    });
}

export function annexFloor(deps: Deps, client: Client) {
  const k = schema.apiKeys;
  const a = schema.agreements;
  const v = schema.annexVersions;
  const read = prepared(deps.readDb, "bench.annex_floor", (db) =>
    db
      .select({
        key: { id: k.id, prefix: k.prefix, organisationId: k.organisationId, scope: k.scope, expiresAt: k.expiresAt },
        agreement: { id: a.id, processorId: a.processorId, controllerId: a.controllerId },
        version: getTableColumns(v),
      })
      .from(k)
      .innerJoin(a, and(eq(a.id, sql.placeholder("agreement")), or(eq(a.processorId, k.organisationId), eq(a.controllerId, k.organisationId)), eq(a.status, "active")))
      .innerJoin(v, and(eq(v.agreementId, a.id), lte(v.effectiveAt, sql.placeholder("at"))))
      .where(and(eq(k.secretHash, sql.placeholder("hash")), isNull(k.revokedAt), isNull(k.userId)))
      .orderBy(desc(v.effectiveAt), desc(v.version))
      .limit(1)
      .prepare(),
  );
  const record = groupCommitter(client);
  return new Hono().get(`${FLOOR_PREFIX}/v1/agreements/:id/annex`, async (c) => {
    const secret = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
    if (!secret) return c.json({ title: "unauthenticated" }, 401);
    const now = deps.clock.now();
    const row = await read.get({ hash: await hashSecret(secret), agreement: c.req.param("id"), at: now });
    if (!row?.key.organisationId || (row.key.expiresAt && row.key.expiresAt <= now)) return c.json({ title: "not found" }, 404);
    const ip = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress ?? null;
    await record({
      ctx: {
        clock: deps.clock,
        newId: deps.newId,
        actor: { kind: "organisation", organisationId: row.key.organisationId, keyId: row.key.id, keyPrefix: row.key.prefix, scope: row.key.scope },
        request: { id: deps.newId("request"), ip },
      },
      entry: { action: "annex.read", resourceType: "annex", resourceId: `${row.agreement.id}@v${row.version.version}`, agreement: row.agreement },
    });
    return c.json(presentAnnex(row.version));
  });
}
