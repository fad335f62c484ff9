import type { Db } from "./client";

const cache = new WeakMap<Db, Map<string, unknown>>();

/**
 * A drizzle query built and prepared once per database, for the hot paths: building a query
 * costs drizzle about 100 µs, more than SQLite takes to run a prepared one (npm run bench:
 * annex read). Prepared queries run outside transactions; code inside one builds its own.
 */
export function prepared<T>(db: Db, name: string, build: (db: Db) => T): T {
  let queries = cache.get(db);
  if (!queries) {
    queries = new Map();
    cache.set(db, queries);
  }
  let query = queries.get(name) as T | undefined;
  if (!query) {
    query = build(db);
    queries.set(name, query);
  }
  return query;
}
