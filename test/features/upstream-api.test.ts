// The upstream API (docs/rules.md, rule 14): sources, upstream changes with their controllers'
// decisions gathered, drafts, and the answer that goes back up. Through the real app.
import { describe, expect, it } from "vitest";
import { createTestContext, DAY, type TestContext } from "../helpers/app";
import { dumpState } from "../helpers/db-snapshot";
import { addBackupOp, createActiveAgreement, createOrg, type TestOrg } from "../helpers/factories";
import { insertUpstreamChange, insertUpstreamSource } from "../helpers/upstream";
import { composeUpstreamReason } from "../../src/features/upstream/upstream-reason";
import { HtmlValidate } from "html-validate";
import { signInAs } from "../helpers/people";

interface Chain {
  t: TestContext;
  /** the sub-processor, processor of the upstream agreement */
  sub: TestOrg;
  /** the processor: controller upstream, processor of its own agreements */
  proc: TestOrg;
  controllers: TestOrg[];
  upstreamAgreementId: string;
  agreements: string[];
  /** the decision on the upstream agreement, the processor its controller */
  upstreamDecisionId: string;
  upstreamDeadline: Date;
  sourceId: string;
  changeId: string;
  draftId: string;
}

/** The whole chain: NordHost's agreement with the processor, the processor's with three controllers, NordHost's change, and its draft. */
async function chain(opts: { t?: TestContext } = {}): Promise<Chain> {
  const t = opts.t ?? (await createTestContext());
  const sub = await createOrg(t, "NordHost A/S");
  const proc = await createOrg(t, "NordCare Systems ApS");
  const controllers = [await createOrg(t, "Aarhus Kommune"), await createOrg(t, "Odense Kommune"), await createOrg(t, "Vejle Kommune")];
  const upstream = await createActiveAgreement(t, sub, proc);
  // two notices short enough to end before the upstream deadline (30 days) less the margin, one that ends after the deadline itself
  const agreements = [
    (await createActiveAgreement(t, proc, controllers[0]!, { notice_days: 14 })).id,
    (await createActiveAgreement(t, proc, controllers[1]!, { notice_days: 14 })).id,
    (await createActiveAgreement(t, proc, controllers[2]!, { notice_days: 45 })).id,
  ];
  const source = await t.call(proc.key, "POST", "/v1/upstream-sources", { sub_processor_ref: "nordhost", kind: "register", upstream_agreement_id: upstream.id });
  expect(source.status, JSON.stringify(source.body)).toBe(201);
  const upstreamCr = await t.call(sub.key, "POST", "/v1/change-requests", { agreements: [upstream.id], operations: [addBackupOp("upbackup")], reason: "A backup provider" });
  expect(upstreamCr.status, JSON.stringify(upstreamCr.body)).toBe(201);
  const decision = upstreamCr.body.decisions[0];
  const upstreamDeadline = new Date(decision.notice_ends_at);
  // the intake receives it at the scheduler's next run: the upstream change and its draft (src/features/upstream/intake.service.ts)
  const advanced = await t.call(t.operatorKey, "POST", "/v1/test-clock/advance", { seconds: 1 });
  expect(advanced.status, JSON.stringify(advanced.body)).toBe(200);
  const received = await t.call(proc.key, "GET", "/v1/upstream-changes");
  expect(received.body.data, JSON.stringify(received.body)).toHaveLength(1);
  const changeId = received.body.data[0].id as string;
  const draftId = received.body.data[0].draft.id as string;
  return {
    t,
    sub,
    proc,
    controllers,
    upstreamAgreementId: upstream.id,
    agreements,
    upstreamDecisionId: decision.id,
    upstreamDeadline,
    sourceId: source.body.id,
    changeId,
    draftId,
  };
}

/** Submits the draft; the controllers' decisions by agreement, in the chain's order. */
async function submitDraft(c: Chain) {
  const res = await c.t.call(c.proc.key, "POST", `/v1/change-request-drafts/${c.draftId}/submit`);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const byAgreement = new Map(res.body.decisions.map((d: { agreement: { id: string }; id: string }) => [d.agreement.id, d.id]));
  return { changeRequestId: res.body.id as string, decisions: c.agreements.map((a) => byAgreement.get(a) as string) };
}

/** The database, and the upstream tables beside it: a refused request leaves all of it as it was. */
async function everything(t: TestContext) {
  const state = await dumpState(t);
  for (const table of ["upstream_sources", "upstream_changes", "change_request_drafts"])
    state[table] = (await t.client.execute(`SELECT * FROM ${table} ORDER BY rowid`)).rows.map((r) => ({ ...r }));
  return state;
}

describe("upstream sources", () => {
  it("a register source: the caller's active agreement as controller, a ref of its annexes; listed, read, removed, audited", async () => {
    const c = await chain();
    const got = await c.t.call(c.proc.key, "GET", `/v1/upstream-sources/${c.sourceId}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      object: "upstream_source",
      kind: "register",
      sub_processor_ref: "nordhost",
      upstream_agreement_id: c.upstreamAgreementId,
      margin_days: 5,
      removed_at: null,
    });
    const list = await c.t.call(c.proc.key, "GET", "/v1/upstream-sources");
    expect(list.body.data.map((s: { id: string }) => s.id)).toEqual([c.sourceId]);
    const removed = await c.t.call(c.proc.key, "DELETE", `/v1/upstream-sources/${c.sourceId}`);
    expect(removed.status).toBe(200);
    expect(removed.body.removed_at).toBe(c.t.clock.now().toISOString());
    expect((await c.t.call(c.proc.key, "GET", `/v1/upstream-sources/${c.sourceId}`)).status).toBe(404);
    expect((await c.t.call(c.proc.key, "GET", "/v1/upstream-sources")).body.data).toEqual([]);
    // the change it brought stays
    expect((await c.t.call(c.proc.key, "GET", `/v1/upstream-changes/${c.changeId}`)).status).toBe(200);
    const audit = await c.t.call(c.proc.key, "GET", "/v1/audit?limit=100");
    const actions = audit.body.data.map((r: { action: string }) => r.action);
    expect(actions).toEqual(expect.arrayContaining(["upstream_source.create", "upstream_source.remove"]));
  });

  it("a feed source: https, polled at the scheduler's next run, defaults applied", async () => {
    const resolveHost = async (name: string) => (name === "feeds.example.com" ? ["93.184.216.34"] : ["10.0.0.7"]);
    const t = await createTestContext({ webhooks: { allowInsecure: false, resolveHost } });
    const c = await chain({ t });
    const res = await t.call(c.proc.key, "POST", "/v1/upstream-sources", { sub_processor_ref: "nordhost", kind: "feed", feed_url: "https://feeds.example.com/nordhost.json" });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ kind: "feed", upstream_agreement_id: null, default_window_days: 30, margin_days: 5, next_poll_at: t.clock.now().toISOString() });
  });

  it.each([
    [{ sub_processor_ref: "nordhost", kind: "feed", feed_url: "http://feeds.example.com/x.json" }, "/feed_url", "https_required"],
    [{ sub_processor_ref: "nordhost", kind: "feed", feed_url: "https://127.0.0.1/x.json" }, "/feed_url", "private_address"],
    [{ sub_processor_ref: "nordhost", kind: "feed", feed_url: "https://intranet.example.org/x.json" }, "/feed_url", "private_address"],
    [{ sub_processor_ref: "nordhost", kind: "feed", feed_url: "https://user:pw@feeds.example.com/x.json" }, "/feed_url", "credentials_not_allowed"],
    [{ sub_processor_ref: "nordhost", kind: "feed", feed_url: "https://feeds.example.com/x.json", margin_days: 61 }, "/margin_days", "too_big"],
    [{ sub_processor_ref: "nordhost", kind: "feed", feed_url: "https://feeds.example.com/x.json", default_window_days: 0 }, "/default_window_days", "too_small"],
    [{ sub_processor_ref: "nordhost", kind: "mail" }, "/kind", "invalid_union"],
    [{ sub_processor_ref: "nordhost", kind: "register" }, "/upstream_agreement_id", "required"],
    [{ sub_processor_ref: "nordhost", kind: "register", upstream_agreement_id: "agr_x", feed_url: "https://feeds.example.com/x.json" }, "/feed_url", "unknown_field"],
    [{ sub_processor_ref: "unknown-ref", kind: "feed", feed_url: "https://feeds.example.com/x.json" }, "/sub_processor_ref", "sub_processor_in_annex"],
  ])("refuses %j: 422 naming %s (%s); nothing is written", async (body, pointer, rule) => {
    const resolveHost = async (name: string) => (name === "feeds.example.com" ? ["93.184.216.34"] : ["10.0.0.7"]);
    const t = await createTestContext({ webhooks: { allowInsecure: false, resolveHost } });
    const c = await chain({ t });
    const before = await everything(t);
    const res = await t.call(c.proc.key, "POST", "/v1/upstream-sources", body);
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.errors).toContainEqual(expect.objectContaining({ pointer, rule }));
    expect(await everything(t)).toEqual(before);
  });

  it("register: only an active agreement with the caller as its controller (its own as processor, a stranger's, an unknown one: the same 422)", async () => {
    const c = await chain();
    const stranger = await createOrg(c.t, "Stranger ApS");
    const strangers = await createActiveAgreement(c.t, c.sub, stranger);
    for (const id of [c.agreements[0]!, strangers.id, "agr_01ZZZZZZZZZZZZZZZZZZZZZZZZ"]) {
      const res = await c.t.call(c.proc.key, "POST", "/v1/upstream-sources", { sub_processor_ref: "nordhost", kind: "register", upstream_agreement_id: id });
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ pointer: "/upstream_agreement_id", rule: "own_agreement_as_controller" })]);
    }
    // a controller with no agreement of its own as processor has no sub-processor to name
    const res = await c.t.call(c.controllers[0]!.key, "POST", "/v1/upstream-sources", { sub_processor_ref: "nordhost", kind: "register", upstream_agreement_id: c.agreements[0] });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { rule: string }) => e.rule).sort()).toEqual(["sub_processor_in_annex"]);
  });

  it("Idempotency-Key: a retry gets the same source, one is made", async () => {
    const c = await chain();
    const body = { sub_processor_ref: "nordhost", kind: "feed", feed_url: "https://feeds.example.com/x.json" };
    const first = await c.t.call(c.proc.key, "POST", "/v1/upstream-sources", body, { "Idempotency-Key": "feed-once" });
    const again = await c.t.call(c.proc.key, "POST", "/v1/upstream-sources", body, { "Idempotency-Key": "feed-once" });
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body).toEqual(first.body);
    expect((await c.t.call(c.proc.key, "GET", "/v1/upstream-sources")).body.data).toHaveLength(2);
  });
});

describe("who may", () => {
  it("a controller's key, a stranger's: 404 as for a missing id; the operator 403; a read-only key 403 on every write", async () => {
    const c = await chain();
    const stranger = await createOrg(c.t, "Stranger ApS");
    const read = await c.t.call(c.t.operatorKey, "POST", `/v1/organisations/${c.proc.id}/api-keys`, { name: "read", scope: "read" });
    const reads = [`/v1/upstream-sources/${c.sourceId}`, `/v1/upstream-changes/${c.changeId}`, `/v1/change-request-drafts/${c.draftId}`];
    const writes: [string, string, unknown?][] = [
      ["DELETE", `/v1/upstream-sources/${c.sourceId}`],
      ["POST", `/v1/upstream-changes/${c.changeId}/object`, { reason: "No" }],
      ["POST", `/v1/upstream-changes/${c.changeId}/approve`, {}],
      ["PATCH", `/v1/change-request-drafts/${c.draftId}`, { reason: "Mine" }],
      ["POST", `/v1/change-request-drafts/${c.draftId}/submit`],
      ["POST", `/v1/change-request-drafts/${c.draftId}/discard`],
    ];
    const before = await everything(c.t);
    for (const key of [c.controllers[0]!.key, c.sub.key, stranger.key]) {
      for (const path of reads) expect((await c.t.call(key, "GET", path)).status, path).toBe(404);
      for (const [method, path, body] of writes) {
        const res = await c.t.call(key, method, path, body);
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(res.body.code).toBe("not_found");
      }
      for (const list of ["/v1/upstream-sources", "/v1/upstream-changes", "/v1/change-request-drafts"]) expect((await c.t.call(key, "GET", list)).body.data, list).toEqual([]);
    }
    for (const path of reads) expect((await c.t.call(c.t.operatorKey, "GET", path)).status).toBe(403);
    for (const [method, path, body] of writes) {
      expect((await c.t.call(c.t.operatorKey, method, path, body)).status).toBe(403);
      const res = await c.t.call(read.body.secret, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    for (const path of reads) expect((await c.t.call(read.body.secret, "GET", path)).status).toBe(200);
    // (the keys' last use is noted on their successful reads)
    const { api_keys: _after, ...after } = await everything(c.t);
    const { api_keys: _before, ...unchanged } = before;
    expect(after).toEqual(unchanged);
  });
});

describe("drafts", () => {
  it("shows each agreement's notice end if submitted now, whether it fits, and warns where it cannot", async () => {
    const c = await chain();
    const res = await c.t.call(c.proc.key, "GET", `/v1/change-request-drafts/${c.draftId}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ object: "change_request_draft", state: "draft", upstream_change_id: c.changeId, change_request_id: null });
    expect(res.body.notice_end_by).toBe(new Date(c.upstreamDeadline.getTime() - 5 * DAY).toISOString());
    const fits = new Map(res.body.agreements.map((a: { agreement_id: string; fits: boolean }) => [a.agreement_id, a.fits]));
    expect(c.agreements.map((a) => fits.get(a))).toEqual([true, true, false]);
    expect(res.body.warnings).toEqual([expect.objectContaining({ code: "notice_too_long", agreement_id: c.agreements[2] })]);
    const list = await c.t.call(c.proc.key, "GET", "/v1/change-request-drafts?state=draft");
    expect(list.body.data.map((d: { id: string }) => d.id)).toEqual([c.draftId]);
  });

  it("PATCH edits operations, reason and effective date while a draft; operations are checked as a change request's", async () => {
    const c = await chain();
    const refused = await c.t.call(c.proc.key, "PATCH", `/v1/change-request-drafts/${c.draftId}`, { operations: [] });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ pointer: "/operations", rule: "too_small" })]);
    const bad = await c.t.call(c.proc.key, "PATCH", `/v1/change-request-drafts/${c.draftId}`, { operations: [{ op: "add_sub_processor", sub_processor: { ref: "x" } }] });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].pointer).toMatch(/^\/operations\/0\/sub_processor/);
    const ok = await c.t.call(c.proc.key, "PATCH", `/v1/change-request-drafts/${c.draftId}`, {
      reason: "NordHost adds a Swedish backup provider",
      effective_date: "2027-03-01T00:00:00Z",
      operations: [addBackupOp("edited")],
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ reason: "NordHost adds a Swedish backup provider", effective_date: "2027-03-01T00:00:00.000Z" });
    expect(ok.body.operations[0].sub_processor.ref).toBe("edited");
  });

  it("an empty draft (a feed's prose) warns, and submitting it is 422 naming operations; nothing is written", async () => {
    const c = await chain();
    const feed = await insertUpstreamSource(c.t, { processorId: c.proc.id, kind: "feed" });
    const { draftId } = await insertUpstreamChange(c.t, {
      processorId: c.proc.id,
      sourceId: feed,
      deadlineAt: new Date(c.t.clock.now().getTime() + 40 * DAY),
      agreements: [{ id: c.agreements[0]!, noticeDays: 14 }],
      operations: [],
    });
    const got = await c.t.call(c.proc.key, "GET", `/v1/change-request-drafts/${draftId}`);
    expect(got.body.warnings).toContainEqual(expect.objectContaining({ code: "operations_empty" }));
    const before = await everything(c.t);
    const res = await c.t.call(c.proc.key, "POST", `/v1/change-request-drafts/${draftId}/submit`);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ pointer: "/operations", rule: "non_empty" })]);
    expect(await everything(c.t)).toEqual(before);
  });

  it("submit makes a change request that remembers the upstream change; the draft is submitted with its id, in the same change", async () => {
    const c = await chain();
    const { changeRequestId } = await submitDraft(c);
    const cr = await c.t.call(c.proc.key, "GET", `/v1/change-requests/${changeRequestId}`);
    expect(cr.body.upstream_change_id).toBe(c.changeId);
    expect(cr.body.decisions).toHaveLength(3);
    // a controller sees the change request, not the processor's upstream change
    expect((await c.t.call(c.controllers[0]!.key, "GET", `/v1/change-requests/${changeRequestId}`)).body.upstream_change_id).toBeNull();
    const draft = await c.t.call(c.proc.key, "GET", `/v1/change-request-drafts/${c.draftId}`);
    expect(draft.body).toMatchObject({ state: "submitted", change_request_id: changeRequestId });
    const audit = await c.t.call(c.proc.key, "GET", "/v1/audit?limit=100");
    expect(audit.body.data.map((r: { action: string }) => r.action)).toContain("change_request_draft.submit");
  });

  it("a submission's own 422 passes through, and the draft stays a draft", async () => {
    const c = await chain();
    // the backup's location does not exist in the processor's annexes
    const op = addBackupOp("nowhere");
    await c.t.call(c.proc.key, "PATCH", `/v1/change-request-drafts/${c.draftId}`, { operations: [{ ...op, sub_processor: { ...op.sub_processor, locations: ["no-such-site"] } }] });
    const before = await everything(c.t);
    const res = await c.t.call(c.proc.key, "POST", `/v1/change-request-drafts/${c.draftId}/submit`);
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.errors[0].agreement_id).toBe(c.agreements[0]);
    expect(await everything(c.t)).toEqual(before);
  });

  it.each([
    ["submitted", "PATCH", "", { reason: "Again" }],
    ["submitted", "POST", "/submit", undefined],
    ["submitted", "POST", "/discard", undefined],
    ["discarded", "PATCH", "", { reason: "Again" }],
    ["discarded", "POST", "/submit", undefined],
    ["discarded", "POST", "/discard", undefined],
  ] as const)("a %s draft: %s %s is 409 invalid_state; nothing is written", async (state, method, suffix, body) => {
    const c = await chain();
    if (state === "submitted") await submitDraft(c);
    else expect((await c.t.call(c.proc.key, "POST", `/v1/change-request-drafts/${c.draftId}/discard`)).body.state).toBe("discarded");
    const before = await everything(c.t);
    const res = await c.t.call(c.proc.key, method, `/v1/change-request-drafts/${c.draftId}${suffix}`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect(res.body.code).toBe("invalid_state");
    expect(await everything(c.t)).toEqual(before);
  });
});

describe("answering upstream", () => {
  it("the change shows its controllers' decisions gathered against the upstream deadline", async () => {
    const c = await chain();
    const before = await c.t.call(c.proc.key, "GET", `/v1/upstream-changes/${c.changeId}`);
    expect(before.body).toMatchObject({ state: "open", source: { id: c.sourceId, kind: "register" }, draft: { id: c.draftId, state: "draft" }, controllers: null });
    const { changeRequestId, decisions } = await submitDraft(c);
    const res = await c.t.call(c.proc.key, "GET", `/v1/upstream-changes/${c.changeId}`);
    expect(res.body.controllers).toMatchObject({ change_request_id: changeRequestId, deadline_at: c.upstreamDeadline.toISOString(), all_approved: false });
    expect(res.body.controllers.counts).toMatchObject({ pending: 3, approved: 0 });
    expect(res.body.controllers.decisions.map((d: { decision_id: string }) => d.decision_id).sort()).toEqual([...decisions].sort());
    expect(res.body.controllers.decisions[0]).toMatchObject({ agreement: { title: "Databehandleraftale" }, controller: { name: expect.any(String) }, state: "pending" });
    const list = await c.t.call(c.proc.key, "GET", "/v1/upstream-changes?state=open");
    expect(list.body.data).toEqual([res.body]);
  });

  it("object: the processor's reason with each objection attached, named only where the controller agreed; the sub-processor sees decision.objected with it", async () => {
    const c = await chain();
    const { decisions } = await submitDraft(c);
    const object = (i: number, body: Record<string, unknown>) => c.t.call(c.controllers[i]!.key, "POST", `/v1/decisions/${decisions[i]}/object`, body);
    expect((await object(0, { reason: "Not audited under Bilag 3", ground: "security", share_with_upstream: true })).status).toBe(200);
    expect((await object(1, { reason: "We need the DPIA first", ground: "insufficient_information" })).status).toBe(200);
    expect((await object(2, { reason: "Sweden is fine, but not this provider", ground: "sub_processor_reputation" })).status).toBe(200);
    const res = await c.t.call(c.proc.key, "POST", `/v1/upstream-changes/${c.changeId}/object`, { reason: "Our controllers object", ground: "security" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // the decisions' order (their ids) numbers the unnamed controllers
    const expected = composeUpstreamReason("Our controllers object", [
      { controllerName: "Aarhus Kommune", share: true, ground: "security", reason: "Not audited under Bilag 3" },
      { controllerName: "Odense Kommune", share: false, ground: "insufficient_information", reason: "We need the DPIA first" },
      { controllerName: "Vejle Kommune", share: false, ground: "sub_processor_reputation", reason: "Sweden is fine, but not this provider" },
    ]);
    expect(expected).toContain("- Aarhus Kommune (security): Not audited under Bilag 3");
    expect(expected).toContain("- Controller 1 (insufficient_information): We need the DPIA first");
    expect(expected).toContain("- Controller 2 (sub_processor_reputation): Sweden is fine, but not this provider");
    expect(res.body).toMatchObject({ state: "objected", response: { reason: expected } });
    expect(res.body.response.reason).not.toContain("Odense");
    expect(res.body.response.reason).not.toContain("Vejle");
    // upstream, as from any controller
    const upstream = await c.t.call(c.sub.key, "GET", `/v1/decisions/${c.upstreamDecisionId}`);
    expect(upstream.body).toMatchObject({ state: "objected", objection_reason: expected, objection_ground: "security" });
    const events = await c.t.call(c.sub.key, "GET", "/v1/events?limit=100");
    const objected = events.body.data.find((e: { type: string }) => e.type === "decision.objected");
    expect(objected.data.decision.objection_reason).toBe(expected);
    // answered once
    const again = await c.t.call(c.proc.key, "POST", `/v1/upstream-changes/${c.changeId}/object`, { reason: "Again" });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("invalid_state");
  });

  it("object before the draft is submitted: the processor's own reason alone", async () => {
    const c = await chain();
    const res = await c.t.call(c.proc.key, "POST", `/v1/upstream-changes/${c.changeId}/object`, { reason: "We cannot accept a provider outside Denmark" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.response.reason).toBe("We cannot accept a provider outside Denmark");
    expect((await c.t.call(c.sub.key, "GET", `/v1/decisions/${c.upstreamDecisionId}`)).body.objection_ground).toBe("other");
  });

  it("approve: 409 controllers_pending until every controller has approved or been deemed to; then the upstream decision is approved", async () => {
    const c = await chain();
    const early = await c.t.call(c.proc.key, "POST", `/v1/upstream-changes/${c.changeId}/approve`, {});
    expect(early.status).toBe(409);
    expect(early.body.code).toBe("controllers_pending");
    const { decisions } = await submitDraft(c);
    for (const i of [0, 1]) expect((await c.t.call(c.controllers[i]!.key, "POST", `/v1/decisions/${decisions[i]}/approve`, {})).status).toBe(200);
    const before = await everything(c.t);
    const pending = await c.t.call(c.proc.key, "POST", `/v1/upstream-changes/${c.changeId}/approve`, { comment: "All agreed" });
    expect(pending.status).toBe(409);
    expect(pending.body).toMatchObject({ code: "controllers_pending", pending_decisions: [decisions[2]] });
    expect(await everything(c.t)).toEqual(before);
    expect((await c.t.call(c.controllers[2]!.key, "POST", `/v1/decisions/${decisions[2]}/approve`, {})).status).toBe(200);
    const res = await c.t.call(c.proc.key, "POST", `/v1/upstream-changes/${c.changeId}/approve`, { comment: "All agreed" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ state: "approved", controllers: { all_approved: true } });
    expect((await c.t.call(c.sub.key, "GET", `/v1/decisions/${c.upstreamDecisionId}`)).body).toMatchObject({ state: "approved", comment: "All agreed" });
  });

  it("nothing is half-written: an upstream decision already final is 409 and the upstream change stays open", async () => {
    const c = await chain();
    // the processor decided upstream directly, as controller
    expect((await c.t.call(c.proc.key, "POST", `/v1/decisions/${c.upstreamDecisionId}/approve`, {})).status).toBe(200);
    const before = await everything(c.t);
    const res = await c.t.call(c.proc.key, "POST", `/v1/upstream-changes/${c.changeId}/object`, { reason: "Too late" });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: "invalid_state", upstream_decision_state: "approved" });
    expect(await everything(c.t)).toEqual(before);
    expect((await c.t.call(c.proc.key, "GET", `/v1/upstream-changes/${c.changeId}`)).body.state).toBe("open");
  });

  it("a feed's change has no decision here: object and approve are 409 not_in_register", async () => {
    const c = await chain();
    const feed = await insertUpstreamSource(c.t, { processorId: c.proc.id, kind: "feed" });
    const { changeId } = await insertUpstreamChange(c.t, {
      processorId: c.proc.id,
      sourceId: feed,
      deadlineAt: new Date(c.t.clock.now().getTime() + 40 * DAY),
      agreements: [{ id: c.agreements[0]!, noticeDays: 14 }],
      operations: [addBackupOp("fromfeed")],
    });
    const before = await everything(c.t);
    for (const [verb, body] of [
      ["object", { reason: "No" }],
      ["approve", {}],
    ] as const) {
      const res = await c.t.call(c.proc.key, "POST", `/v1/upstream-changes/${changeId}/${verb}`, body);
      expect(res.status, verb).toBe(409);
      expect(res.body.code).toBe("not_in_register");
    }
    expect(await everything(c.t)).toEqual(before);
  });

  it.each([
    [{}, "/reason", "required"],
    [{ reason: "" }, "/reason", "too_small"],
    [{ reason: "x".repeat(4001) }, "/reason", "too_big"],
    [{ reason: "No", ground: "taste" }, "/ground", "invalid_value"],
    [{ reason: "No", share: true }, "/share", "unknown_field"],
  ])("object refuses %j: 422 naming %s (%s)", async (body, pointer, rule) => {
    const c = await chain();
    const res = await c.t.call(c.proc.key, "POST", `/v1/upstream-changes/${c.changeId}/object`, body);
    expect(res.status).toBe(422);
    expect(res.body.errors).toContainEqual(expect.objectContaining({ pointer, rule }));
  });
});

describe("composeUpstreamReason", () => {
  it.each([
    ["no objections: the processor's reason alone", [], "Ours"],
    [
      "named where shared, numbered among the unnamed otherwise",
      [
        { controllerName: "A", share: false, ground: "security" as const, reason: "r1" },
        { controllerName: "B", share: true, ground: null, reason: "r2" },
        { controllerName: "C", share: false, ground: "other" as const, reason: "r3" },
      ],
      "Ours\n\nObjections of our controllers:\n- Controller 1 (security): r1\n- B (other): r2\n- Controller 2 (other): r3",
    ],
  ])("%s", (_name, objections, expected) => {
    expect(composeUpstreamReason("Ours", objections)).toBe(expected);
  });
});

describe("console: the processor's change requests", () => {
  // as test/features/html-valid.test.ts validates every page
  const validator = new HtmlValidate({
    extends: ["html-validate:recommended"],
    rules: {
      "void-style": ["error", { style: "selfclose" }],
      "attribute-boolean-style": ["error", { style: "empty" }],
      "form-dup-name": ["error", { shared: ["radio", "checkbox", "button", "reset", "submit"] }],
    },
  });

  it("a request passed on from upstream shows the upstream change and its deadline beside each controller's notice end; valid HTML", async () => {
    const c = await chain();
    const { changeRequestId } = await submitDraft(c);
    const session = await signInAs(c.t, c.proc.key, "decider");
    const res = await c.t.app.request("/console/requests", { headers: { Cookie: session.cookie } });
    expect(res.status).toBe(200);
    const html = await res.text();
    const section = html.slice(html.indexOf(`id="cr-${changeRequestId}"`));
    const { title } = (await c.t.call(c.proc.key, "GET", `/v1/upstream-changes/${c.changeId}`)).body;
    const escaped = title.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&#39;");
    expect(section).toContain(`Passes on a change of a sub-processor: ${escaped}`);
    expect(section).toContain(`<code>${c.changeId}</code>`);
    expect(section).toContain('<th scope="col">Upstream deadline</th>');
    // one cell per controller's decision, the deadline as a machine-readable instant
    expect(section.split(`<time datetime="${c.upstreamDeadline.toISOString()}">`).length - 1).toBe(3);
    // the 45-day notice ends after the upstream deadline: said in words, not by colour alone
    expect(section.split("The notice ends after it").length - 1).toBe(1);
    const report = await validator.validateString(html);
    expect(report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message}`))).toEqual([]);
    // a controller's page names no upstream change
    const controller = await signInAs(c.t, c.controllers[0]!.key, "decider");
    const theirs = await (await c.t.app.request("/console/requests", { headers: { Cookie: controller.cookie } })).text();
    expect(theirs).not.toContain(c.changeId);
    expect(theirs).not.toContain("Upstream deadline");
  });
});
