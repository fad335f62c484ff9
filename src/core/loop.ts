import type { Logger } from "../deps";

/**
 * Runs `drain` when kicked (after a write) and every `pollMs`, one run at a time; a kick during a
 * run asks for one more run after it. The webhook relay and the mailer both drain their outbox so.
 */
export function startLoop(name: string, drain: () => Promise<unknown>, logger: Logger, pollMs: number, kicks?: { listen(fn: () => void): () => void }) {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const run = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = drain()
      .then(() => undefined)
      .catch((err) => logger.error(`${name} failed`, { error: String(err) }))
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
  const unlisten = kicks?.listen(run);
  run();
  return {
    kick: run,
    stop: async () => {
      stopped = true;
      unlisten?.();
      clearInterval(timer);
      await running;
    },
    /** resolves when no run is under way */
    idle: async () => {
      while (running) await running;
    },
  };
}
