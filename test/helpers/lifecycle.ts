/**
 * The life of a change request, over HTTP only: one change to four agreements of two controllers;
 * an objection, reminders, a deemed approval, overdue decisions, an instruction conflict, the change
 * applied as a new annex version on its effective date, and each party's events. Time moves with the
 * test clock's route (`POST /v1/test-clock/advance`), never from inside, so the same scenario runs
 * against the in-process app (test/features/change-request-lifecycle.test.ts) and against the Worker
 * in workerd, whose test clock is kept in its database (test/worker/test-mode.test.ts).
 */
import { expect } from "vitest";
import { DAY, type HttpApi } from "./app";
import { createActiveAgreement, createOrg, type TestOrg } from "./factories";

const usSubProcessorOps = [
  {
    op: "add_location",
    location: {
      ref: "us-east",
      label: "US East region",
      address: { street: "410 Terry Ave N", postal_code: "98109", city: "Seattle", region: "WA", country: "US" },
      activities: ["hosting"],
    },
  },
  {
    op: "add_sub_processor",
    sub_processor: {
      ref: "uscloud",
      legal_name: "US Cloud Inc.",
      registration: { scheme: "us_ein", number: "91-1646860" },
      address: { street: "410 Terry Ave N", postal_code: "98109", city: "Seattle", country: "US" },
      description: "Analytics of care visits",
      locations: ["us-east"],
      dpf_certified: false,
      transfer_mechanism: { type: "sccs_2021_914", module: "module_3" },
    },
  },
];

/** The service's clock, as the operator reads it. */
export async function testClockNow(t: HttpApi): Promise<Date> {
  const res = await t.call(t.operatorKey, "GET", "/v1/test-clock");
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return new Date(res.body.now);
}

const advance = async (t: HttpApi, days: number) => {
  const res = await t.call(t.operatorKey, "POST", "/v1/test-clock/advance", { days });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res;
};

const allEvents = async (t: HttpApi, who: TestOrg) => {
  const out: { id: string; type: string; agreement_id: string; data: { decision: { id: string; agreement: { id: string } } } }[] = [];
  let cursor: string | null = null;
  do {
    const page: { body: { data: typeof out; next_cursor: string | null } } = await t.call(who.key, "GET", `/v1/events?order=asc&limit=100${cursor ? `&cursor=${cursor}` : ""}`);
    out.push(...page.body.data);
    cursor = page.body.next_cursor;
  } while (cursor);
  return out;
};

/**
 * Moves the test clock to the first 22 November, 09:00 UTC (10:00 in Copenhagen) not before its now:
 * the scenario's dates are those of that year, wherever the service's clock starts (the in-process
 * app at T0, 22 November 2026 09:00 UTC; a Worker at the real time it first ran).
 */
async function startOn22November(t: HttpApi): Promise<{ submittedAt: Date; year: number }> {
  const now = await testClockNow(t);
  let year = now.getUTCFullYear();
  if (now > new Date(Date.UTC(year, 10, 22, 9))) year++;
  const start = new Date(Date.UTC(year, 10, 22, 9));
  const moved = await t.call(t.operatorKey, "POST", "/v1/test-clock/advance", { to: start.toISOString() });
  expect(moved.status, JSON.stringify(moved.body)).toBe(200);
  expect(moved.body.now).toBe(start.toISOString());
  return { submittedAt: start, year };
}

/** One change, four agreements, two controllers: objection, deemed approval, overdue, instruction conflict. */
export async function changeRequestLifecycle(t: HttpApi): Promise<void> {
  const { submittedAt, year } = await startOn22November(t);
  const processor = await createOrg(t, "Omsorgspartner ApS");
  const a = await createOrg(t, "Aarhus Kommune");
  const b = await createOrg(t, "Malmö stad", "SE");
  const aGeneral = await createActiveAgreement(t, processor, a, { authorisation: "general" });
  const aSpecific = await createActiveAgreement(t, processor, a, { authorisation: "specific" });
  const bGeneral = await createActiveAgreement(t, processor, b, { authorisation: "general" });
  const bProhibited = await createActiveAgreement(t, processor, b, { authorisation: "general", third_country_transfers: "prohibited" });

  const submitted = await t.call(processor.key, "POST", "/v1/change-requests", {
    agreements: "all",
    operations: usSubProcessorOps,
    reason: "New analytics provider",
    effective_date: new Date(submittedAt.getTime() + 35 * DAY).toISOString(),
  });
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
  expect(submitted.body.status).toBe("pending");
  // submitted at the instant the clock was moved to, as the service (every isolate of it) reads it
  expect(submitted.body.submitted_at).toBe(submittedAt.toISOString());
  const decisionOf = (agr: { id: string }) => submitted.body.decisions.find((d: { agreement: { id: string } }) => d.agreement.id === agr.id);
  expect(submitted.body.decisions).toHaveLength(4);
  // submitted on 22 November (10:00 in Copenhagen): 30 days' notice runs out at 24:00 on 22 December there
  const noticeEnd = `${year}-12-22T23:00:00.000Z`;
  for (const agr of [aGeneral, aSpecific, bGeneral, bProhibited]) {
    expect(decisionOf(agr)).toMatchObject({ state: "pending", introduces_third_country: true, notice_ends_at: noticeEnd });
  }
  expect(decisionOf(bProhibited).instruction_conflict).toBe(true);
  expect(decisionOf(aGeneral).instruction_conflict).toBe(false);

  // each controller's inbox holds its own pending decisions, nobody else's
  const inboxA = await t.call(a.key, "GET", "/v1/decisions?state=pending");
  expect(inboxA.body.data.map((d: { agreement: { id: string } }) => d.agreement.id).sort()).toEqual([aGeneral.id, aSpecific.id].sort());
  const crAsB = await t.call(b.key, "GET", `/v1/change-requests/${submitted.body.id}`);
  expect(crAsB.body.decisions.map((d: { agreement: { id: string } }) => d.agreement.id).sort()).toEqual([bGeneral.id, bProhibited.id].sort());

  // B objects to its general agreement, with a reason
  const objected = await t.call(b.key, "POST", `/v1/decisions/${decisionOf(bGeneral).id}/object`, {
    reason: "The sub-processor is not certified under the DPF and our risk assessment does not allow US analytics.",
  });
  expect(objected.status).toBe(200);
  expect(objected.body).toMatchObject({ state: "objected", objection_reason: expect.stringContaining("DPF") });

  // day 24: the 7-day reminder (7 days before the notice ends); day 30: the 1-day reminder
  expect((await advance(t, 23)).body.ran.reminders).toBe(0);
  expect((await advance(t, 1)).body.ran.reminders).toBe(3);
  const reminders23 = (await allEvents(t, a)).filter((e) => e.type === "notice.reminder");
  expect(reminders23.map((e) => e.data.decision.agreement.id).sort()).toEqual([aGeneral.id, aSpecific.id].sort());
  expect((await advance(t, 6)).body.ran.reminders).toBe(3);

  // day 31: A's general is deemed approved; A's specific and B's prohibiting one are overdue, not approved
  const day30 = await advance(t, 1);
  expect((await testClockNow(t)).toISOString()).toBe(new Date(submittedAt.getTime() + 31 * DAY).toISOString());
  expect(day30.body.ran).toMatchObject({ deemed_approved: 1, overdue: 2, applied: 0 });
  const after30 = await t.call(processor.key, "GET", `/v1/change-requests/${submitted.body.id}`);
  const state = (agr: { id: string }) => after30.body.decisions.find((d: { agreement: { id: string } }) => d.agreement.id === agr.id);
  expect(state(aGeneral)).toMatchObject({
    state: "deemed_approved",
    overdue: false,
    decided_at: noticeEnd,
    application: { state: "scheduled" },
  });
  expect(state(aSpecific)).toMatchObject({ state: "pending", overdue: true });
  expect(state(bProhibited)).toMatchObject({ state: "pending", overdue: true, instruction_conflict: true });
  expect(state(bGeneral)).toMatchObject({ state: "objected" });

  // not applied before its effective date (day 35)
  expect((await t.call(a.key, "GET", `/v1/agreements/${aGeneral.id}/annex`)).body.version).toBe(1);
  const day35 = await advance(t, 5);
  expect(day35.body.ran).toMatchObject({ applied: 1 });
  const annex = await t.call(a.key, "GET", `/v1/agreements/${aGeneral.id}/annex`);
  expect(annex.body).toMatchObject({
    version: 2,
    third_country: true,
    change_request_id: submitted.body.id,
    effective_at: new Date(submittedAt.getTime() + 35 * DAY).toISOString(),
  });
  const diff = await t.call(a.key, "GET", `/v1/agreements/${aGeneral.id}/annex/diff?from=1&to=2`);
  expect(diff.body.sub_processors.added.map((s: { ref: string; classification: string }) => [s.ref, s.classification])).toEqual([["uscloud", "third_country"]]);
  expect(diff.body.locations.added.map((l: { ref: string }) => l.ref)).toEqual(["us-east"]);
  expect(diff.body.sub_processors.removed).toEqual([]);
  // as of day 34 the annex was still version 1
  const asOf = await t.call(a.key, "GET", `/v1/agreements/${aGeneral.id}/annex?as_of=${new Date(submittedAt.getTime() + 34 * DAY).toISOString()}`);
  expect(asOf.body.version).toBe(1);

  // the objected and the still-pending agreements keep version 1
  for (const [who, agr] of [
    [b, bGeneral],
    [b, bProhibited],
    [a, aSpecific],
  ] as const)
    expect((await t.call(who.key, "GET", `/v1/agreements/${agr.id}/annex`)).body.version).toBe(1);

  // a long silence never approves the specific or the conflicting one
  await advance(t, 100);
  expect((await t.call(a.key, "GET", `/v1/decisions/${decisionOf(aSpecific).id}`)).body).toMatchObject({ state: "pending", overdue: true });
  expect((await t.call(b.key, "GET", `/v1/decisions/${decisionOf(bProhibited).id}`)).body).toMatchObject({ state: "pending", overdue: true });

  // A approves its specific one: applied at once (its effective date has passed)
  const approved = await t.call(a.key, "POST", `/v1/decisions/${decisionOf(aSpecific).id}/approve`, { comment: "Approved after the DPIA." });
  expect(approved.status).toBe(200);
  expect(approved.body).toMatchObject({ state: "approved", comment: "Approved after the DPIA.", application: { state: "applied", version: 2 } });
  expect((await t.call(a.key, "GET", `/v1/agreements/${aSpecific.id}/annex`)).body.version).toBe(2);

  // each party's feed shows exactly the events of its own agreements
  const [eventsA, eventsB, eventsP] = [await allEvents(t, a), await allEvents(t, b), await allEvents(t, processor)];
  const agreementsOf = (evts: { agreement_id: string }[]) => [...new Set(evts.map((e) => e.agreement_id))].sort();
  expect(agreementsOf(eventsA)).toEqual([aGeneral.id, aSpecific.id].sort());
  expect(agreementsOf(eventsB)).toEqual([bGeneral.id, bProhibited.id].sort());
  expect(eventsP.map((e) => e.id).sort()).toEqual([...eventsA, ...eventsB].map((e) => e.id).sort());
  // each agreement's own events come first (proposed, confirmed); the change's follow
  for (const agr of [aGeneral, aSpecific])
    expect(
      eventsA
        .filter((e) => e.agreement_id === agr.id)
        .map((e) => e.type)
        .slice(0, 2),
    ).toEqual(["agreement.proposed", "agreement.confirmed"]);
  const typesFor = (evts: typeof eventsA, agr: { id: string }) => evts.filter((e) => e.agreement_id === agr.id && !e.type.startsWith("agreement.")).map((e) => e.type);
  expect(typesFor(eventsA, aGeneral)).toEqual(["change_request.submitted", "notice.reminder", "notice.reminder", "decision.deemed_approved", "annex.version_created"]);
  expect(typesFor(eventsA, aSpecific)).toEqual([
    "change_request.submitted",
    "notice.reminder",
    "notice.reminder",
    "decision.overdue",
    "decision.approved",
    "annex.version_created",
  ]);
  expect(typesFor(eventsB, bGeneral)).toEqual(["change_request.submitted", "decision.objected"]);
  expect(typesFor(eventsB, bProhibited)).toEqual(["change_request.submitted", "notice.reminder", "notice.reminder", "decision.overdue"]);
}
