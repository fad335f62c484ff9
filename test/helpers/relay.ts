import { systemClock } from "../../src/deps";
import { createEmbeddedSender } from "../../src/webhooks/embedded-sender";
import { drainOutbox, type RelayDeps } from "../../src/webhooks/relay";
import type { TestContext } from "./app";

/** The embedded relay over a test context: drain it to deliver everything due now. */
export function testRelay(t: TestContext, overrides: Partial<RelayDeps> = {}): RelayDeps & { drain: () => Promise<number> } {
  const deps: RelayDeps = {
    ...t.deps,
    sender: createEmbeddedSender({ fetch, wallClock: () => systemClock.now() }),
    wallClock: systemClock,
    leaseMs: 30_000,
    concurrency: 4,
    owner: `relay_${crypto.randomUUID()}`,
    ...overrides,
  };
  return { ...deps, drain: () => drainOutbox(deps) };
}
