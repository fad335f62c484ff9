import type { z } from "zod";
import { and, desc, eq, isNull, lt } from "drizzle-orm";
import { schema } from "../../../db/client";
import { AppError, notFound, validationFailed } from "../../domain/errors";
import { generateWebhookSecret, SECRET_OVERLAP_MS } from "../../domain/webhooks";
import { requireOrganisation } from "../../core/actor";
import { decodeCursor, toPage } from "../../core/pagination";
import { checkResolvedHost, checkWebhookUrl } from "../../webhooks/address-policy";
import type { Ctx } from "../../core/context";
import { getEvent, presentEvent } from "../events/events.service";
import { eventsWithAudit } from "../../core/events";
import { commit, Conflict, guarded, type WriterDeps } from "../../core/writer";
import { presentAttempt, presentEndpoint } from "./webhook-endpoints.presenter";
import type { CreateEndpointBody, ResendBody, UpdateEndpointBody } from "./webhook-endpoints.schemas";

const ep = schema.webhookEndpoints;
const random = (b: Uint8Array<ArrayBuffer>) => crypto.getRandomValues(b);

/** The URL's own rules, then the addresses its name resolves to now: both must be public. */
async function checkUrl(ctx: Ctx, url: string) {
  const policy = { allowInsecure: ctx.webhooks.allowInsecure };
  const refused = checkWebhookUrl(url, policy) ?? (await checkResolvedHost(url, policy, ctx.webhooks.resolveHost));
  if (refused) throw validationFailed([{ pointer: "/url", rule: refused.rule, detail: refused.detail }], "The webhook URL is not allowed.");
}

/**
 * Runs the Svix side of an endpoint change (Svix mode only), before ours is written: no network call
 * inside a transaction, and when Svix refuses, nothing of the change is kept here. (Should our commit
 * then fail, Svix holds the newer copy until the endpoint's next change puts it in step again.)
 */
async function mirror(ctx: Ctx, change: (svix: NonNullable<Ctx["webhooks"]["svix"]>) => Promise<void>) {
  if (!ctx.webhooks.svix) return;
  try {
    await change(ctx.webhooks.svix);
  } catch (err) {
    throw new AppError("upstream_unavailable", `Svix did not accept the change: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The row an insert will write, as Svix's mirror reads it before the insert. */
const asRow = (v: typeof ep.$inferInsert): typeof ep.$inferSelect => {
  const unset = { previousSecret: null, previousSecretExpiresAt: null, failingSince: null, deletedAt: null };
  return { ...unset, ...v } as typeof ep.$inferSelect;
};

/** An endpoint of the calling organisation; anyone else's answers as a missing one. */
async function loadEndpoint(ctx: Ctx, id: string) {
  const org = requireOrganisation(ctx.actor);
  const row = await ctx.db.query.webhookEndpoints.findFirst({ where: and(eq(ep.id, id), eq(ep.organisationId, org), isNull(ep.deletedAt)) });
  if (!row) throw notFound("webhook endpoint");
  return row;
}

export async function createEndpoint({ ctx, input }: { ctx: Ctx; input: z.infer<typeof CreateEndpointBody> }) {
  const org = requireOrganisation(ctx.actor);
  await checkUrl(ctx, input.url);
  const now = ctx.clock.now();
  const secret = generateWebhookSecret(random);
  const values: typeof ep.$inferInsert = {
    id: ctx.newId("webhookEndpoint"),
    organisationId: org,
    url: input.url,
    description: input.description ?? null,
    eventTypes: input.event_types,
    enabled: input.enabled,
    disabledReason: input.enabled ? null : "manual",
    secret,
    createdAt: now,
    updatedAt: now,
  };
  // Svix mode: Svix holds a copy with the same secret; if it cannot be made, nothing is kept here
  await mirror(ctx, (svix) => svix.endpointCreated(asRow(values), secret));
  const row = asRow(values);
  const answer = { ...presentEndpoint(row), secret };
  await commit(ctx, {
    writes: [ctx.db.insert(ep).values(values)],
    audit: [{ action: "webhook_endpoint.create", resourceType: "webhook_endpoint", resourceId: row.id }],
    response: answer,
  });
  return answer;
}

export async function listEndpoints({ ctx, limit, cursor }: { ctx: Ctx; limit: number; cursor?: string }) {
  const org = requireOrganisation(ctx.actor);
  const after = decodeCursor(cursor, "string");
  const rows = await ctx.db.query.webhookEndpoints.findMany({
    where: and(eq(ep.organisationId, org), isNull(ep.deletedAt), after ? lt(ep.id, after) : undefined),
    orderBy: desc(ep.id),
    limit: limit + 1,
  });
  return toPage(rows.map(presentEndpoint), limit, (e) => e.id);
}

export async function getEndpoint({ ctx, id }: { ctx: Ctx; id: string }) {
  return presentEndpoint(await loadEndpoint(ctx, id));
}

export async function updateEndpoint({ ctx, id, input }: { ctx: Ctx; id: string; input: z.infer<typeof UpdateEndpointBody> }) {
  const current = await loadEndpoint(ctx, id);
  if (input.url !== undefined) await checkUrl(ctx, input.url);
  const enabling = input.enabled === true && !current.enabled;
  const changes = {
    ...(input.url !== undefined && { url: input.url }),
    ...(input.description !== undefined && { description: input.description }),
    ...(input.event_types !== undefined && { eventTypes: input.event_types }),
    ...(input.enabled === false && { enabled: false, disabledReason: "manual" as const }),
    // re-enabled: a fresh start, the old run of failures no longer counts
    ...(enabling && { enabled: true, disabledReason: null, failingSince: null }),
    updatedAt: ctx.clock.now(),
  };
  await mirror(ctx, (svix) => svix.endpointUpdated({ ...current, ...changes }));
  await commit(ctx, {
    writes: [ctx.db.update(ep).set(changes).where(eq(ep.id, id))],
    audit: [{ action: "webhook_endpoint.update", resourceType: "webhook_endpoint", resourceId: id }],
  });
  return presentEndpoint({ ...current, ...changes });
}

export async function deleteEndpoint({ ctx, id }: { ctx: Ctx; id: string }) {
  const current = await loadEndpoint(ctx, id);
  const now = ctx.clock.now();
  await mirror(ctx, (svix) => svix.endpointDeleted(current));
  await commit(ctx, {
    writes: [
      // kept, soft-deleted, so its attempts stay readable in the audit of deliveries
      ctx.db.update(ep).set({ deletedAt: now, enabled: false, updatedAt: now }).where(eq(ep.id, id)),
      cancelQueued(ctx, id, now),
    ],
    audit: [{ action: "webhook_endpoint.delete", resourceType: "webhook_endpoint", resourceId: id }],
  });
  return { object: "webhook_endpoint" as const, id, deleted: true as const };
}

/** A new secret; the old one keeps signing for 24 hours, so receivers can switch without losing a delivery. */
export async function rotateSecret({ ctx, id }: { ctx: Ctx; id: string }) {
  const current = await loadEndpoint(ctx, id);
  const now = ctx.clock.now();
  const secret = generateWebhookSecret(random);
  const rotated = { secret, previousSecret: current.secret, previousSecretExpiresAt: new Date(now.getTime() + SECRET_OVERLAP_MS), updatedAt: now };
  await mirror(ctx, (svix) => svix.secretRotated({ ...current, ...rotated }, secret));
  const answer = { ...presentEndpoint({ ...current, ...rotated }), secret };
  await commit(ctx, {
    writes: [ctx.db.update(ep).set(rotated).where(eq(ep.id, id))],
    audit: [{ action: "webhook_endpoint.rotate_secret", resourceType: "webhook_endpoint", resourceId: id }],
    response: answer,
  });
  return answer;
}

/** Sends a test event to this one endpoint (it appears in the owner's feed too). */
export async function pingEndpoint({ ctx, id }: { ctx: Ctx; id: string }) {
  const endpoint = await loadEndpoint(ctx, id);
  if (!endpoint.enabled) throw new AppError("invalid_state", "The endpoint is disabled; enable it first.", [], { current_state: "disabled" });
  const change = eventsWithAudit(ctx, [
    {
      type: "webhook_endpoint.ping",
      organisationId: endpoint.organisationId,
      onlyEndpointId: endpoint.id,
      data: { endpoint_id: endpoint.id, message: "ping" },
    },
  ]);
  const answer = presentEvent(change.events[0]!.row);
  await commit(ctx, { ...change, response: answer });
  return answer;
}

export async function listEndpointAttempts({ ctx, id, limit, cursor }: { ctx: Ctx; id: string; limit: number; cursor?: string }) {
  await loadEndpoint(ctx, id);
  const a = schema.deliveryAttempts;
  const after = decodeCursor(cursor, "string");
  const rows = await ctx.db.query.deliveryAttempts.findMany({
    where: and(eq(a.endpointId, id), after ? lt(a.id, after) : undefined),
    orderBy: desc(a.id),
    limit: limit + 1,
  });
  return toPage(rows.map(presentAttempt), limit, (r) => r.id);
}

/** The attempts to deliver one event to the caller's endpoints (never to the other party's). */
export async function listEventAttempts({ ctx, eventId, limit, cursor }: { ctx: Ctx; eventId: string; limit: number; cursor?: string }) {
  const org = requireOrganisation(ctx.actor);
  await getEvent({ ctx, id: eventId });
  const a = schema.deliveryAttempts;
  const after = decodeCursor(cursor, "string");
  const rows = await ctx.db.query.deliveryAttempts.findMany({
    where: and(eq(a.eventId, eventId), eq(a.organisationId, org), after ? lt(a.id, after) : undefined),
    orderBy: desc(a.id),
    limit: limit + 1,
  });
  return toPage(rows.map(presentAttempt), limit, (r) => r.id);
}

/** Queues one event again for one of the caller's endpoints, whatever became of earlier deliveries. */
export async function resendEvent({ ctx, eventId, input }: { ctx: Ctx; eventId: string; input: z.infer<typeof ResendBody> }) {
  await getEvent({ ctx, id: eventId });
  const org = requireOrganisation(ctx.actor);
  const endpoint = await ctx.db.query.webhookEndpoints.findFirst({
    where: and(eq(ep.id, input.endpoint_id), eq(ep.organisationId, org), isNull(ep.deletedAt)),
  });
  if (!endpoint) throw validationFailed([{ pointer: "/endpoint_id", rule: "own_endpoint", detail: "Not one of this organisation's webhook endpoints." }]);
  if (!endpoint.enabled) throw new AppError("invalid_state", "The endpoint is disabled; enable it first.", [], { current_state: "disabled" });
  const now = ctx.clock.now();
  const row = {
    id: ctx.newId("delivery"),
    eventId,
    organisationId: org,
    endpointId: endpoint.id,
    state: "pending" as const,
    attempts: 0,
    nextAttemptAt: now,
    createdAt: now,
    updatedAt: now,
  };
  const answer = {
    object: "delivery" as const,
    id: row.id,
    event_id: eventId,
    endpoint_id: row.endpointId,
    state: row.state,
    next_attempt_at: row.nextAttemptAt.toISOString(),
  };
  await commit(ctx, { writes: [ctx.db.insert(schema.deliveries).values(row)], audit: [{ action: "event.resend", resourceType: "event", resourceId: eventId }], response: answer });
  return answer;
}

/** The deliveries an endpoint still had queued, cancelled. */
const cancelQueued = (deps: Pick<Ctx, "db">, endpointId: string, now: Date) =>
  deps.db
    .update(schema.deliveries)
    .set({ state: "cancelled", updatedAt: now })
    .where(and(eq(schema.deliveries.endpointId, endpointId), eq(schema.deliveries.state, "pending")));

/**
 * Turns an endpoint off (410 Gone at once, or 5 days of failures), cancels what it still had
 * queued, and tells its owner (the relay calls this, as the relay): an event in its feed and on
 * its other enabled endpoints. One change; if another relay disabled it first, nothing happens.
 */
export async function disableEndpoint(
  deps: WriterDeps,
  endpoint: typeof schema.webhookEndpoints.$inferSelect,
  reason: "gone" | "failing",
  result: { statusCode: number | null; error: string | null },
) {
  const now = deps.clock.now();
  const set = { enabled: false, disabledReason: reason, updatedAt: now };
  const disabled = { ...endpoint, ...set };
  const { events, audit } = eventsWithAudit(deps, [
    {
      type: "webhook_endpoint.disabled",
      organisationId: endpoint.organisationId,
      exceptEndpointId: endpoint.id,
      data: {
        endpoint: presentEndpoint(disabled),
        reason,
        detail: reason === "gone" ? "The endpoint answered 410 Gone." : "The endpoint kept failing for 5 days.",
        last_status_code: result.statusCode,
        last_error: result.error,
      },
    },
  ]);
  try {
    await commit(deps, {
      writes: [
        guarded(
          "endpoint.enabled",
          deps.db
            .update(ep)
            .set(set)
            .where(and(eq(ep.id, endpoint.id), eq(ep.enabled, true))),
        ),
        cancelQueued(deps, endpoint.id, now),
      ],
      events,
      audit,
    });
  } catch (err) {
    if (!(err instanceof Conflict)) throw err; // another relay got there first
  }
}

/** How long a link to Svix's app portal lets a person in: Svix's shortest, one hour. */
export const PORTAL_LINK_SECONDS = 3600;

/**
 * A link to Svix's app portal for the calling organisation's deliveries (Svix mode only): a person
 * sees every message and attempt, and replays them; the endpoints themselves are changed here.
 */
export async function openPortal({ ctx }: { ctx: Ctx }) {
  const org = requireOrganisation(ctx.actor);
  const svix = ctx.webhooks.svix;
  if (!svix)
    throw new AppError(
      "invalid_state",
      "This deployment delivers webhooks itself, without Svix: read deliveries at GET /v1/webhook-endpoints/{endpoint_id}/attempts and resend with POST /v1/events/{event_id}/resend.",
    );
  let url: string;
  try {
    ({ url } = await svix.portalAccess(org, PORTAL_LINK_SECONDS));
  } catch (err) {
    throw new AppError("upstream_unavailable", `Svix gave no portal link: ${err instanceof Error ? err.message : String(err)}`);
  }
  const expiresAt = new Date(ctx.clock.now().getTime() + PORTAL_LINK_SECONDS * 1000);
  // the link is a credential: audited, never stored
  await commit(ctx, { audit: [{ action: "webhook_portal.open", resourceType: "organisation", resourceId: org }] });
  return { object: "webhook_portal" as const, url, expires_at: expiresAt.toISOString() };
}
