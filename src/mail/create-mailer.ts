import type { Deps } from "../deps";
import { systemClock } from "../deps";
import type { MailerDeps } from "./mailer";
import type { MailTransport } from "./transport";

/** The mailer's dependencies: the service's, the transport, real time for leases, and its own lease owner. */
export const createMailer = (deps: Deps, transport: MailTransport, opts: { leaseSeconds?: number; owner?: string } = {}): MailerDeps => ({
  ...deps,
  transport,
  wallClock: systemClock,
  leaseMs: (opts.leaseSeconds ?? 60) * 1000,
  owner: opts.owner ?? `mailer_${crypto.randomUUID()}`,
});
