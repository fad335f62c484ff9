// At the edge every database round trip costs 5–50 ms (Workers + Turso). A list's round trips
// must not grow with its page size: related rows come with one IN (…) query, never one per row.
// Counted at the Hrana server, as the Worker reaches Turso.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestContext } from "./helpers/app";
import { startAppOverHrana } from "./helpers/app-over-hrana";
import { addBackupOp, createActiveAgreement, createOrg, type TestOrg } from "./helpers/factories";

describe("round trips of a list do not grow with its page size (libSQL over HTTP)", () => {
  let over: Awaited<ReturnType<typeof startAppOverHrana>>;
  let t: TestContext;
  let processor: TestOrg;
  let controller: TestOrg;

  beforeAll(async () => {
    over = await startAppOverHrana("edge");
    ({ t } = over);
    processor = await createOrg(t, "Omsorgspartner ApS");
    controller = await createOrg(t, "Aarhus Kommune");
    const agreements = [];
    for (let i = 0; i < 12; i++) agreements.push((await createActiveAgreement(t, processor, controller)).id);
    for (let i = 0; i < 12; i++)
      expect((await t.call(processor.key, "POST", "/v1/change-requests", { agreements: [agreements[i]], operations: [addBackupOp(`b${i}`)], reason: "Backup" })).status).toBe(201);
    // the processor's sub-processor announces 12 changes of its own: 12 upstream changes, 12 drafts (docs/rules.md, rule 14)
    const provider = await createOrg(t, "NordHost A/S");
    const upstream = (await createActiveAgreement(t, provider, processor)).id;
    const source = await t.call(processor.key, "POST", "/v1/upstream-sources", { sub_processor_ref: "nordhost", kind: "register", upstream_agreement_id: upstream });
    expect(source.status, JSON.stringify(source.body)).toBe(201);
    for (let i = 0; i < 12; i++)
      expect((await t.call(provider.key, "POST", "/v1/change-requests", { agreements: [upstream], operations: [addBackupOp(`u${i}`)], reason: "Backup" })).status).toBe(201);
    expect((await t.call(t.operatorKey, "POST", "/v1/test-clock/advance", { seconds: 60 })).status).toBe(200);
    expect((await t.call(processor.key, "GET", "/v1/upstream-changes?limit=100")).body.data).toHaveLength(12);
    // each key used once: its last use is noted at most once a minute, outside what is counted
    for (const key of [processor.key, controller.key]) await t.call(key, "GET", "/v1/agreements?limit=1");
  }, 60_000);

  afterAll(() => over?.close());

  const count = async (key: string, url: string) => {
    const from = over.roundTrips();
    const res = await t.call(key, "GET", url);
    expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBe(200);
    return over.roundTrips() - from;
  };

  it.each([
    ["agreements", "/v1/agreements"],
    ["decisions", "/v1/decisions"],
    ["change requests", "/v1/change-requests"],
    ["events", "/v1/events"],
    ["audit records", "/v1/audit"],
    ["upstream sources", "/v1/upstream-sources"],
    ["upstream changes", "/v1/upstream-changes"],
    ["change request drafts", "/v1/change-request-drafts"],
  ])("%s: a page of 2 and a page of 10 cost the same round trips", async (_name, url) => {
    const small = await count(processor.key, `${url}?limit=2`);
    const large = await count(processor.key, `${url}?limit=10`);
    expect(large, `${url}: ${small} round trips for 2 rows, ${large} for 10`).toBe(small);
    // the key, then the page with what presenting it needs, read together (issue goal: any list ≤ 2 at any page size)
    expect(large, url).toBeLessThanOrEqual(2);
    if (process.env.SHOW_ROUND_TRIPS) console.log(`${url}: ${large} round trips`);
  });

  it("an annex read and a decision: few round trips, counted", async () => {
    const agreement = (await t.call(controller.key, "GET", "/v1/agreements?limit=1")).body.data[0].id;
    const decision = (await t.call(controller.key, "GET", "/v1/decisions?limit=1")).body.data[0].id;
    const annex = await count(controller.key, `/v1/agreements/${agreement}/annex`);
    const one = await count(controller.key, `/v1/decisions/${decision}`);
    if (process.env.SHOW_ROUND_TRIPS) console.log(`annex read: ${annex} round trips; decision: ${one} round trips`);
    // its reads with the key, then its audit record
    expect(annex).toBe(2);
    // the key, the decision, and its request, agreement and parties read together
    expect(one).toBeLessThanOrEqual(3);
  });
});
