import type { Deps } from "../deps";
import { checkpointIfDue } from "../features/audit/checkpoints.service";
import { erasePersonalData, forgetSubscriptions } from "../features/audit/retention.service";
import { dueSteps } from "./due-steps";
import { runDue } from "./run-due";

/** What is due, then a signed checkpoint of the audit trail when the last is an hour old, and the erasure of personal data past its period (docs/rules.md, rule 8). */
export async function runScheduled(deps: Deps, now: Date, opts: { budget?: number } = {}) {
  // which steps have work, the retention steps' too: one read
  const steps = await dueSteps(deps, now, { personalDataDays: deps.retention?.personalDataDays });
  // bounded (the Worker's cron): at most `budget` decisions this run; the rest stay due for the next
  const budget = opts.budget === undefined ? undefined : { remaining: opts.budget };
  const run = await runDue({ ...deps, budget }, now, steps);
  if (budget && budget.remaining <= 0) deps.logger.info("scheduler stopped at its budget; the next run continues", { budget: opts.budget });
  const checkpoint = await checkpointIfDue(deps, now);
  const erased = (steps.erasure ? await erasePersonalData(deps, now, deps.retention?.personalDataDays) : 0) + (steps.subscriptions ? await forgetSubscriptions(deps, now) : 0);
  return { ...run, checkpoints: checkpoint ? 1 : 0, personal_data_erased: erased };
}

/** The embedded scheduler: runs `runScheduled` now and then every `intervalMs`, one run at a time. */
export function startScheduler(deps: Deps, intervalMs: number) {
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running) return; // a slow run is never overlapped by the next
    running = runScheduled(deps, deps.clock.now())
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
