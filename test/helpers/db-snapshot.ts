import type { TestContext } from "./app";

const TABLES = ["organisations", "api_keys", "agreements", "agreement_terms", "annex_versions", "change_requests", "decisions", "events"] as const;

/** Every table that holds state (a refused request, or a read, leaves each as it was). */
export const STATE_TABLES = [
  "organisations",
  "api_keys",
  "agreements",
  "agreement_terms",
  "annex_versions",
  "change_requests",
  "decisions",
  "events",
  "webhook_endpoints",
  "deliveries",
  "delivery_attempts",
  "audit_records",
  "idempotency_keys",
  "legal_data_checks",
] as const;

/** Every row of every table that holds state. */
export async function dumpState(t: TestContext): Promise<Record<string, unknown[]>> {
  const dump: Record<string, unknown[]> = {};
  for (const table of STATE_TABLES) dump[table] = (await t.client.execute(`SELECT * FROM ${table} ORDER BY rowid`)).rows.map((r) => ({ ...r }));
  return dump;
}

/** Every row of the tables that hold state, to assert that a refused request changed nothing. */
export async function snapshotState(t: TestContext): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of TABLES) out[table] = (await t.client.execute(`SELECT * FROM ${table} ORDER BY rowid`)).rows.map((r) => ({ ...r }));
  return out;
}
