import type { TestContext } from "./app";

/** The agreements, their annexes and the change procedure. */
const PROCEDURE_TABLES = ["organisations", "api_keys", "agreements", "agreement_terms", "annex_versions", "change_requests", "decisions", "events"] as const;

/** Row counts of the tables a refused request must leave untouched: the procedure's and the webhooks'. */
export const COUNTED_TABLES = [...PROCEDURE_TABLES, "webhook_endpoints", "deliveries", "users", "sign_in_tokens", "user_sessions", "mails"] as const;

/** Every table that holds state (a refused request, or a read, leaves each as it was). */
export const STATE_TABLES = [...COUNTED_TABLES, "delivery_attempts", "audit_records", "idempotency_keys", "legal_data_checks"] as const;

export async function snapshotCounts(t: TestContext): Promise<Record<(typeof COUNTED_TABLES)[number], number>> {
  const counts = {} as Record<(typeof COUNTED_TABLES)[number], number>;
  for (const table of COUNTED_TABLES) {
    const rs = await t.client.execute(`SELECT count(*) AS n FROM ${table}`);
    counts[table] = Number(rs.rows[0]!.n);
  }
  return counts;
}

/** Every row of every table that holds state. */
export async function dumpState(t: TestContext): Promise<Record<string, unknown[]>> {
  const dump: Record<string, unknown[]> = {};
  for (const table of STATE_TABLES) dump[table] = (await t.client.execute(`SELECT * FROM ${table} ORDER BY rowid`)).rows.map((r) => ({ ...r }));
  return dump;
}

/** Every row of the tables that hold state, to assert that a refused request changed nothing. */
export async function snapshotState(t: TestContext): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of PROCEDURE_TABLES) out[table] = (await t.client.execute(`SELECT * FROM ${table} ORDER BY rowid`)).rows.map((r) => ({ ...r }));
  return out;
}
