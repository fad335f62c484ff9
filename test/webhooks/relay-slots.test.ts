import { verifiedByBoth } from "../helpers/receiver";
import { rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { and, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Db, schema } from "../../db/client";
import { openDatabase } from "../../db/connect";
import { migrateDatabase } from "../../db/migrate";
import { ManualClock } from "../../src/deps";
import { DISABLE_AFTER_FAILING_MS, RETRY_DELAYS_MS } from "../../src/domain/webhooks";
import { createTestContext, type TestContext, T0 } from "../helpers/app";
import { createOrg, type TestOrg } from "../helpers/factories";
import { testRelay } from "../helpers/relay";

// The relay's slots, hand-backs, group commit and view of the endpoints (src/webhooks/relay.ts),
// against the real app on a libSQL file and real HTTP receivers that verify every delivery with the
// unmodified `standardwebhooks` and `svix` libraries. The relay's wall clock is a parameter: where a
// test needs a receiver "slower than the lease", the receiver moves that clock, so no assertion
// depends on how fast this machine is.

interface Arrival {
  id: string;
  body: string;
  /** verified with both libraries */
  verified: boolean;
  /** what the receiver answered; null while the request is open */
  status: number | null;
}

/** How a receiver answers one request: a status, possibly after waiting for something. */
type Answer = (arrival: Arrival, n: number) => number | Promise<number>;

interface SlotReceiver {
  url: string;
  secrets: string[];
  arrivals: Arrival[];
  answer: (fn: Answer) => void;
  /** requests received and not answered yet */
  open: () => number;
  /** webhook-ids that arrived while a request with the same id was still open here */
  concurrentRepeats: string[];
  close: () => Promise<void>;
}

const receivers: SlotReceiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
});

/**
 * A real HTTP receiver (as test/helpers/receiver.ts, which answers at once): it verifies with both
 * libraries, answers when its `answer` function says, and writes "<name> arrives <id>" and
 * "<name> answers <id>" to a log shared by the receivers of a test, in the order they happen.
 */
async function startSlotReceiver(name: string, log: string[] = []): Promise<SlotReceiver> {
  let answer: Answer = () => 200;
  let count = 0;
  const openIds = new Map<string, number>();
  const r = {
    url: "",
    secrets: [] as string[],
    arrivals: [] as Arrival[],
    concurrentRepeats: [] as string[],
    answer: (fn: Answer) => {
      answer = fn;
    },
    open: () => [...openIds.values()].reduce((a, b) => a + b, 0),
  } as SlotReceiver;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      const arrival: Arrival = { id: headers["webhook-id"] ?? "", body, verified: verifiedByBoth(r.secrets, body, headers), status: null };
      r.arrivals.push(arrival);
      if (openIds.get(arrival.id)) r.concurrentRepeats.push(arrival.id);
      openIds.set(arrival.id, (openIds.get(arrival.id) ?? 0) + 1);
      log.push(`${name} arrives ${arrival.id}`);
      let status = 500;
      try {
        status = await answer(arrival, ++count);
      } finally {
        openIds.set(arrival.id, openIds.get(arrival.id)! - 1);
        arrival.status = status;
        log.push(`${name} answers ${arrival.id}`);
        res.statusCode = status;
        res.end(status < 300 ? "ok" : `failing with ${status}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  r.url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/hooks`;
  r.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  receivers.push(r);
  return r;
}

/** An endpoint of `org` delivering to `receiver`, which learns its secret. */
async function subscribe(t: TestContext, org: TestOrg, receiver: SlotReceiver, body: Record<string, unknown> = {}): Promise<string> {
  const created = await t.call(org.key, "POST", "/v1/webhook-endpoints", { url: receiver.url, ...body });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  receiver.secrets.push(created.body.secret);
  return created.body.id;
}

/** `n` pings to one endpoint, at once: each an event with one delivery; returns the event ids (the webhook-ids). */
/** A fresh app with one organisation, subscribed with one endpoint to one receiver. */
async function oneEndpoint() {
  const t = await createTestContext();
  const org = await createOrg(t);
  const receiver = await startSlotReceiver("receiver");
  return { t, org, receiver, endpoint: await subscribe(t, org, receiver) };
}

async function ping(t: TestContext, org: TestOrg, endpointId: string, n: number): Promise<string[]> {
  const answers = await Promise.all(Array.from({ length: n }, () => t.call(org.key, "POST", `/v1/webhook-endpoints/${endpointId}/ping`)));
  for (const res of answers) expect(res.status, JSON.stringify(res.body)).toBe(202);
  return answers.map((res) => res.body.id);
}

/** Waits until `condition` holds (true) or `timeoutMs` has passed (false): a gate, never a hang. */
async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) return false;
    await new Promise((res) => setTimeout(res, 10));
  }
  return true;
}

const d = schema.deliveries;
const deliveriesTo = (t: TestContext, endpointId: string) => t.db.select().from(d).where(eq(d.endpointId, endpointId));
const deliveryOf = async (t: TestContext, endpointId: string, eventId: string) =>
  (
    await t.db
      .select()
      .from(d)
      .where(and(eq(d.endpointId, endpointId), eq(d.eventId, eventId)))
  )[0]!;
const attemptsTo = (t: TestContext, endpointId: string) => t.db.select().from(schema.deliveryAttempts).where(eq(schema.deliveryAttempts.endpointId, endpointId));
const endpointRow = async (t: TestContext, id: string) => (await t.db.select().from(schema.webhookEndpoints).where(eq(schema.webhookEndpoints.id, id)))[0]!;
const count = (ids: string[]) => {
  const n = new Map<string, number>();
  for (const id of ids) n.set(id, (n.get(id) ?? 0) + 1);
  return n;
};

describe("slots: a slow receiver holds only its own slot", () => {
  it("every delivery to a fast endpoint completes while those to a slow one are in flight", async () => {
    const t = await createTestContext();
    const org = await createOrg(t);
    const log: string[] = [];
    const slow = await startSlotReceiver("slow", log);
    const fast = await startSlotReceiver("fast", log);
    const slowEndpoint = await subscribe(t, org, slow);
    const fastEndpoint = await subscribe(t, org, fast);
    // more fast deliveries than the relay holds at first (4 slots' worth of 4 slots): the rest
    // must be claimed, by a later write, while the slow sends are still in flight
    const FAST = 24;
    const slowIds = await ping(t, org, slowEndpoint, 2);
    t.clock.advance(1); // the slow ones are due first: they take two of the four slots at once
    const fastIds = await ping(t, org, fastEndpoint, FAST);

    let slowOpenAtLastFast = -1;
    fast.answer(() => {
      if (fast.arrivals.length === FAST) slowOpenAtLastFast = slow.open();
      return 200;
    });
    // the slow receiver answers once the fast one has everything: a relay whose slow sends held up
    // the others would never get there, and after 5 s it answers anyway (the test fails, not hangs)
    slow.answer(async () => {
      await until(() => fast.arrivals.length >= FAST, 5_000);
      return 200;
    });

    const relay = testRelay(t, { concurrency: 4 });
    expect(await relay.drain()).toBe(FAST + 2);

    const firstSlowAnswer = log.findIndex((e) => e.startsWith("slow answers"));
    expect(firstSlowAnswer).toBeGreaterThan(0);
    expect(log.slice(0, firstSlowAnswer).filter((e) => e.startsWith("fast arrives"))).toHaveLength(FAST);
    // and both slow requests were open (in flight) when the last fast one arrived
    expect(slowOpenAtLastFast).toBe(2);

    expect(count(fast.arrivals.map((a) => a.id))).toEqual(new Map(fastIds.map((id) => [id, 1])));
    expect(count(slow.arrivals.map((a) => a.id))).toEqual(new Map(slowIds.map((id) => [id, 1])));
    expect([...fast.arrivals, ...slow.arrivals].filter((a) => !a.verified)).toEqual([]);
    for (const endpoint of [fastEndpoint, slowEndpoint])
      for (const row of await deliveriesTo(t, endpoint)) expect(row).toMatchObject({ state: "succeeded", attempts: 1, leaseOwner: null, leaseUntil: null });
  });
});

describe("hand-back: a claimed delivery is sent only if it can finish within its lease", () => {
  // drainOutbox sends a delivery in hand only until `startBy` = its lease end minus a margin of
  // min(DELIVERY_TIMEOUT_MS, leaseMs / 2): what a send may take (its timeout), or half of a short
  // lease. One slot; each send "takes" stepMs of the relay's wall clock (the receiver moves it).
  // Each row of `sends` is [wall time of the send, end of the lease it was sent under], from the
  // start of the drain, as the receiver reads the delivery's row when it arrives.
  it.each([
    {
      lease: "a short lease (1 s): half of it is kept for the send",
      leaseMs: 1_000,
      stepMs: 600,
      // claimed at 0 until 1000: sendable until 500. The first send ends at 600: the other three are
      // handed back and claimed again until 1600 (sendable until 1100), and so on
      sends: [
        [0, 1_000],
        [600, 1_600],
        [1_200, 2_200],
        [1_800, 2_800],
      ],
    },
    {
      lease: "a long lease (60 s): DELIVERY_TIMEOUT_MS (15 s) is kept for the send",
      leaseMs: 60_000,
      stepMs: 19_000,
      // claimed at 0 until 60 000: sendable until 45 000 (with half the lease kept, until 30 000,
      // and the third would be handed back too); the fourth, at 57 000, is handed back
      sends: [
        [0, 60_000],
        [19_000, 60_000],
        [38_000, 60_000],
        [57_000, 117_000],
      ],
    },
  ])("$lease", async ({ leaseMs, stepMs, sends }) => {
    const { t, org, receiver, endpoint } = await oneEndpoint();
    const ids = await ping(t, org, endpoint, 4);
    const wall = new ManualClock(new Date());
    const relay = testRelay(t, { concurrency: 1, leaseMs, wallClock: wall });

    let start = wall.now().getTime();
    let seen: number[][] = [];
    const staleOrForeign: string[] = [];
    let status = 500;
    receiver.answer(async (arrival) => {
      const now = wall.now().getTime();
      const row = await deliveryOf(t, endpoint, arrival.id);
      seen.push([now - start, row.leaseUntil!.getTime() - start]);
      if (row.leaseOwner !== relay.owner || !row.leaseUntil || row.leaseUntil.getTime() <= now) staleOrForeign.push(arrival.id);
      wall.advance(stepMs);
      return status;
    });

    // attempt 1: every one fails; attempt 2 (the retry, 5 s later on the service's clock) succeeds
    for (const attempt of [1, 2]) {
      if (attempt === 2) {
        t.clock.advance(RETRY_DELAYS_MS[0]);
        status = 200;
        start = wall.now().getTime();
        seen = [];
      }
      expect(await relay.drain(), `attempt ${attempt}`).toBe(4);
      expect(seen, `attempt ${attempt}`).toEqual(sends);
    }
    expect(staleOrForeign).toEqual([]);
    expect(receiver.concurrentRepeats).toEqual([]);
    // once per attempt, under the same webhook-id, every one verified
    expect(count(receiver.arrivals.map((a) => a.id))).toEqual(new Map(ids.map((id) => [id, 2])));
    expect(receiver.arrivals.filter((a) => !a.verified)).toEqual([]);
    // a hand-back is not an attempt: two attempts each, recorded
    for (const row of await deliveriesTo(t, endpoint)) expect(row).toMatchObject({ state: "succeeded", attempts: 2, leaseOwner: null, leaseUntil: null });
    const attempts = await attemptsTo(t, endpoint);
    expect(attempts).toHaveLength(8);
    for (const id of ids)
      expect(
        attempts
          .filter((a) => a.eventId === id)
          .map((a) => a.statusCode)
          .sort(),
      ).toEqual([200, 500]);
  });

  it("a send that outlives its lease (a receiver slower than what remains of it): the relay does not claim that delivery again while it has it", async () => {
    // one slot, a 1 s lease (sendable until 500 ms after the claim); four deliveries, claimed at 0
    const { t, org, receiver, endpoint } = await oneEndpoint();
    const ids = await ping(t, org, endpoint, 4);
    const wall = new ManualClock(new Date());
    const relay = testRelay(t, { concurrency: 1, leaseMs: 1_000, wallClock: wall });
    receiver.answer(async (_, n) => {
      if (n !== 2) return 200;
      // the second send, started at 0 with a lease until 1000, is still open at 1000: its lease and
      // those of the two in hand have run out. It answers once the relay has written again (the
      // first outcome, recorded within RECORD_WITHIN_MS while the slot is busy): that write claims.
      wall.advance(1_000);
      const first = receiver.arrivals[0]!.id;
      await until(async () => (await deliveryOf(t, endpoint, first)).state === "succeeded", 5_000);
      return 200;
    });
    const attempted = await relay.drain();
    // each delivery arrives once (one attempt each, all succeeding), never twice
    expect(count(receiver.arrivals.map((a) => a.id))).toEqual(new Map(ids.map((id) => [id, 1])));
    expect(receiver.concurrentRepeats).toEqual([]);
    expect(attempted).toBe(4);
    for (const row of await deliveriesTo(t, endpoint)) expect(row).toMatchObject({ state: "succeeded", attempts: 1, leaseOwner: null });
    expect(await attemptsTo(t, endpoint)).toHaveLength(4);
  });
});

describe("group commit: outcomes are recorded durably", () => {
  it("when drainOutbox returns, every delivery is in its final state with its attempt row", async () => {
    const t = await createTestContext();
    const org = await createOrg(t);
    const ok = await startSlotReceiver("ok");
    const failing = await startSlotReceiver("failing");
    const flaky = await startSlotReceiver("flaky");
    failing.answer(() => 500);
    flaky.answer((_, n) => (n % 2 ? 200 : 503));
    const sent = new Map<SlotReceiver, { endpoint: string; ids: string[] }>();
    for (const r of [ok, failing, flaky]) {
      const endpoint = await subscribe(t, org, r);
      sent.set(r, { endpoint, ids: await ping(t, org, endpoint, 10) });
    }
    // each write (a transaction: outcomes, then the next claim) takes 20 ms more, as on a slow
    // disk: sends end while a write is under way, and their outcomes go into the next one
    let writes = 0;
    const slowWrites = new Proxy(t.db, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target);
        if (prop !== "transaction") return typeof value === "function" ? value.bind(target) : value;
        return async (...args: Parameters<Db["transaction"]>) => {
          writes++;
          await new Promise((res) => setTimeout(res, 20));
          return target.transaction(...args);
        };
      },
    }) as Db;
    const relay = testRelay(t, { db: slowWrites, concurrency: 3 });
    expect(await relay.drain()).toBe(30);
    // by group commit: several outcomes to a write
    expect(writes).toBeGreaterThan(0);
    expect(writes).toBeLessThan(30 / 2);

    for (const [r, { endpoint, ids }] of sent) {
      expect(count(r.arrivals.map((a) => a.id))).toEqual(new Map(ids.map((id) => [id, 1])));
      expect(r.arrivals.filter((a) => !a.verified)).toEqual([]);
      const rows = new Map((await deliveriesTo(t, endpoint)).map((row) => [row.eventId, row]));
      const attempts = new Map((await attemptsTo(t, endpoint)).map((a) => [a.eventId, a]));
      expect(attempts.size).toBe(ids.length);
      for (const arrival of r.arrivals) {
        const ok = arrival.status === 200;
        // recorded and released: nothing left under a lease for the next relay to wait out
        expect(rows.get(arrival.id)).toMatchObject({
          state: ok ? "succeeded" : "pending",
          attempts: 1,
          leaseOwner: null,
          leaseUntil: null,
          ...(ok ? {} : { nextAttemptAt: new Date(T0.getTime() + RETRY_DELAYS_MS[0]) }),
        });
        expect(attempts.get(arrival.id)).toMatchObject({ statusCode: arrival.status, outcome: ok ? "succeeded" : "failed" });
      }
    }
    // nothing is left to send until the retries are due
    expect(await testRelay(t).drain()).toBe(0);
  });

  it("a relay whose writes fail mid-drain loses nothing: another takes over its leases once they run out", async () => {
    const { t, org, receiver, endpoint } = await oneEndpoint();
    // two slots, fewer deliveries than the relay holds at first (4 slots' worth): one claim takes them all
    const ids = await ping(t, org, endpoint, 7);
    const wall = new ManualClock(new Date());
    const leaseMs = 60_000;

    // its first write with outcomes succeeds; the second fails (a lost database, as for a process
    // that dies): the outcomes it carried are not recorded, and what the relay holds stays leased
    let writes = 0;
    const lost = new Proxy(t.db, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target);
        if (prop !== "transaction") return typeof value === "function" ? value.bind(target) : value;
        return async (...args: Parameters<Db["transaction"]>) => {
          if (++writes > 1) throw new Error("database connection lost");
          return target.transaction(...args);
        };
      },
    }) as Db;
    // the 1st send is in flight at the failure; the 2nd ends at once (recorded by the first write,
    // within RECORD_WITHIN_MS); the 3rd ends after that write (not recorded); the 4th is in flight at
    // the failure; the other three are in hand, never sent by this relay
    receiver.answer(async (_, n) => {
      if (n === 1 || n === 4) await until(() => writes > 1, 5_000);
      if (n === 3) await until(() => writes > 0, 5_000);
      return 200;
    });
    const first = testRelay(t, { db: lost, concurrency: 2, leaseMs, wallClock: wall });
    expect(await first.drain()).toBe(1);
    expect(writes).toBe(2);
    const sentByFirst = receiver.arrivals.map((a) => a.id);
    expect(sentByFirst).toHaveLength(4);
    const recorded = sentByFirst[1]!;
    const unrecorded = [sentByFirst[0]!, sentByFirst[2]!, sentByFirst[3]!];

    const rows = await deliveriesTo(t, endpoint);
    expect(rows.filter((r) => r.state === "succeeded").map((r) => r.eventId)).toEqual([recorded]);
    const held = rows.filter((r) => r.leaseOwner === first.owner).map((r) => r.eventId);
    expect(new Set(held)).toEqual(new Set(ids.filter((id) => id !== recorded)));

    // a second relay leaves live leases alone; once they have run out it takes them over
    const second = testRelay(t, { concurrency: 2, leaseMs, wallClock: wall });
    expect(await second.drain()).toBe(0);
    expect(receiver.arrivals).toHaveLength(4);
    wall.advance(leaseMs);
    expect(await second.drain()).toBe(6);

    for (const row of await deliveriesTo(t, endpoint)) expect(row).toMatchObject({ state: "succeeded", attempts: 1, leaseOwner: null });
    expect(await attemptsTo(t, endpoint)).toHaveLength(7);
    // every event arrived; twice only what the first relay sent and did not record, same webhook-id, same body
    const arrived = count(receiver.arrivals.map((a) => a.id));
    expect(arrived).toEqual(new Map(ids.map((id) => [id, unrecorded.includes(id) ? 2 : 1])));
    for (const id of unrecorded) expect(new Set(receiver.arrivals.filter((a) => a.id === id).map((a) => a.body)).size).toBe(1);
    expect(receiver.arrivals.filter((a) => !a.verified)).toEqual([]);
    expect(receiver.concurrentRepeats).toEqual([]);
  });

  it("a failed write with a send in flight: drainOutbox returns when the send ends, without blocking the event loop", async () => {
    // the relay runs in a worker thread (its own event loop, which the test can stop), on the test's
    // database file; every write with outcomes fails there. One slot and four deliveries in hand:
    // the third send is in flight when the first write fails, with one more in hand.
    const path = join(tmpdir(), `registry-relay-slots-${crypto.randomUUID()}.db`);
    const client = openDatabase(`file:${path}`);
    try {
      await migrateDatabase(client);
      const t = await createTestContext({ client });
      const org = await createOrg(t);
      const receiver = await startSlotReceiver("receiver");
      const endpoint = await subscribe(t, org, receiver);
      await ping(t, org, endpoint, 5);
      const worker = await relayWorker();
      const outcome = await worker.drain({ path, now: t.clock.now().toISOString() }, 2_000);
      expect(receiver.arrivals).toHaveLength(3);
      expect(receiver.arrivals.every((a) => a.status === 200)).toBe(true);
      expect(outcome).toEqual({ returned: 0 });
      // nothing recorded: all five still pending, the four it claimed under its lease
      for (const row of await deliveriesTo(t, endpoint)) expect(row).toMatchObject({ state: "pending", attempts: 0 });
    } finally {
      client.close();
      for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(path + suffix, { force: true });
    }
  });
});

/**
 * A worker thread that runs drainOutbox (its TypeScript loaded with tsx) against a database file,
 * every write with outcomes failing, and posts what drainOutbox returned, or a heartbeat every 50 ms
 * while its event loop runs. Started when the file starts (loading takes seconds, in parallel with
 * the other tests), stopped when it ends.
 */
const WORKER_SOURCE = `
"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const modules = (async () => {
  const { tsImport } = await import(workerData.tsx);
  const load = (path) => tsImport(workerData.root + path, workerData.root + "/");
  const [connect, client, relay, sender] = await Promise.all(["/db/connect.ts", "/db/client.ts", "/src/webhooks/relay.ts", "/src/webhooks/embedded-sender.ts"].map(load));
  return { openDatabase: connect.openDatabase, createDb: client.createDb, drainOutbox: relay.drainOutbox, createEmbeddedSender: sender.createEmbeddedSender };
})();
modules.then(() => parentPort.postMessage({ loaded: true }), (e) => parentPort.postMessage({ error: String((e && e.stack) || e) }));
parentPort.on("message", async (job) => {
  try {
    const m = await modules;
    const db = m.createDb(m.openDatabase("file:" + job.path));
    const failing = new Proxy(db, {
      get(target, prop) {
        if (prop === "transaction") return async () => { throw new Error("database unreachable"); };
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    setInterval(() => parentPort.postMessage({ beat: Date.now() }), 50);
    const returned = await m.drainOutbox({
      db: failing,
      clock: { now: () => new Date(job.now) },
      newId: (prefix) => prefix + "_" + crypto.randomUUID(),
      webhooks: {},
      logger: { info() {}, error() {} },
      sender: m.createEmbeddedSender({ fetch, wallClock: () => new Date() }),
      wallClock: { now: () => new Date() },
      leaseMs: 60000,
      concurrency: 1,
      owner: "relay_worker",
    });
    parentPort.postMessage({ returned });
  } catch (e) {
    parentPort.postMessage({ error: String((e && e.stack) || e) });
  }
});
`;

interface RelayWorker {
  /** runs one drain; resolves with what it returned, or rejects (and stops the worker) if it has not returned within `timeoutMs` */
  drain: (job: { path: string; now: string }, timeoutMs: number) => Promise<{ returned: number }>;
}

let worker: Worker | undefined;
let workerLoaded: Promise<RelayWorker> | undefined;
const relayWorker = () => {
  workerLoaded ??= new Promise((resolve, reject) => {
    const root = fileURLToPath(new URL("../..", import.meta.url));
    worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { root, tsx: pathToFileURL(join(root, "node_modules/tsx/dist/esm/api/index.mjs")).href } });
    const w = worker;
    w.once("error", reject);
    w.once("message", (m: { loaded?: boolean; error?: string }) => {
      if (!m.loaded) return reject(new Error(m.error));
      resolve({
        drain: (job, timeoutMs) =>
          new Promise((done, fail) => {
            let lastBeat = Date.now();
            const timer = setTimeout(() => {
              w.off("message", listen);
              fail(new Error(`drainOutbox has not returned after ${timeoutMs} ms; the worker's event loop last ran ${Date.now() - lastBeat} ms ago`));
              // a worker stuck in a loop would keep a core busy for the rest of the file
              void w.terminate();
            }, timeoutMs);
            const listen = (m: { beat?: number; returned?: number; error?: string }) => {
              if (m.beat) lastBeat = Date.now();
              else {
                clearTimeout(timer);
                w.off("message", listen);
                if (m.error) fail(new Error(m.error));
                else done({ returned: m.returned! });
              }
            };
            w.on("message", listen);
            w.postMessage(job);
          }),
      });
    });
  });
  return workerLoaded;
};
beforeAll(() => {
  // loading starts now, in parallel with the tests before the one that needs it
  relayWorker().catch(() => {});
});
afterAll(async () => {
  await worker?.terminate();
});

describe("the relay's view of an endpoint: disabled after failing for DISABLE_AFTER_FAILING_MS", () => {
  /**
   * An endpoint whose receiver fails (500), failing since T0 (one ping, failed), the service's clock
   * moved on by DISABLE_AFTER_FAILING_MS; and another endpoint of the same owner, for the notice.
   */
  async function failingForFiveDays() {
    const t = await createTestContext();
    const org = await createOrg(t);
    const failing = await startSlotReceiver("failing");
    const notices = await startSlotReceiver("notices");
    failing.answer(() => 500);
    const endpoint = await subscribe(t, org, failing);
    const noticeEndpoint = await subscribe(t, org, notices, { event_types: ["webhook_endpoint.disabled"] });
    const [first] = await ping(t, org, endpoint, 1);
    expect(await testRelay(t).drain()).toBe(1);
    expect((await endpointRow(t, endpoint)).failingSince).toEqual(T0);
    t.clock.advance(DISABLE_AFTER_FAILING_MS);
    const arrivalsBefore = failing.arrivals.length;
    const sentNow = () => failing.arrivals.slice(arrivalsBefore);
    return { t, org, failing, notices, endpoint, noticeEndpoint, first: first!, sentNow };
  }

  const expectDisabledAndNoticed = async (s: Awaited<ReturnType<typeof failingForFiveDays>>) => {
    expect(await endpointRow(s.t, s.endpoint)).toMatchObject({ enabled: false, disabledReason: "failing" });
    expect(s.notices.arrivals.map((a) => JSON.parse(a.body).type)).toEqual(["webhook_endpoint.disabled"]);
    expect(JSON.parse(s.notices.arrivals[0]!.body).data).toMatchObject({ reason: "failing", endpoint: { id: s.endpoint } });
  };

  it("deliveries in hand or claimed for it after the failure that disables it are not sent", async () => {
    const s = await failingForFiveDays();
    const { t, failing, endpoint } = s;
    await ping(t, s.org, endpoint, 6);
    // one slot, 4 in hand: the retry of the first ping and 3 pings; the other 3 are claimed by a
    // later write. The first two sends fail and are recorded (the write that disables the endpoint)
    // while the third is in flight: it answers only once the endpoint is disabled in the database.
    failing.answer(async () => {
      if (s.sentNow().length === 3) await until(async () => !(await endpointRow(t, endpoint)).enabled, 5_000);
      return 500;
    });
    await testRelay(t, { concurrency: 1 }).drain();
    await expectDisabledAndNoticed(s);
    // sent: the retry and two pings, before their failures were recorded (two, if a stalled machine
    // let RECORD_WITHIN_MS run out between the first two), and nothing after
    expect(s.sentNow().length).toBeGreaterThanOrEqual(2);
    expect(s.sentNow().length).toBeLessThanOrEqual(3);
    expect(s.sentNow()[0]!.id).toBe(s.first);
    // the others (in hand, or claimed afterwards) were cancelled unsent: no attempt
    const sent = new Set(failing.arrivals.map((a) => a.id));
    const unsent = (await deliveriesTo(t, endpoint)).filter((r) => !sent.has(r.eventId));
    expect(unsent).toHaveLength(7 - s.sentNow().length);
    for (const row of unsent) expect(row).toMatchObject({ state: "cancelled", attempts: 0 });
    expect(await attemptsTo(t, endpoint)).toHaveLength(failing.arrivals.length);
  });

  it("a delivery in flight when its endpoint is disabled stays cancelled: its failed outcome does not queue it again", async () => {
    const s = await failingForFiveDays();
    const { t, failing, endpoint } = s;
    await ping(t, s.org, endpoint, 3);
    // one slot: the retry and a ping fail and are recorded (the write that disables) while a third send is in flight
    let inFlightAtDisable = "";
    failing.answer(async (arrival) => {
      if (s.sentNow().length === 3) {
        inFlightAtDisable = arrival.id;
        await until(async () => !(await endpointRow(t, endpoint)).enabled, 5_000);
      }
      return 500;
    });
    await testRelay(t, { concurrency: 1 }).drain();
    await expectDisabledAndNoticed(s);
    expect(inFlightAtDisable).not.toBe("");
    // its attempt is recorded, and it stays cancelled with the rest of the endpoint's queue
    expect((await attemptsTo(t, endpoint)).filter((a) => a.eventId === inFlightAtDisable)).toHaveLength(1);
    expect(await deliveryOf(t, endpoint, inFlightAtDisable)).toMatchObject({ state: "cancelled" });
    expect((await deliveriesTo(t, endpoint)).filter((r) => r.state === "pending")).toEqual([]);
  });

  it("deliveries claimed in the write that records the failure past the threshold are not sent", async () => {
    const s = await failingForFiveDays();
    const { t, failing, endpoint } = s;
    // only the retry of the first ping is due: one slot, and the claim takes all that is due. While
    // it is in flight 3 more pings are queued: the write that records its failure (and disables
    // the endpoint) claims them, with the slot free.
    let queued: string[] = [];
    failing.answer(async () => {
      if (s.sentNow().length === 1) queued = await ping(t, s.org, endpoint, 3);
      return 500;
    });
    await testRelay(t, { concurrency: 1 }).drain();
    await expectDisabledAndNoticed(s);
    expect(queued).toHaveLength(3);
    expect(s.sentNow().map((a) => a.id)).toEqual([s.first]);
    for (const id of queued) expect(await deliveryOf(t, endpoint, id)).toMatchObject({ state: "cancelled", attempts: 0 });
  });
});
