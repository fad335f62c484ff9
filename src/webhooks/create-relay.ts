import type { Deps } from "../deps";
import { systemClock } from "../deps";
import type { Env } from "../env";
import { createEmbeddedSender } from "./embedded-sender";
import type { RelayDeps } from "./relay";

/**
 * The relay for the configured mode: the embedded sender (the service POSTs itself), or,
 * with SVIX_API_KEY, the Svix sender (events handed to Svix, which delivers them).
 */
export async function createWebhookRelay(
  deps: Deps,
  env: Pick<Env, "SVIX_API_KEY" | "SVIX_SERVER_URL" | "WEBHOOK_LEASE_SECONDS" | "WEBHOOK_CONCURRENCY">,
  opts: { fetch: typeof fetch; owner?: string },
): Promise<RelayDeps> {
  const sender = env.SVIX_API_KEY
    ? (await import("./svix-sender")).createSvixSender({ apiKey: env.SVIX_API_KEY, serverUrl: env.SVIX_SERVER_URL, db: deps.db })
    : createEmbeddedSender({ fetch: opts.fetch, wallClock: () => systemClock.now() });
  return {
    ...deps,
    sender,
    wallClock: systemClock,
    leaseMs: env.WEBHOOK_LEASE_SECONDS * 1000,
    concurrency: env.WEBHOOK_CONCURRENCY,
    owner: opts.owner ?? `relay_${crypto.randomUUID()}`,
  };
}
