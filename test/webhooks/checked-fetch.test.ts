import { describe, expect, it } from "vitest";
import { parseAtomOrJsonFeedEntries, parseFeedEntries } from "../../src/features/upstream/feed-entries";
import { AddressRefusedError, createCheckedFetch } from "../../src/webhooks/checked-fetch";

// The Worker's upstream feed reader (src/worker.ts): the checked fetch, which asks no address a webhook
// could not be registered with, a redirect's included (docs/rules.md, rules 9 and 14), and the Atom and
// JSON Feed parser. The Worker itself polls a feed in test/worker/upstream-feeds.test.ts.

/** A fake network: answers by URL, records what was asked. */
function network(routes: Record<string, () => Response>) {
  const asked: { url: string; init: RequestInit | undefined }[] = [];
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    asked.push({ url, init });
    const route = routes[url];
    return route ? route() : new Response("not found", { status: 404 });
  }) as typeof fetch;
  return { asked, fetchFn };
}

const redirect =
  (to: string, status = 302) =>
  () =>
    new Response(null, { status, headers: { Location: to } });
const ok =
  (body = "ok") =>
  () =>
    new Response(body, { status: 200, headers: { ETag: '"v1"' } });

/** The refusal a rejected fetch carries, as the intake reads it (the cause's message). */
async function refusal(promise: Promise<unknown>): Promise<AddressRefusedError> {
  const err = await promise.then(
    () => expect.unreachable("the fetch was not refused"),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TypeError);
  const cause = (err as TypeError).cause;
  expect(cause).toBeInstanceOf(AddressRefusedError);
  return cause as AddressRefusedError;
}

describe("the checked fetch (the Worker's fetch of upstream feeds)", () => {
  it("follows redirects itself, sending the same headers, and answers the last response", async () => {
    const { asked, fetchFn } = network({
      "https://feeds.cloudco.example/atom.xml": redirect("/v2/atom.xml", 301),
      "https://feeds.cloudco.example/v2/atom.xml": redirect("https://cdn.cloudco.example/atom.xml", 307),
      "https://cdn.cloudco.example/atom.xml": ok("<feed/>"),
    });
    const checked = createCheckedFetch({ allowInsecure: false }, { fetch: fetchFn, resolveHost: async () => ["93.184.215.14"] });
    const res = await checked("https://feeds.cloudco.example/atom.xml", { headers: { "If-None-Match": '"v0"' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("<feed/>");
    expect(asked.map((a) => a.url)).toEqual(["https://feeds.cloudco.example/atom.xml", "https://feeds.cloudco.example/v2/atom.xml", "https://cdn.cloudco.example/atom.xml"]);
    for (const { init } of asked) {
      expect(init?.redirect).toBe("manual");
      expect(new Headers(init?.headers).get("if-none-match")).toBe('"v0"');
    }
  });

  it.each([
    ["plain http", "http://cdn.cloudco.example/atom.xml", "https_required"],
    ["a private address", "https://10.0.0.7/atom.xml", "private_address"],
    ["a name inside", "https://feeds.internal/atom.xml", "hostname_not_allowed"],
    ["credentials", "https://user:secret@cdn.cloudco.example/atom.xml", "credentials_not_allowed"],
    ["a public name that resolves to a private address", "https://rebound.cloudco.example/atom.xml", "private_address"],
  ])("refuses a redirect to %s before asking it", async (_name, target, rule) => {
    const { asked, fetchFn } = network({ "https://feeds.cloudco.example/atom.xml": redirect(target), [target]: ok() });
    const resolveHost = async (name: string) => (name === "rebound.cloudco.example" ? ["10.1.2.3"] : ["93.184.215.14"]);
    const checked = createCheckedFetch({ allowInsecure: false }, { fetch: fetchFn, resolveHost });
    const refused = await refusal(checked("https://feeds.cloudco.example/atom.xml"));
    expect(refused.violation.rule).toBe(rule);
    expect(refused.message).toContain(rule);
    expect(asked.map((a) => a.url)).toEqual(["https://feeds.cloudco.example/atom.xml"]);
  });

  it("refuses the first address as it refuses a redirect's, asking nothing", async () => {
    const { asked, fetchFn } = network({});
    const checked = createCheckedFetch({ allowInsecure: false }, { fetch: fetchFn, resolveHost: async () => ["127.0.0.1"] });
    expect((await refusal(checked("https://feeds.cloudco.example/atom.xml"))).violation.rule).toBe("private_address");
    expect((await refusal(checked("http://feeds.cloudco.example/atom.xml"))).violation.rule).toBe("https_required");
    expect(asked).toEqual([]);
  });

  it("allows loopback and plain http where the deployment allows them (WEBHOOK_ALLOW_INSECURE), credentials never", async () => {
    const { fetchFn } = network({ "http://127.0.0.1:8080/atom.xml": redirect("http://localhost:8080/feed.json"), "http://localhost:8080/feed.json": ok() });
    const checked = createCheckedFetch({ allowInsecure: true }, { fetch: fetchFn, resolveHost: async () => ["127.0.0.1"] });
    expect((await checked("http://127.0.0.1:8080/atom.xml")).status).toBe(200);
    expect((await refusal(checked("http://user:pw@127.0.0.1:8080/atom.xml"))).violation.rule).toBe("credentials_not_allowed");
  });

  it("gives up after 20 redirects, as the Fetch standard does", async () => {
    const routes: Record<string, () => Response> = {};
    for (let i = 0; i < 30; i++) routes[`https://feeds.cloudco.example/${i}`] = redirect(`/${i + 1}`);
    const { asked, fetchFn } = network(routes);
    const checked = createCheckedFetch({ allowInsecure: false }, { fetch: fetchFn });
    await expect(checked("https://feeds.cloudco.example/0")).rejects.toMatchObject({ cause: { message: "more than 20 redirects" } });
    expect(asked).toHaveLength(21);
  });

  it("answers a redirect itself where the caller does not follow, or to another method than GET", async () => {
    const { asked, fetchFn } = network({ "https://feeds.cloudco.example/atom.xml": redirect("https://elsewhere.example/") });
    const checked = createCheckedFetch({ allowInsecure: false }, { fetch: fetchFn });
    expect((await checked("https://feeds.cloudco.example/atom.xml", { redirect: "manual" })).status).toBe(302);
    expect((await checked("https://feeds.cloudco.example/atom.xml", { method: "POST", body: "x" })).status).toBe(302);
    expect(asked.map((a) => a.url)).toEqual(["https://feeds.cloudco.example/atom.xml", "https://feeds.cloudco.example/atom.xml"]);
  });
});

const ATOM = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>urn:cloudco:changes</id><title>CloudCo sub-processor changes</title><updated>2026-11-21T09:00:00Z</updated>
  <entry><id>tag:cloudco.example,2026:1</id><title type="html">US Analytics &amp;lt;Inc.&amp;gt;</title><published>2026-11-21T09:00:00Z</published>
    <summary>We engage US Analytics &amp; tell you 30 days ahead.</summary><link rel="alternate" href="https://cloudco.example/changes/1"/></entry>
  <entry><title>No id: left out</title><updated>2026-11-20T09:00:00Z</updated></entry>
</feed>`;

const JSON_FEED = JSON.stringify({
  version: "https://jsonfeed.org/version/1.1",
  title: "CloudCo",
  items: [
    {
      id: "urn:subprocessor-registry:cloudco:cr_01TEST:upcoming",
      url: "https://registry.example/public/cloudco#upcoming-cr_01TEST",
      title: "Adds US Analytics Inc.",
      content_text: "US Analytics Inc. (United States), hosting",
      date_published: "2026-11-21T09:00:00Z",
      _subprocessor_registry: { change_request_id: "cr_01TEST", status: "upcoming", notice_ends_at: "2026-12-20T23:00:00.000Z" },
    },
  ],
});

const RSS = `<?xml version="1.0"?><rss version="2.0"><channel><title>CloudCo</title><link>https://cloudco.example/</link><description>Changes</description>
  <item><guid>https://cloudco.example/changes/1</guid><title>US Analytics Inc.</title><pubDate>Sat, 21 Nov 2026 09:00:00 GMT</pubDate></item></channel></rss>`;

describe("the Worker's feed parser reads Atom and JSON Feed as the Node service's does", () => {
  it.each([
    ["Atom", ATOM],
    ["JSON Feed", JSON_FEED],
  ])("%s: the same entries", (_name, text) => {
    const entries = parseAtomOrJsonFeedEntries(text);
    expect(entries).toHaveLength(1);
    expect(entries).toEqual(parseFeedEntries(text));
  });

  it("reads the Atom entry's text, link and date, and the JSON Feed item's deadline from its extension", () => {
    expect(parseAtomOrJsonFeedEntries(ATOM)[0]).toMatchObject({
      title: "US Analytics <Inc.>",
      summary: "We engage US Analytics & tell you 30 days ahead.",
      link: "https://cloudco.example/changes/1",
      date: new Date("2026-11-21T09:00:00Z"),
      noticeEndsAt: null,
    });
    expect(parseAtomOrJsonFeedEntries(JSON_FEED)[0]!.noticeEndsAt).toEqual(new Date("2026-12-20T23:00:00.000Z"));
  });

  it.each([
    ["RSS (read on Node only)", RSS, /RSS/],
    ["an HTML page", "<html><body>Not a feed</body></html>", /./],
    ["JSON that is no feed", '{"hello":"world"}', /./],
    ["nothing", "", /./],
  ])("throws on %s", (_name, text, message) => {
    expect(() => parseAtomOrJsonFeedEntries(text)).toThrow(message);
  });

  it("Node's parser still reads RSS", () => {
    expect(parseFeedEntries(RSS)).toMatchObject([{ title: "US Analytics Inc.", link: null, date: new Date("2026-11-21T09:00:00Z") }]);
  });
});
