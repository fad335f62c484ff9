import type { Db } from "../db/client";
import type { webhookEndpoints } from "../db/schema";
import type { IdGenerator } from "./domain/ids";
import type { FeedEntry } from "./domain/upstream";
import type { AuditSigner } from "./core/audit-signing";

/** The service's notion of now; tests and test mode move it, production reads the system clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to: the test clock of TEST_CLOCK=1 and of the tests. */
export class ManualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(to: Date): void {
    this.current = new Date(to.getTime());
  }
  advance(ms: number): Date {
    this.current = new Date(this.current.getTime() + ms);
    return this.now();
  }
}

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** true when info lines go nowhere: a caller need not build them */
  quiet?: boolean;
}

export const jsonLogger: Logger = {
  info: (msg, fields) => console.log(JSON.stringify({ level: "info", msg, ...fields })),
  error: (msg, fields) => console.error(JSON.stringify({ level: "error", msg, ...fields })),
};

export const silentLogger: Logger = { info: () => {}, error: () => {}, quiet: true };

type EndpointRow = (typeof webhookEndpoints)["$inferSelect"];

/** Keeps Svix's copy of each endpoint in step with ours (Svix mode): applications per organisation, endpoints by our id. */
export interface SvixMirror {
  endpointCreated(endpoint: EndpointRow, secret: string): Promise<void>;
  endpointUpdated(endpoint: EndpointRow): Promise<void>;
  endpointDeleted(endpoint: EndpointRow): Promise<void>;
  secretRotated(endpoint: EndpointRow, secret: string): Promise<void>;
  /** A link to Svix's app portal for the organisation's application, valid for `expiresInSeconds` */
  portalAccess(organisationId: string, expiresInSeconds: number): Promise<{ url: string }>;
}

/** How webhooks go out: delivered by the service itself, or handed to Svix. */
export interface WebhookConfig {
  mode: "embedded" | "svix";
  /** present in Svix mode */
  svix?: SvixMirror;
  /** plain http and loopback/private addresses allowed (tests, local development) */
  allowInsecure: boolean;
  /** resolves a webhook URL's host at registration, to refuse names that point inside */
  resolveHost?: (name: string) => Promise<string[]>;
  /** rung after a transaction wrote outbox rows, so a relay can start at once; the relay listens */
  outbox: Signal;
}

/** A signal: whoever listens is called when it rings (no listener: nothing happens). Built once, never patched. */
export interface Signal {
  ring(): void;
  listen(fn: () => void): () => void;
}

export function createSignal(): Signal {
  const listeners = new Set<() => void>();
  return {
    ring: () => {
      for (const fn of listeners) fn();
    },
    listen: (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}

/** Cloudflare's Rate Limiting binding, when the Worker has one. */
export interface RateLimitBinding {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

/** Reads one file of the pinned Swagger UI package by name (platform specific): /docs serves it, no CDN. */
export type DocsAssetSource = (name: "swagger-ui.css" | "swagger-ui-bundle.js") => Promise<BodyInit | null | undefined>;

/** How the scheduler reads upstream feeds (docs/rules.md, rule 14). */
export interface FeedReader {
  /** a fetch through the address guard of webhooks (rule 9): on Node, `createGuardedFetch` with the webhook policy */
  fetch: typeof fetch;
  /** the entries of an Atom or JSON Feed document; throws on anything else */
  parse(text: string): FeedEntry[];
}

/** What one run of the scheduler did. */
export interface SchedulerRun {
  deemed_approved: number;
  overdue: number;
  reminders: number;
  applied: number;
  failed: number;
}

/** Everything a request or a job needs, built once by an entry from parsed configuration. */
export interface Deps {
  /** writes, transactions, and reads that must be in order with them */
  db: Db;
  /** reads outside a transaction, on their own connection where there is one (a local file): the hot read paths */
  readDb: Db;
  clock: Clock;
  /** real time, which a test clock never moves: how long a console session lasts */
  wallClock: Clock;
  /** the service's public origin, e.g. https://registry.example: the links in e-mails point here */
  publicUrl: string;
  webhooks: WebhookConfig;
  newId: IdGenerator;
  logger: Logger;
  limits?: { requestsPerMinute?: number; binding?: RateLimitBinding };
  /**
   * Group commit of read records (Node, local file): the audit records of concurrent annex
   * reads share one transaction and one fsync instead of one each. Off on Workers, where a
   * batch would outlive the request that started it.
   */
  groupCommitReads?: boolean;
  /** the API reference's static files; absent where the platform serves them itself */
  docsAssets?: DocsAssetSource;
  /** present only in test mode (TEST_CLOCK=1): the clock an operator may move, and how moving it runs the scheduler */
  testClock?: {
    clock: ManualClock;
    advance(to: Date): Promise<SchedulerRun>;
    /** brings the clock up to the instant kept in the database (Workers: another isolate may have moved it) */
    sync(): Promise<void>;
  };
  /**
   * The audit chain's end as this process last wrote it. Over HTTP a change with no events skips
   * reading it (one round trip fewer); the batch's head guard refuses a stale one, and the writer
   * then reads it and tries again (src/core/writer.ts).
   */
  auditHead?: { hash: string | null };
  /** how long audit records keep their personal data (AUDIT_PERSONAL_DATA_DAYS) */
  retention?: { personalDataDays: number };
  /** the key that signs audit checkpoints, held outside the database (AUDIT_SIGNING_KEY); absent: no checkpoints */
  auditSigner?: AuditSigner;
  /** reads upstream feeds (docs/rules.md, rule 14): Node reads Atom, JSON Feed and RSS, the Worker Atom and JSON Feed; absent (a test's deps), feeds are not polled */
  feeds?: FeedReader;
}
