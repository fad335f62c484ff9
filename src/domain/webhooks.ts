/** Svix's retry schedule: after the first attempt (immediately), wait this long before each retry. */
export const RETRY_DELAYS_MS = [5_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 5 * 3_600_000, 10 * 3_600_000, 10 * 3_600_000] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** An endpoint failing this long without a success is disabled. */
export const DISABLE_AFTER_FAILING_MS = 5 * 24 * 3_600_000;
/** After a rotation the old secret keeps signing for this long. */
export const SECRET_OVERLAP_MS = 24 * 3_600_000;
export const DELIVERY_TIMEOUT_MS = 15_000;
export const RESPONSE_EXCERPT_BYTES = 1024;

/** When the next attempt is due after `attempts` failed ones, or null when the schedule is spent. */
export function nextAttemptAt(attempts: number, failedAt: Date): Date | null {
  const delay = RETRY_DELAYS_MS[attempts - 1];
  return delay === undefined ? null : new Date(failedAt.getTime() + delay);
}

/** Whether an endpoint receives an event type: a null filter means all of them. */
export const endpointWants = (filter: readonly string[] | null, type: string) => filter === null || filter.includes(type);

/** A new signing secret: `whsec_` and 24 random bytes in base64, as Standard Webhooks has it. */
export function generateWebhookSecret(random: (b: Uint8Array<ArrayBuffer>) => Uint8Array): string {
  const bytes = random(new Uint8Array(24));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}
