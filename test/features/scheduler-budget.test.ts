import { describe, expect, it } from "vitest";
import { runScheduled } from "../../src/jobs/scheduler";
import { createTestContext, DAY } from "../helpers/app";
import { addBackupOp, createActiveAgreement, createOrg } from "../helpers/factories";

// The Worker's cron does a bounded amount of work per invocation and the next one continues where
// it stopped: nothing is skipped, nothing is done twice, and what is decided keeps its own instant.

describe("a bounded scheduler run", () => {
  it("moves at most its budget of decisions; the next runs take up the rest, each once", async () => {
    const t = await createTestContext();
    const processor = await createOrg(t, "Omsorgspartner ApS");
    const agreements = [];
    for (let i = 0; i < 5; i++) agreements.push((await createActiveAgreement(t, processor, await createOrg(t, `Kommune ${i}`), { authorisation: "general" })).id);
    const cr = await t.call(processor.key, "POST", "/v1/change-requests", { agreements, operations: [addBackupOp("b")], reason: "Backup" });
    expect(cr.status).toBe(201);
    const noticeEnd = cr.body.decisions[0].notice_ends_at;
    t.clock.advance(31 * DAY);
    const states = async () => (await t.client.execute("SELECT state, count(*) AS n FROM decisions GROUP BY state ORDER BY state")).rows.map((r) => `${r.state}:${r.n}`);
    const first = await runScheduled(t.deps, t.clock.now(), { budget: 3 });
    expect(first.deemed_approved).toBe(3);
    expect(await states()).toEqual(["deemed_approved:3", "pending:2"]);
    const second = await runScheduled(t.deps, t.clock.now(), { budget: 3 });
    expect(second.deemed_approved).toBe(2);
    expect(await runScheduled(t.deps, t.clock.now(), { budget: 3 })).toMatchObject({ deemed_approved: 0 });
    // each decision once: one event each, and every one dated from the notice's end, not from the run that took it
    const events = (await t.client.execute("SELECT count(*) AS n FROM events WHERE type = 'decision.deemed_approved'")).rows[0]!.n;
    expect(Number(events)).toBe(5);
    const decided = (await t.client.execute("SELECT DISTINCT decided_at FROM decisions")).rows.map((r) => new Date(Number(r.decided_at)).toISOString());
    expect(decided).toEqual([noticeEnd]);
    expect((await t.call(t.operatorKey, "GET", "/v1/audit/verify?full=true")).body.valid).toBe(true);
  });
});
