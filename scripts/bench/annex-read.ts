// Annex reads per second (auth, isolation check, read, audit record) beside the least a correct
// implementation must do, on the same server, database and connections (scripts/bench/annex-floor.ts:
// one prepared read, one group-committed audit record); and the service's peak RSS under that load.
// The server runs in a child process, the load generator (autocannon) in this one.
import autocannon from "autocannon";
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { buildNode, startFlags } from "../build-node";
import { figure, round } from "./figure";
import { openProduct, PROCESSOR_KEY, seedAgreements, tempPath } from "./seed";

const SERVER = fileURLToPath(new URL("./annex-server.ts", import.meta.url));
const MEMORY_LIMIT_MB = 150;

function ask<T>(child: ChildProcess, message: object, key: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: Record<string, unknown>) => {
      if (key in m) {
        child.off("message", onMessage);
        resolve(m as T);
      }
    };
    child.on("message", onMessage);
    child.once("exit", (code) => reject(new Error(`the service exited (${code})`)));
    if (Object.keys(message).length) child.send(message);
  });
}

async function load(url: string, connections: number, seconds: number) {
  const result = await autocannon({ url, connections, duration: seconds, headers: { authorization: `Bearer ${PROCESSOR_KEY}` } });
  const failed = result.non2xx + result.errors + result.timeouts;
  if (failed) throw new Error(`${url}: ${failed} of ${result.requests.total} requests failed (non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts})`);
  return result.requests.average;
}

export async function benchAnnexRead({ connections, seconds, rounds }: { connections: number; seconds: number; rounds: number }) {
  const db = tempPath("annex");
  const seed = await openProduct(db.path);
  const { agreementIds } = await seedAgreements(seed.client, seed.deps, 100);
  seed.client.close();

  // compiled and started as `npm start` does: plain Node with the same flags, no TypeScript loader
  // (inside the project, where its dependencies resolve)
  const server = await buildNode(SERVER, "build/bench/annex-server.mjs");
  const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = fork(server, [db.path, agreementIds[42]!, PROCESSOR_KEY], { execArgv: [...startFlags(), ...profile], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  try {
    const { port, annexPath, floorPath } = await ask<{ port: number; annexPath: string; floorPath: string }>(child, {}, "ready");
    const idle = await ask<{ maxRssBytes: number; rssBytes: number }>(child, { stats: true }, "maxRssBytes");
    const base = `http://127.0.0.1:${port}`;
    // warm both paths up (JIT, caches), then alternate so that drift on the machine hits both alike
    await load(`${base}${floorPath}`, connections, 1);
    await load(`${base}${annexPath}`, connections, 1);
    let floor = 0;
    const annexRounds: number[] = [];
    for (let r = 0; r < rounds; r++) {
      floor += await load(`${base}${floorPath}`, connections, seconds);
      annexRounds.push(await load(`${base}${annexPath}`, connections, seconds));
    }
    const annex = annexRounds.reduce((s, n) => s + n, 0);
    const sorted = [...annexRounds].sort((x, y) => x - y);
    const stats = await ask<{ maxRssBytes: number }>(child, { stats: true }, "maxRssBytes");
    const peakMb = stats.maxRssBytes / 1024 / 1024;
    return {
      annex: figure(annex / rounds, floor / rounds, "req/s", { ratio: ">=", limit: 0.8 }, 0, {
        min: sorted[0]!,
        median: sorted[Math.floor(sorted.length / 2)]!,
        max: sorted.at(-1)!,
      }),
      memory: figure(peakMb, MEMORY_LIMIT_MB, "MB", { ratio: "<=", limit: 1 }),
      detail: { connections, seconds, rounds, peak_rss_mb: round(peakMb, 1), rss_before_load_mb: round(idle.rssBytes / 1024 / 1024, 1) },
    };
  } finally {
    if (child.exitCode === null && child.connected) {
      child.send({ stop: true });
      await new Promise((r) => child.once("exit", r));
    }
    db.remove();
  }
}
