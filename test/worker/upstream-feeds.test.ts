/**
 * The Worker polls upstream feeds (docs/rules.md, rule 14): the real Worker build in workerd, in test mode,
 * its scheduler run by moving the test clock over HTTP (the same dependencies as its Cron Trigger), reads
 * an Atom feed and a JSON Feed served by this test on 127.0.0.1 (workerd reaches loopback here; the
 * deployment allows it with WEBHOOK_ALLOW_INSECURE=1, as the webhook tests do), through the checked fetch:
 * a redirect is followed, and one to an address a webhook could not have is refused.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callOverHttp, type HttpApi } from "../helpers/app";
import { address, baselineAnnex, createActiveAgreement, createOrg, nextCvr, type TestOrg } from "../helpers/factories";
import { startWorkerOnFile } from "../helpers/worker";

const OPERATOR_KEY = "sk_live_worker_feeds_operator_0000";

const subProcessor = (ref: string, legalName: string) => ({
  ref,
  legal_name: legalName,
  registration: { scheme: "dk_cvr", number: nextCvr() },
  address: address("DK", "Aarhus"),
  description: "Hosting of the care system",
  locations: ["dc-dk"],
});

const ATOM = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>urn:cloudco:changes</id><title>CloudCo sub-processor changes</title><updated>2026-11-21T09:00:00Z</updated>
  <entry><id>tag:cloudco.example,2026:1</id><title>US Analytics Inc.</title><published>2026-11-21T09:00:00Z</published>
    <summary>We engage US Analytics Inc. &amp; tell you 30 days ahead.</summary><link rel="alternate" href="https://cloudco.example/changes/1"/></entry>
</feed>`;

const JSON_FEED = JSON.stringify({
  version: "https://jsonfeed.org/version/1.1",
  title: "MailCo",
  items: [
    {
      id: "urn:subprocessor-registry:mailco:cr_01TEST:upcoming",
      url: "https://registry.example/public/mailco#upcoming-cr_01TEST",
      title: "Adds EU Mail GmbH",
      content_text: "EU Mail GmbH (Germany), e-mail delivery",
      date_published: "2026-11-21T09:00:00Z",
      _subprocessor_registry: { change_request_id: "cr_01TEST", status: "upcoming", notice_ends_at: "2026-12-20T23:00:00.000Z" },
    },
  ],
});

const RSS = `<?xml version="1.0"?><rss version="2.0"><channel><title>RssCo</title><link>https://rssco.example/</link><description>Changes</description>
  <item><guid>https://rssco.example/changes/1</guid><title>A new data centre</title></item></channel></rss>`;

describe("the Worker in workerd polls upstream feeds", { timeout: 60_000 }, () => {
  let fixture: Awaited<ReturnType<typeof startWorkerOnFile>> | undefined;
  let api: HttpApi;
  let server: Server | undefined;
  let origin = "";
  const requests: { path: string; headers: IncomingHttpHeaders }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push({ path: req.url ?? "", headers: req.headers });
      if (req.url === "/moved.xml") return void res.writeHead(301, { Location: "/atom.xml" }).end();
      if (req.url === "/atom.xml") return void res.writeHead(200, { "Content-Type": "application/atom+xml", ETag: '"a1"' }).end(ATOM);
      if (req.url === "/feed.json") return void res.writeHead(200, { "Content-Type": "application/feed+json" }).end(JSON_FEED);
      if (req.url === "/rss.xml") return void res.writeHead(200, { "Content-Type": "application/rss+xml" }).end(RSS);
      // credentials in the address: refused in every mode, so never asked
      if (req.url === "/sneaky.xml") return void res.writeHead(302, { Location: `http://user:secret@127.0.0.1:${(server!.address() as AddressInfo).port}/atom.xml` }).end();
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    fixture = await startWorkerOnFile({ name: "worker-feeds", operatorKey: OPERATOR_KEY, vars: { TEST_CLOCK: "1", WEBHOOK_ALLOW_INSECURE: "1" } });
    api = { call: callOverHttp(fixture.url), operatorKey: OPERATOR_KEY };
  }, 120_000); // the first workerd start (and the esbuild bundle) can be slow on a cold machine

  afterAll(async () => {
    await fixture?.stop();
    await new Promise((resolve) => server?.close(resolve));
  });

  it("receives an Atom entry (behind a redirect) and a JSON Feed item once each, as drafts; refuses a redirect to credentials; tells an RSS feed it is not read", async () => {
    const processor: TestOrg = await createOrg(api, "Omsorgspartner ApS");
    const base = baselineAnnex();
    const annex = {
      locations: base.locations,
      sub_processors: [
        ...base.sub_processors,
        subProcessor("cloudco", "CloudCo ApS"),
        subProcessor("mailco", "MailCo ApS"),
        subProcessor("sneakyco", "SneakyCo ApS"),
        subProcessor("rssco", "RssCo ApS"),
      ],
    };
    const agreement = await createActiveAgreement(api, processor, await createOrg(api, "Kommune"), { annex });
    const source = async (ref: string, path: string) => {
      const res = await api.call(processor.key, "POST", "/v1/upstream-sources", { sub_processor_ref: ref, kind: "feed", feed_url: `${origin}${path}` });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as string;
    };
    const atom = await source("cloudco", "/moved.xml");
    const json = await source("mailco", "/feed.json");
    const sneaky = await source("sneakyco", "/sneaky.xml");
    const rss = await source("rssco", "/rss.xml");

    // the scheduler runs at the test clock's new instant, in the Worker, with the Worker's feed reader
    const moved = await api.call(OPERATOR_KEY, "POST", "/v1/test-clock/advance", { seconds: 60 });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);

    const sourceOf = async (id: string) => (await api.call(processor.key, "GET", `/v1/upstream-sources/${id}`)).body;
    expect(await sourceOf(atom)).toMatchObject({ last_poll_error: null, last_polled_at: expect.any(String) });
    expect(await sourceOf(json)).toMatchObject({ last_poll_error: null, last_polled_at: expect.any(String) });
    expect((await sourceOf(sneaky)).last_poll_error).toContain("credentials_not_allowed");
    // RSS is read on Node only: the Worker's bundle has no room for feedsmith's RSS parser
    expect((await sourceOf(rss)).last_poll_error).toContain("an RSS feed is not read on this deployment");

    const changes = (await api.call(processor.key, "GET", "/v1/upstream-changes")).body.data as {
      title: string;
      source: { id: string };
      deadline_at: string;
      link: string | null;
      draft: { id: string } | null;
    }[];
    expect(changes).toHaveLength(2);
    const fromAtom = changes.find((c) => c.source.id === atom)!;
    const fromJson = changes.find((c) => c.source.id === json)!;
    // no extension: the entry's date plus the source's window (30 days)
    expect(fromAtom).toMatchObject({ title: "US Analytics Inc.", link: "https://cloudco.example/changes/1", deadline_at: "2026-12-21T09:00:00.000Z" });
    // this register's own JSON Feed: the deadline is the extension's notice end
    expect(fromJson).toMatchObject({ title: "Adds EU Mail GmbH", deadline_at: "2026-12-20T23:00:00.000Z" });
    for (const change of [fromAtom, fromJson]) {
      const draft = await api.call(processor.key, "GET", `/v1/change-request-drafts/${change.draft!.id}`);
      expect(draft.status).toBe(200);
      expect(draft.body.agreements.map((a: { agreement_id: string }) => a.agreement_id)).toEqual([agreement.id]);
    }

    // what was asked: the redirect and its target with the poller's headers; the credentials' address never
    expect(requests.map((r) => r.path).sort()).toEqual(["/atom.xml", "/feed.json", "/moved.xml", "/rss.xml", "/sneaky.xml"]);
    expect(requests.find((r) => r.path === "/atom.xml")!.headers["user-agent"]).toContain("upstream feed poller");

    // an hour later: a conditional request (If-None-Match from the ETag), nothing received twice
    expect((await api.call(OPERATOR_KEY, "POST", "/v1/test-clock/advance", { seconds: 3600 })).status).toBe(200);
    expect(requests.filter((r) => r.path === "/atom.xml").at(-1)!.headers["if-none-match"]).toBe('"a1"');
    expect((await api.call(processor.key, "GET", "/v1/upstream-changes")).body.data).toHaveLength(2);
  });
});
