import type { Deps } from "../deps";
import { runDue } from "./run-due";

/** The embedded scheduler: runs `runDue` now and then every `intervalMs`, one run at a time. */
export function startScheduler(deps: Deps, intervalMs: number) {
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running) return; // a slow run is never overlapped by the next
    running = runDue(deps, deps.clock.now())
      .then((r) => {
        if (Object.values(r).some((n) => n > 0)) {
          deps.logger.info("scheduler ran", { ...r });
          deps.webhooks.outbox.ring(); // its events have deliveries to send
        }
      })
      .catch((err) => deps.logger.error("scheduler failed", { error: String(err) }))
      .finally(() => {
        running = null;
      });
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref?.();
  return {
    stop: () => clearInterval(timer),
    /** resolves when the run under way (if any) has finished */
    idle: () => running ?? Promise.resolve(),
  };
}
