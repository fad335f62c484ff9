import { verifiedByBoth } from "../helpers/receiver";
import { createClient } from "@libsql/client";
import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { DEMO_KEYS } from "../../src/bootstrap/demo";
import { type NodeService, startNodeService, tempDatabase } from "../helpers/node-service";

// The crash test: the real Node service (src/node.ts) as a child process is SIGKILLed while
// deliveries are in flight and while a receiver is failing, and restarted on the same database.
// In the end every event has reached its receiver at least once, every arrival verifies with the
// unmodified `standardwebhooks` and `svix` libraries, and duplicates are repeats of the same
// webhook-id (same body), never an unknown id.

interface Arrival {
  id: string;
  body: string;
  verified: boolean;
  /** what the receiver answered; null when the sender was gone before the answer */
  status: number | null;
  /** which service process sent it */
  phase: "before-kill" | "after-restart";
}

/** What one request gets: a status, after a delay. */
type Behaviour = (n: number) => { status: number; delayMs: number };

interface CrashReceiver {
  url: string;
  secrets: string[];
  arrivals: Arrival[];
  phase: Arrival["phase"];
  behave: (b: Behaviour) => void;
  /** the webhook-ids of requests received and not yet answered */
  inFlight: () => string[];
  /** distinct webhook-ids answered with a 2xx */
  delivered: () => Set<string>;
  close: () => Promise<void>;
}

/**
 * A real HTTP receiver, verifying as test/helpers/receiver.ts does (both libraries, unmodified),
 * which can also answer late: it knows which requests are in flight (received, not answered).
 */
async function startCrashReceiver(): Promise<CrashReceiver> {
  let behaviour: Behaviour = () => ({ status: 200, delayMs: 0 });
  let count = 0;
  const open = new Map<number, string>();
  const timers = new Set<NodeJS.Timeout>();
  const r = {
    url: "",
    secrets: [] as string[],
    arrivals: [] as Arrival[],
    phase: "before-kill",
    behave: (b: Behaviour) => {
      behaviour = b;
    },
    inFlight: () => [...open.values()],
    delivered: () => new Set(r.arrivals.filter((a) => a.status !== null && a.status >= 200 && a.status < 300).map((a) => a.id)),
  } as CrashReceiver;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const n = ++count;
      const body = Buffer.concat(chunks).toString("utf8");
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      const arrival: Arrival = { id: headers["webhook-id"] ?? "", body, verified: verifiedByBoth(r.secrets, body, headers), status: null, phase: r.phase };
      r.arrivals.push(arrival);
      const { status, delayMs } = behaviour(n);
      open.set(n, arrival.id);
      const answer = () => {
        timers.delete(timer);
        if (!open.delete(n)) return;
        if (res.destroyed) return;
        arrival.status = status;
        res.statusCode = status;
        res.end(status < 300 ? "ok" : `failing with ${status}`);
      };
      const timer = setTimeout(answer, delayMs);
      timers.add(timer);
      // the sender died (SIGKILL) before the answer: nobody will read it
      res.on("close", () => {
        if (!res.writableFinished && open.delete(n)) {
          clearTimeout(timer);
          timers.delete(timer);
        }
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  r.url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/hooks`;
  r.close = () =>
    new Promise((resolve) => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return r;
}

async function api(base: string, key: string, method: string, path: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body !== undefined ? { "Content-Type": "application/json" } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** Every event id the organisation may see, oldest first, following next_cursor. */
async function eventIds(base: string, key: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const res = await api(base, key, "GET", `/v1/events?order=asc&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    ids.push(...res.body.data.map((e: { id: string }) => e.id));
    cursor = res.body.has_more ? res.body.next_cursor : null;
  } while (cursor);
  return ids;
}

const addSubProcessor = (i: number) => ({
  op: "add_sub_processor",
  sub_processor: {
    ref: `crash-backup-${i}`,
    legal_name: `PolBackup ${i} sp. z o.o.`,
    registration: { scheme: "eu_vat", number: "PL5260250995" },
    address: { street: "ul. Prosta 1", postal_code: "00-838", city: "Warszawa", country: "PL" },
    description: `Backup copy number ${i}`,
    locations: ["dc-ballerup"],
  },
});

async function until(what: string | (() => string), condition: () => boolean | Promise<boolean>, timeoutMs: number, step?: () => Promise<void>) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === "string" ? what : what()}`);
    await step?.();
    await new Promise((res) => setTimeout(res, 50));
  }
}

const CHANGE_REQUESTS = 6;
const HOLD_MS = 60_000; // "slow": longer than the whole test, so those requests are in flight at the kill

const services: NodeService[] = [];
const receivers: CrashReceiver[] = [];
let database: ReturnType<typeof tempDatabase> | undefined;

afterEach(async () => {
  for (const s of services.splice(0)) await s.kill();
  for (const r of receivers.splice(0)) await r.close();
  database?.remove();
  database = undefined;
});

describe("webhooks survive a crash of the Node service", () => {
  it("SIGKILL with deliveries in flight and a failing receiver, restart: every event arrives, duplicates only as the same webhook-id", async () => {
    database = tempDatabase("crash");
    // LOG_LEVEL stays "info": startNodeService waits for the "listening" log line, which "silent" suppresses
    const env = { DEMO: "1", TEST_CLOCK: "1", WEBHOOK_ALLOW_INSECURE: "1", WEBHOOK_LEASE_SECONDS: "2" };
    let service = await startNodeService(database.path, env);
    services.push(service);

    // the processor's receiver fails (500) until after the restart; the controller's answers
    // its first 3 requests after a short delay, then holds every further one (in flight)
    const processorHooks = await startCrashReceiver();
    const controllerHooks = await startCrashReceiver();
    receivers.push(processorHooks, controllerHooks);
    processorHooks.behave(() => ({ status: 500, delayMs: 0 }));
    controllerHooks.behave((n) => (n <= 3 ? { status: 200, delayMs: 100 } : { status: 200, delayMs: HOLD_MS }));

    const parties = [
      { name: "processor", key: DEMO_KEYS.processor, receiver: processorHooks },
      { name: "controller A", key: DEMO_KEYS.controllerA, receiver: controllerHooks },
    ];
    // events from before the endpoints (the demo seed) have no deliveries
    const baseline = new Map<string, Set<string>>();
    for (const p of parties) {
      baseline.set(p.name, new Set(await eventIds(service.base, p.key)));
      const created = await api(service.base, p.key, "POST", "/v1/webhook-endpoints", { url: p.receiver.url });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body.secret).toMatch(/^whsec_/);
      p.receiver.secrets.push(created.body.secret);
    }
    const expectedIds = async (base: string) => {
      const out = new Map<string, Set<string>>();
      for (const p of parties) out.set(p.name, new Set((await eventIds(base, p.key)).filter((id) => !baseline.get(p.name)!.has(id))));
      return out;
    };

    // many events: change requests to all four agreements; controller A approves some of its decisions
    const mine = await api(service.base, DEMO_KEYS.controllerA, "GET", "/v1/agreements?limit=100");
    const controllerAgreements = new Set<string>(mine.body.data.map((a: { id: string }) => a.id));
    expect(controllerAgreements.size).toBe(2);
    for (let i = 0; i < CHANGE_REQUESTS; i++) {
      const cr = await api(service.base, DEMO_KEYS.processor, "POST", "/v1/change-requests", {
        agreements: "all",
        operations: [addSubProcessor(i)],
        reason: `Crash test change ${i}`,
      });
      expect(cr.status, JSON.stringify(cr.body)).toBe(201);
      expect(cr.body.decisions).toHaveLength(4);
      if (i % 2 === 0) {
        for (const decision of cr.body.decisions.filter((d: { agreement: { id: string } }) => controllerAgreements.has(d.agreement.id))) {
          const approved = await api(service.base, DEMO_KEYS.controllerA, "POST", `/v1/decisions/${decision.id}/approve`, {});
          expect(approved.status, JSON.stringify(approved.body)).toBe(200);
        }
      }
    }
    const before = await expectedIds(service.base);
    const expectedProcessor = before.get("processor")!;
    const expectedController = before.get("controller A")!;
    expect(expectedProcessor.size).toBeGreaterThanOrEqual(CHANGE_REQUESTS * 4);
    expect(expectedController.size).toBeGreaterThanOrEqual(CHANGE_REQUESTS * 2);

    // kill once a delivery is in flight at the slow receiver and the failing one has failed some;
    // then a moment (bounded) for more to pile up in flight. Not "wait for 2 in flight": the relay
    // claims the next batch only when every send of the current one has ended, so a lone held
    // request stalls all further sends for DELIVERY_TIMEOUT_MS (15 s) (drainOutbox in src/webhooks/relay.ts).
    const state = () =>
      `(controller receiver: ${controllerHooks.arrivals.length} arrived, ${controllerHooks.inFlight().length} in flight; processor receiver: ${processorHooks.arrivals.length} arrived)\n${service.output()}`;
    await until(
      () => `a delivery in flight ${state()}`,
      () => controllerHooks.inFlight().length >= 1 && processorHooks.arrivals.length >= 1,
      20_000,
    );
    await until("more in flight", () => controllerHooks.inFlight().length >= 3, 300).catch(() => {});
    const inFlightAtKill = new Set(controllerHooks.inFlight());
    const deliveredAtKill = { processor: processorHooks.delivered().size, controller: controllerHooks.delivered().size };
    const processorArrivalsAtKill = processorHooks.arrivals.length;
    await service.kill();
    expect(service.child.signalCode).toBe("SIGKILL");
    processorHooks.phase = controllerHooks.phase = "after-restart";

    // the kill really left work unfinished: requests in flight, a receiver that had only failures, and most events undelivered
    expect(inFlightAtKill.size).toBeGreaterThanOrEqual(1);
    expect(processorArrivalsAtKill).toBeGreaterThanOrEqual(1);
    expect(processorHooks.arrivals.every((a) => a.status === 500 || a.status === null)).toBe(true);
    expect(deliveredAtKill.processor).toBe(0);
    expect(deliveredAtKill.controller).toBeLessThan(expectedController.size);
    for (const id of inFlightAtKill) expect(expectedController.has(id)).toBe(true);

    // both receivers healthy now (the controller's still a little slow); restart on the same database
    processorHooks.behave(() => ({ status: 200, delayMs: 0 }));
    controllerHooks.behave(() => ({ status: 200, delayMs: 50 }));
    service = await startNodeService(database.path, env);
    services.push(service);
    expect(service.output()).toContain("already present"); // the same data, not a fresh seed

    // the restarted test clock starts again at the real now: move it 3 hours on, past every retry
    // the killed process can have scheduled (it failed each delivery at most twice: +5 s, +5 min),
    // so every failed delivery is due; the leases (real clock, 2 s) run out on their own
    const advance = async (seconds: number) => {
      const res = await api(service.base, DEMO_KEYS.operator, "POST", "/v1/test-clock/advance", { seconds });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    };
    await advance(3 * 3600);
    const complete = () => [...expectedProcessor].every((id) => processorHooks.delivered().has(id)) && [...expectedController].every((id) => controllerHooks.delivered().has(id));
    const missing = () => {
      const p = [...expectedProcessor].filter((id) => !processorHooks.delivered().has(id)).length;
      const c = [...expectedController].filter((id) => !controllerHooks.delivered().has(id)).length;
      return `every event delivered after the restart: still missing ${p}/${expectedProcessor.size} at the processor's receiver, ${c}/${expectedController.size} at the controller's\n${service.output()}`;
    };
    await until(missing, complete, 25_000);

    // the same events as before the kill (the clock moved by hours only, nothing new fell due)
    const after = await expectedIds(service.base);
    expect(after.get("processor")).toEqual(expectedProcessor);
    expect(after.get("controller A")).toEqual(expectedController);

    for (const [receiver, expected] of [
      [processorHooks, expectedProcessor],
      [controllerHooks, expectedController],
    ] as const) {
      // every event arrived at least once, answered 2xx
      expect(receiver.delivered()).toEqual(expected);
      // every arrival (before and after the kill, duplicates included) verifies with both libraries
      expect(receiver.arrivals.filter((a) => !a.verified)).toEqual([]);
      // no unknown webhook-id: duplicates are repeats of expected ids only, with the same body
      expect(new Set(receiver.arrivals.map((a) => a.id))).toEqual(expected);
      const bodies = new Map<string, Set<string>>();
      for (const a of receiver.arrivals) bodies.set(a.id, (bodies.get(a.id) ?? new Set()).add(a.body));
      for (const [id, set] of bodies) expect(set.size, `${id} arrived with different bodies`).toBe(1);
    }

    // the requests in flight at the kill were sent again, with the same webhook-id, by the restarted service
    for (const id of inFlightAtKill) {
      const arrivals = controllerHooks.arrivals.filter((a) => a.id === id);
      expect(arrivals.some((a) => a.phase === "before-kill")).toBe(true);
      expect(arrivals.some((a) => a.phase === "after-restart" && a.status === 200)).toBe(true);
    }
    // and the processor's failed ones were retried after the restart
    for (const id of new Set(processorHooks.arrivals.filter((a) => a.phase === "before-kill").map((a) => a.id))) {
      expect(processorHooks.arrivals.some((a) => a.id === id && a.phase === "after-restart" && a.status === 200)).toBe(true);
    }

    // the outbox agrees: nothing left pending, nothing given up
    expect(await service.stop()).toBe(0);
    const client = createClient({ url: `file:${database.path}` });
    try {
      const rows = (await client.execute("SELECT state, count(*) AS n FROM deliveries GROUP BY state")).rows;
      expect(Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]))).toEqual({ succeeded: expectedProcessor.size + expectedController.size });
    } finally {
      client.close();
    }
  }, 60_000);
});
