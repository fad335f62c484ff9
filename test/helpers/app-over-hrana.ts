import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client/web";
import { openDatabase } from "../../db/connect";
import { migrateDatabase } from "../../db/migrate";
import { createTestContext, type TestContext } from "./app";
import { startHranaServer } from "./hrana-server";

/**
 * The real app on libSQL over HTTP, as the Worker reaches Turso: a migrated temporary file behind
 * the tests' Hrana server, which counts the round trips (`roundTrips()`, so far).
 */
export async function startAppOverHrana(name: string) {
  const path = join(tmpdir(), `${name}-${randomBytes(6).toString("hex")}.db`);
  const local = openDatabase(`file:${path}`);
  await migrateDatabase(local);
  local.close();
  let requests = 0;
  const server = await startHranaServer({ path, onPipeline: () => requests++ });
  const client = createClient({ url: server.url });
  const t: TestContext = await createTestContext({ client });
  return {
    t,
    client,
    roundTrips: () => requests,
    async close() {
      client.close();
      await server.close();
      for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
    },
  };
}
