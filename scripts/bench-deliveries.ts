// Deliveries per second through the embedded relay to a loopback receiver, side by side with a
// raw fetch loop to the same receiver at the same concurrency, in one process (these machines
// are shared and noisy: the ratio is the figure, the absolute numbers only context).
//   npm run bench:deliveries -- [--events 500] [--concurrency 16] [--iterations 5] [--json out.json]
import { openDatabase } from "../db/connect";
import { createServer } from "node:http";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Bench } from "tinybench";
import { createDb } from "../db/client";
import { migrateDatabase } from "../db/migrate";
import { type Deps, silentLogger, systemClock } from "../src/deps";
import { createIdGenerator } from "../src/domain/ids";
import { recordEvents } from "../src/features/events/events.service";
import { createEmbeddedSender, signHeaders } from "../src/webhooks/embedded-sender";
import { drainOutbox, type RelayDeps } from "../src/webhooks/relay";

const { values } = parseArgs({
  options: { events: { type: "string", default: "500" }, concurrency: { type: "string", default: "16" }, iterations: { type: "string", default: "5" }, json: { type: "string" } },
});
const EVENTS = Number(values.events);
const CONCURRENCY = Number(values.concurrency);

/** A loopback receiver that acknowledges at once: the physical limit is HTTP on this machine. */
const receiver = createServer((req, res) => {
  req.resume().on("end", () => res.writeHead(204).end());
});
await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
const address = receiver.address();
const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/hook`;

const path = join(tmpdir(), `bench-deliveries-${crypto.randomUUID()}.db`);
const client = openDatabase(`file:${path}`);
await client.execute("PRAGMA journal_mode = WAL");
await migrateDatabase(client);
const deps: Deps = {
  db: createDb(client),
  clock: systemClock,
  newId: createIdGenerator(() => new Date(), (b) => crypto.getRandomValues(b)),
  logger: silentLogger,
  webhooks: { mode: "embedded", allowInsecure: true },
};
const now = new Date();
await client.execute({ sql: "INSERT INTO organisations (id, name, registration_scheme, registration_number, country, address, created_at) VALUES ('org_bench', 'Bench', 'dk_cvr', '12345678', 'DK', '{}', ?)", args: [now.getTime()] });
await client.execute({
  sql: "INSERT INTO webhook_endpoints (id, organisation_id, url, enabled, secret, created_at, updated_at) VALUES ('ep_bench', 'org_bench', ?, 1, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', ?, ?)",
  args: [url, now.getTime(), now.getTime()],
});
const relay: RelayDeps = {
  ...deps,
  sender: createEmbeddedSender({ fetch, wallClock: () => new Date() }),
  wallClock: systemClock,
  leaseMs: 60_000,
  concurrency: CONCURRENCY,
  owner: "bench",
};
const data = { endpoint_id: "ep_bench", message: "ping" };
const queueEvents = () =>
  deps.db.transaction((tx) => recordEvents(tx, deps, Array.from({ length: EVENTS }, () => ({ type: "webhook_endpoint.ping" as const, organisationId: "org_bench", data }))));

/** The baseline: the same signed body, posted by a bare loop with the same concurrency. */
async function rawFetchLoop() {
  const payload = JSON.stringify({ type: "webhook_endpoint.ping", timestamp: new Date().toISOString(), data });
  let left = EVENTS;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (left-- > 0) {
        const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...signHeaders("evt_x", new Date(), payload, ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]) }, body: payload });
        await res.arrayBuffer();
      }
    }),
  );
}

let delivered = 0;
const bench = new Bench({ iterations: Number(values.iterations), time: 0, warmupIterations: 1 });
bench
  .add("raw fetch loop", rawFetchLoop)
  .add(
    "relay (claim, sign, send, record)",
    async () => {
      delivered = await drainOutbox(relay);
      if (delivered !== EVENTS) throw new Error(`delivered ${delivered} of ${EVENTS}`);
    },
    {
      beforeEach: async () => {
        await queueEvents();
      },
    },
  );
await bench.run();

const perSecond = (name: string) => {
  const task = bench.getTask(name)!;
  const result = task.result as { latency?: { mean: number } } | undefined;
  const mean = result?.latency?.mean;
  if (!mean) throw new Error(`${name}: no result (${JSON.stringify(task.result)})`);
  return EVENTS / (mean / 1000);
};
const relayRate = perSecond("relay (claim, sign, send, record)");
const rawRate = perSecond("raw fetch loop");
const figure = { deliveries: { value: Math.round(relayRate), baseline: Math.round(rawRate), ratio: Number((relayRate / rawRate).toFixed(3)), goal: ">= 0.5", unit: "deliveries/s" } };
console.table({ relay: { "deliveries/s": Math.round(relayRate) }, "raw fetch": { "deliveries/s": Math.round(rawRate) }, ratio: { "deliveries/s": figure.deliveries.ratio } });
console.log(`${EVENTS} events × ${values.iterations} iterations, concurrency ${CONCURRENCY}`);
if (values.json) (await import("node:fs")).writeFileSync(values.json, `${JSON.stringify(figure, null, 2)}\n`);

receiver.close();
client.close();
for (const s of ["", "-wal", "-shm"]) rmSync(path + s, { force: true });
