import { ApiException, AppPortalCapability, Svix, type EndpointIn } from "svix";
import type { SvixMirror } from "../deps";
import { EVENT_TYPES } from "../domain/events";
import { DELIVERY_TIMEOUT_MS } from "../domain/webhooks";
import type { EndpointRow } from "./relay";

export interface SvixClientOptions {
  apiKey: string;
  /**
   * A self-hosted Svix (or any other base URL). Without it the package derives the base URL from
   * the key: `eu`, `us`, `in`, `ca` or `au` after its first dot picks that region's
   * api.<region>.svix.com, anything else https://api.svix.com. With it, any key works (a
   * self-hosted server's keys are JWTs, whose middle part is no region).
   */
  serverUrl?: string;
  /**
   * The package retries a 5xx or network failure twice within ~150 ms by itself. The relay turns
   * that off (false): it retries on its own schedule and records every attempt.
   */
  retries?: boolean;
  timeoutMs?: number;
  /** tests: see the requests without a network */
  fetch?: typeof fetch;
}

/** The `svix` package's client, for hosted Svix or the self-hosted server at `serverUrl`. */
export function createSvixClient(opts: SvixClientOptions): Svix {
  // the package concatenates base URL and path: a trailing slash would double up
  const serverUrl = opts.serverUrl?.replace(/\/+$/, "") || undefined;
  return new Svix(opts.apiKey, {
    ...(serverUrl ? { serverUrl } : {}),
    requestTimeout: opts.timeoutMs ?? DELIVERY_TIMEOUT_MS,
    ...(opts.retries === false ? { retryScheduleInMs: [] } : {}),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
}

/** The HTTP status Svix answered with, or null when it was not reached (network, timeout). */
export function svixStatus(err: unknown): number | null {
  if (err instanceof ApiException) return err.code;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "number" && code >= 100 && code < 600 ? code : null;
}

/** A one-line reason, without the response headers the package puts in its exception message. */
export function describeSvixError(err: unknown): string {
  const status = svixStatus(err);
  if (status !== null) {
    const body = (err as { body?: unknown }).body;
    let detail = "";
    if (typeof body === "string") detail = body.trim();
    else if (body && typeof body === "object") {
      const b = body as { code?: unknown; detail?: unknown };
      const d = Array.isArray(b.detail)
        ? b.detail.map((v: { loc?: unknown[]; msg?: unknown }) => `${(v.loc ?? []).join(".")}: ${String(v.msg ?? "")}`).join("; ")
        : typeof b.detail === "string"
          ? b.detail
          : "";
      detail = [typeof b.code === "string" ? b.code : "", d].filter(Boolean).join(": ");
    }
    return `Svix answered ${status}${detail ? ` (${detail.slice(0, 300)})` : ""}`;
  }
  const e = err as (Error & { cause?: { message?: string } }) | null;
  if (e?.name === "TimeoutError") return "Svix did not answer in time";
  return `could not reach Svix: ${e?.cause?.message ?? e?.message ?? String(err)}`;
}

/** An error whose message is fit to show in a problem detail (the service wraps it in a 502). */
class SvixCallFailed extends Error {
  constructor(
    readonly status: number | null,
    message: string,
  ) {
    super(message);
    this.name = "SvixCallFailed";
  }
}

const failed = (err: unknown) => new SvixCallFailed(svixStatus(err), describeSvixError(err));

async function call<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw failed(err);
  }
}

/**
 * Our event types in Svix's catalogue, each created once (409: already there). Svix refuses an
 * endpoint whose eventTypes name a type it does not know.
 */
async function registerEventTypes(svix: Svix): Promise<void> {
  await Promise.all(
    Object.entries(EVENT_TYPES).map(async ([name, description]) => {
      try {
        await svix.eventType.create({ name, description });
      } catch (err) {
        if (svixStatus(err) !== 409) throw err;
      }
    }),
  );
}

/** The fields of a Svix endpoint that follow ours; the endpoint is found in Svix by uid = our id. */
function endpointFields(endpoint: EndpointRow) {
  return {
    uid: endpoint.id,
    url: endpoint.url,
    description: endpoint.description ?? "",
    disabled: !endpoint.enabled || endpoint.deletedAt !== null,
  };
}

/**
 * Keeps Svix's copy of each endpoint in step with ours: one application per organisation
 * (uid = organisation id), one endpoint per endpoint of ours (uid = our id) with the same secret,
 * filter and enabled state. Called inside our transaction: a throw undoes our change.
 */
export function createSvixMirror(svix: Svix): SvixMirror {
  let eventTypes: Promise<void> | null = null;
  const ensureEventTypes = () =>
    (eventTypes ??= registerEventTypes(svix).catch((err) => {
      eventTypes = null; // try again on the next change
      throw err;
    }));

  /** Creates the organisation's application if needed, then the endpoint with the given secret. */
  const create = async (endpoint: EndpointRow, secret: string) => {
    await ensureEventTypes();
    const org = endpoint.organisationId;
    await svix.application.getOrCreate({ name: org, uid: org });
    const body: EndpointIn = { ...endpointFields(endpoint), secret, ...(endpoint.eventTypes ? { eventTypes: endpoint.eventTypes } : {}) };
    await svix.endpoint.create(org, body);
  };

  /** Svix has no copy (the endpoint predates Svix mode, or was removed there): make one. */
  const orMissing = async (endpoint: EndpointRow, secret: string, run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (err) {
      if (svixStatus(err) !== 404) throw err;
      await create(endpoint, secret);
    }
  };

  return {
    endpointCreated: (endpoint, secret) => call(() => create(endpoint, secret)),

    endpointUpdated: (endpoint) =>
      call(async () => {
        await ensureEventTypes();
        // PUT: the whole state; eventTypes null means every type again
        await orMissing(endpoint, endpoint.secret, () =>
          svix.endpoint.upsert(endpoint.organisationId, endpoint.id, { ...endpointFields(endpoint), eventTypes: endpoint.eventTypes ?? null }),
        );
      }),

    endpointDeleted: (endpoint) =>
      call(async () => {
        try {
          await svix.endpoint.delete(endpoint.organisationId, endpoint.id);
        } catch (err) {
          if (svixStatus(err) !== 404) throw err; // already gone there
        }
      }),

    // Svix keeps the old secret signing for 24 hours by default, as we do
    secretRotated: (endpoint, secret) => call(() => orMissing(endpoint, secret, () => svix.endpoint.rotateSecret(endpoint.organisationId, endpoint.id, { key: secret }))),

    // the portal shows deliveries and lets a person replay them; endpoints are changed here, the
    // source Svix mirrors, so the link grants no endpoint management and no secrets
    portalAccess: (org, expiresInSeconds) =>
      call(async () => {
        const { url } = await svix.authentication.appPortalAccess(org, {
          application: { name: org, uid: org },
          capabilities: [AppPortalCapability.ViewBase, AppPortalCapability.CreateAttempts],
          expiry: expiresInSeconds,
        });
        return { url };
      }),
  };
}
