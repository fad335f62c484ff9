import type { BatchItem } from "drizzle-orm/batch";
import { readTogether } from "../../db/read-together";
import type { DbOrTx } from "../../db/client";

/**
 * A page of rows a party may see through any of several columns (processor, controller,
 * organisation), in time independent of the table's size: one query per column, each reading at
 * most `n` rows along its own index in key order (no OR across indexes, no temporary sort), sent
 * together, then merged. A row seen through two columns counts once.
 */
export async function mergeVisibilityPaths<R extends Record<string, unknown>, K extends string | number>(
  db: DbOrTx,
  queries: [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]],
  keyOf: (r: R) => K,
  order: "asc" | "desc",
  n: number,
): Promise<R[]> {
  const results = (await readTogether(db, queries)) as unknown as R[][];
  const byKey = new Map<K, R>();
  for (const rows of results) for (const r of rows) byKey.set(keyOf(r), r);
  const sorted = [...byKey.values()].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  if (order === "desc") sorted.reverse();
  return sorted.slice(0, n);
}
