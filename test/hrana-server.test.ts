import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, LibsqlError, type Client } from "@libsql/client/web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHranaServer, type HranaServer } from "./helpers/hrana-server";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function removeDbFiles(path: string): Promise<void> {
  await Promise.all(["", "-wal", "-shm", "-journal"].map((suffix) => rm(path + suffix, { force: true })));
}

/** POSTs a raw Hrana JSON body, for the parts of the protocol the client does not exercise. */
async function post(server: HranaServer, endpoint: string, body: unknown): Promise<{ status: number; body: any; text: string }> {
  const res = await fetch(`${server.url}/${endpoint}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, body: json, text };
}

async function expectLibsqlError(promise: Promise<unknown>): Promise<LibsqlError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(LibsqlError);
    return error as LibsqlError;
  }
  throw new Error("expected the promise to reject");
}

describe("hrana test server", () => {
  const path = join(tmpdir(), `hrana-test-${randomBytes(8).toString("hex")}.db`);
  let server: HranaServer;
  let client: Client;
  const clients: Client[] = [];
  const newClient = (intMode: "number" | "bigint" = "number") => {
    const c = createClient({ url: server.url, intMode });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    server = await startHranaServer({ path });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    client = newClient();
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.close();
    await removeDbFiles(path);
  });

  it("round-trips every value type with positional and named arguments", async () => {
    const big = newClient("bigint");
    await big.execute("CREATE TABLE vals (id INTEGER PRIMARY KEY, i INTEGER, f REAL, t TEXT, b BLOB, n)");
    const blob = new Uint8Array([0, 1, 2, 127, 128, 254, 255]);
    const text = "héllo ✓ 🚀 'quoted' \"double\"\nnewline";
    const ins = await big.execute({
      sql: "INSERT INTO vals (i, f, t, b, n) VALUES (?, ?, ?, ?, ?)",
      args: [9_223_372_036_854_775_807n, 3.25, text, blob, null],
    });
    expect(ins.rowsAffected).toBe(1);
    await big.execute({
      sql: "INSERT INTO vals (i, f, t, b, n) VALUES (:i, @f, $t, :b, :n)",
      args: { i: -9_223_372_036_854_775_808n, "@f": -0.5, $t: "", b: new Uint8Array(), n: 42 },
    });

    const rs = await big.execute("SELECT i, f, t, b, n, typeof(i) AS ti, typeof(f) AS tf, typeof(n) AS tn FROM vals ORDER BY id");
    expect(rs.columns).toEqual(["i", "f", "t", "b", "n", "ti", "tf", "tn"]);
    expect(rs.columnTypes).toEqual(["INTEGER", "REAL", "TEXT", "BLOB", "", "", "", ""]);
    expect(rs.rowsAffected).toBe(0);
    expect(rs.lastInsertRowid).toBeUndefined();
    const [first, second] = rs.rows;
    expect(first?.i).toBe(9_223_372_036_854_775_807n);
    expect(first?.f).toBe(3.25);
    expect(first?.t).toBe(text);
    expect(new Uint8Array(first?.b as ArrayBuffer)).toEqual(blob);
    expect(first?.n).toBeNull();
    expect([first?.ti, first?.tf, first?.tn]).toEqual(["integer", "real", "null"]);
    expect(second?.i).toBe(-9_223_372_036_854_775_808n);
    expect(second?.f).toBe(-0.5);
    expect(second?.t).toBe("");
    expect(new Uint8Array(second?.b as ArrayBuffer)).toEqual(new Uint8Array());
    // A JS number is sent as a float, and a column without type affinity keeps it REAL.
    expect(second?.n).toBe(42);
    expect((await big.execute("SELECT typeof(n) AS tn FROM vals WHERE id = 2")).rows[0]?.tn).toBe("real");

    // Default intMode "number": safe integers come back as numbers, and a whole float stays a float.
    const num = await client.execute({ sql: "SELECT ? AS a, ? AS b, 2.0 AS c, 7 AS d", args: [5, 6n] });
    expect(num.rows[0]).toMatchObject({ a: 5, b: 6, c: 2, d: 7 });
    const types = await client.execute({ sql: "SELECT typeof(?) AS a, typeof(?) AS b", args: [5, 6n] });
    expect(types.rows[0]).toMatchObject({ a: "real", b: "integer" });
  });

  it("reports lastInsertRowid and rowsAffected like sqld", async () => {
    const ddl = await client.execute("CREATE TABLE counters (id INTEGER PRIMARY KEY, name TEXT, n INTEGER NOT NULL DEFAULT 0)");
    expect(ddl.rowsAffected).toBe(0);
    expect(ddl.lastInsertRowid).toBeUndefined();

    const a = await client.execute({ sql: "INSERT INTO counters (name) VALUES (?)", args: ["a"] });
    expect(a.rowsAffected).toBe(1);
    expect(a.lastInsertRowid).toBe(1n);
    const big = await client.execute({ sql: "INSERT INTO counters (id, name) VALUES (?, ?)", args: [9_007_199_254_740_993n, "big"] });
    expect(big.lastInsertRowid).toBe(9_007_199_254_740_993n);
    const multi = await client.execute("INSERT INTO counters (name) VALUES ('b'), ('c') RETURNING name");
    expect(multi.rowsAffected).toBe(2);
    expect(multi.rows.map((r) => r.name)).toEqual(["b", "c"]);
    expect(multi.lastInsertRowid).toBe(9_007_199_254_740_995n);

    const upd = await client.execute("UPDATE counters SET n = n + 1 WHERE name IN ('a', 'b', 'c')");
    expect(upd.rowsAffected).toBe(3);
    expect(upd.lastInsertRowid).toBeUndefined();
    const none = await client.execute("UPDATE counters SET n = 0 WHERE name = 'nobody'");
    expect(none.rowsAffected).toBe(0);
    const del = await client.execute("DELETE FROM counters WHERE name = 'big' RETURNING name");
    expect(del.rowsAffected).toBe(1);
    expect(del.rows).toHaveLength(1);
    // A SELECT after writes on the same connection must not report stale changes().
    const sel = await client.execute("SELECT count(*) AS c FROM counters");
    expect(sel.rowsAffected).toBe(0);
    expect(sel.rows[0]?.c).toBe(3);
  });

  it("surfaces a UNIQUE violation as a LibsqlError with a SQLITE_CONSTRAINT code", async () => {
    await client.execute("CREATE TABLE uniq (email TEXT NOT NULL UNIQUE)");
    await client.execute({ sql: "INSERT INTO uniq VALUES (?)", args: ["x@example.com"] });
    const error = await expectLibsqlError(client.execute({ sql: "INSERT INTO uniq VALUES (?)", args: ["x@example.com"] }));
    expect(error.code).toContain("SQLITE_CONSTRAINT");
    // Like sqld, the primary code by default.
    expect(error.code).toBe("SQLITE_CONSTRAINT");
    expect(error.message).toContain("UNIQUE constraint failed: uniq.email");

    const notNull = await expectLibsqlError(client.execute("INSERT INTO uniq VALUES (NULL)"));
    expect(notNull.code).toBe("SQLITE_CONSTRAINT");
    const syntax = await expectLibsqlError(client.execute("SELEC 1"));
    expect(syntax.code).toBe("SQLITE_ERROR");
    const many = await expectLibsqlError(client.execute("SELECT 1; SELECT 2"));
    expect(many.code).toBe("SQL_MANY_STATEMENTS");
  });

  it("can send extended error codes when asked to", async () => {
    const extended = await startHranaServer({ path, errorCodes: "extended" });
    const c = createClient({ url: extended.url });
    try {
      const error = await expectLibsqlError(c.execute({ sql: "INSERT INTO uniq VALUES (?)", args: ["x@example.com"] }));
      expect(error.code).toBe("SQLITE_CONSTRAINT_UNIQUE");
    } finally {
      c.close();
      await extended.close();
    }
  });

  it("runs a write batch atomically", async () => {
    await client.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT NOT NULL UNIQUE, balance INTEGER NOT NULL)");
    const ok = await client.batch(
      [
        { sql: "INSERT INTO accounts (owner, balance) VALUES (?, ?)", args: ["alice", 100] },
        { sql: "INSERT INTO accounts (owner, balance) VALUES (:o, :b)", args: { o: "bob", b: 50 } },
        "SELECT owner FROM accounts ORDER BY id",
      ],
      "write",
    );
    expect(ok).toHaveLength(3);
    expect(ok[0]?.lastInsertRowid).toBe(1n);
    expect(ok[1]?.rowsAffected).toBe(1);
    expect(ok[2]?.rows.map((r) => r.owner)).toEqual(["alice", "bob"]);

    const error = await expectLibsqlError(
      client.batch(
        [
          { sql: "UPDATE accounts SET balance = balance - 10 WHERE owner = ?", args: ["alice"] },
          { sql: "INSERT INTO accounts (owner, balance) VALUES (?, ?)", args: ["carol", 1] },
          { sql: "INSERT INTO accounts (owner, balance) VALUES (?, ?)", args: ["bob", 1] }, // UNIQUE violation
          { sql: "INSERT INTO accounts (owner, balance) VALUES (?, ?)", args: ["dave", 1] },
        ],
        "write",
      ),
    );
    expect(error.code).toBe("SQLITE_CONSTRAINT");
    const rows = (await client.execute("SELECT owner, balance FROM accounts ORDER BY id")).rows;
    expect(rows.map((r) => [r.owner, r.balance])).toEqual([
      ["alice", 100],
      ["bob", 50],
    ]);
    // The connection of the failed batch was rolled back and can be reused: nothing is left locked.
    await client.execute("UPDATE accounts SET balance = balance + 0");
  });

  it("supports read and deferred batches", async () => {
    const read = await client.batch(["SELECT count(*) AS c FROM accounts", "SELECT 1 AS one"], "read");
    expect(read[0]?.rows[0]?.c).toBe(2);
    expect(read[1]?.rows[0]?.one).toBe(1);
    // "read" sends BEGIN TRANSACTION READONLY, which libsql's engine (and so sqld) parses but does not
    // enforce; a write in a read batch is therefore not rejected here either.

    const deferred = await client.batch([{ sql: "INSERT INTO accounts (owner, balance) VALUES (?, ?)", args: ["erin", 5] }, "SELECT count(*) AS c FROM accounts"], "deferred");
    expect(deferred[1]?.rows[0]?.c).toBe(3);
  });

  it("runs executeMultiple (sequence)", async () => {
    await client.executeMultiple(`
      CREATE TABLE seq_a (x INTEGER);
      -- a comment; with a semicolon
      CREATE TABLE seq_b (y TEXT);
      CREATE TRIGGER seq_a_ins AFTER INSERT ON seq_a BEGIN
        INSERT INTO seq_b VALUES (CASE WHEN new.x > 1 THEN 'big' ELSE 'small' END);
      END;
      INSERT INTO seq_a VALUES (1), (2);
    `);
    const rs = await client.execute("SELECT y FROM seq_b ORDER BY rowid");
    expect(rs.rows.map((r) => r.y)).toEqual(["small", "big"]);
    const error = await expectLibsqlError(client.executeMultiple("INSERT INTO seq_a VALUES (3); INSERT INTO missing VALUES (1);"));
    expect(error.code).toBe("SQLITE_ERROR");
  });

  it("commits an interactive transaction", async () => {
    await client.execute("CREATE TABLE tx_items (id INTEGER PRIMARY KEY, label TEXT)");
    const observer = newClient();
    const tx = await client.transaction("write");
    try {
      const first = await tx.execute({ sql: "INSERT INTO tx_items (label) VALUES (?)", args: ["one"] });
      expect(first.lastInsertRowid).toBe(1n);
      await tx.batch([
        { sql: "INSERT INTO tx_items (label) VALUES (?)", args: ["two"] },
        { sql: "INSERT INTO tx_items (label) VALUES (?)", args: ["three"] },
      ]);
      const inside = await tx.execute("SELECT count(*) AS c FROM tx_items");
      expect(inside.rows[0]?.c).toBe(3);
      // WAL: another connection still sees the last committed state and is not blocked.
      const outside = await observer.execute("SELECT count(*) AS c FROM tx_items");
      expect(outside.rows[0]?.c).toBe(0);
      await tx.commit();
    } finally {
      tx.close();
    }
    const after = await observer.execute("SELECT label FROM tx_items ORDER BY id");
    expect(after.rows.map((r) => r.label)).toEqual(["one", "two", "three"]);
  });

  it("rolls back an interactive transaction", async () => {
    const tx = await client.transaction("write");
    try {
      await tx.execute("INSERT INTO tx_items (label) VALUES ('four')");
      await tx.execute("DELETE FROM tx_items WHERE label = 'one'");
      expect((await tx.execute("SELECT count(*) AS c FROM tx_items")).rows[0]?.c).toBe(3);
      // A failing statement does not end the transaction.
      const error = await expectLibsqlError(tx.execute("INSERT INTO nowhere VALUES (1)"));
      expect(error.code).toBe("SQLITE_ERROR");
      expect((await tx.execute("SELECT count(*) AS c FROM tx_items")).rows[0]?.c).toBe(3);
      await tx.rollback();
    } finally {
      tx.close();
    }
    const after = await client.execute("SELECT label FROM tx_items ORDER BY id");
    expect(after.rows.map((r) => r.label)).toEqual(["one", "two", "three"]);
  });

  it("serialises concurrent interactive transactions from two clients", async () => {
    await client.execute("CREATE TABLE concurrent (id INTEGER PRIMARY KEY, who TEXT, seq INTEGER)");
    const run = async (c: Client, who: string) => {
      const tx = await c.transaction("write");
      try {
        // Read-modify-write: only correct if the two transactions do not interleave.
        for (let i = 0; i < 3; i++) {
          const max = await tx.execute("SELECT coalesce(max(seq), 0) AS m FROM concurrent");
          await sleep(30);
          await tx.execute({ sql: "INSERT INTO concurrent (who, seq) VALUES (?, ?)", args: [who, Number(max.rows[0]?.m) + 1] });
        }
        await tx.commit();
      } finally {
        tx.close();
      }
    };
    const started = Date.now();
    await Promise.all([run(newClient(), "a"), run(newClient(), "b")]);
    expect(Date.now() - started).toBeLessThan(5_000);
    const rs = await client.execute("SELECT who, seq FROM concurrent ORDER BY seq");
    expect(rs.rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    // Each transaction's rows are contiguous: one ran entirely before the other.
    const whos = rs.rows.map((r) => r.who).join("");
    expect(["aaabbb", "bbbaaa"]).toContain(whos);
  });

  it("expires idle streams and rolls back their transaction", async () => {
    const short = await startHranaServer({ path, streamIdleTimeoutMs: 200 });
    const c = createClient({ url: short.url });
    try {
      const tx = await c.transaction("write");
      await tx.execute("INSERT INTO tx_items (label) VALUES ('abandoned')");
      await sleep(600);
      const error = await expectLibsqlError(tx.execute("SELECT 1"));
      expect(error.code).toBe("STREAM_EXPIRED");
      tx.close();
      // The write lock was released and the insert rolled back.
      await client.execute("INSERT INTO tx_items (label) VALUES ('after-expiry')");
      const rs = await client.execute("SELECT count(*) AS c FROM tx_items WHERE label = 'abandoned'");
      expect(rs.rows[0]?.c).toBe(0);
    } finally {
      c.close();
      await short.close();
    }
  });

  describe("raw protocol", () => {
    it("answers version probes (JSON v2/v3 yes, protobuf no)", async () => {
      expect((await fetch(`${server.url}/v2`)).status).toBe(200);
      expect((await fetch(`${server.url}/v3`)).status).toBe(200);
      expect((await fetch(`${server.url}/v3-protobuf`)).status).toBe(404);
      expect((await fetch(`${server.url}/nope`, { method: "POST", body: "{}" })).status).toBe(404);
    });

    it("rotates batons, tracks autocommit, stores SQL and closes streams", async () => {
      const open = await post(server, "v3/pipeline", {
        baton: null,
        requests: [
          { type: "store_sql", sql_id: 1, sql: "SELECT ? + 1 AS v" },
          { type: "execute", stmt: { sql_id: 1, args: [{ type: "integer", value: "41" }], want_rows: true } },
          { type: "get_autocommit" },
          { type: "execute", stmt: { sql: "BEGIN" } },
          { type: "get_autocommit" },
        ],
      });
      expect(open.status).toBe(200);
      expect(open.body.base_url).toBeNull();
      expect(typeof open.body.baton).toBe("string");
      expect(open.body.results.map((r: any) => r.type)).toEqual(["ok", "ok", "ok", "ok", "ok"]);
      expect(open.body.results[1].response.result).toMatchObject({
        cols: [{ name: "v", decltype: null }],
        rows: [[{ type: "integer", value: "42" }]],
        affected_row_count: 0,
        last_insert_rowid: null,
      });
      expect(open.body.results[2].response).toEqual({ type: "get_autocommit", is_autocommit: true });
      expect(open.body.results[4].response).toEqual({ type: "get_autocommit", is_autocommit: false });

      const next = await post(server, "v3/pipeline", {
        baton: open.body.baton,
        requests: [
          { type: "close_sql", sql_id: 1 },
          { type: "execute", stmt: { sql_id: 1 } },
          {
            type: "batch",
            batch: {
              steps: [
                { stmt: { sql: "SELECT 1" }, condition: { type: "not", cond: { type: "is_autocommit" } } },
                { stmt: { sql: "SELECT nope" } },
                {
                  stmt: { sql: "SELECT 3" },
                  condition: {
                    type: "or",
                    conds: [
                      { type: "ok", step: 1 },
                      { type: "error", step: 1 },
                    ],
                  },
                },
                {
                  stmt: { sql: "SELECT 4" },
                  condition: {
                    type: "and",
                    conds: [
                      { type: "ok", step: 0 },
                      { type: "ok", step: 1 },
                    ],
                  },
                },
              ],
            },
          },
          { type: "describe", sql: "SELECT id AS x, :name, ?3 FROM tx_items" },
          { type: "execute", stmt: { sql: "ROLLBACK" } },
          { type: "close" },
          { type: "execute", stmt: { sql: "SELECT 1" } },
        ],
      });
      expect(next.status).toBe(200);
      expect(next.body.baton).toBeNull();
      expect(next.body.baton).not.toBe(open.body.baton);
      const [closeSql, missing, batch, describeResult, rollback, close, afterClose] = next.body.results;
      expect(closeSql.type).toBe("ok");
      expect(missing).toMatchObject({ type: "error", error: { code: "SQL_NOT_FOUND" } });
      expect(batch.response.result.step_results.map((r: unknown) => r !== null)).toEqual([true, false, true, false]);
      expect(batch.response.result.step_errors.map((e: unknown) => e !== null)).toEqual([false, true, false, false]);
      expect(describeResult.response.result).toEqual({
        params: [{ name: ":name" }, { name: null }, { name: "?3" }],
        cols: [
          { name: "x", decltype: "INTEGER" },
          { name: ":name", decltype: null },
          { name: "?3", decltype: null },
        ],
        is_explain: false,
        is_readonly: true,
      });
      expect(rollback.type).toBe("ok");
      expect(close.response).toEqual({ type: "close" });
      expect(afterClose).toMatchObject({ type: "error", error: { code: "STREAM_CLOSED" } });

      // A used baton is rejected: requests on a stream are strictly serial.
      const reused = await post(server, "v2/pipeline", { baton: open.body.baton, requests: [] });
      expect(reused.status).toBe(400);
      expect(reused.body.code).toBe("BATON_INVALID");
      const garbage = await fetch(`${server.url}/v2/pipeline`, { method: "POST", body: "not json" });
      expect(garbage.status).toBe(400);
      expect(garbage.headers.get("content-type")).toBe("application/json");
    });

    it("streams a batch through a v3 cursor", async () => {
      const res = await post(server, "v3/cursor", {
        baton: null,
        batch: {
          steps: [
            { stmt: { sql: "SELECT 'a' AS v UNION ALL SELECT 'b'" } },
            { stmt: { sql: "SELECT missing_column" } },
            { stmt: { sql: "SELECT 1" }, condition: { type: "ok", step: 1 } },
          ],
        },
      });
      expect(res.status).toBe(200);
      const lines = res.text
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line));
      expect(typeof lines[0].baton).toBe("string");
      expect(lines.slice(1).map((e: any) => e.type)).toEqual(["step_begin", "row", "row", "step_end", "step_error"]);
      expect(lines[2].row).toEqual([{ type: "text", value: "a" }]);
      expect(lines[5]).toMatchObject({ step: 1, error: { code: "SQLITE_ERROR" } });
      const closed = await post(server, "v3/pipeline", { baton: lines[0].baton, requests: [{ type: "close" }] });
      expect(closed.body).toMatchObject({ baton: null, results: [{ type: "ok" }] });
    });
  });
});
