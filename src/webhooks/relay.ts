import { and, asc, eq, inArray, isNull, lte, or, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { insertRowsSql } from "../../db/bulk";
import { type Db, schema, type DbOrTx } from "../../db/client";
import { isLocal } from "../../db/read-together";
import type { Clock, Deps } from "../deps";
import { DISABLE_AFTER_FAILING_MS, nextAttemptAt } from "../domain/webhooks";
import { RELAY } from "../core/actor";
import { startLoop } from "../core/loop";
import { disableEndpoint } from "../features/webhook-endpoints/webhook-endpoints.service";

export type DeliveryRow = typeof schema.deliveries.$inferSelect;
export type EventRow = typeof schema.events.$inferSelect;
export type EndpointRow = typeof schema.webhookEndpoints.$inferSelect;

export interface SendInput {
  delivery: DeliveryRow;
  event: EventRow;
  /** null in Svix mode: Svix delivers to the organisation's endpoints */
  endpoint: EndpointRow | null;
  /** the exact body that is signed and sent */
  payload: string;
  /** the secrets to sign with: the current one, and the previous one while it overlaps */
  secrets: string[];
}

export interface SendResult {
  statusCode: number | null;
  durationMs: number;
  responseExcerpt: string | null;
  error: string | null;
}

export interface DeliverySender {
  send(input: SendInput): Promise<SendResult>;
}

export interface RelayDeps extends Pick<Deps, "db" | "clock" | "newId" | "webhooks" | "logger"> {
  sender: DeliverySender;
  /** the real time: leases are about live processes, even when a test clock holds the service's time */
  wallClock: Clock;
  leaseMs: number;
  concurrency: number;
  /** who holds a lease: one id per relay */
  owner: string;
}

const d = schema.deliveries;
const ep = schema.webhookEndpoints;

/** The Standard Webhooks body: what is signed and what a receiver verifies, byte for byte. */
export const webhookPayload = (event: EventRow) => JSON.stringify({ type: event.type, timestamp: event.createdAt.toISOString(), data: event.data });

const isSuccess = (r: SendResult) => r.statusCode !== null && r.statusCode >= 200 && r.statusCode < 300;

/**
 * Claims due deliveries in one statement: whatever another relay holds under a live lease
 * is skipped, and a lease left by a crashed relay is taken over once it has run out. The
 * delivery keeps its event's id, so a receiver sees the same webhook-id on every attempt.
 */
export async function claimDue(deps: RelayDeps, limit: number, db: DbOrTx = deps.db): Promise<DeliveryRow[]> {
  return await claimStatements(deps, limit, db).claim;
}

/**
 * The claim (not yet run), and the reads of what it takes (its events and endpoints): a claim
 * stamps its deliveries with this relay and a lease end of its own, so statements after it in the
 * same batch find them by that stamp.
 */
function claimStatements(deps: RelayDeps, limit: number, db: DbOrTx) {
  const now = deps.clock.now();
  const wall = deps.wallClock.now();
  const leaseUntil = new Date(wall.getTime() + deps.leaseMs);
  const due = db
    .select({ id: d.id })
    .from(d)
    .where(and(eq(d.state, "pending"), lte(d.nextAttemptAt, now), or(isNull(d.leaseUntil), lte(d.leaseUntil, wall))))
    .orderBy(asc(d.nextAttemptAt))
    .limit(limit);
  const claimed = and(eq(d.leaseOwner, deps.owner), eq(d.leaseUntil, leaseUntil));
  return {
    claim: db
      .update(d)
      .set({ leaseOwner: deps.owner, leaseUntil })
      .where(and(inArray(d.id, due), or(isNull(d.leaseUntil), lte(d.leaseUntil, wall))))
      .returning(),
    events: db
      .select()
      .from(schema.events)
      .where(inArray(schema.events.id, db.select({ id: d.eventId }).from(d).where(claimed))),
    endpoints: db
      .select()
      .from(ep)
      .where(inArray(ep.id, db.select({ id: d.endpointId }).from(d).where(claimed))),
  };
}

/** A claimed batch with what sending it needs. */
interface Claimed {
  batch: DeliveryRow[];
  events: Map<string, EventRow>;
  endpoints: Map<string, EndpointRow>;
}

const claimedOf = (batch: DeliveryRow[], events: EventRow[], endpoints: EndpointRow[]): Claimed => ({
  batch,
  events: new Map(events.map((e) => [e.id, e])),
  endpoints: new Map(endpoints.map((e) => [e.id, e])),
});

/**
 * Records what was sent (if anything) and claims the next batch with its events and endpoints, all
 * at once: on a local file one transaction (one fsync); over HTTP (Turso, the Worker) one batch,
 * one round trip, which libSQL runs as one transaction.
 */
async function recordAndClaim(deps: RelayDeps, outcomes: Outcome[]): Promise<{ claimed: Claimed; disable: Disable[] }> {
  if (isLocal(deps.db)) {
    const run = async (db: DbOrTx) => {
      const recorded = outcomeStatements(db, deps, outcomes);
      for (const statement of recorded.statements) await statement;
      const next = claimStatements(deps, PER_WORKER, db);
      const batch = await next.claim;
      const [events, endpoints] = batch.length ? await Promise.all([next.events, next.endpoints]) : [[], []];
      return { claimed: claimedOf(batch, events, endpoints), disable: recorded.disable };
    };
    return outcomes.length ? deps.db.transaction(run) : run(deps.db);
  }
  const recorded = outcomeStatements(deps.db, deps, outcomes);
  const next = claimStatements(deps, PER_WORKER, deps.db);
  const results = (await (deps.db as Db).batch([...recorded.statements, next.claim, next.events, next.endpoints] as unknown as [
    BatchItem<"sqlite">,
    ...BatchItem<"sqlite">[],
  ])) as unknown[];
  const [batch, events, endpoints] = results.slice(-3) as [DeliveryRow[], EventRow[], EndpointRow[]];
  return { claimed: claimedOf(batch, events, endpoints), disable: recorded.disable };
}

/** Deliveries one worker claims and sends together: few enough that all fit well inside a lease. */
const PER_WORKER = 8;

/**
 * Claims and sends everything due until nothing is left; returns how many were attempted.
 * Independent workers each claim a few deliveries, send them at once and record them in one
 * transaction, so a slow endpoint holds up only its own worker, and the database is not what
 * limits delivery.
 */
export async function drainOutbox(deps: RelayDeps): Promise<number> {
  let attempted = 0;
  const worker = async () => {
    let { claimed } = await recordAndClaim(deps, []);
    while (claimed.batch.length) {
      let outcomes: Outcome[] = [];
      try {
        outcomes = await sendBatch(deps, claimed);
        // what was sent is recorded and the next batch claimed at once: half the commits (each a
        // synchronous fsync on a local file) of recording and claiming apart, one round trip over HTTP
        const next = await recordAndClaim(deps, outcomes);
        claimed = next.claimed;
        if (next.disable.length) {
          await disableAll(deps, next.disable);
          // the owner's notice of a disabled endpoint is due now: this drain delivers it too
          if (!claimed.batch.length) claimed = (await recordAndClaim(deps, [])).claimed;
        }
      } catch (err) {
        // the leases run out and a later round retries the batch; nothing is lost
        deps.logger.error("delivery batch failed to record", { deliveries: claimed.batch.length, error: String(err) });
        return;
      }
      attempted += outcomes.length;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.ceil(deps.concurrency / PER_WORKER)) }, worker));
  return attempted;
}

interface Outcome {
  delivery: DeliveryRow;
  endpoint: EndpointRow | null;
  /** null: nothing was sent (the event or endpoint is gone, or disabled): the delivery is cancelled */
  result: SendResult | null;
}

/** Sends a claimed batch at once; what happened is recorded by the caller. */
async function sendBatch(deps: RelayDeps, { batch, events, endpoints }: Claimed): Promise<Outcome[]> {
  const now = deps.clock.now();
  const outcomes: Outcome[] = await Promise.all(
    batch.map(async (delivery) => {
      const event = events.get(delivery.eventId);
      const endpoint = delivery.endpointId ? endpoints.get(delivery.endpointId) : null;
      if (!event || (delivery.endpointId && (!endpoint?.enabled || endpoint.deletedAt))) return { delivery, endpoint: null, result: null };
      const secrets = endpoint ? activeSecrets(endpoint, now) : [];
      const result = await deps.sender.send({ delivery, event, endpoint: endpoint ?? null, payload: webhookPayload(event), secrets });
      return { delivery, endpoint: endpoint ?? null, result };
    }),
  );
  return outcomes;
}

/** The current secret, and the previous one during the 24 hours after a rotation. */
export function activeSecrets(endpoint: EndpointRow, now: Date): string[] {
  const overlap = endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now;
  return overlap ? [endpoint.secret, endpoint.previousSecret!] : [endpoint.secret];
}

/** Only the relay still holding a delivery's lease moves its state: one whose lease ran out and was taken over does not overwrite the newer state. */
const heldBy = (deps: RelayDeps) => eq(d.leaseOwner, deps.owner);

interface Disable {
  endpoint: EndpointRow;
  reason: "gone" | "failing";
  result: SendResult;
}

/** The writes that record a batch's attempts (statements, not yet run), and the endpoints to disable. */
function outcomeStatements(tx: DbOrTx, deps: RelayDeps, outcomes: Outcome[]): { statements: Statement[]; disable: Disable[] } {
  const now = deps.clock.now();
  const disable: Disable[] = [];
  const statements: Statement[] = [];
  const attempts: (typeof schema.deliveryAttempts.$inferInsert)[] = [];
  const succeeded: string[] = [];
  const cancelled: string[] = [];
  const failing = new Map<string, { endpoint: EndpointRow; results: SendResult[] }>();
  const healthy = new Set<string>();
  // endpoints whose run of failures a success ends: only they need a write
  const recovered = new Set<string>();
  for (const { delivery, endpoint, result } of outcomes) {
    if (!result) {
      cancelled.push(delivery.id);
      continue;
    }
    const ok = isSuccess(result);
    const count = delivery.attempts + 1;
    const next = ok || result.statusCode === 410 ? null : nextAttemptAt(count, now);
    attempts.push({
      id: deps.newId("attempt"),
      deliveryId: delivery.id,
      eventId: delivery.eventId,
      endpointId: delivery.endpointId,
      organisationId: delivery.organisationId,
      attemptedAt: now,
      statusCode: result.statusCode,
      durationMs: Math.max(0, Math.round(result.durationMs)),
      responseExcerpt: result.responseExcerpt,
      error: result.error,
      outcome: ok ? "succeeded" : "failed",
      nextAttemptAt: next,
    });
    if (ok) succeeded.push(delivery.id);
    else
      statements.push(
        tx
          .update(d)
          .set({ state: next ? "pending" : "failed", attempts: count, nextAttemptAt: next ?? delivery.nextAttemptAt, leaseOwner: null, leaseUntil: null, updatedAt: now })
          .where(and(eq(d.id, delivery.id), heldBy(deps))),
      );
    if (!endpoint) continue;
    if (ok) {
      healthy.add(endpoint.id);
      if (endpoint.failingSince) recovered.add(endpoint.id);
    } else failing.set(endpoint.id, { endpoint, results: [...(failing.get(endpoint.id)?.results ?? []), result] });
  }
  for (const insert of insertRowsSql(schema.deliveryAttempts, attempts)) statements.push(tx.run(insert));
  for (const [ids, state] of [
    [succeeded, "succeeded"],
    [cancelled, "cancelled"],
  ] as const) {
    if (!ids.length) continue;
    const extra = state === "succeeded" ? { attempts: sql`${d.attempts} + 1` } : {};
    for (let i = 0; i < ids.length; i += 500)
      statements.push(
        tx
          .update(d)
          .set({ state, leaseOwner: null, leaseUntil: null, updatedAt: now, ...extra })
          .where(and(inArray(d.id, ids.slice(i, i + 500)), heldBy(deps))),
      );
  }
  // a success in the batch ends the endpoint's run of failures
  if (recovered.size)
    statements.push(
      tx
        .update(ep)
        .set({ failingSince: null })
        .where(inArray(ep.id, [...recovered])),
    );
  for (const [id, { endpoint, results }] of failing) {
    if (healthy.has(id)) continue;
    const failingSince = endpoint.failingSince ?? now;
    if (!endpoint.failingSince)
      statements.push(
        tx
          .update(ep)
          .set({ failingSince })
          .where(and(eq(ep.id, id), isNull(ep.failingSince))),
      );
    const gone = results.find((r) => r.statusCode === 410);
    if (gone) disable.push({ endpoint: { ...endpoint, failingSince }, reason: "gone", result: gone });
    else if (now.getTime() - failingSince.getTime() >= DISABLE_AFTER_FAILING_MS)
      disable.push({ endpoint: { ...endpoint, failingSince }, reason: "failing", result: results.at(-1)! });
  }
  return { statements, disable };
}

/** A write of the relay's, built and not yet run: awaited alone, or sent in a batch. */
type Statement = BatchItem<"sqlite"> & PromiseLike<unknown>;

/** Endpoints an outcome turns off: each its own change, after the outcomes commit. */
async function disableAll(deps: RelayDeps, list: Disable[]) {
  for (const { endpoint, reason, result } of list) await disableEndpoint({ ...deps, actor: RELAY }, endpoint, reason, result);
}

/**
 * The embedded relay: drains the outbox when kicked (after a write) and every `pollMs`,
 * one drain at a time. Deliveries are rows, so a restart loses nothing.
 */
export const startRelay = (deps: RelayDeps, pollMs: number, kicks?: { listen(fn: () => void): () => void }) =>
  startLoop("relay", () => drainOutbox(deps), deps.logger, pollMs, kicks);
