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

async function pageMs(n: number, iterations: number) {
  const file = tempPath(`feeds-${n}`);
  const { client, deps } = await openProduct(file.path);
  try {
    await seed(client, n);
    const ctx = { ...deps, actor: { kind: "organisation", organisationId: org(7), keyId: "key_bench", keyPrefix: "sk_live_benc", scope: "read" } } as Ctx;
    // a page deep in the feed (up to 20 pages in), found once: the deepest that is still a full page,
    // so that the page at 1,000 rows (where the organisation has only a few pages) returns as many rows
    // as the page at 100,000 it is compared with
    const deepest = async (page: (cursor: string | undefined) => Promise<{ data: unknown[]; next_cursor: string | null }>) => {
      let at: string | undefined;
      for (let i = 0; i < 20; i++) {
        const next = (await page(at)).next_cursor;
        if (!next || (await page(next)).data.length < 20) break;
        at = next;
      }
      return at;
    };
    const cursor = await deepest((c) => listEvents({ ctx, limit: 20, cursor: c, order: "desc" }));
    const audited = await deepest((c) => listAudit({ ctx, limit: 20, cursor: c }));
    const ms = await timeMs(
      [
        { name: "events", run: () => listEvents({ ctx, limit: 20, order: "desc" }) },
        { name: "events deep", run: () => listEvents({ ctx, limit: 20, cursor, order: "desc" }) },
        { name: "audit", run: () => listAudit({ ctx, limit: 20 }) },
        { name: "audit deep", run: () => listAudit({ ctx, limit: 20, cursor: audited }) },
      ],
      iterations,
      5,
    );
    return ms;
  } finally {
    client.close();
    file.remove();
  }
}

export async function benchFeeds(opts: { iterations: number; rows?: [number, number] }): Promise<{ figure: Figure; series: { n: number; ms: Record<string, number> }[] }> {
  const series = [];
  for (const n of opts.rows ?? [1000, 100_000]) series.push({ n, ms: await pageMs(n, opts.iterations) });
  const small = series[0]!.ms;
  const large = series[1]!.ms;
  // the slowest of the four pages at 100,000 rows against the same page at 1,000, by their medians:
  // a page takes about a millisecond, so one collection of garbage moves a mean more than the rows do
  const worst = Object.keys(large).reduce((w, k) => (large[k]!.median / small[k]!.median > large[w]!.median / small[w]!.median ? k : w));
  return {
    figure: figure(large[worst]!.median, small[worst]!.median, "ms", { ratio: "<=", limit: 1.5 }, 3, large[worst]),
    series: series.map((s) => ({ n: s.n, ms: Object.fromEntries(Object.entries(s.ms).map(([k, v]) => [k, round(v.median, 3)])) })),
  };
}
