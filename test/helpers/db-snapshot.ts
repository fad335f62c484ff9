import type { TestContext } from "./app";

const TABLES = ["organisations", "api_keys", "agreements", "annex_versions", "change_requests", "decisions", "events"] as const;

/** Every row of the tables that hold state, to assert that a refused request changed nothing. */
export async function snapshotState(t: TestContext): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of TABLES) out[table] = (await t.client.execute(`SELECT * FROM ${table} ORDER BY rowid`)).rows.map((r) => ({ ...r }));
  return out;
}
