// A page of the events feed and of an organisation's audit list at 100,000 rows, beside the same
// page at 1,000 rows: a page must cost the same however long the feed (the goal: ≤ 1.5×). The rows
// are spread over 50 organisations, each the processor or the controller of an agreement.
import type { Client } from "@libsql/client";
import { listAudit } from "../../src/features/audit/audit.service";
import { listEvents } from "../../src/features/events/events.service";
import type { Ctx } from "../../src/core/context";
import { type Figure, figure, round, timeMs } from "./figure";
import { openProduct, tempPath } from "./seed";

const ORGS = 50;
const org = (i: number) => `org_bench_${String(i % ORGS).padStart(3, "0")}`;

/** `n` events and `n` audit records, raw, in id/seq order, spread over the organisations. */
async function seed(client: Client, n: number) {
  const now = Date.parse("2026-11-22T09:00:00Z");
  for (let done = 0; done < n; done += 5000) {
    const events = [];
    const audit = [];
    for (let i = done; i < Math.min(n, done + 5000); i++) {
      const id = `evt_${String(i).padStart(26, "0")}`;
      events.push({
        sql: "INSERT INTO events (id, type, agreement_id, processor_id, controller_id, organisation_id, change_request_id, data, created_at) VALUES (?, 'decision.approved', ?, ?, ?, NULL, NULL, '{}', ?)",
        args: [id, `agr_${i % 500}`, org(i), org(i + 1), now + i],
      });
      audit.push({
        sql: "INSERT INTO audit_records (id, at, actor_type, organisation_id, key_id, key_prefix, action, resource_type, resource_id, agreement_id, processor_id, controller_id, request_id, client_ip, outcome, prev_hash, hash) VALUES (?, ?, 'organisation', ?, NULL, NULL, 'annex.read', 'annex', ?, ?, ?, ?, NULL, NULL, 'succeeded', ?, ?)",
        args: [`aud_${String(i).padStart(26, "0")}`, now + i, org(i + 1), `agr_${i % 500}`, `agr_${i % 500}`, org(i), org(i + 1), "0".repeat(64), "0".repeat(64)],
      });
    }
    await client.batch([...events, ...audit], "write");
  }
}

/** A database of `n` rows and the four pages to time in it; `close` removes it. */
async function pagesOf(n: number) {
  const file = tempPath(`feeds-${n}`);
  const { client, deps } = await openProduct(file.path);
  await seed(client, n);
  const ctx = { ...deps, actor: { kind: "organisation", organisationId: org(7), keyId: "key_bench", keyPrefix: "sk_live_benc", scope: "read" } } as Ctx;
  // a page deep in the feed (up to 20 pages in), found once: the deepest that is a full page with more
  // rows after it, as a page in the middle of a long feed is. At 1,000 rows an organisation has two
  // pages, so its deep page is its first; its last page, where the scans run out of rows early, is
  // cheaper than any page in the middle and would not be the same page as the one at 100,000
  const deepest = async (page: (cursor: string | undefined) => Promise<{ data: unknown[]; next_cursor: string | null }>) => {
    let at: string | undefined;
    for (let i = 0; i < 20; i++) {
      const next = (await page(at)).next_cursor;
      if (!next || !(await page(next)).next_cursor) break;
      at = next;
    }
    return at;
  };
  const cursor = await deepest((c) => listEvents({ ctx, limit: 20, cursor: c, order: "desc" }));
  const audited = await deepest((c) => listAudit({ ctx, limit: 20, cursor: c }));
  return {
    pages: {
      events: () => listEvents({ ctx, limit: 20, order: "desc" }),
      "events deep": () => listEvents({ ctx, limit: 20, cursor, order: "desc" }),
      audit: () => listAudit({ ctx, limit: 20 }),
      "audit deep": () => listAudit({ ctx, limit: 20, cursor: audited }),
    } as Record<string, () => Promise<unknown>>,
    close: () => {
      client.close();
      file.remove();
    },
  };
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
const ROUNDS = 5;

export async function benchFeeds(opts: { iterations: number; rows?: [number, number] }): Promise<{ figure: Figure; series: { n: number; ms: Record<string, number> }[] }> {
  const sizes = opts.rows ?? [1000, 100_000];
  const dbs: Awaited<ReturnType<typeof pagesOf>>[] = [];
  try {
    for (const n of sizes) dbs.push(await pagesOf(n));
    // both sizes in every round, one after the other: the machine's drift over the run (a neighbour, the
    // page cache after seeding 100,000 rows) hits both alike instead of one size's whole measurement
    const rounds: Record<string, number>[][] = sizes.map(() => []);
    for (let r = 0; r < ROUNDS; r++) {
      const timed = await timeMs(
        dbs.flatMap((db, i) => Object.entries(db.pages).map(([name, run]) => ({ name: `${sizes[i]} ${name}`, run }))),
        Math.max(1, Math.round(opts.iterations / ROUNDS)),
        5,
      );
      for (const [i, n] of sizes.entries()) rounds[i]!.push(Object.fromEntries(Object.keys(dbs[i]!.pages).map((name) => [name, timed[`${n} ${name}`]!.median])));
    }
    // per page, the median of its rounds' medians: a page takes under a millisecond, so one collection of garbage moves a mean more than the rows do
    const ms = rounds.map((perRound) => Object.fromEntries(Object.keys(perRound[0]!).map((name) => [name, perRound.map((r) => r[name]!)])));
    const small = ms[0]!;
    const large = ms[1]!;
    const ratio = (name: string) => median(large[name]!) / median(small[name]!);
    // the page that grew most, at 100,000 rows against the same page at 1,000
    const worst = Object.keys(large).reduce((w, k) => (ratio(k) > ratio(w) ? k : w));
    const spread = (xs: number[]) => ({ min: Math.min(...xs), median: median(xs), max: Math.max(...xs) });
    return {
      figure: figure(median(large[worst]!), median(small[worst]!), "ms", { ratio: "<=", limit: 1.5 }, 3, spread(large[worst]!)),
      series: sizes.map((n, i) => ({ n, ms: Object.fromEntries(Object.entries(ms[i]!).map(([k, v]) => [k, round(median(v), 3)])) })),
    };
  } finally {
    for (const db of dbs) db.close();
  }
}
