import { type AtomFeed, detectAtomFeed, detectRssFeed, parseAtomFeed, parseFeed, parseJsonFeed, type JsonFeed, type RssFeed } from "feedsmith";
import { entryKey, type FeedEntry } from "../../domain/upstream";

// The entries of an upstream feed (docs/rules.md, rule 14), read with feedsmith, on Node and on the
// Worker alike (the Worker without RSS). The entries wire it in (`Deps.feeds`) and the scheduler's
// service never imports it: its XML parser is a large part of the Worker's bundle.

/** Entries read from one feed at most: a feed lists its latest changes, never its whole history. */
const MAX_ENTRIES = 200;
const SUMMARY_MAX = 2000;

const dateOf = (raw: unknown): Date | null => {
  if (typeof raw !== "string" && !(raw instanceof Date)) return null;
  const at = new Date(raw);
  return Number.isNaN(at.getTime()) ? null : at;
};

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** The text of an HTML fragment: tags dropped, the common entities decoded, white space collapsed. */
function textOf(html: string | undefined): string {
  if (!html) return "";
  return html
    .replace(/<[^>]*>/g, " ")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === "#") {
        const code = e[1] === "x" || e[1] === "X" ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
        return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m;
      }
      return ENTITIES[e.toLowerCase()] ?? m;
    })
    .replace(/\s+/g, " ")
    .trim();
}

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** The `_subprocessor_registry.notice_ends_at` of each JSON Feed item by its id: feedsmith keeps no extensions, so they are read from the JSON itself. */
function jsonExtensions(text: string): Map<string, Date | null> {
  const found = new Map<string, Date | null>();
  const items = (JSON.parse(text) as { items?: unknown }).items;
  if (!Array.isArray(items)) return found;
  for (const item of items) {
    if (typeof item !== "object" || item === null) continue;
    const { id, _subprocessor_registry: ext } = item as { id?: unknown; _subprocessor_registry?: { notice_ends_at?: unknown } };
    if (typeof id === "string" || typeof id === "number") found.set(String(id), dateOf(ext?.notice_ends_at));
  }
  return found;
}

/** Collects entries as the feed lists them, at most `MAX_ENTRIES`, leaving out those without an id. */
function collector() {
  const entries: FeedEntry[] = [];
  const add = (id: string | undefined, e: Omit<FeedEntry, "key">) => {
    if (id && entries.length < MAX_ENTRIES) entries.push({ key: entryKey(id), ...e, title: clip(e.title || id, 500), summary: clip(e.summary, SUMMARY_MAX) });
  };
  return { entries, add };
}

function atomEntries(feed: AtomFeed.Feed<string>): FeedEntry[] {
  const { entries, add } = collector();
  for (const e of feed.entries ?? []) {
    const link = e.links?.find((l) => !l.rel || l.rel === "alternate")?.href ?? e.links?.[0]?.href ?? null;
    add(e.id, {
      title: textOf(e.title?.value),
      summary: textOf(e.summary?.value ?? e.content?.value),
      link: link ?? null,
      date: dateOf(e.published) ?? dateOf(e.updated),
      noticeEndsAt: null,
    });
  }
  return entries;
}

function jsonEntries(feed: JsonFeed.Feed<string>, text: string): FeedEntry[] {
  const { entries, add } = collector();
  const extensions = jsonExtensions(text);
  for (const item of feed.items ?? []) {
    add(item.id, {
      title: textOf(item.title),
      summary: item.summary ?? item.content_text ?? textOf(item.content_html),
      link: item.url ?? item.external_url ?? null,
      date: dateOf(item.date_published) ?? dateOf(item.date_modified),
      noticeEndsAt: item.id ? (extensions.get(item.id) ?? null) : null,
    });
  }
  return entries;
}

function rssEntries(feed: RssFeed.Feed<string>): FeedEntry[] {
  const { entries, add } = collector();
  for (const item of feed.items ?? []) {
    add(item.guid?.value ?? item.link, {
      title: textOf(item.title),
      summary: textOf(item.description),
      link: item.link ?? null,
      date: dateOf(item.pubDate),
      noticeEndsAt: null,
    });
  }
  return entries;
}

/**
 * The entries of an Atom, JSON Feed or RSS document, newest first as the feed lists them; throws
 * when the text is none of them. An entry without an id (RSS: a guid or a link) is left out: it
 * could not be told apart from the next.
 */
export function parseFeedEntries(text: string): FeedEntry[] {
  const parsed = parseFeed(text, { maxItems: MAX_ENTRIES });
  switch (parsed.format) {
    case "atom":
      return atomEntries(parsed.feed);
    case "json":
      return jsonEntries(parsed.feed, text);
    case "rss":
      return rssEntries(parsed.feed);
    default:
      throw new Error(`a ${parsed.format} feed is not read: the register reads Atom, JSON Feed and RSS`);
  }
}

/**
 * The entries of an Atom or JSON Feed document, read as `parseFeedEntries` reads them; throws on
 * anything else, RSS included. The Worker's reader: the formats of docs/rules.md, rule 14, without
 * feedsmith's RSS parser, which its bundle has no room for (`npm run bench -- --only bundle`).
 */
export function parseAtomOrJsonFeedEntries(text: string): FeedEntry[] {
  if (detectRssFeed(text)) throw new Error("an RSS feed is not read on this deployment: it reads Atom and JSON Feed");
  if (detectAtomFeed(text)) return atomEntries(parseAtomFeed(text, { maxItems: MAX_ENTRIES }));
  return jsonEntries(parseJsonFeed(text, { maxItems: MAX_ENTRIES }), text);
}
