import { createClient, type InStatement, type InValue } from "@libsql/client";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { migrateDatabase } from "../../db/migrate";
import { createTestContext } from "../helpers/app";
import { addBackupOp, createActiveAgreement, createOrg } from "../helpers/factories";

// The events feed and the audit list answer any page in time independent of the table's size:
// each way a party sees a row is read along its own index in key order, and SQLite's plan for
// every statement they send has no temporary B-tree (no sort of everything that matched).

const paths: string[] = [];
afterEach(() => {
  for (const p of paths.splice(0)) for (const s of ["", "-wal", "-shm"]) rmSync(p + s, { force: true });
});

describe("constant-time feeds", () => {
  it("every statement of GET /v1/events and GET /v1/audit (an organisation's, filtered or not, any page) runs without a temporary sort", async () => {
    const path = join(tmpdir(), `feeds-plan-${crypto.randomUUID()}.db`);
    paths.push(path);
    const client = createClient({ url: `file:${path}` });
    await migrateDatabase(client);
    // record every SELECT the app sends
    const seen: { sql: string; args: InValue[] }[] = [];
    const recording = new Proxy(client, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop === "execute")
          return (stmt: InStatement, args?: unknown) => {
            seen.push(typeof stmt === "string" ? { sql: stmt, args: (args as InValue[] | undefined) ?? [] } : { sql: stmt.sql, args: (stmt.args as InValue[] | undefined) ?? [] });
            return target.execute(stmt as never, args as never);
          };
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const t = await createTestContext({ client: recording });
    const processor = await createOrg(t, "Omsorgspartner ApS");
    const controller = await createOrg(t, "Aarhus Kommune");
    const agreement = await createActiveAgreement(t, processor, controller);
    for (let i = 0; i < 3; i++) await t.call(processor.key, "POST", "/v1/change-requests", { agreements: [agreement.id], operations: [addBackupOp(`b${i}`)], reason: "Backup" });
    const first = await t.call(controller.key, "GET", "/v1/events?limit=2");
    seen.length = 0;
    for (const path of [
      "/v1/events?limit=2",
      `/v1/events?limit=2&cursor=${first.body.next_cursor}`,
      "/v1/events?limit=2&order=asc",
      "/v1/events?limit=2&type=change_request.submitted",
      `/v1/events?limit=2&agreement_id=${agreement.id}`,
      "/v1/audit?limit=2",
      "/v1/audit?limit=2&action=annex.read",
      `/v1/audit?limit=2&agreement_id=${agreement.id}`,
    ]) {
      for (const key of [controller.key, processor.key]) expect((await t.call(key, "GET", path)).status, path).toBe(200);
    }
    const reads = seen.filter((s) => /^\s*select/i.test(s.sql) && /from "(events|audit_records)"/.test(s.sql));
    expect(reads.length).toBeGreaterThan(10);
    for (const s of reads) {
      const plan = (await client.execute({ sql: `EXPLAIN QUERY PLAN ${s.sql}`, args: s.args })).rows.map((r) => String(r.detail));
      expect(plan.join("\n"), s.sql).not.toMatch(/TEMP B-TREE/);
      expect(plan.join("\n"), s.sql).toMatch(/USING (COVERING )?INDEX|USING INTEGER PRIMARY KEY/);
    }
    client.close();
  });
});
