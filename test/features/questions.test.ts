// Questions before objections (docs/rules.md, rule 13): the controller asks on a pending decision,
// the processor answers once, both are told and it is audited; where the agreement's terms say so,
// an open question holds the notice, and the answer sets its new end. Through the real app: the API,
// its events, the audit trail, the scheduler (the test clock) and the console of both parties.
import { describe, expect, it } from "vitest";
import { createTestContext, DAY, type TestContext } from "../helpers/app";
import { snapshotState } from "../helpers/db-snapshot";
import { addBackupOp, createActiveAgreement, createOrg, type TestOrg } from "../helpers/factories";
import { type ConsoleSession, ORIGIN, signInAs } from "../helpers/people";

/** A processor, a controller (Danish) and a stranger; one change over `agreements` agreements: one pending decision each. */
async function world(agreements = 1, opts: { authorisation?: "general" | "specific" } = {}) {
  const t = await createTestContext();
  const processor = await createOrg(t, "Omsorgspartner ApS");
  const controller = await createOrg(t, "Aarhus Kommune");
  const stranger = await createOrg(t, "Odense Kommune");
  const ids: string[] = [];
  for (let i = 0; i < agreements; i++) ids.push((await createActiveAgreement(t, processor, controller, { authorisation: opts.authorisation ?? "general" })).id);
  return { t, processor, controller, stranger, agreements: ids };
}

type World = Awaited<ReturnType<typeof world>>;

/** A change over every agreement: its decisions, in the order of the agreements. */
async function submit(w: World, operations: unknown[] = [addBackupOp("kista")]) {
  const cr = await w.t.call(w.processor.key, "POST", "/v1/change-requests", { agreements: "all", operations, reason: "A Swedish backup site" });
  expect(cr.status, JSON.stringify(cr.body)).toBe(201);
  return w.agreements.map((a) => cr.body.decisions.find((d: { agreement: { id: string } }) => d.agreement.id === a).id as string);
}

const ask = (t: TestContext, who: TestOrg | string, id: string, body: unknown, headers: Record<string, string> = {}) =>
  t.call(typeof who === "string" ? who : who.key, "POST", `/v1/decisions/${id}/questions`, body, headers);
const answer = (t: TestContext, who: TestOrg | string, id: string, question: string, body: unknown) =>
  t.call(typeof who === "string" ? who : who.key, "POST", `/v1/decisions/${id}/questions/${question}/answer`, body);
const advance = async (t: TestContext, days: number) => {
  const res = await t.call(t.operatorKey, "POST", "/v1/test-clock/advance", { seconds: Math.round((days * DAY) / 1000) });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
};

const QUESTION = { question: "Can staff of the backup provider reach the records from outside the EU?" };
const ANSWER = { answer: "No: the backups are encrypted with our keys, and the provider's staff work in Sweden only." };

/** Every event of a type an organisation may read, oldest first. */
async function eventsOf(t: TestContext, who: TestOrg, type: string) {
  const res = await t.call(who.key, "GET", `/v1/events?type=${type}&order=asc&limit=100`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data as { type: string; data: { decision: Record<string, any>; question: Record<string, any> } }[];
}

/** The controller amends its terms to set the extension; in force 30 days later, when the clock has moved there. */
async function withExtension(w: World, days: number) {
  for (const id of w.agreements) {
    const res = await w.t.call(w.controller.key, "POST", `/v1/agreements/${id}/amendments`, { question_extension_days: days, reason: "Questions hold the notice" });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ question_extension_days: days, in_force: false });
  }
  await advance(w.t, 31);
  for (const id of w.agreements) {
    const terms = (await w.t.call(w.controller.key, "GET", `/v1/agreements/${id}/terms`)).body.data;
    expect(terms.at(-1)).toMatchObject({ version: 2, question_extension_days: days, in_force: true });
    expect(terms[0].question_extension_days).toBeNull();
  }
}

describe("the controller asks, the processor answers", () => {
  it("recorded on the decision, told to both parties, audited; without an extension nothing holds the notice", async () => {
    const w = await world();
    const [decision] = (await submit(w)) as [string];
    const askedAt = w.t.clock.now().toISOString();
    const asked = await ask(w.t, w.controller, decision, QUESTION);
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    expect(asked.body).toMatchObject({ state: "pending", notice_held: false, original_notice_ends_at: null, objection_shared_upstream: false });
    expect(asked.body.questions).toEqual([
      {
        id: expect.stringMatching(/^qst_/),
        question: QUESTION.question,
        asked_at: askedAt,
        asked_by: null,
        holds_notice: false,
        answer: null,
        answered_at: null,
        answered_by: null,
      },
    ]);
    const question = asked.body.questions[0].id as string;
    for (const who of [w.controller, w.processor]) expect((await w.t.call(who.key, "GET", `/v1/decisions/${decision}`)).body).toEqual(asked.body);
    for (const who of [w.controller, w.processor]) {
      const events = await eventsOf(w.t, who, "decision.question_asked");
      expect(events).toHaveLength(1);
      expect(events[0]!.data.decision).toEqual(asked.body);
      expect(events[0]!.data.question).toEqual(asked.body.questions[0]);
    }

    w.t.clock.advance(60_000);
    const answeredAt = w.t.clock.now().toISOString();
    const answered = await answer(w.t, w.processor, decision, question, ANSWER);
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    expect(answered.body.questions).toEqual([{ ...asked.body.questions[0], answer: ANSWER.answer, answered_at: answeredAt, answered_by: null }]);
    // the notice has not moved: the question did not hold it
    expect(answered.body.notice_ends_at).toBe(asked.body.notice_ends_at);
    expect(answered.body.original_notice_ends_at).toBeNull();
    for (const who of [w.controller, w.processor]) {
      expect((await w.t.call(who.key, "GET", `/v1/decisions/${decision}`)).body).toEqual(answered.body);
      const events = await eventsOf(w.t, who, "decision.question_answered");
      expect(events).toHaveLength(1);
      expect(events[0]!.data.decision).toEqual(answered.body);
      expect(events[0]!.data.question.answer).toBe(ANSWER.answer);
    }
    // the lists show the questions too: the decisions, and the change request
    const list = (await w.t.call(w.controller.key, "GET", "/v1/decisions")).body.data;
    expect(list.find((d: { id: string }) => d.id === decision).questions).toEqual(answered.body.questions);
    const requests = (await w.t.call(w.processor.key, "GET", "/v1/change-requests")).body.data;
    expect(requests[0].decisions[0].questions).toEqual(answered.body.questions);
    expect((await w.t.call(w.processor.key, "GET", `/v1/change-requests/${answered.body.change_request_id}`)).body.decisions[0].questions).toEqual(answered.body.questions);

    // audited as each party's act on the decision; the trail still verifies
    const records = (await w.t.call(w.controller.key, "GET", "/v1/audit?limit=100")).body.data as { action: string; resource: unknown; actor: { organisation_id: string } }[];
    const ofQuestions = records.filter((r) => r.action.startsWith("decision.question"));
    expect(ofQuestions.map((r) => [r.action, r.actor.organisation_id]).sort()).toEqual(
      [
        ["decision.question_answer", w.processor.id],
        ["decision.question_ask", w.controller.id],
      ].sort(),
    );
    for (const r of ofQuestions) expect(r.resource).toMatchObject({ type: "decision", id: decision });
    expect((await w.t.call(w.t.operatorKey, "GET", "/v1/audit/verify?full=true")).body).toMatchObject({ valid: true });
  });

  it("several questions, oldest first; each answered on its own", async () => {
    const w = await world();
    const [decision] = (await submit(w)) as [string];
    const first = (await ask(w.t, w.controller, decision, { question: "First?" })).body.questions[0].id;
    w.t.clock.advance(1000);
    const second = await ask(w.t, w.controller, decision, { question: "Second?" });
    expect(second.body.questions.map((q: { question: string }) => q.question)).toEqual(["First?", "Second?"]);
    const res = await answer(w.t, w.processor, decision, first, { answer: "One." });
    expect(res.status).toBe(200);
    expect(res.body.questions.map((q: { answer: string | null }) => q.answer)).toEqual(["One.", null]);
  });

  it("Idempotency-Key: a retry of a question replays it instead of asking twice", async () => {
    const w = await world();
    const [decision] = (await submit(w)) as [string];
    const first = await ask(w.t, w.controller, decision, QUESTION, { "Idempotency-Key": "ask-1" });
    const again = await ask(w.t, w.controller, decision, QUESTION, { "Idempotency-Key": "ask-1" });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await eventsOf(w.t, w.processor, "decision.question_asked")).toHaveLength(1);
  });
});

describe("who may ask and answer", () => {
  it("asking: the controller only; the processor 403, another organisation and a missing decision 404; nothing changes", async () => {
    const w = await world();
    const [decision] = (await submit(w)) as [string];
    const before = await snapshotState(w.t);
    const asProcessor = await ask(w.t, w.processor, decision, QUESTION);
    expect(asProcessor.status).toBe(403);
    expect(asProcessor.body.code).toBe("forbidden");
    const foreign = await ask(w.t, w.stranger, decision, QUESTION);
    const missing = await ask(w.t, w.controller, "dec_01ZZZZZZZZZZZZZZZZZZZZZZZZ", QUESTION);
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(foreign.body.detail).toBe(missing.body.detail);
    expect((await ask(w.t, w.t.operatorKey, decision, QUESTION)).status).toBe(403);
    expect(await snapshotState(w.t)).toEqual(before);
  });

  it("answering: the processor only; the controller 403, another organisation 404, a question of another decision 404; nothing changes", async () => {
    const w = await world(2);
    const [decision, other] = (await submit(w)) as [string, string];
    const question = (await ask(w.t, w.controller, decision, QUESTION)).body.questions[0].id;
    const before = await snapshotState(w.t);
    const asController = await answer(w.t, w.controller, decision, question, ANSWER);
    expect(asController.status).toBe(403);
    expect(asController.body.code).toBe("forbidden");
    expect((await answer(w.t, w.stranger, decision, question, ANSWER)).status).toBe(404);
    const elsewhere = await answer(w.t, w.processor, other, question, ANSWER);
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.code).toBe("not_found");
    expect((await answer(w.t, w.processor, decision, "qst_01ZZZZZZZZZZZZZZZZZZZZZZZZ", ANSWER)).status).toBe(404);
    expect((await answer(w.t, w.t.operatorKey, decision, question, ANSWER)).status).toBe(403);
    expect(await snapshotState(w.t)).toEqual(before);
  });
});

describe("when", () => {
  it("a notice has nothing to ask about (409 notice_only); a final decision 409 invalid_state; nothing changes", async () => {
    const w = await world(2);
    const [notice] = (await submit(w, [{ op: "update_sub_processor", target: "nordhost", changes: { description: "Hosting and monitoring" } }])) as [string];
    const [approved, withdrawn] = (await submit(w)) as [string, string];
    expect((await w.t.call(w.controller.key, "POST", `/v1/decisions/${approved}/approve`, {})).status).toBe(200);
    expect((await w.t.call(w.processor.key, "POST", `/v1/decisions/${withdrawn}/withdraw`)).status).toBe(200);
    const before = await snapshotState(w.t);
    const onNotice = await ask(w.t, w.controller, notice, QUESTION);
    expect(onNotice.status, JSON.stringify(onNotice.body)).toBe(409);
    expect(onNotice.body).toMatchObject({ code: "notice_only", kind: "notice" });
    for (const [id, state] of [
      [approved, "approved"],
      [withdrawn, "withdrawn"],
    ] as const) {
      const res = await ask(w.t, w.controller, id, QUESTION);
      expect(res.status, state).toBe(409);
      expect(res.body).toMatchObject({ code: "invalid_state", current_state: state });
    }
    expect(await snapshotState(w.t)).toEqual(before);
  });

  it("after the notice ended under a general authorisation the change is approved by silence: 409 invalid_state", async () => {
    const w = await world();
    const [decision] = (await submit(w)) as [string];
    w.t.clock.advance(31 * DAY);
    const res = await ask(w.t, w.controller, decision, QUESTION);
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect(res.body).toMatchObject({ code: "invalid_state", current_state: "deemed_approved" });
  });

  it("an answer is given once (409 invalid_state the second time), and still after the decision became final", async () => {
    const w = await world();
    const [decision] = (await submit(w)) as [string];
    const question = (await ask(w.t, w.controller, decision, QUESTION)).body.questions[0].id;
    expect((await w.t.call(w.controller.key, "POST", `/v1/decisions/${decision}/object`, { reason: "No answer in time", ground: "insufficient_information" })).status).toBe(200);
    // the record is completed, whatever the decision's state has become
    const late = await answer(w.t, w.processor, decision, question, ANSWER);
    expect(late.status, JSON.stringify(late.body)).toBe(200);
    expect(late.body).toMatchObject({ state: "objected", notice_held: false });
    expect(late.body.questions[0].answer).toBe(ANSWER.answer);
    const before = await snapshotState(w.t);
    const twice = await answer(w.t, w.processor, decision, question, { answer: "Again." });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ code: "invalid_state", current_state: "objected" });
    expect(await snapshotState(w.t)).toEqual(before);
  });
});

describe("validation", () => {
  it.each([
    ["an empty question", { question: "" }, "/question"],
    ["a blank question", { question: "   " }, "/question"],
    ["no question", {}, "/question"],
    ["a question over 4,000 characters", { question: "x".repeat(4001) }, "/question"],
    ["an unknown field", { ...QUESTION, ground: "other" }, "/ground"],
  ])("asking: refuses %s with a 422 naming the field, and changes nothing", async (_name, body, pointer) => {
    const w = await world();
    const [decision] = (await submit(w)) as [string];
    const before = await snapshotState(w.t);
    const res = await ask(w.t, w.controller, decision, body);
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual([pointer]);
    expect(await snapshotState(w.t)).toEqual(before);
  });

  it.each([
    ["an empty answer", { answer: "" }, "/answer"],
    ["no answer", {}, "/answer"],
    ["an answer over 4,000 characters", { answer: "x".repeat(4001) }, "/answer"],
    ["an unknown field", { ...ANSWER, note: "x" }, "/note"],
  ])("answering: refuses %s with a 422 naming the field, and changes nothing", async (_name, body, pointer) => {
    const w = await world();
    const [decision] = (await submit(w)) as [string];
    const question = (await ask(w.t, w.controller, decision, QUESTION)).body.questions[0].id;
    const before = await snapshotState(w.t);
    const res = await answer(w.t, w.processor, decision, question, body);
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual([pointer]);
    expect(await snapshotState(w.t)).toEqual(before);
  });

  it("4,000 characters are taken, both ways", async () => {
    const w = await world();
    const [decision] = (await submit(w)) as [string];
    const asked = await ask(w.t, w.controller, decision, { question: "q".repeat(4000) });
    expect(asked.status).toBe(201);
    const answered = await answer(w.t, w.processor, decision, asked.body.questions[0].id, { answer: "a".repeat(4000) });
    expect(answered.status).toBe(200);
    expect(answered.body.questions[0].answer).toHaveLength(4000);
  });

  it("terms: question_extension_days is 1–90 or null; null turns it off", async () => {
    const w = await world();
    const id = w.agreements[0]!;
    for (const days of [0, 91, 1.5, "10"]) {
      const res = await w.t.call(w.controller.key, "POST", `/v1/agreements/${id}/amendments`, { question_extension_days: days, reason: "x" });
      expect(res.status, `${days}: ${JSON.stringify(res.body)}`).toBe(422);
      expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(["/question_extension_days"]);
    }
    // null is already in force: nothing to amend
    const same = await w.t.call(w.controller.key, "POST", `/v1/agreements/${id}/amendments`, { question_extension_days: null, reason: "x" });
    expect(same.status).toBe(422);
    expect(same.body.errors[0].rule).toBe("changes_terms");
    // only the controller amends
    expect((await w.t.call(w.processor.key, "POST", `/v1/agreements/${id}/amendments`, { question_extension_days: 10, reason: "x" })).status).toBe(403);
  });
});

describe("an open question holds the notice, where the terms say so", () => {
  it("not deemed approved after the notice's end while open; after the answer, the later end, and deemed then", async () => {
    const w = await world(1, { authorisation: "general" });
    await withExtension(w, 10);
    // now 23 December 2026, 09:00 UTC (10:00 in Copenhagen): 30 days' notice ends at 24:00 on 22 January there
    const [decision] = (await submit(w)) as [string];
    const submitted = (await w.t.call(w.controller.key, "GET", `/v1/decisions/${decision}`)).body;
    expect(submitted.notice_ends_at).toBe("2027-01-22T23:00:00.000Z");
    const asked = await ask(w.t, w.controller, decision, QUESTION);
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    expect(asked.body).toMatchObject({ notice_held: true, notice_ends_at: "2027-01-22T23:00:00.000Z", original_notice_ends_at: null });
    expect(asked.body.questions[0].holds_notice).toBe(true);
    const question = asked.body.questions[0].id;

    // well past the end: still pending, held; no deemed approval, no reminder
    await advance(w.t, 40);
    const held = (await w.t.call(w.controller.key, "GET", `/v1/decisions/${decision}`)).body;
    expect(held).toMatchObject({ state: "pending", notice_held: true, overdue: false });
    expect(await eventsOf(w.t, w.controller, "decision.deemed_approved")).toHaveLength(0);
    expect(await eventsOf(w.t, w.controller, "notice.reminder")).toHaveLength(0);
    // nor is it in the overdue list
    expect((await w.t.call(w.controller.key, "GET", "/v1/decisions?overdue=true")).body.data).toHaveLength(0);

    // answered on 1 February 2027 at 09:00 UTC: the notice ends 10 days later, at 24:00 on 11 February in Copenhagen
    expect(w.t.clock.now().toISOString()).toBe("2027-02-01T09:00:00.000Z");
    const answered = await answer(w.t, w.processor, decision, question, ANSWER);
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    expect(answered.body).toMatchObject({
      state: "pending",
      notice_held: false,
      notice_ends_at: "2027-02-11T23:00:00.000Z",
      original_notice_ends_at: "2027-01-22T23:00:00.000Z",
    });
    expect(answered.body.questions[0].holds_notice).toBe(false);
    const events = await eventsOf(w.t, w.controller, "decision.question_answered");
    expect(events[0]!.data.decision.notice_ends_at).toBe("2027-02-11T23:00:00.000Z");

    // the day before the new end: pending, and reminded of the new end
    await advance(w.t, 10);
    expect((await w.t.call(w.controller.key, "GET", `/v1/decisions/${decision}`)).body.state).toBe("pending");
    const reminders = await eventsOf(w.t, w.controller, "notice.reminder");
    expect(reminders.map((r) => (r.data as unknown as { days_before: number; notice_ends_at: string }).days_before)).toEqual([7, 1]);
    for (const r of reminders) expect((r.data as unknown as { notice_ends_at: string }).notice_ends_at).toBe("2027-02-11T23:00:00.000Z");
    // then the notice ends, and silence approves at that instant
    await advance(w.t, 2);
    const deemed = (await w.t.call(w.controller.key, "GET", `/v1/decisions/${decision}`)).body;
    expect(deemed).toMatchObject({ state: "deemed_approved", decided_at: "2027-02-11T23:00:00.000Z" });
    // the amended terms, the held and the moved notice: the trail verifies, rows included
    expect((await w.t.call(w.t.operatorKey, "GET", "/v1/audit/verify?full=true")).body).toMatchObject({ valid: true });
  });

  it("a specific authorisation: not overdue while held; overdue after the new end", async () => {
    const w = await world(1, { authorisation: "specific" });
    await withExtension(w, 5);
    const [decision] = (await submit(w)) as [string];
    const question = (await ask(w.t, w.controller, decision, QUESTION)).body.questions[0].id;
    await advance(w.t, 35);
    expect((await w.t.call(w.controller.key, "GET", `/v1/decisions/${decision}`)).body).toMatchObject({ state: "pending", overdue: false, notice_held: true });
    expect(await eventsOf(w.t, w.controller, "decision.overdue")).toHaveLength(0);
    const answered = await answer(w.t, w.processor, decision, question, ANSWER);
    expect(answered.body).toMatchObject({ notice_held: false, overdue: false });
    await advance(w.t, 7);
    expect((await w.t.call(w.controller.key, "GET", `/v1/decisions/${decision}`)).body).toMatchObject({ state: "pending", overdue: true });
    expect(await eventsOf(w.t, w.controller, "decision.overdue")).toHaveLength(1);
  });

  it("answered early, the notice keeps its end: the later of the two", async () => {
    const w = await world();
    await withExtension(w, 10);
    const [decision] = (await submit(w)) as [string];
    const asked = await ask(w.t, w.controller, decision, QUESTION);
    const answered = await answer(w.t, w.processor, decision, asked.body.questions[0].id, ANSWER);
    expect(answered.body).toMatchObject({ notice_held: false, notice_ends_at: asked.body.notice_ends_at, original_notice_ends_at: null });
  });

  it("two open questions: the notice is held until the last is answered", async () => {
    const w = await world();
    await withExtension(w, 10);
    const [decision] = (await submit(w)) as [string];
    const one = (await ask(w.t, w.controller, decision, { question: "One?" })).body.questions[0].id;
    const two = (await ask(w.t, w.controller, decision, { question: "Two?" })).body.questions[1].id;
    await advance(w.t, 40);
    expect((await answer(w.t, w.processor, decision, one, { answer: "1" })).body).toMatchObject({ state: "pending", notice_held: true });
    await advance(w.t, 5);
    const last = await answer(w.t, w.processor, decision, two, { answer: "2" });
    expect(last.body).toMatchObject({ state: "pending", notice_held: false });
    expect(last.body.notice_ends_at > last.body.original_notice_ends_at).toBe(true);
  });

  it("without the extension nothing moves: the question does not hold the notice, and silence approves at its end", async () => {
    const w = await world();
    const [decision] = (await submit(w)) as [string];
    const asked = await ask(w.t, w.controller, decision, QUESTION);
    expect(asked.body).toMatchObject({ notice_held: false });
    expect(asked.body.questions[0].holds_notice).toBe(false);
    await advance(w.t, 31);
    const deemed = (await w.t.call(w.controller.key, "GET", `/v1/decisions/${decision}`)).body;
    expect(deemed).toMatchObject({ state: "deemed_approved", decided_at: asked.body.notice_ends_at, original_notice_ends_at: null });
    // the open question is still answered, the record completed; the notice does not move
    const answered = await answer(w.t, w.processor, decision, asked.body.questions[0].id, ANSWER);
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ state: "deemed_approved", notice_ends_at: asked.body.notice_ends_at });
  });
});

describe("an objection may be shared upstream by name", () => {
  it("share_with_upstream is stored and shown; false by default", async () => {
    const w = await world(2);
    const [shared, anonymous] = (await submit(w)) as [string, string];
    const a = await w.t.call(w.controller.key, "POST", `/v1/decisions/${shared}/object`, { reason: "No.", ground: "security", share_with_upstream: true });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    expect(a.body.objection_shared_upstream).toBe(true);
    const b = await w.t.call(w.controller.key, "POST", `/v1/decisions/${anonymous}/object`, { reason: "No." });
    expect(b.body.objection_shared_upstream).toBe(false);
    const row = (await w.t.client.execute({ sql: "SELECT objection_share_upstream FROM decisions WHERE id = ?", args: [shared] })).rows[0]!;
    expect(Number(row.objection_share_upstream)).toBe(1);
    const bad = await w.t.call(w.controller.key, "POST", `/v1/decisions/${anonymous}/object`, { reason: "No.", share_with_upstream: "yes" });
    expect(bad.status).toBe(422);
  });
});

// --- the console

const get = (t: TestContext, s: ConsoleSession, path: string, lang = "en") => t.app.request(path, { headers: { Cookie: s.cookie, "Accept-Language": lang } });
const post = (t: TestContext, s: ConsoleSession, path: string, form: Record<string, string>) =>
  t.app.request(path, { method: "POST", headers: { Cookie: s.cookie, Origin: ORIGIN }, body: new URLSearchParams(form) });
const csrfIn = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)![1]!;

describe("the console", () => {
  it("the controller asks, the processor answers, as people; both see the record", async () => {
    const w = await world();
    await withExtension(w, 10);
    const [decision] = (await submit(w)) as [string];
    const path = `/console/decisions/${decision}`;
    const ctrl = await signInAs(w.t, w.controller.key, "decider");
    const page = await (await get(w.t, ctrl, path)).text();
    expect(page).toContain('<h2 id="questions">Questions to the processor</h2>');
    expect(page).toContain(`action="${path}/questions"`);
    expect(page).toContain('<label for="question">Your question</label>');
    const csrf = csrfIn(page);

    // an empty question is sent back, nothing recorded
    const before = await snapshotState(w.t);
    const empty = await post(w.t, ctrl, `${path}/questions`, { csrf, question: "  " });
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain('<p id="question-error" class="error" role="alert">Write your question.</p>');
    expect(await snapshotState(w.t)).toEqual(before);

    const ok = await post(w.t, ctrl, `${path}/questions`, { csrf, question: "Who can reach the backups?" });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe(`${path}?done=asked`);
    const asked = (await w.t.call(w.controller.key, "GET", `/v1/decisions/${decision}`)).body;
    expect(asked.notice_held).toBe(true);
    expect(asked.questions[0]).toMatchObject({ question: "Who can reach the backups?", asked_by: { email: ctrl.email } });
    const shown = await (await get(w.t, ctrl, `${path}?done=asked`)).text();
    expect(shown).toContain("Your question is recorded, and the processor has been told.");
    expect(shown).toContain("The notice is held until the question is answered");
    expect(shown).toContain("The processor has not answered yet.");
    // the controller has no form to answer
    expect(shown).not.toContain("/answer");

    const proc = await signInAs(w.t, w.processor.key, "decider");
    const procPage = await (await get(w.t, proc, path)).text();
    const answerPath = `${path}/questions/${asked.questions[0].id}/answer`;
    expect(procPage).toContain(`action="${answerPath}"`);
    expect(procPage).toContain('<label for="answer-0">Your answer</label>');
    // the processor has no form to ask
    expect(procPage).not.toContain(`action="${path}/questions"`);
    const procCsrf = csrfIn(procPage);
    const blank = await post(w.t, proc, answerPath, { csrf: procCsrf, answer: "" });
    expect(blank.status).toBe(422);
    expect(await blank.text()).toContain('<p id="answer-0-error" class="error" role="alert">Write your answer.</p>');

    w.t.clock.advance(DAY);
    const answered = await post(w.t, proc, answerPath, { csrf: procCsrf, answer: "Only our staff in Aarhus." });
    expect(answered.status).toBe(303);
    expect(answered.headers.get("location")).toBe(`${path}?done=answered`);
    const after = (await w.t.call(w.controller.key, "GET", `/v1/decisions/${decision}`)).body;
    expect(after.questions[0]).toMatchObject({ answer: "Only our staff in Aarhus.", answered_by: { email: proc.email } });
    expect(after.notice_held).toBe(false);

    for (const [lang, words] of [
      ["en", ["Questions to the processor", "Only our staff in Aarhus.", "<dt>Answered by</dt>"]],
      ["da", ["Spørgsmål til databehandleren", "<dt>Svar</dt><dd>Only our staff in Aarhus.</dd>"]],
      ["sv", ["Frågor till personuppgiftsbiträdet", "<dt>Besvarad av</dt>"]],
    ] as const) {
      const html = await (await get(w.t, ctrl, path, lang)).text();
      for (const word of words) expect(html, `${lang}: ${word}`).toContain(word);
    }

    // a second answer from a stale page: 409, said in words
    const twice = await post(w.t, proc, answerPath, { csrf: procCsrf, answer: "Again" });
    expect(twice.status).toBe(409);
    expect(await twice.text()).toContain("The question has been answered already; an answer is given once.");
  });

  it("a viewer gets no form, and the processor cannot ask through the console (403)", async () => {
    const w = await world();
    const [decision] = (await submit(w)) as [string];
    const path = `/console/decisions/${decision}`;
    const viewer = await signInAs(w.t, w.controller.key, "viewer");
    expect(await (await get(w.t, viewer, path)).text()).not.toContain(`action="${path}/questions"`);
    const proc = await signInAs(w.t, w.processor.key, "decider");
    const before = await snapshotState(w.t);
    const res = await post(w.t, proc, `${path}/questions`, { csrf: csrfIn(await (await get(w.t, proc, path)).text()), question: "Mine?" });
    expect(res.status).toBe(403);
    expect(await snapshotState(w.t)).toEqual(before);
  });
});
