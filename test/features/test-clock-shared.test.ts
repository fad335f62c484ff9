// Test mode on Workers: each isolate builds its own app, so the test clock's instant lives in the
// database (src/build-deps.ts, keptTestClock). Two apps over one database stand for two isolates.
import { createClient } from "@libsql/client";
import { describe, expect, it } from "vitest";
import { migrateDatabase } from "../../db/migrate";
import { createApp } from "../../src/app";
import { ensureOperatorKey } from "../../src/bootstrap/operator-key";
import { buildDeps } from "../../src/build-deps";
import { ManualClock } from "../../src/deps";
import { parseEnv } from "../../src/env";
import { DAY, readResponse, T0 } from "../helpers/app";

const OPERATOR = "sk_live_test_operator_000000000000";

async function isolates() {
  const client = createClient({ url: ":memory:" });
  await migrateDatabase(client);
  const env = parseEnv({ LOG_LEVEL: "silent", TEST_CLOCK: "1" });
  const isolate = async (startsAt: Date) => {
    const deps = buildDeps(env, { client, clock: new ManualClock(startsAt), sharedTestClock: true });
    await ensureOperatorKey(deps.db, deps, OPERATOR);
    const app = createApp(deps);
    const call = async (method: string, path: string, body?: unknown) =>
      readResponse(
        await app.request(path, {
          method,
          headers: { Authorization: `Bearer ${OPERATOR}`, "Content-Type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      );
    return { deps, call };
  };
  return { client, isolate };
}

describe("the test clock kept in the database (Workers)", () => {
  it("the first isolate keeps its instant; a later one takes it, not its own; a clock moved in one is moved in the other", async () => {
    const { client, isolate } = await isolates();
    const a = await isolate(T0);
    expect((await a.call("GET", "/v1/test-clock")).body.now).toBe(T0.toISOString());
    // a new isolate starts with the real time in memory, but the test clock is the kept one
    const b = await isolate(new Date(T0.getTime() + 400 * DAY));
    expect((await b.call("GET", "/v1/test-clock")).body.now).toBe(T0.toISOString());

    const moved = await a.call("POST", "/v1/test-clock/advance", { days: 31 });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const later = new Date(T0.getTime() + 31 * DAY).toISOString();
    expect(moved.body.now).toBe(later);
    expect((await b.call("GET", "/v1/test-clock")).body.now).toBe(later);
    expect((await client.execute("SELECT now FROM test_clock")).rows.map((r) => Number(r.now))).toEqual([T0.getTime() + 31 * DAY]);
    // and everything b writes is stamped with it: the audit record of its next advance
    await b.call("POST", "/v1/test-clock/advance", { seconds: 60 });
    const [record] = (await client.execute("SELECT at FROM audit_records WHERE action = 'test_clock.advance' ORDER BY seq DESC LIMIT 1")).rows;
    expect(Number(record!.at)).toBe(T0.getTime() + 31 * DAY + 60_000);
  });

  it("without test mode nothing is kept, and Node's test clock (one process) never reads the database", async () => {
    const client = createClient({ url: ":memory:" });
    await migrateDatabase(client);
    const node = buildDeps(parseEnv({ LOG_LEVEL: "silent", TEST_CLOCK: "1" }), { client, clock: new ManualClock(T0) });
    await node.testClock!.sync();
    await node.testClock!.advance(new Date(T0.getTime() + DAY));
    expect((await client.execute("SELECT count(*) AS n FROM test_clock")).rows[0]!.n).toBe(0);
  });
});
