import type { Client, InStatement, InValue, Transaction } from "@libsql/client";
import { and, eq, is, isNull, ne, SQL, sql } from "drizzle-orm";
import { SQLiteAsyncDialect, type SQLiteColumn } from "drizzle-orm/sqlite-core";
import { insertRowsSql } from "../../db/bulk";
import { isLocal } from "../../db/read-together";
import { type Db, schema } from "../../db/client";
import type { Deps } from "../deps";
import { AppError } from "../domain/errors";
import { SCHEDULER } from "./actor";
import { type AuditContext, type AuditEntry, type AuditItem, chainAudit, GENESIS_HASH } from "./audit-trail";
import type { Ctx } from "./context";
import type { PlannedEvent } from "./events";
import { type MailRecipient, planMails } from "./mail-outbox";
import { type OutboxEndpoint, planDeliveries } from "./outbox";

/** A drizzle insert, update or delete, built but not run. */
export type Query = { toSQL(): { sql: string; params: unknown[] } } | SQL;

/** A write that must change exactly `rows` rows, or the whole change is refused as a conflict. */
export interface Guarded {
  query: Query;
  rows: number;
  /** names the condition, for the conflict and the logs: "decision.state" */
  guard: string;
}

/**
 * One change, everything a verb writes: its state rows (the guarded ones checked in the batch
 * itself), its events, and its audit records, each named by the verb. The writer adds the
 * events' deliveries and chains the audit records, and commits it all at once.
 */
export interface Change {
  writes?: (Query | Guarded)[];
  events?: PlannedEvent[];
  audit?: AuditEntry[];
  /** audit records of other callers, each with its own context: a group commit of annex reads */
  auditOf?: AuditItem[];
  /** the verb's answer: stored with the change for the request's Idempotency-Key, if it has one */
  response?: unknown;
  /** the endpoints and people of these organisations, read with the verb's own reads (`audienceReads`) */
  prefetched?: Prefetched;
}

/** What the snapshot needs of some organisations, read beforehand: a commit whose events go only to them reads none of it again. */
export interface Prefetched {
  audience: string[];
  endpoints: OutboxEndpoint[];
  recipients: MailRecipient[];
}

/** What a commit reads first: the audit chain's end, and the endpoints and people the events go to. */
interface Snapshot {
  head: string;
  endpoints: OutboxEndpoint[];
  recipients: MailRecipient[];
}

export type WriterDeps = Pick<Deps, "db" | "newId" | "clock" | "webhooks"> & Partial<Pick<Ctx, "actor" | "request" | "idempotency" | "auditHead">>;

/** A guard of the change did not hold: what the verb read has changed since. */
export class Conflict extends Error {
  constructor(readonly guard: string) {
    super(`write guard failed: ${guard}`);
    this.name = "Conflict";
  }
}

const dialect = new SQLiteAsyncDialect();
const HEAD_GUARD = "audit.head";
/** Tries of a commit whose audit records lost the chain's end to another writer (HTTP only). */
const HEAD_TRIES = 8;

const statementOf = (q: Query): InStatement => {
  const { sql, params } = is(q, SQL) ? dialect.sqlToQuery(q) : q.toSQL();
  return { sql, args: params as InValue[] };
};
const isGuarded = (w: Query | Guarded): w is Guarded => "guard" in w && "rows" in w;
/** Inserts the guard's name into `write_guards` (whose CHECK refuses any row) when the condition fails. */
const guardStatement = (name: string, failsWhen: string, args: InValue[]): InStatement => ({
  sql: `INSERT INTO write_guards (failed) SELECT ? WHERE ${failsWhen}`,
  args: [name, ...args],
});

/** Whether the change carries the answer to the request's Idempotency-Key. */
const storesAnswer = (deps: WriterDeps, change: Change) => !!deps.idempotency?.status && !deps.idempotency.stored && change.response !== undefined;

/** The statements of a change planned on `snapshot`, and which of them are guards. */
function statements(deps: WriterDeps, change: Change, snapshot: Snapshot) {
  const list: InStatement[] = [];
  const guards = new Map<number, string>();
  for (const w of change.writes ?? []) {
    if (!isGuarded(w)) {
      list.push(statementOf(w));
      continue;
    }
    list.push(statementOf(w.query));
    guards.set(list.length, w.guard);
    list.push(guardStatement(w.guard, "changes() <> ?", [w.rows]));
  }
  const claim = deps.idempotency;
  if (claim && storesAnswer(deps, change)) {
    const t = schema.idempotencyKeys;
    list.push(
      statementOf(
        deps.db
          .update(t)
          .set({ status: claim.status, response: JSON.stringify(change.response) })
          .where(and(eq(t.scope, claim.scope), eq(t.key, claim.key))),
      ),
    );
  }
  const events = change.events ?? [];
  for (const s of insertRowsSql(
    schema.events,
    events.map((e) => e.row),
  ))
    list.push(statementOf(s));
  for (const s of insertRowsSql(schema.deliveries, planDeliveries(deps, events, snapshot.endpoints))) list.push(statementOf(s));
  for (const s of insertRowsSql(schema.mails, planMails(deps, events, snapshot.recipients))) list.push(statementOf(s));
  const auditContext: AuditContext = { clock: deps.clock, newId: deps.newId, actor: deps.actor ?? SCHEDULER, request: deps.request };
  const items = [...(change.audit ?? []).map((entry) => ({ ctx: auditContext, entry })), ...(change.auditOf ?? [])];
  let head = snapshot.head;
  if (items.length) {
    // the records chain onto the end read before: if another writer appended meanwhile, refuse and replan
    guards.set(list.length, HEAD_GUARD);
    list.push(guardStatement(HEAD_GUARD, "coalesce((SELECT hash FROM audit_records ORDER BY seq DESC LIMIT 1), ?) <> ?", [GENESIS_HASH, snapshot.head]));
    const chained = chainAudit(items, snapshot.head);
    head = chained.at(-1)!.hash;
    for (const s of insertRowsSql(schema.auditRecords, chained)) list.push(statementOf(s));
  }
  return { list, guards, head };
}

const HEAD_SQL = "SELECT hash FROM audit_records ORDER BY seq DESC LIMIT 1";

/** The snapshot's reads, sent together: the chain's end, and the endpoints and people when there are events to deliver. */
function snapshotReads(change: Change): InStatement[] {
  const audience = [...new Set((change.events ?? []).flatMap((e) => e.audience))];
  if (!audience.length) return [HEAD_SQL];
  return [
    HEAD_SQL,
    {
      sql: "SELECT id, organisation_id, event_types FROM webhook_endpoints WHERE organisation_id IN (SELECT value FROM json_each(?)) AND enabled = 1 AND deleted_at IS NULL",
      args: [JSON.stringify(audience)],
    },
    {
      sql: "SELECT u.id, u.organisation_id, u.email, u.role, u.language, u.notices, o.country FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE u.organisation_id IN (SELECT value FROM json_each(?)) AND u.status <> 'deactivated'",
      args: [JSON.stringify(audience)],
    },
  ];
}

function snapshotOf([head, endpoints, people]: { rows: Record<string, unknown>[] }[]): Snapshot {
  return {
    head: (head!.rows[0]?.hash as string | undefined) ?? GENESIS_HASH,
    endpoints: (endpoints?.rows ?? []).map((r) => ({
      id: r.id as string,
      organisationId: r.organisation_id as string,
      eventTypes: r.event_types === null ? null : (JSON.parse(r.event_types as string) as string[]),
    })),
    recipients: (people?.rows ?? []).map((r) => ({
      userId: r.id as string,
      organisationId: r.organisation_id as string,
      email: r.email as string,
      role: r.role as MailRecipient["role"],
      language: r.language as MailRecipient["language"],
      notices: r.notices === null ? null : (JSON.parse(r.notices as string) as string[]),
      country: r.country as string,
    })),
  };
}

/**
 * The snapshot's endpoints and people of the organisations `of` picks (a condition on an
 * organisation id column, usually a subquery), as reads a verb sends with its own: at the edge
 * its commit is then one round trip. `prefetchedOf` makes a `Prefetched` of what they found.
 */
export function audienceReads(db: Db, of: (organisationId: SQLiteColumn) => SQL | undefined) {
  const e = schema.webhookEndpoints;
  const u = schema.users;
  const o = schema.organisations;
  // on a local file the writer reads them in its transaction, under the write lock: nothing to read here
  const wanted = (organisationId: SQLiteColumn) => (isLocal(db) ? sql`0` : of(organisationId));
  return [
    db
      .select({ id: e.id, organisationId: e.organisationId, eventTypes: e.eventTypes })
      .from(e)
      .where(and(wanted(e.organisationId), eq(e.enabled, true), isNull(e.deletedAt))),
    db
      .select({ userId: u.id, organisationId: u.organisationId, email: u.email, role: u.role, language: u.language, notices: u.notices, country: o.country })
      .from(u)
      .innerJoin(o, eq(o.id, u.organisationId))
      .where(and(wanted(u.organisationId), ne(u.status, "deactivated"))),
  ] as const;
}

export const prefetchedOf = (audience: string[], endpoints: OutboxEndpoint[], recipients: MailRecipient[]): Prefetched => ({ audience, endpoints, recipients });

/** Whether every event of the change goes only to organisations prefetched. */
function covered(change: Change): boolean {
  const audience = new Set(change.prefetched?.audience ?? []);
  return !!change.prefetched && (change.events ?? []).every((e) => e.audience.every((org) => audience.has(org)));
}

/** Reads the snapshot in one round trip: a lone read needs no batch around it. */
async function readSnapshot(target: Pick<Client, "execute" | "batch"> | Transaction, change: Change, remote: boolean): Promise<Snapshot> {
  const reads = snapshotReads(change);
  if (reads.length === 1) return snapshotOf([await target.execute(reads[0]!)]);
  return snapshotOf(await (remote ? (target as Client).batch(reads, "read") : (target as Transaction).batch(reads)));
}

/** Which guard a failed batch statement was, if it was one. */
function failedGuard(err: unknown, guards: Map<number, string>): string | undefined {
  const index = (err as { statementIndex?: unknown })?.statementIndex;
  return typeof index === "number" ? guards.get(index) : undefined;
}

/**
 * The one writer: commits a change as one unit. On a local file (the embedded default) it is
 * one transaction that reads the snapshot and runs the statements under the write lock, so
 * nothing can move between them. Over HTTP (Turso) it is two round trips: the snapshot's reads,
 * then every write as one `batch`, which libSQL runs as one transaction; a guard that fails
 * rolls the batch back. Only the audit chain's end is retried here, since it is the writer's own
 * read; any other guard is the verb's, and `retryOnConflict` replans the verb.
 */
export async function commit(deps: WriterDeps, change: Change): Promise<void> {
  const answer = storesAnswer(deps, change);
  await commitOnce(deps, change);
  if (answer) deps.idempotency!.stored = true;
}

async function commitOnce(deps: WriterDeps, change: Change): Promise<void> {
  const client = deps.db.$client as Client;
  if (!change.writes?.length && !change.events?.length && !change.audit?.length && !change.auditOf?.length) return;
  if (client.protocol === "file") {
    const tx = await client.transaction("write");
    try {
      await runPlanned(tx, deps, change, await readSnapshot(tx, change, false));
      await tx.commit();
    } finally {
      tx.close();
    }
    return;
  }
  const audits = !!(change.audit?.length || change.auditOf?.length);
  for (let attempt = 1; ; attempt++) {
    // the chain's end as this process last wrote it spares a round trip; the head guard catches a stale one
    const cached = attempt === 1 ? deps.auditHead?.hash : null;
    const snapshot = await remoteSnapshot(client, change, audits, cached);
    try {
      const head = await runPlanned(client, deps, change, snapshot);
      if (deps.auditHead && audits) deps.auditHead.hash = head;
      return;
    } catch (err) {
      if (deps.auditHead) deps.auditHead.hash = null;
      if (err instanceof Conflict && err.guard === HEAD_GUARD && attempt < HEAD_TRIES) continue;
      throw err;
    }
  }
}

/** Over HTTP: what is not cached or prefetched, in one round trip; nothing at all when it all is. */
async function remoteSnapshot(client: Client, change: Change, audits: boolean, cached: string | null | undefined): Promise<Snapshot> {
  const head = audits && !cached ? undefined : (cached ?? GENESIS_HASH);
  if (!change.events?.length) return head ? { head, endpoints: [], recipients: [] } : readSnapshot(client, change, true);
  if (!covered(change)) return readSnapshot(client, change, true);
  const { endpoints, recipients } = change.prefetched!;
  return { head: head ?? snapshotOf([await client.execute(HEAD_SQL)]).head, endpoints, recipients };
}

/** Runs the planned statements; returns the audit chain's new end. */
async function runPlanned(target: Pick<Client, "batch"> | Transaction, deps: WriterDeps, change: Change, snapshot: Snapshot): Promise<string> {
  const { list, guards, head } = statements(deps, change, snapshot);
  try {
    await ("commit" in target ? (target as Transaction).batch(list) : (target as Client).batch(list, "write"));
    return head;
  } catch (err) {
    const guard = failedGuard(err, guards);
    if (guard) throw new Conflict(guard);
    throw err;
  }
}

/** How often a verb is replanned when what it read changed before its change committed. */
const VERB_TRIES = 5;

/**
 * Runs a verb that reads, decides and commits one change; if a guard of its change fails (a
 * decision was decided meanwhile), the verb runs again on what is there now, and usually
 * refuses with the reason (already approved, say). Past a few tries the caller is told to retry.
 */
export async function retryOnConflict<T>(verb: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await verb();
    } catch (err) {
      if (!(err instanceof Conflict)) throw err;
      if (attempt >= VERB_TRIES) throw new AppError("conflict", "What this request changes was changed by another request at the same time; retry it.");
    }
  }
}

/** A write that must change exactly `rows` rows. */
export const guarded = (guard: string, query: Query, rows = 1): Guarded => ({ query, rows, guard });

/** Several changes as one: their writes, events and audit records in order. */
export function joinChanges(...changes: (Change | undefined)[]): Change {
  const present = changes.filter((c): c is Change => c !== undefined);
  return {
    writes: present.flatMap((c) => c.writes ?? []),
    events: present.flatMap((c) => c.events ?? []),
    audit: present.flatMap((c) => c.audit ?? []),
    auditOf: present.flatMap((c) => c.auditOf ?? []),
    prefetched: present.find((c) => c.prefetched)?.prefetched,
  };
}
