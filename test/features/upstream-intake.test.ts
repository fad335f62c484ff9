import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { schema } from "../../db/client";
import type { Deps } from "../../src/deps";
import { noticeEndsAt } from "../../src/domain/decisions";
import { parseFeedEntries } from "../../src/features/upstream/feed-entries";
import { receiveUpstream } from "../../src/features/upstream/intake.service";
import { dueSteps } from "../../src/jobs/due-steps";
import { runDue } from "../../src/jobs/run-due";
import { runScheduled } from "../../src/jobs/scheduler";
import { createGuardedFetch } from "../../src/webhooks/guarded-fetch";
import { createTestContext, DAY, type TestContext } from "../helpers/app";
import { startAppOverHrana } from "../helpers/app-over-hrana";
import { address, baselineAnnex, createActiveAgreement, createOrg, nextCvr, type TestOrg } from "../helpers/factories";

// docs/rules.md, rule 14: a change upstream (in this register, or in a feed) is received once, as an
// upstream change and a draft covering exactly the processor's agreements whose annex has the sub-processor.

const HOUR = 60 * 60 * 1000;

/** An annex with the processor's sub-processor "cloudco" (the upstream processor) besides the baseline. */
const annexWithCloudCo = () => {
  const base = baselineAnnex();
  return {
    locations: base.locations,
    sub_processors: [
      ...base.sub_processors,
      {
        ref: "cloudco",
        legal_name: "CloudCo ApS",
        registration: { scheme: "dk_cvr", number: nextCvr() },
        address: address("DK", "Aarhus"),
        description: "Hosting of the care system",
        locations: ["dc-dk"],
      },
    ],
  };
};

const usAnalyticsOps = () => [
  {
    op: "add_location",
    location: {
      ref: "us-east",
      label: "US East",
      address: { street: "410 Terry Ave N", postal_code: "98109", city: "Seattle", region: "WA", country: "US" },
      activities: ["hosting"],
    },
  },
  {
    op: "add_sub_processor",
    sub_processor: {
      ref: "usana",
      legal_name: "US Analytics Inc.",
      registration: { scheme: "us_ein", number: "91-1646860" },
      address: { street: "410 Terry Ave N", postal_code: "98109", city: "Seattle", country: "US" },
      description: "Status page analytics",
      locations: ["us-east"],
      transfer_mechanism: { type: "sccs_2021_914", module: "module_3" },
    },
  },
];

const counts = async (t: TestContext, processorId: string) => ({
  changes: (await t.db.select().from(schema.upstreamChanges).where(eq(schema.upstreamChanges.processorId, processorId))).length,
  drafts: (await t.db.select().from(schema.changeRequestDrafts).where(eq(schema.changeRequestDrafts.processorId, processorId))).length,
});

const eventTypes = async (t: TestContext, key: string) => ((await t.call(key, "GET", "/v1/events?limit=100")).body.data as { type: string }[]).map((e) => e.type);

async function insertSource(
  t: TestContext,
  values: Partial<typeof schema.upstreamSources.$inferInsert> & Pick<typeof schema.upstreamSources.$inferInsert, "processorId" | "kind">,
) {
  const id = t.deps.newId("upstreamSource");
  await t.db.insert(schema.upstreamSources).values({ id, subProcessorRef: "cloudco", createdAt: t.clock.now(), ...values });
  return id;
}

const sourceRow = async (t: TestContext, id: string) => (await t.db.select().from(schema.upstreamSources).where(eq(schema.upstreamSources.id, id)))[0]!;

describe("an upstream change in this register becomes one draft for exactly the agreements it concerns", () => {
  it("receives a change request on the upstream agreement once, as a draft whose notices end before the upstream deadline", async () => {
    const t = await createTestContext();
    const upstreamProcessor = await createOrg(t, "CloudCo ApS");
    const processor = await createOrg(t, "Omsorgspartner ApS");
    // the processor is the controller of its sub-processor's agreement
    const upstream = await createActiveAgreement(t, upstreamProcessor, processor, { notice_days: 30 });
    const covered: string[] = [];
    for (const days of [10, 14, 20])
      covered.push((await createActiveAgreement(t, processor, await createOrg(t, `Kommune ${days}`), { notice_days: days, annex: annexWithCloudCo() })).id);
    const notCovered = (await createActiveAgreement(t, processor, await createOrg(t, "Kommune uden CloudCo"), { notice_days: 10 })).id;
    await insertSource(t, { processorId: processor.id, kind: "register", upstreamAgreementId: upstream.id });

    // nothing upstream yet: the scheduler has nothing to do there
    expect((await dueSteps(t.deps, t.clock.now())).upstream).toBe(false);
    const submitted = await t.call(upstreamProcessor.key, "POST", "/v1/change-requests", {
      agreements: [upstream.id],
      operations: usAnalyticsOps(),
      reason: "Analytics for our status pages",
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const upstreamDecision = submitted.body.decisions[0];
    expect((await dueSteps(t.deps, t.clock.now())).upstream).toBe(true);

    // the scheduler runs as the test clock moves
    expect((await t.call(t.operatorKey, "POST", "/v1/test-clock/advance", { seconds: 60 })).status).toBe(200);

    const changes = await t.db.select().from(schema.upstreamChanges).where(eq(schema.upstreamChanges.processorId, processor.id));
    expect(changes).toHaveLength(1);
    const change = changes[0]!;
    expect(change).toMatchObject({ state: "open", upstreamDecisionId: upstreamDecision.id, entryKey: upstreamDecision.id, summary: "Analytics for our status pages" });
    expect(change.deadlineAt.toISOString()).toBe(upstreamDecision.notice_ends_at);
    expect(change.title).toContain("US Analytics Inc.");

    const drafts = await t.db.select().from(schema.changeRequestDrafts).where(eq(schema.changeRequestDrafts.processorId, processor.id));
    expect(drafts).toHaveLength(1);
    const draft = drafts[0]!;
    expect(draft).toMatchObject({ state: "draft", upstreamChangeId: change.id, changeRequestId: null });
    expect(draft.agreements.map((a) => a.agreement_id).sort()).toEqual([...covered].sort());
    expect(draft.agreements.map((a) => a.agreement_id)).not.toContain(notCovered);
    expect(draft.noticeEndBy!.getTime()).toBe(change.deadlineAt.getTime() - 5 * DAY);
    for (const a of draft.agreements) {
      expect(a.fits, a.agreement_id).toBe(true);
      expect(new Date(a.notice_ends_at).getTime()).toBeLessThanOrEqual(draft.noticeEndBy!.getTime());
    }
    // pre-filled: the US location and the recipient under CloudCo, with its transfer tool
    expect(draft.operations.map((o) => o.op)).toEqual(["add_location", "add_sub_processor"]);
    expect(draft.operations[1]).toMatchObject({
      sub_processor: { ref: "cloudco-usana", parent: "cloudco", locations: ["cloudco-us-east"], transfer_mechanism: { type: "sccs_2021_914", module: "module_3" } },
    });
    expect(draft.reason).toContain("US Analytics Inc.");

    // its operations apply: submitted as they are, to exactly those agreements, it is a change request like any other
    const passedOn = await t.call(processor.key, "POST", "/v1/change-requests", { agreements: covered, operations: draft.operations, reason: draft.reason });
    expect(passedOn.status, JSON.stringify(passedOn.body)).toBe(201);
    expect(passedOn.body.decisions.map((d: { introduces_third_country: boolean }) => d.introduces_third_country)).toEqual([true, true, true]);

    // told to the processor, and only to it
    expect(await eventTypes(t, processor.key)).toContain("upstream_change.received");
    expect(await eventTypes(t, upstreamProcessor.key)).not.toContain("upstream_change.received");
    const event = ((await t.call(processor.key, "GET", "/v1/events?limit=100")).body.data as { type: string; data: any }[]).find((e) => e.type === "upstream_change.received")!;
    expect(event.data.upstream_change).toMatchObject({ id: change.id, deadline_at: upstreamDecision.notice_ends_at });
    expect(event.data.draft).toMatchObject({ id: draft.id, state: "draft" });
    const audit = await t.client.execute({ sql: "SELECT action, resource_id FROM audit_records WHERE action = 'upstream_change.receive'", args: [] });
    expect(audit.rows.map((r) => r.resource_id)).toEqual([change.id]);

    // received once: running again creates nothing more
    await runDue(t.deps, t.clock.now());
    await runDue(t.deps, new Date(t.clock.now().getTime() + HOUR));
    expect(await counts(t, processor.id)).toEqual({ changes: 1, drafts: 1 });
    expect((await dueSteps(t.deps, t.clock.now())).upstream).toBe(false);
    expect((await t.call(t.operatorKey, "GET", "/v1/audit/verify?full=true")).body.valid).toBe(true);
  });

  it("does not receive what came before the source, what another controller's agreement got, or a removed source's changes", async () => {
    const t = await createTestContext();
    const upstreamProcessor = await createOrg(t, "CloudCo ApS");
    const processor = await createOrg(t, "Omsorgspartner ApS");
    const other = await createOrg(t, "Another processor");
    const upstream = await createActiveAgreement(t, upstreamProcessor, processor);
    const othersAgreement = await createActiveAgreement(t, upstreamProcessor, other);
    await createActiveAgreement(t, processor, await createOrg(t, "Kommune"), { annex: annexWithCloudCo() });
    const before = await t.call(upstreamProcessor.key, "POST", "/v1/change-requests", { agreements: [upstream.id], operations: usAnalyticsOps(), reason: "Before" });
    expect(before.status).toBe(201);
    t.clock.advance(HOUR);
    await insertSource(t, { processorId: processor.id, kind: "register", upstreamAgreementId: upstream.id });
    // a source naming an agreement where the processor is not the controller finds nothing
    await insertSource(t, { processorId: processor.id, kind: "register", upstreamAgreementId: othersAgreement.id });
    await insertSource(t, { processorId: processor.id, kind: "register", upstreamAgreementId: upstream.id, removedAt: t.clock.now() });
    await t.call(upstreamProcessor.key, "POST", "/v1/change-requests", { agreements: [othersAgreement.id], operations: usAnalyticsOps(), reason: "Other's" });
    await runDue(t.deps, t.clock.now());
    expect(await counts(t, processor.id)).toEqual({ changes: 0, drafts: 0 });
    expect((await dueSteps(t.deps, t.clock.now())).upstream).toBe(false);
  });
});

interface FeedServer {
  url: (path: string) => string;
  requests: { path: string; headers: IncomingHttpHeaders }[];
  set(path: string, body: string, type: string): void;
  mode: "ok" | "error" | "garbage" | "huge";
  close(): Promise<void>;
}

/** A feed on a loopback address that honours If-None-Match with 304, as a well-behaved server does. */
async function startFeedServer(): Promise<FeedServer> {
  const docs = new Map<string, { body: string; type: string; etag: string }>();
  let version = 0;
  const state: FeedServer = {
    url: (path) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    requests: [],
    set: (path, body, type) => {
      docs.set(path, { body, type, etag: `"v${++version}"` });
    },
    mode: "ok",
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    state.requests.push({ path: req.url ?? "", headers: req.headers });
    const doc = docs.get(req.url ?? "");
    if (state.mode === "error") return void res.writeHead(500).end("boom");
    if (state.mode === "garbage") return void res.writeHead(200, { "Content-Type": "text/html" }).end("<html><body>Not a feed</body></html>");
    if (state.mode === "huge") return void res.writeHead(200, { "Content-Type": "application/atom+xml" }).end("x".repeat(1024 * 1024 + 10));
    if (!doc) return void res.writeHead(404).end();
    if (req.headers["if-none-match"] === doc.etag) return void res.writeHead(304, { ETag: doc.etag }).end();
    res.writeHead(200, { "Content-Type": doc.type, ETag: doc.etag, "Last-Modified": "Sat, 21 Nov 2026 09:00:00 GMT" }).end(doc.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return state;
}

const atom = (entries: { id: string; title: string; published: string }[]) =>
  `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>urn:cloudco:changes</id><title>CloudCo sub-processor changes</title><updated>2026-11-21T09:00:00Z</updated>
  ${entries
    .map(
      (e) =>
        `<entry><id>${e.id}</id><title type="text">${e.title}</title><published>${e.published}</published><updated>${e.published}</updated><summary>We engage ${e.title} &amp; tell you 30 days ahead.</summary><link rel="alternate" href="https://cloudco.example/changes/${encodeURIComponent(e.id)}"/></entry>`,
    )
    .join("\n  ")}
</feed>`;

const servers: FeedServer[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

describe("an upstream feed, polled every hour through the address guard", () => {
  /** The scheduler as the Node service runs it: feeds read through the guarded fetch, loopback allowed as in the webhook tests. */
  const withFeeds = (t: TestContext): Deps => ({ ...t.deps, feeds: { fetch: createGuardedFetch({ allowInsecure: true }), parse: parseFeedEntries } });

  async function setup() {
    const t = await createTestContext();
    const processor = await createOrg(t, "Omsorgspartner ApS");
    const agreements: string[] = [];
    for (const days of [10, 30])
      agreements.push((await createActiveAgreement(t, processor, await createOrg(t, `Kommune ${days}`), { notice_days: days, annex: annexWithCloudCo() })).id);
    await createActiveAgreement(t, processor, await createOrg(t, "Kommune uden CloudCo"));
    const feed = await startFeedServer();
    servers.push(feed);
    return { t, processor, agreements, feed, deps: withFeeds(t) };
  }

  it("Atom: the first poll receives each entry, a poll before the hour sends nothing, a repeated poll gets 304 and changes nothing, a new entry is received once", async () => {
    const { t, processor, agreements, feed, deps } = await setup();
    feed.set("/atom.xml", atom([{ id: "tag:cloudco.example,2026:1", title: "US Analytics Inc.", published: "2026-11-21T09:00:00Z" }]), "application/atom+xml");
    const source = await insertSource(t, { processorId: processor.id, kind: "feed", feedUrl: feed.url("/atom.xml") });

    expect((await dueSteps(t.deps, t.clock.now())).upstream).toBe(true);
    await runDue(deps, t.clock.now());
    expect(await counts(t, processor.id)).toEqual({ changes: 1, drafts: 1 });
    const [change] = await t.db.select().from(schema.upstreamChanges).where(eq(schema.upstreamChanges.sourceId, source));
    // no extension: its date plus the source's window (30 days)
    expect(change!.deadlineAt.toISOString()).toBe("2026-12-21T09:00:00.000Z");
    expect(change).toMatchObject({
      entryKey: "tag:cloudco.example,2026:1",
      title: "US Analytics Inc.",
      upstreamDecisionId: null,
      link: "https://cloudco.example/changes/tag%3Acloudco.example%2C2026%3A1",
    });
    const [draft] = await t.db.select().from(schema.changeRequestDrafts).where(eq(schema.changeRequestDrafts.upstreamChangeId, change!.id));
    // prose: nothing pre-filled, the processor fills it in
    expect(draft!.operations).toEqual([]);
    expect(draft!.reason).toContain("US Analytics Inc.");
    expect(draft!.agreements.map((a) => a.agreement_id).sort()).toEqual([...agreements].sort());
    // 10 days' notice fits 16 December 09:00Z; 30 days' does not
    expect(Object.fromEntries(draft!.agreements.map((a) => [a.notice_days, a.fits]))).toEqual({ 10: true, 30: false });
    let row = await sourceRow(t, source);
    expect(row).toMatchObject({ etag: '"v1"', lastModified: "Sat, 21 Nov 2026 09:00:00 GMT", lastPollError: null });
    expect(row.nextPollAt!.getTime()).toBe(t.clock.now().getTime() + HOUR);
    expect(await eventTypes(t, processor.key)).toContain("upstream_change.received");

    // before the hour: not due, nothing is asked
    await runDue(deps, new Date(t.clock.now().getTime() + 30 * 60 * 1000));
    expect(feed.requests).toHaveLength(1);
    expect((await dueSteps(t.deps, new Date(t.clock.now().getTime() + 30 * 60 * 1000))).upstream).toBe(false);

    // after it: a conditional request, 304, nothing new
    t.clock.advance(HOUR);
    await runDue(deps, t.clock.now());
    expect(feed.requests).toHaveLength(2);
    expect(feed.requests[1]!.headers["if-none-match"]).toBe('"v1"');
    expect(feed.requests[1]!.headers["if-modified-since"]).toBe("Sat, 21 Nov 2026 09:00:00 GMT");
    expect(await counts(t, processor.id)).toEqual({ changes: 1, drafts: 1 });
    row = await sourceRow(t, source);
    expect(row.lastPolledAt!.getTime()).toBe(t.clock.now().getTime());
    expect(row.nextPollAt!.getTime()).toBe(t.clock.now().getTime() + HOUR);

    // a new entry: exactly one more
    feed.set(
      "/atom.xml",
      atom([
        { id: "tag:cloudco.example,2026:2", title: "EU Mail GmbH", published: "2026-11-22T10:00:00Z" },
        { id: "tag:cloudco.example,2026:1", title: "US Analytics Inc.", published: "2026-11-21T09:00:00Z" },
      ]),
      "application/atom+xml",
    );
    t.clock.advance(HOUR);
    await runDue(deps, t.clock.now());
    expect(await counts(t, processor.id)).toEqual({ changes: 2, drafts: 2 });
    expect((await sourceRow(t, source)).etag).toBe('"v2"');
    t.clock.advance(HOUR);
    await runDue(deps, t.clock.now());
    expect(await counts(t, processor.id)).toEqual({ changes: 2, drafts: 2 });
    expect((await t.call(t.operatorKey, "GET", "/v1/audit/verify?full=true")).body.valid).toBe(true);
  });

  it("JSON Feed: the deadline is the extension's notice_ends_at; this register's own entry, listed again as applied, is the same change", async () => {
    const { t, processor, feed, deps } = await setup();
    const item = (status: string, notice: string | null) => ({
      id: `urn:subprocessor-registry:cloudco:cr_01TEST:${status}`,
      url: "https://registry.example/public/cloudco#upcoming-cr_01TEST",
      title: "Adds US Analytics Inc.",
      content_text: "US Analytics Inc. (United States), hosting",
      date_published: "2026-11-21T09:00:00Z",
      _subprocessor_registry: { change_request_id: "cr_01TEST", status, notice_ends_at: notice },
    });
    const json = (items: unknown[]) => JSON.stringify({ version: "https://jsonfeed.org/version/1.1", title: "CloudCo", items });
    feed.set("/feed.json", json([item("upcoming", "2026-12-20T23:00:00.000Z")]), "application/feed+json");
    const source = await insertSource(t, { processorId: processor.id, kind: "feed", feedUrl: feed.url("/feed.json"), marginDays: 3 });
    await runDue(deps, t.clock.now());
    const [change] = await t.db.select().from(schema.upstreamChanges).where(eq(schema.upstreamChanges.sourceId, source));
    expect(change!.deadlineAt.toISOString()).toBe("2026-12-20T23:00:00.000Z");
    const [draft] = await t.db.select().from(schema.changeRequestDrafts).where(eq(schema.changeRequestDrafts.upstreamChangeId, change!.id));
    expect(draft!.noticeEndBy!.toISOString()).toBe("2026-12-17T23:00:00.000Z");
    const thirty = draft!.agreements.find((a) => a.notice_days === 30)!;
    expect(thirty.notice_ends_at).toBe(noticeEndsAt(t.clock.now(), 30, "Europe/Copenhagen").toISOString());

    feed.set("/feed.json", json([item("applied", null), item("upcoming", "2026-12-20T23:00:00.000Z")]), "application/feed+json");
    t.clock.advance(HOUR);
    await runDue(deps, t.clock.now());
    expect(await counts(t, processor.id)).toEqual({ changes: 1, drafts: 1 });
  });

  it.each([
    ["a server error", "error" as const, "The feed answered HTTP 500."],
    ["a body that is no feed", "garbage" as const, "Not an Atom or JSON Feed"],
    ["a body over 1 MB", "huge" as const, "more than 1048576 bytes"],
  ])("%s is recorded on the source, tried again in an hour, and nothing else is written", async (_name, mode, error) => {
    const { t, processor, feed, deps } = await setup();
    feed.set("/atom.xml", atom([{ id: "tag:cloudco.example,2026:1", title: "US Analytics Inc.", published: "2026-11-21T09:00:00Z" }]), "application/atom+xml");
    const source = await insertSource(t, { processorId: processor.id, kind: "feed", feedUrl: feed.url("/atom.xml") });
    feed.mode = mode;
    const events = (await t.client.execute("SELECT count(*) AS n FROM events")).rows[0]!.n;
    await runDue(deps, t.clock.now());
    const row = await sourceRow(t, source);
    expect(row.lastPollError).toContain(error);
    expect(row).toMatchObject({ etag: null, lastModified: null });
    expect(row.nextPollAt!.getTime()).toBe(t.clock.now().getTime() + HOUR);
    expect(await counts(t, processor.id)).toEqual({ changes: 0, drafts: 0 });
    expect((await t.client.execute("SELECT count(*) AS n FROM events")).rows[0]!.n).toBe(events);

    // the server mends: the next poll receives the entry and clears the error
    feed.mode = "ok";
    t.clock.advance(HOUR);
    await runDue(deps, t.clock.now());
    expect(await counts(t, processor.id)).toEqual({ changes: 1, drafts: 1 });
    expect((await sourceRow(t, source)).lastPollError).toBeNull();
  });

  it("a run takes a bounded number of entries; the feed stays due, its validators unstored, and the next run takes the rest", async () => {
    const { t, processor, feed, deps } = await setup();
    feed.set("/atom.xml", atom([1, 2, 3].map((n) => ({ id: `tag:cloudco.example,2026:${n}`, title: `Entry ${n}`, published: `2026-11-2${n}T00:00:00Z` }))), "application/atom+xml");
    const source = await insertSource(t, { processorId: processor.id, kind: "feed", feedUrl: feed.url("/atom.xml") });
    expect(await receiveUpstream(deps, t.clock.now(), { changes: 2 })).toEqual({ received: 2, polled: 1 });
    let row = await sourceRow(t, source);
    expect(row.etag).toBeNull();
    expect(row.nextPollAt!.getTime()).toBe(t.clock.now().getTime());
    // oldest first
    const titles = async () => (await t.db.select().from(schema.upstreamChanges).where(eq(schema.upstreamChanges.sourceId, source))).map((c) => c.title).sort();
    expect(await titles()).toEqual(["Entry 1", "Entry 2"]);
    expect(await receiveUpstream(deps, t.clock.now(), { changes: 2 })).toEqual({ received: 1, polled: 1 });
    expect(await titles()).toEqual(["Entry 1", "Entry 2", "Entry 3"]);
    row = await sourceRow(t, source);
    expect(row.etag).toBe('"v1"');
    expect(feed.requests.map((r) => r.headers["if-none-match"] ?? null)).toEqual([null, null]);
  });

  it("at most 10 feeds a run; the rest are polled by the next", async () => {
    const { t, processor, feed, deps } = await setup();
    feed.set("/atom.xml", atom([]), "application/atom+xml");
    for (let i = 0; i < 12; i++) await insertSource(t, { processorId: processor.id, kind: "feed", feedUrl: feed.url("/atom.xml") });
    expect(await receiveUpstream(deps, t.clock.now())).toEqual({ received: 0, polled: 10 });
    expect(await receiveUpstream(deps, t.clock.now())).toEqual({ received: 0, polled: 2 });
    expect(await receiveUpstream(deps, t.clock.now())).toEqual({ received: 0, polled: 0 });
  });
});

describe("the address guard refuses what it refuses for webhooks (docs/rules.md, rule 9)", () => {
  it.each([
    ["plain http to loopback", "http://127.0.0.1:9/atom.xml", "https_required"],
    ["a private address", "https://10.0.0.7/atom.xml", "private_address"],
    ["a name inside", "https://feeds.internal/atom.xml", "hostname_not_allowed"],
    ["a public name that resolves to a private address", "https://feed.cloudco.example/atom.xml", "refusing to connect to 10.1.2.3"],
  ])("%s: refused, recorded, nothing fetched or received", async (_name, url, error) => {
    const t = await createTestContext();
    const processor: TestOrg = await createOrg(t, "Omsorgspartner ApS");
    await createActiveAgreement(t, processor, await createOrg(t, "Kommune"), { annex: annexWithCloudCo() });
    const deps: Deps = {
      ...t.deps,
      webhooks: { ...t.deps.webhooks, allowInsecure: false },
      feeds: {
        // every name resolves to a private address, as a rebinding attacker's would
        fetch: createGuardedFetch({ allowInsecure: false }, { resolve: async () => ["10.1.2.3"] }),
        parse: parseFeedEntries,
      },
    };
    const source = await insertSource(t, { processorId: processor.id, kind: "feed", feedUrl: url });
    await runDue(deps, t.clock.now());
    expect((await sourceRow(t, source)).lastPollError).toContain(error);
    expect(await counts(t, processor.id)).toEqual({ changes: 0, drafts: 0 });
  });

  it("without a feed reader a due feed is told so and tried again in an hour", async () => {
    const t = await createTestContext();
    const processor = await createOrg(t, "Omsorgspartner ApS");
    const source = await insertSource(t, { processorId: processor.id, kind: "feed", feedUrl: "https://feed.cloudco.example/atom.xml" });
    await runDue(t.deps, t.clock.now());
    const row = await sourceRow(t, source);
    expect(row.lastPollError).toContain("does not poll feeds");
    expect(row.nextPollAt!.getTime()).toBe(t.clock.now().getTime() + HOUR);
    expect((await dueSteps(t.deps, t.clock.now())).upstream).toBe(false);
  });
});

describe("at the edge, a scheduler run with nothing upstream costs what it cost before", () => {
  it("sources with nothing new add no round trip: whether there is work is part of the one read of what is due", async () => {
    const over = await startAppOverHrana("upstream-edge");
    try {
      const { t } = over;
      const upstreamProcessor = await createOrg(t, "CloudCo ApS");
      const processor = await createOrg(t, "Omsorgspartner ApS");
      const upstream = await createActiveAgreement(t, upstreamProcessor, processor);
      const count = async () => {
        const from = over.roundTrips();
        await runScheduled(t.deps, t.clock.now());
        return over.roundTrips() - from;
      };
      // the first run has its own work (an audit checkpoint): measured once the scheduler is idle
      await count();
      const without = await count();
      await insertSource(t, { processorId: processor.id, kind: "register", upstreamAgreementId: upstream.id });
      await insertSource(t, { processorId: processor.id, kind: "feed", feedUrl: "https://feed.cloudco.example/atom.xml", nextPollAt: new Date(t.clock.now().getTime() + HOUR) });
      expect(await count()).toBe(without);
    } finally {
      await over.close();
    }
  });
});
