// The Node service as `npm start` runs it (API, relay, scheduler) over a seeded database, with
// the annex benchmark's baseline beside it on the same server: a route doing the least a correct
// annex read must do (scripts/bench/annex-floor.ts): one prepared read, one group-committed
// audit record. The parent process sends the load and asks for this process's peak RSS over IPC.
//   node --import tsx scripts/bench/annex-server.ts <database file> <agreement id> <api key>
import type { Client } from "@libsql/client";
import { parseEnv } from "../../src/env";
import { startNodeService } from "../../src/node-service";
import { annexFloor, FLOOR_PREFIX } from "./annex-floor";

const [path, agreementId, key] = process.argv.slice(2);
if (!path || !agreementId || !key || !process.send) throw new Error("usage: annex-server.ts <database file> <agreement id> <api key>, with an IPC channel");

const annexPath = `/v1/agreements/${agreementId}/annex`;
type Fetch = (request: Request, ...rest: unknown[]) => Response | Promise<Response>;
let floor: Fetch | null = null;
let listening: (port: number) => void;
const port = new Promise<number>((resolve) => (listening = resolve));

const service = await startNodeService(
  parseEnv({
    DATABASE_URL: `file:${path}`,
    PORT: "0",
    LOG_LEVEL: "silent",
    RATE_LIMIT_PER_MINUTE: "1000000",
    WEBHOOK_ALLOW_INSECURE: "1",
    OPERATOR_API_KEY: "sk_live_bench_operator_000000000",
  }),
  {
    // the server's bindings (the socket, for the client's address) go through to both routes
    wrapFetch: (appFetch) =>
      ((request: Request, ...rest: unknown[]) =>
        floor && new URL(request.url).pathname.startsWith(FLOOR_PREFIX) ? floor(request, ...rest) : (appFetch as Fetch)(request, ...rest)) as typeof appFetch,
    onListening: (p) => listening(p),
  },
);
floor = annexFloor(service.deps, service.deps.db.$client as Client).fetch as Fetch;

const base = `http://127.0.0.1:${await port}`;
const read = async (at: string) => {
  const res = await fetch(`${base}${at}`, { headers: { authorization: `Bearer ${key}` } });
  if (res.status !== 200) throw new Error(`${at}: ${res.status} ${await res.text()}`);
  return res.text();
};
// both routes answer with the same document, or the comparison means nothing
const [product, baseline] = [await read(annexPath), await read(`${FLOOR_PREFIX}${annexPath}`)];
if (product !== baseline) throw new Error(`the baseline's annex differs from the product's:\n${baseline}\n${product}`);
process.send({ ready: true, port: await port, annexPath, floorPath: `${FLOOR_PREFIX}${annexPath}` });

process.on("message", async (message: { stats?: boolean; stop?: boolean }) => {
  if (message.stats) process.send!({ maxRssBytes: process.resourceUsage().maxRSS * 1024, rssBytes: process.memoryUsage().rss });
  if (message.stop) {
    await service.stop();
    process.exit(0);
  }
});
