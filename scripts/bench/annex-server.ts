// The Node service as `npm start` runs it (API, relay, scheduler) over a seeded database, with
// one bare Hono route beside it on the same server: the annex benchmark's baseline. The parent
// process sends the load and asks for this process's peak RSS over IPC.
//   node --import tsx scripts/bench/annex-server.ts <database file> <agreement id> <api key>
import { Hono } from "hono";
import { parseEnv } from "../../src/env";
import { startNodeService } from "../../src/node-service";

const [path, agreementId, key] = process.argv.slice(2);
if (!path || !agreementId || !key || !process.send) throw new Error("usage: annex-server.ts <database file> <agreement id> <api key>, with an IPC channel");

const annexPath = `/v1/agreements/${agreementId}/annex`;
// the bare route answers with the same annex document, held in memory
let document: unknown = null;
const bare = new Hono().get("/bare", (c) => c.json(document));

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
    wrapFetch: (appFetch) => (request) => (request.url.endsWith("/bare") ? bare.fetch(request) : appFetch(request)),
    onListening: async (port) => {
      const res = await fetch(`http://127.0.0.1:${port}${annexPath}`, { headers: { authorization: `Bearer ${key}` } });
      if (res.status !== 200) throw new Error(`annex read: ${res.status} ${await res.text()}`);
      document = await res.json();
      process.send!({ ready: true, port, annexPath });
    },
  },
);

process.on("message", async (message: { stats?: boolean; stop?: boolean }) => {
  if (message.stats) process.send!({ maxRssBytes: process.resourceUsage().maxRSS * 1024, rssBytes: process.memoryUsage().rss });
  if (message.stop) {
    await service.stop();
    process.exit(0);
  }
});
