import { and, asc, eq, inArray, isNull, lte, or } from "drizzle-orm";
import { schema, type DbOrTx } from "../../db/client";
import type { Clock, Deps } from "../deps";
import { DISABLE_AFTER_FAILING_MS, nextAttemptAt } from "../domain/webhooks";
import { recordEvents } from "../features/events/events.service";
import { presentEndpoint } from "../features/webhook-endpoints/webhook-endpoints.presenter";

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
export async function claimDue(deps: RelayDeps, limit: number): Promise<DeliveryRow[]> {
  const now = deps.clock.now();
  const wall = deps.wallClock.now();
  const due = deps.db
    .select({ id: d.id })
    .from(d)
    .where(and(eq(d.state, "pending"), lte(d.nextAttemptAt, now), or(isNull(d.leaseUntil), lte(d.leaseUntil, wall))))
    .orderBy(asc(d.nextAttemptAt))
    .limit(limit);
  return deps.db
    .update(d)
    .set({ leaseOwner: deps.owner, leaseUntil: new Date(wall.getTime() + deps.leaseMs) })
    .where(and(inArray(d.id, due), or(isNull(d.leaseUntil), lte(d.leaseUntil, wall))))
    .returning();
}

/** Claims and sends everything due, `concurrency` at a time, until nothing is left; returns how many were attempted. */
export async function drainOutbox(deps: RelayDeps): Promise<number> {
  let attempted = 0;
  for (;;) {
    const batch = await claimDue(deps, deps.concurrency * 4);
    if (!batch.length) return attempted;
    const queue = [...batch];
    await Promise.all(
      Array.from({ length: Math.min(deps.concurrency, queue.length) }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          try {
            await attempt(deps, next);
          } catch (err) {
            // the lease runs out and another round retries it; nothing is lost
            deps.logger.error("delivery attempt failed to record", { delivery: next.id, error: String(err) });
          }
        }
      }),
    );
    attempted += batch.length;
  }
}

async function attempt(deps: RelayDeps, delivery: DeliveryRow) {
  const event = await deps.db.query.events.findFirst({ where: eq(schema.events.id, delivery.eventId) });
  const endpoint = delivery.endpointId ? await deps.db.query.webhookEndpoints.findFirst({ where: eq(ep.id, delivery.endpointId) }) : null;
  const mine = and(eq(d.id, delivery.id), eq(d.leaseOwner, deps.owner));
  if (!event || (delivery.endpointId && (!endpoint || !endpoint.enabled || endpoint.deletedAt))) {
    await deps.db.update(d).set({ state: "cancelled", leaseOwner: null, leaseUntil: null, updatedAt: deps.clock.now() }).where(mine);
    return;
  }
  const now = deps.clock.now();
  const secrets = endpoint ? activeSecrets(endpoint, now) : [];
  const result = await deps.sender.send({ delivery, event, endpoint: endpoint ?? null, payload: webhookPayload(event), secrets });
  await recordAttempt(deps, delivery, endpoint ?? null, result);
}

/** The current secret, and the previous one during the 24 hours after a rotation. */
export function activeSecrets(endpoint: EndpointRow, now: Date): string[] {
  const overlap = endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now;
  return overlap ? [endpoint.secret, endpoint.previousSecret!] : [endpoint.secret];
}

/** Writes the attempt and what follows from it, in one transaction. */
async function recordAttempt(deps: RelayDeps, delivery: DeliveryRow, endpoint: EndpointRow | null, result: SendResult) {
  const now = deps.clock.now();
  const ok = isSuccess(result);
  const attempts = delivery.attempts + 1;
  const gone = result.statusCode === 410;
  const next = ok || gone ? null : nextAttemptAt(attempts, now);
  await deps.db.transaction(async (tx) => {
    await tx.insert(schema.deliveryAttempts).values({
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
    await tx
      .update(d)
      .set({ state: ok ? "succeeded" : next ? "pending" : "failed", attempts, nextAttemptAt: next ?? delivery.nextAttemptAt, leaseOwner: null, leaseUntil: null, updatedAt: now })
      .where(eq(d.id, delivery.id));
    if (!endpoint) return;
    if (ok) {
      await tx.update(ep).set({ failingSince: null }).where(eq(ep.id, endpoint.id));
      return;
    }
    const failingSince = endpoint.failingSince ?? now;
    if (!endpoint.failingSince) await tx.update(ep).set({ failingSince }).where(and(eq(ep.id, endpoint.id), isNull(ep.failingSince)));
    if (gone) await disableEndpoint(tx, deps, endpoint, "gone", result);
    else if (now.getTime() - failingSince.getTime() >= DISABLE_AFTER_FAILING_MS) await disableEndpoint(tx, deps, endpoint, "failing", result);
  });
}

/**
 * Turns an endpoint off (410 Gone at once, or 5 days of failures), cancels what it still had
 * queued, and tells its owner: an event in its feed and on its other enabled endpoints.
 */
async function disableEndpoint(tx: DbOrTx, deps: RelayDeps, endpoint: EndpointRow, reason: "gone" | "failing", result: SendResult) {
  const now = deps.clock.now();
  const [disabled] = await tx
    .update(ep)
    .set({ enabled: false, disabledReason: reason, updatedAt: now })
    .where(and(eq(ep.id, endpoint.id), eq(ep.enabled, true)))
    .returning();
  if (!disabled) return; // another relay got there first
  await tx.update(d).set({ state: "cancelled", updatedAt: now }).where(and(eq(d.endpointId, endpoint.id), eq(d.state, "pending")));
  await recordEvents(tx, deps, [
    {
      type: "webhook_endpoint.disabled",
      organisationId: endpoint.organisationId,
      data: {
        endpoint: presentEndpoint(disabled),
        reason,
        detail: reason === "gone" ? "The endpoint answered 410 Gone." : "The endpoint kept failing for 5 days.",
        last_status_code: result.statusCode,
        last_error: result.error,
      },
    },
  ]);
}

/**
 * The embedded relay: drains the outbox when kicked (after a write) and every `pollMs`,
 * one drain at a time. Deliveries are rows, so a restart loses nothing.
 */
export function startRelay(deps: RelayDeps, pollMs: number) {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const run = () => {
    if (stopped) return;
    if (running) {
      again = true; // something new came in while draining: one more round after this one
      return;
    }
    running = drainOutbox(deps)
      .then(() => undefined)
      .catch((err) => deps.logger.error("relay failed", { error: String(err) }))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          run();
        }
      });
  };
  const timer = setInterval(run, pollMs);
  timer.unref?.();
  run();
  return {
    kick: run,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
    /** resolves when no drain is under way */
    idle: async () => {
      while (running) await running;
    },
  };
}
