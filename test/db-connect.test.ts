// The Node file connection: reads and writes are chosen by the caller (docs: README, "How it is built"),
// not guessed from SQL text. The read client refuses writes, so a write can never skip the write lock.
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, readClientOf } from "../db/connect";

const paths: string[] = [];
afterEach(() => {
  for (const p of paths.splice(0)) for (const s of ["", "-wal", "-shm"]) rmSync(p + s, { force: true });
});

function open() {
  const path = join(tmpdir(), `registry-connect-${crypto.randomUUID()}.db`);
  paths.push(path);
  return openDatabase(`file:${path}`);
}

describe("the Node file connection", () => {
  it("reads through the read client what the client wrote; the read client refuses writes and transactions", async () => {
    const client = open();
    await client.execute("PRAGMA journal_mode = WAL");
    await client.execute("CREATE TABLE t (n INTEGER)");
    await client.execute({ sql: "INSERT INTO t VALUES (?)", args: [1] });
    const reader = readClientOf(client);
    expect(reader).not.toBe(client);
    expect((await reader.execute("SELECT count(*) AS n FROM t")).rows[0]!.n).toBe(1);
    await expect(reader.execute("INSERT INTO t VALUES (2)")).rejects.toThrow(/readonly|query_only|attempt to write/i);
    expect(() => reader.transaction("write")).toThrow(/only executes single reads/);
    // the refused write changed nothing
    expect((await client.execute("SELECT count(*) AS n FROM t")).rows[0]!.n).toBe(1);
    client.close();
  });

  it("elsewhere (memory, Turso) the read client is the client itself", () => {
    const client = openDatabase("file::memory:");
    expect(readClientOf(client)).toBe(client);
    client.close();
  });
});
