import type { Client } from "@libsql/client";
import { eq, sql } from "drizzle-orm";
import { createDb } from "../db/client";
import { testClockState } from "../db/schema";
import { readClientOf } from "../db/read-client";
import { type Clock, createSignal, type Deps, type DocsAssetSource, type FeedReader, jsonLogger, ManualClock, type RateLimitBinding, silentLogger, systemClock } from "./deps";
import { createIdGenerator } from "./domain/ids";
import { createAuditSigner } from "./core/audit-signing";
import type { Env } from "./env";
import { advanceClock } from "./jobs/run-due";
import { createSvixClient, createSvixMirror } from "./webhooks/svix-mirror";

/** What differs between the platforms: the database client and what only the platform has. */
export interface Platform {
  client: Client;
  /** the clock a test runs on; otherwise the system clock (or a test clock from now, in test mode) */
  clock?: Clock;
  /** real time for session lifetimes; the system clock unless a test gives its own */
  wallClock?: Clock;
  /** the platform's DNS, for checking a webhook URL at registration */
  resolveHost?: (name: string) => Promise<string[]>;
  docsAssets?: DocsAssetSource;
  rateLimitBinding?: RateLimitBinding;
  /** the audit signing key when it does not come from AUDIT_SIGNING_KEY (Node: the key file) */
  auditSigningKey?: string;
  /**
   * Test mode: the test clock's instant is kept in the database and read before each request, so
   * every isolate of a Worker sees the clock one of them moved. Node's one process keeps it in memory.
   */
  sharedTestClock?: boolean;
  /** group commit of read records: a local file only (Node); on Workers a batch would outlive its request */
  groupCommitReads?: boolean;
  /** how the scheduler reads upstream feeds (docs/rules.md, rule 14); absent: they are not polled */
  feeds?: FeedReader;
}

/**
 * The one composition root: everything a request, a job or the relay needs, built once per process
 * (Node) or isolate (Workers) from parsed configuration. Node, the Worker, the tests and the OpenAPI
 * generator all build their dependencies here; nothing is patched in afterwards.
 */
export function buildDeps(env: Env, platform: Platform): Deps {
  const testClock = env.TEST_CLOCK ? (platform.clock instanceof ManualClock ? platform.clock : new ManualClock(new Date())) : undefined;
  const clock: Clock = testClock ?? platform.clock ?? systemClock;
  const deps: Deps = {
    db: createDb(platform.client),
    readDb: createDb(readClientOf(platform.client)),
    clock,
    wallClock: platform.wallClock ?? systemClock,
    // by default where the Node service listens (a wildcard address as localhost)
    publicUrl: (env.PUBLIC_URL ?? `http://${env.HOST === "0.0.0.0" || env.HOST === "::" ? "localhost" : env.HOST}:${env.PORT}`).replace(/\/+$/, ""),
    newId: createIdGenerator(
      () => clock.now(),
      (b) => crypto.getRandomValues(b),
    ),
    logger: env.LOG_LEVEL === "silent" ? silentLogger : jsonLogger,
    webhooks: {
      mode: env.SVIX_API_KEY ? "svix" : "embedded",
      allowInsecure: env.WEBHOOK_ALLOW_INSECURE,
      resolveHost: platform.resolveHost,
      svix: env.SVIX_API_KEY ? createSvixMirror(createSvixClient({ apiKey: env.SVIX_API_KEY, serverUrl: env.SVIX_SERVER_URL })) : undefined,
      outbox: createSignal(),
    },
    limits: { requestsPerMinute: env.RATE_LIMIT_PER_MINUTE, binding: platform.rateLimitBinding },
    groupCommitReads: platform.groupCommitReads ?? false,
    docsAssets: platform.docsAssets,
    auditHead: { hash: null },
    retention: { personalDataDays: env.AUDIT_PERSONAL_DATA_DAYS },
    auditSigner: env.AUDIT_SIGNING_KEY || platform.auditSigningKey ? createAuditSigner((env.AUDIT_SIGNING_KEY ?? platform.auditSigningKey)!) : undefined,
    feeds: platform.feeds,
  };
  if (testClock) {
    const kept = platform.sharedTestClock ? keptTestClock(deps.db, testClock) : undefined;
    deps.testClock = {
      clock: testClock,
      // moving the clock runs the scheduler at every instant something falls due on the way
      advance: async (to: Date) => {
        const ran = await advanceClock({ ...deps, clock: testClock }, to);
        await kept?.save();
        return ran;
      },
      sync: async () => kept?.load(),
    };
  }
  return deps;
}

/**
 * The test clock's instant in the database. An isolate's first read takes the kept instant (or
 * keeps its own when there is none yet); later reads only move it forward, as a test clock only
 * moves forward: to the kept instant when another isolate moved it further.
 */
function keptTestClock(db: Deps["db"], clock: ManualClock) {
  const t = testClockState;
  let loaded = false;
  return {
    async load() {
      const read = () => db.select({ now: t.now }).from(t).where(eq(t.id, 1));
      let [row] = await read();
      if (!row) {
        await db.insert(t).values({ id: 1, now: clock.now() }).onConflictDoNothing();
        [row] = await read();
      }
      if (row && (!loaded || row.now > clock.now())) clock.set(row.now);
      loaded = true;
    },
    async save() {
      const now = clock.now();
      await db
        .insert(t)
        .values({ id: 1, now })
        .onConflictDoUpdate({ target: t.id, set: { now: sql`max(${t.now}, excluded.now)` } });
    },
  };
}
