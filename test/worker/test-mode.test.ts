/**
 * The Worker in workerd in test mode (TEST_CLOCK=1), its database a SQLite file behind a Hrana server as
 * Turso is at the edge: the README's curl walk-through and the change request's life run against it as
 * they run against Node (test/readme.test.ts, test/features/change-request-lifecycle.test.ts), from the
 * same script and the same scenario. The test clock moves over HTTP; the Worker keeps its instant in the
 * database (the table test_clock) and reads it before every request.
 */
import { createClient } from "@libsql/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_KEYS } from "../../src/bootstrap/demo";
import { callOverHttp, DAY, type HttpApi } from "../helpers/app";
import { changeRequestLifecycle, testClockNow } from "../helpers/lifecycle";
import { runReadmeWalkThrough } from "../helpers/readme";
import { type startMailApi, startWorkerOnFile } from "../helpers/worker";

describe("the Worker in workerd in test mode: the README walk-through and a change request's life", { timeout: 120_000 }, () => {
  let fixture: Awaited<ReturnType<typeof startWorkerOnFile>> | undefined;
  let path: string;
  let mailApi: Awaited<ReturnType<typeof startMailApi>> | undefined;
  let base: string;
  let api: HttpApi;

  /** The test clock's instant as the Worker keeps it in the database, read from the file by a plain Node client. */
  async function keptInstant(): Promise<number | undefined> {
    const file = createClient({ url: `file:${path}` });
    try {
      const { rows } = await file.execute("SELECT now FROM test_clock WHERE id = 1");
      return rows[0] ? Number(rows[0].now) : undefined;
    } finally {
      file.close();
    }
  }

  beforeAll(async () => {
    fixture = await startWorkerOnFile({
      name: "worker-test-mode",
      // the walk-through's OP is the demo's operator key: the only thing it takes from the demo's seed
      operatorKey: DEMO_KEYS.operator,
      // the demo writes its mails to files; the Worker sends them through the recording HTTP e-mail API
      vars: { TEST_CLOCK: "1" },
    });
    ({ path, mailApi } = fixture);
    base = fixture.url.origin;
    api = { call: callOverHttp(base), operatorKey: DEMO_KEYS.operator };
  }, 120_000);

  afterAll(async () => {
    await fixture?.stop();
  });

  it("keeps the test clock in the database: moved through the Worker or by another isolate, later requests see it", async () => {
    // the first request keeps the isolate's instant
    const start = await testClockNow(api);
    expect(await keptInstant()).toBe(start.getTime());
    const moved = await api.call(api.operatorKey, "POST", "/v1/test-clock/advance", { days: 2 });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.now).toBe(new Date(start.getTime() + 2 * DAY).toISOString());
    expect((await testClockNow(api)).toISOString()).toBe(moved.body.now);
    expect(await keptInstant()).toBe(start.getTime() + 2 * DAY);
    // another isolate moves it (writes the row): this isolate's next request takes it
    const file = createClient({ url: `file:${path}` });
    try {
      await file.execute({ sql: "UPDATE test_clock SET now = ? WHERE id = 1", args: [start.getTime() + 3 * DAY] });
    } finally {
      file.close();
    }
    expect((await testClockNow(api)).toISOString()).toBe(new Date(start.getTime() + 3 * DAY).toISOString());
    // a client may not have test mode's routes without the operator key
    expect((await api.call(null, "GET", "/v1/test-clock")).status).toBe(401);
  });

  it("runs the README's curl walk-through verbatim, with the same output as against the Node demo", async () => {
    await runReadmeWalkThrough(base);
    // the invitation the walk-through sends left through the mail API (after the response, waitUntil)
    const invitation = () => mailApi!.received.find((m) => m.body.to.includes("dpo@skanderborg.example"));
    for (let i = 0; i < 100 && !invitation(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(invitation()?.body.text).toContain("/console/sign-in/link?token=");
  });

  it("runs the change request's life with the test clock over HTTP, as the in-process app does", async () => {
    await changeRequestLifecycle(api);
    // where the scenario left the clock is what the database keeps
    expect(await keptInstant()).toBe((await testClockNow(api)).getTime());
  });
});
