import { and, asc, eq, inArray, isNull, lte, or, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { insertRowsSql } from "../../db/bulk";
import { type Db, schema, type DbOrTx } from "../../db/client";
import { isLocal } from "../../db/read-together";
import type { Clock, Deps } from "../deps";
import { DELIVERY_TIMEOUT_MS, DISABLE_AFTER_FAILING_MS, nextAttemptAt } from "../domain/webhooks";
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
 * `column in (ids)`, the ids as one JSON parameter: one statement whatever their number (so it
 * stays prepared), and no limit on parameters.
 */
const inIds = (column: SQLiteColumn, ids: string[]): SQL => sql`${column} in (select value from json_each(${JSON.stringify(ids)}))`;

/**
 * Claims due deliveries in one statement: whatever another relay holds under a live lease
 * is skipped, and a lease left by a crashed relay is taken over once it has run out. The
 * delivery keeps its event's id, so a receiver sees the same webhook-id on every attempt.
 */
export async function claimDue(deps: RelayDeps, limit: number, db: DbOrTx = deps.db): Promise<DeliveryRow[]> {
  return await claimStatement(deps, limit, db).claim;
}

/** The claim, not yet run, and the lease end it stamps its deliveries with (beside this relay's id). */
function claimStatement(deps: RelayDeps, limit: number, db: DbOrTx) {
  const now = deps.clock.now();
  const wall = deps.wallClock.now();
  const leaseUntil = new Date(wall.getTime() + deps.leaseMs);
  const due = db
    .select({ id: d.id })
    .from(d)
    .where(and(eq(d.state, "pending"), lte(d.nextAttemptAt, now), or(isNull(d.leaseUntil), lte(d.leaseUntil, wall))))
    .orderBy(asc(d.nextAttemptAt))
    .limit(limit);
  return {
    leaseUntil,
    claim: db
      .update(d)
      .set({ leaseOwner: deps.owner, leaseUntil })
      .where(and(inArray(d.id, due), or(isNull(d.leaseUntil), lte(d.leaseUntil, wall))))
      .returning(),
  };
}

/**
 * The reads of what a claim in the same batch takes (its events and endpoints), not yet run: they
 * find its deliveries by the claim's stamp, among the pending ones (an index).
 */
function stampedReads(deps: RelayDeps, leaseUntil: Date, db: DbOrTx) {
  const claimed = (column: typeof d.eventId | typeof d.endpointId) =>
    db
      .select({ id: column })
      .from(d)
      .where(and(eq(d.state, "pending"), eq(d.leaseOwner, deps.owner), eq(d.leaseUntil, leaseUntil)));
  return {
    events: db
      .select()
      .from(schema.events)
      .where(inArray(schema.events.id, claimed(d.eventId))),
    endpoints: db
      .select()
      .from(ep)
      .where(inArray(ep.id, claimed(d.endpointId))),
  };
}

/** A claimed delivery waiting for a free slot, with its event (none if the event is gone). */
interface InHand {
  delivery: DeliveryRow;
  event: EventRow | undefined;
  /** wall time after which it is not sent: a send started later could outlive the lease */
  startBy: number;
}

/** What this relay knows of the endpoints it sends to: as last read, with its own writes since. */
type EndpointView = Map<string, EndpointRow>;

function inHand(deps: RelayDeps, claimed: DeliveryRow[], events: EventRow[], endpoints: EndpointRow[], view: EndpointView): InHand[] {
  for (const e of endpoints) view.set(e.id, e);
  const byId = new Map(events.map((e) => [e.id, e]));
  // a send ends within DELIVERY_TIMEOUT_MS of its start; a short lease keeps half of itself for it
  const margin = Math.min(DELIVERY_TIMEOUT_MS, deps.leaseMs / 2);
  return claimed.map((delivery) => ({ delivery, event: byId.get(delivery.eventId), startBy: delivery.leaseUntil!.getTime() - margin }));
}

/** What a round of the relay writes: the outcomes of sends, and deliveries given back unsent. */
interface Finished {
  outcomes: Outcome[];
  released: string[];
}

/**
 * Records what was sent (if anything) and claims up to `limit` deliveries with their events and
 * endpoints, all at once: on a local file one transaction (one fsync); over HTTP (Turso, the
 * Worker) one batch, one round trip, which libSQL runs as one transaction.
 */
async function recordAndClaim(deps: RelayDeps, done: Finished, limit: number, view: EndpointView): Promise<{ claimed: InHand[]; disable: Disable[] }> {
  if (isLocal(deps.db)) {
    const run = async (db: DbOrTx) => {
      const recorded = outcomeStatements(db, deps, done, view);
      for (const statement of recorded.statements) await statement;
      const claimed = limit > 0 ? await claimStatement(deps, limit, db).claim : [];
      if (!claimed.length) return { claimed: [], disable: recorded.disable };
      // the claim returned its deliveries: their events and endpoints are read by id
      const [events, endpoints] = await Promise.all([
        db
          .select()
          .from(schema.events)
          .where(inIds(schema.events.id, [...new Set(claimed.map((c) => c.eventId))])),
        db
          .select()
          .from(ep)
          .where(inIds(ep.id, [...new Set(claimed.flatMap((c) => (c.endpointId ? [c.endpointId] : [])))])),
      ]);
      return { claimed: inHand(deps, claimed, events, endpoints, view), disable: recorded.disable };
    };
    return done.outcomes.length || done.released.length ? deps.db.transaction(run) : run(deps.db);
  }
  const recorded = outcomeStatements(deps.db, deps, done, view);
  const { claim, leaseUntil } = claimStatement(deps, limit, deps.db);
  const reads = stampedReads(deps, leaseUntil, deps.db);
  const results = (await (deps.db as Db).batch([...recorded.statements, claim, reads.events, reads.endpoints] as unknown as [
    BatchItem<"sqlite">,
    ...BatchItem<"sqlite">[],
  ])) as unknown[];
  const [claimed, events, endpoints] = results.slice(-3) as [DeliveryRow[], EventRow[], EndpointRow[]];
  return { claimed: inHand(deps, claimed, events, endpoints, view), disable: recorded.disable };
}

/**
 * How many deliveries a relay holds (in flight and claimed ahead): about what its slots send in
 * HOLD_MS at the rate seen, within 4 to 64 slots' worth. When half of it is sent, the outcomes are
 * recorded and as many claimed. More in hand, fewer writes (each a synchronous fsync on a local
 * file); less, less held under lease.
 */
const HOLD_MS = 500;
const HOLD_SLOTS = { min: 4, max: 64 };
/** Each relay's last hold: a drain starts where the one before it ended. */
const holds = new WeakMap<RelayDeps, number>();
/** While every slot is busy, an outcome waits at most this long to be recorded. */
const RECORD_WITHIN_MS = 1_000;

/**
 * Claims and sends everything due until nothing is left; returns how many were attempted.
 * `concurrency` sends are kept in flight: each slot takes the next claimed delivery as soon as its
 * send ends, so a slow endpoint holds up only its own slot. Outcomes are recorded by group commit:
 * whatever finished since the last write is recorded in one, together with the claim of the next
 * deliveries, when half of those in hand are sent (or all are, or an outcome has waited long).
 */
export async function drainOutbox(deps: RelayDeps): Promise<number> {
  const slots = Math.max(1, deps.concurrency);
  const view: EndpointView = new Map();
  const ready: InHand[] = [];
  let done: Finished = { outcomes: [], released: [] };
  let inFlight = 0;
  /** the deliveries being sent: a later claim of the relay's own (its lease ran short) does not take them again */
  const sending = new Set<string>();
  let attempted = 0;
  let hold = holds.get(deps) ?? slots * HOLD_SLOTS.min;
  let lastWrite = performance.now();
  /** the last claim took all that was due: only the end of the sends or a long wait calls for a write */
  let exhausted = false;
  let stopped = false;
  let wake: (() => void) | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const pressing = () => inFlight === 0 || (!exhausted && inFlight + ready.length <= hold / 2);
  const resume = () => {
    clearTimeout(timer);
    timer = undefined;
    const resolve = wake;
    wake = null;
    resolve?.();
  };
  const poke = () => {
    if (!wake) return;
    if (pressing()) resume();
    else if (done.outcomes.length && !timer) timer = setTimeout(resume, RECORD_WITHIN_MS);
  };
  const next = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
      poke();
    });
  const fill = () => {
    const wall = deps.wallClock.now().getTime();
    while (!stopped && inFlight < slots && ready.length) {
      const item = ready.shift()!;
      if (wall > item.startBy) {
        done.released.push(item.delivery.id);
        continue;
      }
      inFlight++;
      sending.add(item.delivery.id);
      sendOne(deps, item, view).then(
        (outcome) => {
          done.outcomes.push(outcome);
          sending.delete(item.delivery.id);
          inFlight--;
          fill();
          poke();
        },
        (err) => {
          // not recorded: the lease runs out and a later round sends it again
          deps.logger.error("delivery failed to send", { delivery: item.delivery.id, error: String(err) });
          sending.delete(item.delivery.id);
          inFlight--;
          fill();
          poke();
        },
      );
    }
  };

  for (;;) {
    const writing = done;
    done = { outcomes: [], released: [] };
    const started = performance.now();
    if (writing.outcomes.length && started > lastWrite) {
      const rate = writing.outcomes.length / (started - lastWrite);
      // halfway to what the last round's rate asks for: one slow or fast round moves it only so far
      hold = Math.min(slots * HOLD_SLOTS.max, Math.max(slots * HOLD_SLOTS.min, Math.round((hold + rate * HOLD_MS) / 2)));
      holds.set(deps, hold);
    }
    lastWrite = started;
    const limit = Math.max(0, hold - inFlight - ready.length);
    try {
      const { claimed, disable } = await recordAndClaim(deps, writing, limit, view);
      attempted += writing.outcomes.length;
      exhausted = claimed.length < limit;
      const held = new Set(ready.map((r) => r.delivery.id));
      ready.push(...claimed.filter((c) => !sending.has(c.delivery.id) && !held.has(c.delivery.id)));
      if (disable.length) {
        // before anything more is sent: what is in hand for a disabled endpoint is not sent
        await disableAll(deps, disable, view);
        fill();
        // the owner's notice of a disabled endpoint is due now: this drain delivers it too
        exhausted = false;
        continue;
      }
      fill();
    } catch (err) {
      // what is in hand stays leased: the leases run out and a later round sends it; nothing is lost
      deps.logger.error("deliveries failed to record", { deliveries: writing.outcomes.length, error: String(err) });
      // nothing more is claimed or sent; the sends under way end, unrecorded
      stopped = true;
      exhausted = true;
      break;
    }
    if (exhausted && !inFlight && !ready.length && !done.outcomes.length && !done.released.length) break;
    await next();
  }
  while (inFlight) await next();
  clearTimeout(timer);
  return attempted;
}

interface Outcome {
  delivery: DeliveryRow;
  endpoint: EndpointRow | null;
  /** null: nothing was sent (the event or endpoint is gone, or disabled): the delivery is cancelled */
  result: SendResult | null;
}

/** Sends one claimed delivery, to its endpoint as this relay last knew it; what happened is recorded by the caller. */
async function sendOne(deps: RelayDeps, { delivery, event }: InHand, view: EndpointView): Promise<Outcome> {
  const endpoint = delivery.endpointId ? view.get(delivery.endpointId) : undefined;
  if (!event || (delivery.endpointId && (!endpoint?.enabled || endpoint.deletedAt))) return { delivery, endpoint: null, result: null };
  const secrets = endpoint ? activeSecrets(endpoint, deps.clock.now()) : [];
  const result = await deps.sender.send({ delivery, event, endpoint: endpoint ?? null, payload: webhookPayload(event), secrets });
  return { delivery, endpoint: endpoint ?? null, result };
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

/**
 * The writes that record a round's attempts and give back what was not sent (statements, not yet
 * run), and the endpoints to disable. The view of the endpoints takes in the writes.
 */
function outcomeStatements(tx: DbOrTx, deps: RelayDeps, { outcomes, released }: Finished, view: EndpointView): { statements: Statement[]; disable: Disable[] } {
  const now = deps.clock.now();
  const disable: Disable[] = [];
  const statements: Statement[] = [];
  const attempts: (typeof schema.deliveryAttempts.$inferInsert)[] = [];
  const succeeded: string[] = [];
  const cancelled: string[] = [];
  const failing = new Map<string, { endpoint: EndpointRow; results: SendResult[] }>();
  const healthy = new Set<string>();
  // endpoints whose run of failures a success ends: only they need a write
  const recovered = new Map<string, EndpointRow>();
  for (const { delivery, endpoint: sentTo, result } of outcomes) {
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
          // a delivery cancelled meanwhile (its endpoint disabled) stays cancelled
          .where(and(eq(d.id, delivery.id), heldBy(deps), eq(d.state, "pending"))),
      );
    if (!sentTo) continue;
    // as the relay knows it now: an earlier round's outcomes may have moved its run of failures
    const endpoint = view.get(sentTo.id) ?? sentTo;
    if (ok) {
      healthy.add(endpoint.id);
      if (endpoint.failingSince) recovered.set(endpoint.id, endpoint);
    } else failing.set(endpoint.id, { endpoint, results: [...(failing.get(endpoint.id)?.results ?? []), result] });
  }
  for (const insert of insertRowsSql(schema.deliveryAttempts, attempts)) statements.push(tx.run(insert));
  for (const [ids, state] of [
    [succeeded, "succeeded"],
    [cancelled, "cancelled"],
  ] as const) {
    if (!ids.length) continue;
    const extra = state === "succeeded" ? { attempts: sql`${d.attempts} + 1` } : {};
    statements.push(
      tx
        .update(d)
        .set({ state, leaseOwner: null, leaseUntil: null, updatedAt: now, ...extra })
        .where(and(inIds(d.id, ids), heldBy(deps))),
    );
  }
  // claimed too long ago to be sent within the lease: pending again, for the next claim
  if (released.length)
    statements.push(
      tx
        .update(d)
        .set({ leaseOwner: null, leaseUntil: null })
        .where(and(inIds(d.id, released), heldBy(deps))),
    );
  // a success in the round ends the endpoint's run of failures
  if (recovered.size)
    statements.push(
      tx
        .update(ep)
        .set({ failingSince: null })
        .where(inIds(ep.id, [...recovered.keys()])),
    );
  for (const [id, endpoint] of recovered) view.set(id, { ...endpoint, failingSince: null });
  for (const [id, { endpoint, results }] of failing) {
    if (healthy.has(id)) continue;
    const failingSince = endpoint.failingSince ?? now;
    if (!endpoint.failingSince) {
      view.set(id, { ...endpoint, failingSince });
      statements.push(
        tx
          .update(ep)
          .set({ failingSince })
          .where(and(eq(ep.id, id), isNull(ep.failingSince))),
      );
    }
    const gone = results.find((r) => r.statusCode === 410);
    if (gone) disable.push({ endpoint: { ...endpoint, failingSince }, reason: "gone", result: gone });
    else if (now.getTime() - failingSince.getTime() >= DISABLE_AFTER_FAILING_MS)
      disable.push({ endpoint: { ...endpoint, failingSince }, reason: "failing", result: results.at(-1)! });
  }
  return { statements, disable };
}

/** A write of the relay's, built and not yet run: awaited alone, or sent in a batch. */
type Statement = BatchItem<"sqlite"> & PromiseLike<unknown>;

/** Endpoints an outcome turns off: each its own change, after the outcomes commit; what is in hand for them is not sent. */
async function disableAll(deps: RelayDeps, list: Disable[], view: EndpointView) {
  for (const { endpoint, reason, result } of list) {
    await disableEndpoint({ ...deps, actor: RELAY }, endpoint, reason, result);
    view.set(endpoint.id, { ...endpoint, enabled: false });
  }
}

/**
 * The embedded relay: drains the outbox when kicked (after a write) and every `pollMs`,
 * one drain at a time. Deliveries are rows, so a restart loses nothing.
 */
export const startRelay = (deps: RelayDeps, pollMs: number, kicks?: { listen(fn: () => void): () => void }) =>
  startLoop("relay", () => drainOutbox(deps), deps.logger, pollMs, kicks);
