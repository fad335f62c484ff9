import { describe, expect, it } from "vitest";
import { runDue } from "../../src/jobs/run-due";
import { createTestContext, DAY, type TestContext } from "../helpers/app";
import { snapshotState } from "../helpers/db-snapshot";
import { addPolishBackupOp, createActiveAgreement, createOrg, type TestOrg } from "../helpers/factories";

const addPolishBackup = addPolishBackupOp();

async function setup(opts: { file?: boolean; agreements?: number; authorisation?: "general" | "specific" } = {}) {
  const t = await createTestContext({ file: opts.file });
  const processor = await createOrg(t, "Processor");
  const controller = await createOrg(t, "Controller");
  const stranger = await createOrg(t, "Stranger");
  const agreements = [];
  for (let i = 0; i < (opts.agreements ?? 1); i++) agreements.push(await createActiveAgreement(t, processor, controller, { authorisation: opts.authorisation ?? "general" }));
  return { t, processor, controller, stranger, agreements };
}

async function submit(t: TestContext, processor: TestOrg, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return t.call(processor.key, "POST", "/v1/change-requests", { agreements: "all", operations: [addPolishBackup], reason: "Second backup", ...body }, headers);
}

describe("submitting", () => {
  it("refuses an operation the annex cannot take, naming the agreement and the operation, and writes nothing", async () => {
    const { t, processor, agreements } = await setup({ agreements: 2 });
    const before = await snapshotState(t);
    const res = await submit(t, processor, { operations: [addPolishBackup, { op: "update_sub_processor", target: "ghost", changes: { description: "x" } }] });
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.body.errors).toHaveLength(2);
    expect(res.body.errors.map((e: { agreement_id: string }) => e.agreement_id).sort()).toEqual(agreements.map((a) => a.id).sort());
    expect(res.body.errors[0]).toMatchObject({ pointer: "/operations/1/target", rule: "known_sub_processor" });
    expect(res.body.errors[0].detail).toContain(res.body.errors[0].agreement_id);
    expect(await snapshotState(t)).toEqual(before);
  });

  it.each([
    [
      "an agreement of another processor",
      async (s: Awaited<ReturnType<typeof setup>>) => {
        const other = await createActiveAgreement(s.t, s.stranger, s.controller);
        return { agreements: [other.id] };
      },
      "/agreements/0",
      "active_agreement",
    ],
    ["an unknown agreement", async () => ({ agreements: ["agr_01ZZZZZZZZZZZZZZZZZZZZZZZZ"] }), "/agreements/0", "active_agreement"],
    ["the same agreement twice", async (s: Awaited<ReturnType<typeof setup>>) => ({ agreements: [s.agreements[0]!.id, s.agreements[0]!.id] }), "/agreements/1", "unique"],
    [
      "an effective date in the past",
      async (s: Awaited<ReturnType<typeof setup>>) => ({ effective_date: new Date(s.t.clock.now().getTime() - DAY).toISOString() }),
      "/effective_date",
      "not_in_past",
    ],
    [
      "a third-country sub-processor without a transfer mechanism",
      async () => ({
        operations: [
          {
            ...addPolishBackup,
            sub_processor: {
              ...addPolishBackup.sub_processor,
              address: { street: "1 Main St", postal_code: "10001", city: "New York", country: "US" },
              registration: { scheme: "us_ein", number: "12-3456789" },
            },
          },
        ],
      }),
      "/resulting_annex/sub_processors/1/transfer_mechanism",
      "transfer_mechanism_required",
    ],
    [
      "adding a ref the annex already has",
      async () => ({ operations: [{ ...addPolishBackup, sub_processor: { ...addPolishBackup.sub_processor, ref: "nordhost" } }] }),
      "/operations/0/sub_processor/ref",
      "unique",
    ],
    ["removing a location still in use", async () => ({ operations: [{ op: "remove_location", target: "dc-dk" }] }), "/operations/0/target", "location_in_use"],
    ["an objection-free empty reason", async () => ({ reason: "   " }), "/reason", "too_small"],
    ["no operations", async () => ({ operations: [] }), "/operations", "too_small"],
    ["an unknown operation", async () => ({ operations: [{ op: "rename_everything" }] }), "/operations/0/op", "invalid_union"],
  ])("refuses %s", async (_name, body, pointer, rule) => {
    const s = await setup();
    const input = await body(s);
    const before = await snapshotState(s.t);
    const res = await submit(s.t, s.processor, input);
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(
      res.body.errors.some((e: { pointer: string; rule: string }) => e.pointer === pointer && e.rule === rule),
      JSON.stringify(res.body.errors),
    ).toBe(true);
    expect(await snapshotState(s.t)).toEqual(before);
  });

  it("a controller cannot submit (nothing of its own to change) and the operator may not", async () => {
    const { t, controller } = await setup();
    expect((await submit(t, controller, {})).status).toBe(422);
    expect((await t.call(t.operatorKey, "POST", "/v1/change-requests", { agreements: "all", operations: [addPolishBackup], reason: "x" })).status).toBe(403);
  });

  it("Idempotency-Key: the same key and body replays the first response; another body is refused", async () => {
    const { t, processor } = await setup();
    const first = await submit(t, processor, {}, { "Idempotency-Key": "k-1" });
    const again = await submit(t, processor, {}, { "Idempotency-Key": "k-1" });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const other = await submit(t, processor, { reason: "Another reason" }, { "Idempotency-Key": "k-1" });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe("idempotency_key_reused");
    expect((await t.client.execute("SELECT count(*) AS n FROM change_requests")).rows[0]!.n).toBe(1);
    // keys belong to their organisation: another one may use the same key
    const otherOrg = await createOrg(t, "Other processor");
    await createActiveAgreement(t, otherOrg, await createOrg(t));
    expect((await submit(t, otherOrg, {}, { "Idempotency-Key": "k-1" })).status).toBe(201);
  });
});

describe("deciding", () => {
  it("objecting without a reason, deciding twice, deciding on a foreign agreement, withdrawing after a final state: refused, nothing changes", async () => {
    const { t, processor, controller, stranger } = await setup();
    const cr = await submit(t, processor, {});
    const decision = cr.body.decisions[0].id;

    for (const reason of [undefined, "", "   "]) {
      const before = await snapshotState(t);
      const res = await t.call(controller.key, "POST", `/v1/decisions/${decision}/object`, reason === undefined ? {} : { reason });
      expect(res.status).toBe(422);
      expect(res.body.errors[0].pointer).toBe("/reason");
      expect(await snapshotState(t)).toEqual(before);
    }

    let before = await snapshotState(t);
    const foreign = await t.call(stranger.key, "POST", `/v1/decisions/${decision}/approve`, {});
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe("not_found");
    expect(await snapshotState(t)).toEqual(before);

    const wrongRole = await t.call(processor.key, "POST", `/v1/decisions/${decision}/approve`, {});
    expect(wrongRole.status).toBe(403);
    expect(await snapshotState(t)).toEqual(before);

    expect((await t.call(controller.key, "POST", `/v1/decisions/${decision}/object`, { reason: "Data would leave the EU." })).status).toBe(200);
    before = await snapshotState(t);
    for (const [who, verb, body] of [
      [controller, "object", { reason: "again" }],
      [controller, "approve", {}],
      [processor, "withdraw", undefined],
    ] as const) {
      const res = await t.call(who.key, "POST", `/v1/decisions/${decision}/${verb}`, body);
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: "invalid_state", current_state: "objected" });
    }
    const whole = await t.call(processor.key, "POST", `/v1/change-requests/${cr.body.id}/withdraw`);
    expect(whole.status).toBe(409);
    expect(await snapshotState(t)).toEqual(before);
  });

  it("an objected change never reaches the annex, whatever time does", async () => {
    const { t, processor, controller, agreements } = await setup();
    const cr = await submit(t, processor, {});
    await t.call(controller.key, "POST", `/v1/decisions/${cr.body.decisions[0].id}/object`, { reason: "No." });
    await t.call(t.operatorKey, "POST", "/v1/test-clock/advance", { days: 400 });
    expect((await t.call(controller.key, "GET", `/v1/agreements/${agreements[0]!.id}/annex`)).body.version).toBe(1);
  });

  it("after the notice ended under a general authorisation, a late objection finds the change deemed approved", async () => {
    const { t, processor, controller } = await setup();
    const cr = await submit(t, processor, {});
    t.clock.set(new Date(cr.body.decisions[0].notice_ends_at)); // the sweep has not run yet
    const late = await t.call(controller.key, "POST", `/v1/decisions/${cr.body.decisions[0].id}/object`, { reason: "Too late" });
    expect(late.status).toBe(409);
    expect(late.body.current_state).toBe("deemed_approved");
  });

  it("an explicit approval before the notice ends applies at once when no later effective date is asked", async () => {
    const { t, processor, controller, agreements } = await setup({ authorisation: "specific" });
    const cr = await submit(t, processor, {});
    const res = await t.call(controller.key, "POST", `/v1/decisions/${cr.body.decisions[0].id}/approve`, {});
    expect(res.body).toMatchObject({ state: "approved", application: { state: "applied", version: 2 } });
    const annex = await t.call(processor.key, "GET", `/v1/agreements/${agreements[0]!.id}/annex`);
    expect(annex.body.sub_processors.map((s: { ref: string }) => s.ref)).toContain("polbackup");
  });

  it("the processor withdraws one agreement or the whole request; the others stay", async () => {
    const { t, processor, controller } = await setup({ agreements: 3 });
    const cr = await submit(t, processor, {});
    const [d1, d2, d3] = cr.body.decisions.map((d: { id: string }) => d.id);
    expect((await t.call(controller.key, "POST", `/v1/decisions/${d1}/approve`, {})).status).toBe(200);
    expect((await t.call(processor.key, "POST", `/v1/decisions/${d2}/withdraw`)).body.state).toBe("withdrawn");
    expect((await t.call(controller.key, "POST", `/v1/change-requests/${cr.body.id}/withdraw`)).status).toBe(403);
    const whole = await t.call(processor.key, "POST", `/v1/change-requests/${cr.body.id}/withdraw`);
    expect(whole.status).toBe(200);
    const states = Object.fromEntries(whole.body.decisions.map((d: { id: string; state: string }) => [d.id, d.state]));
    expect(states).toEqual({ [d1]: "approved", [d2]: "withdrawn", [d3]: "withdrawn" });
    expect(whole.body.status).toBe("decided");
  });
});

describe("races: exactly one wins, the other gets a 409 naming the state", () => {
  const race = async (a: () => Promise<{ status: number; body: { state?: string; current_state?: string } }>, b: typeof a) => {
    const results = await Promise.all([a(), b()]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
    const winner = results.find((r) => r.status === 200)!;
    const loser = results.find((r) => r.status === 409)!;
    expect(loser.body.current_state).toBe(winner.body.state);
    return winner.body.state;
  };

  it.each([1, 2, 3, 4, 5])("approve vs object on one agreement (round %i)", async () => {
    const { t, processor, controller } = await setup({ file: true });
    const d = (await submit(t, processor, {})).body.decisions[0].id;
    const state = await race(
      () => t.call(controller.key, "POST", `/v1/decisions/${d}/approve`, {}),
      () => t.call(controller.key, "POST", `/v1/decisions/${d}/object`, { reason: "Conflict" }),
    );
    const events = await t.client.execute({ sql: "SELECT type FROM events WHERE type LIKE 'decision.%'", args: [] });
    expect(events.rows.map((r) => r.type)).toEqual([`decision.${state}`]);
  });

  it.each([1, 2, 3])("object vs withdraw (round %i)", async () => {
    const { t, processor, controller } = await setup({ file: true });
    const d = (await submit(t, processor, {})).body.decisions[0].id;
    await race(
      () => t.call(controller.key, "POST", `/v1/decisions/${d}/object`, { reason: "Conflict" }),
      () => t.call(processor.key, "POST", `/v1/decisions/${d}/withdraw`),
    );
  });

  it.each([1, 2, 3])("a decision vs the sweep at the notice end (round %i)", async () => {
    const { t, processor, controller } = await setup({ file: true });
    const submitted = (await submit(t, processor, {})).body.decisions[0];
    const d = submitted.id;
    t.clock.set(new Date(submitted.notice_ends_at));
    const [decided, swept] = await Promise.all([t.call(controller.key, "POST", `/v1/decisions/${d}/object`, { reason: "Late" }), runDue(t.deps, t.clock.now())]);
    // the notice has ended under a general authorisation: silence approved it, whoever ran first
    expect(decided.status).toBe(409);
    expect(decided.body.current_state).toBe("deemed_approved");
    const rows = await t.client.execute("SELECT type FROM events WHERE type = 'decision.deemed_approved'");
    expect(rows.rows).toHaveLength(1);
    expect(swept.deemed_approved + 0).toBeLessThanOrEqual(1);
  });
});

describe("applying", () => {
  it("a change that no longer applies is marked failed with its reason, never half-applied", async () => {
    const { t, processor, controller, agreements } = await setup({ authorisation: "specific" });
    const remove = { op: "remove_sub_processor", target: "nordhost" };
    const addOther = { ...addPolishBackup, sub_processor: { ...addPolishBackup.sub_processor, ref: "other" } };
    // the removal is a notice (docs/rules.md, rule 10): it takes effect at its date, with nothing to decide
    const effective_date = new Date(t.clock.now().getTime() + 5 * DAY).toISOString();
    const first = await submit(t, processor, { operations: [remove, { op: "remove_location", target: "dc-dk" }], effective_date });
    expect(first.body.decisions[0]).toMatchObject({ kind: "notice", state: "noticed" });
    const second = await submit(t, processor, { operations: [addOther, { op: "update_sub_processor", target: "nordhost", changes: { description: "Hosting and support" } }] });
    expect(second.status).toBe(201);
    await t.call(t.operatorKey, "POST", "/v1/test-clock/advance", { days: 5 });
    const failed = await t.call(controller.key, "POST", `/v1/decisions/${second.body.decisions[0].id}/approve`, {});
    expect(failed.body).toMatchObject({ state: "approved", application: { state: "failed", version: null } });
    expect(failed.body.application.failure_reason).toContain("nordhost");
    const annex = await t.call(controller.key, "GET", `/v1/agreements/${agreements[0]!.id}/annex`);
    expect(annex.body.version).toBe(2);
    expect(annex.body.sub_processors.map((s: { ref: string }) => s.ref)).toEqual([]); // "other" was not added either
    const events = await t.call(processor.key, "GET", "/v1/events?type=change_request.failed");
    expect(events.body.data).toHaveLength(1);
    expect(events.body.data[0].data.errors.map((e: { rule: string }) => e.rule).sort()).toEqual(["known_location", "known_sub_processor"]);
  });

  it("replacing a sub-processor keeps the chain: what it had engaged hangs under its replacement", async () => {
    const { t, processor, controller, agreements } = await setup({ authorisation: "specific" });
    const child = { ...addPolishBackup, sub_processor: { ...addPolishBackup.sub_processor, parent: "nordhost" } };
    const replacement = { ...addPolishBackup.sub_processor, ref: "newhost", legal_name: "NewHost ApS", registration: { scheme: "dk_cvr", number: "27182828" } };
    for (const operations of [[child], [{ op: "replace_sub_processor", target: "nordhost", with: replacement }]]) {
      const cr = await submit(t, processor, { operations });
      expect(cr.status, JSON.stringify(cr.body)).toBe(201);
      await t.call(controller.key, "POST", `/v1/decisions/${cr.body.decisions[0].id}/approve`, {});
    }
    const annex = await t.call(controller.key, "GET", `/v1/agreements/${agreements[0]!.id}/annex`);
    const byRef = Object.fromEntries(annex.body.sub_processors.map((s: { ref: string }) => [s.ref, s]));
    expect(Object.keys(byRef).sort()).toEqual(["newhost", "polbackup"]);
    expect(byRef.polbackup.parent_id).toBe(byRef.newhost.id);
    const diff = await t.call(controller.key, "GET", `/v1/agreements/${agreements[0]!.id}/annex/diff?from=2&to=3`);
    expect(diff.body.sub_processors.added.map((s: { ref: string }) => s.ref)).toEqual(["newhost"]);
    expect(diff.body.sub_processors.removed.map((s: { ref: string }) => s.ref)).toEqual(["nordhost"]);
    expect(diff.body.sub_processors.changed[0].changes.map((c: { field: string }) => c.field)).toEqual(["parent_id"]);
  });
});

describe("the scheduler", () => {
  it("running it twice for the same instant changes nothing the second time", async () => {
    const { t, processor } = await setup({ agreements: 3 });
    const at = new Date((await submit(t, processor, {})).body.decisions[0].notice_ends_at);
    t.clock.set(at);
    const first = await runDue(t.deps, at);
    expect(first).toMatchObject({ deemed_approved: 3, applied: 3 });
    const before = await snapshotState(t);
    expect(await runDue(t.deps, at)).toEqual({ deemed_approved: 0, overdue: 0, reminders: 0, applied: 0, failed: 0 });
    expect(await snapshotState(t)).toEqual(before);
  });

  it("the inbox lists pending decisions soonest notice end first, with overdue filter", async () => {
    const t = await createTestContext();
    const processor = await createOrg(t);
    const controller = await createOrg(t);
    const long = await createActiveAgreement(t, processor, controller, { notice_days: 60, authorisation: "specific" });
    const short = await createActiveAgreement(t, processor, controller, { notice_days: 10, authorisation: "specific" });
    await t.call(processor.key, "POST", "/v1/change-requests", { agreements: [long.id, short.id], operations: [addPolishBackup], reason: "r" });
    const inbox = await t.call(controller.key, "GET", "/v1/decisions?state=pending");
    expect(inbox.body.data.map((d: { agreement: { id: string } }) => d.agreement.id)).toEqual([short.id, long.id]);
    await t.call(t.operatorKey, "POST", "/v1/test-clock/advance", { days: 11 });
    const overdue = await t.call(controller.key, "GET", "/v1/decisions?overdue=true");
    expect(overdue.body.data.map((d: { agreement: { id: string } }) => d.agreement.id)).toEqual([short.id]);
    const notOverdue = await t.call(controller.key, "GET", "/v1/decisions?overdue=false");
    expect(notOverdue.body.data.map((d: { agreement: { id: string } }) => d.agreement.id)).toEqual([long.id]);
  });
});
