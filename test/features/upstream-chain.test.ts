// The chain end to end (docs/rules.md, rules 13 and 14), over HTTP with the test clock: a provider
// in this register announces a new sub-processor in a third country to the processor; the processor's
// draft covers exactly the agreements whose annex uses the provider, with notices that end before the
// provider's deadline; one controller asks a question (which holds its notice), is answered and
// objects with a ground; the others approve or are deemed to; the processor objects upstream with
// that reason, and the provider sees it. Signed webhooks carry each step to the systems subscribed.
import { afterEach, describe, expect, it } from "vitest";
import { createTestContext, DAY, type TestContext } from "../helpers/app";
import { baselineAnnex, createActiveAgreement, createOrg, nextCvr, type TestOrg } from "../helpers/factories";
import { startReceiver } from "../helpers/receiver";
import { testRelay } from "../helpers/relay";

const US = { street: "410 Terry Ave N", postal_code: "98109", city: "Seattle", country: "US" };

/** What the provider adds to its own annex: a US analytics sub-processor at a US location, under the 2021 SCCs. */
const usAnalytics = [
  { op: "add_location", location: { ref: "us-east", label: "US East", address: { ...US, region: "WA" }, activities: ["hosting"] } },
  {
    op: "add_sub_processor",
    sub_processor: {
      ref: "usana",
      legal_name: "US Analytics Inc.",
      registration: { scheme: "us_ein", number: "91-1646860" },
      address: US,
      description: "Status page analytics",
      locations: ["us-east"],
      transfer_mechanism: { type: "sccs_2021_914", module: "module_3" },
    },
  },
];

/** An annex without the provider: another Danish host. */
const annexWithoutProvider = () => {
  const base = baselineAnnex();
  return {
    ...base,
    sub_processors: base.sub_processors.map((s) => ({ ...s, ref: "jutlandhost", legal_name: "Jutland Host A/S", registration: { scheme: "dk_cvr", number: nextCvr() } })),
  };
};

const events = async (t: TestContext, who: TestOrg, type: string) =>
  ((await t.call(who.key, "GET", `/v1/events?type=${type}&order=asc&limit=100`)).body.data ?? []) as { type: string; data: Record<string, any> }[];

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

describe("a change travels down the chain and the objection goes back up", () => {
  it("P0 → P1's draft over exactly its three agreements → question, answer, objection → P1 objects upstream → P0 sees it", async () => {
    const t = await createTestContext();
    const p0 = await createOrg(t, "NordHost A/S");
    const p1 = await createOrg(t, "Omsorgspartner ApS");
    const [aarhus, odense, vejle, aalborg] = [
      await createOrg(t, "Aarhus Kommune"),
      await createOrg(t, "Odense Kommune"),
      await createOrg(t, "Vejle Kommune"),
      await createOrg(t, "Aalborg Kommune"),
    ];

    // P1's integration listens for what the chain brings it, and verifies every delivery's signature
    const receiver = await startReceiver();
    stop = receiver.close;
    const endpoint = await t.call(p1.key, "POST", "/v1/webhook-endpoints", {
      url: receiver.url,
      event_types: ["upstream_change.received", "decision.question_asked", "decision.objected"],
    });
    expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
    receiver.secrets.push(endpoint.body.secret);

    // P0's own agreement with P1 (P1 its controller), a 30-day window
    const upstream = await createActiveAgreement(t, p0, p1, { notice_days: 30 });
    // P1's agreements: three use P0 ("nordhost" in their annexes), one does not
    const withAarhus = await createActiveAgreement(t, p1, aarhus, { notice_days: 14, authorisation: "specific" });
    const withOdense = await createActiveAgreement(t, p1, odense, { notice_days: 14, authorisation: "general" });
    const withVejle = await createActiveAgreement(t, p1, vejle, { notice_days: 10, authorisation: "specific" });
    await createActiveAgreement(t, p1, aalborg, { notice_days: 14, annex: annexWithoutProvider() });
    const covered = [withAarhus.id, withOdense.id, withVejle.id];

    // Aarhus's terms: an open question holds the notice, and it ends no sooner than 5 days after the answer (rule 13)
    const amended = await t.call(aarhus.key, "POST", `/v1/agreements/${withAarhus.id}/amendments`, { question_extension_days: 5, reason: "Time to read the processor's answers" });
    expect(amended.status, JSON.stringify(amended.body)).toBe(201);
    await t.call(t.operatorKey, "POST", "/v1/test-clock/advance", { days: 31 });
    expect((await t.call(aarhus.key, "GET", `/v1/agreements/${withAarhus.id}/terms`)).body.data.at(-1)).toMatchObject({ question_extension_days: 5, in_force: true });

    // P1 records where NordHost's changes come from: its agreement with NordHost in this register
    const source = await t.call(p1.key, "POST", "/v1/upstream-sources", { sub_processor_ref: "nordhost", kind: "register", upstream_agreement_id: upstream.id, margin_days: 5 });
    expect(source.status, JSON.stringify(source.body)).toBe(201);

    // P0 announces a new sub-processor in a third country
    const announced = await t.call(p0.key, "POST", "/v1/change-requests", { agreements: [upstream.id], operations: usAnalytics, reason: "Analytics for our status pages" });
    expect(announced.status, JSON.stringify(announced.body)).toBe(201);
    const upstreamDecision = announced.body.decisions[0];
    expect(upstreamDecision).toMatchObject({ state: "pending", introduces_third_country: true });
    const upstreamDeadline = new Date(upstreamDecision.notice_ends_at);

    // the scheduler's next run receives it: one upstream change, one draft
    await t.call(t.operatorKey, "POST", "/v1/test-clock/advance", { seconds: 60 });
    const changes = await t.call(p1.key, "GET", "/v1/upstream-changes");
    expect(changes.body.data, JSON.stringify(changes.body)).toHaveLength(1);
    const change = changes.body.data[0];
    expect(change).toMatchObject({ state: "open", deadline_at: upstreamDeadline.toISOString() });
    expect((await events(t, p1, "upstream_change.received")).map((e) => e.data.upstream_change.id)).toEqual([change.id]);
    // nobody else hears of it: not the provider, not a controller
    for (const who of [p0, aarhus, aalborg]) expect(await events(t, who, "upstream_change.received")).toEqual([]);

    const draft = (await t.call(p1.key, "GET", `/v1/change-request-drafts/${change.draft.id}`)).body;
    // exactly the three agreements whose annex uses NordHost
    expect(draft.agreements.map((a: { agreement_id: string }) => a.agreement_id).sort()).toEqual([...covered].sort());
    // each notice, if submitted now, ends before the upstream deadline less the margin
    const endBy = new Date(upstreamDeadline.getTime() - 5 * DAY);
    expect(draft.notice_end_by).toBe(endBy.toISOString());
    for (const a of draft.agreements) {
      expect(a.fits).toBe(true);
      expect(new Date(a.notice_ends_at).getTime()).toBeLessThanOrEqual(endBy.getTime());
    }
    // pre-filled: the US sub-processor as a chain entry under NordHost, with its location
    const added = draft.operations.find((o: { op: string }) => o.op === "add_sub_processor");
    expect(added.sub_processor).toMatchObject({ legal_name: "US Analytics Inc.", parent: "nordhost", transfer_mechanism: { type: "sccs_2021_914" } });
    expect(draft.operations.some((o: { op: string; location?: { address: { country: string } } }) => o.op === "add_location" && o.location?.address.country === "US")).toBe(true);

    // P1 reviews and submits it: one decision per covered agreement, each flagged as a third country
    const submitted = await t.call(p1.key, "POST", `/v1/change-request-drafts/${draft.id}/submit`);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    expect(submitted.body.upstream_change_id).toBe(change.id);
    const decisionOf = new Map(submitted.body.decisions.map((d: { agreement: { id: string }; id: string }) => [d.agreement.id, d.id as string]));
    expect([...decisionOf.keys()].sort()).toEqual([...covered].sort());
    const [aarhusDecision, odenseDecision, vejleDecision] = covered.map((a) => decisionOf.get(a)!);
    for (const d of submitted.body.decisions) expect(d.introduces_third_country).toBe(true);

    // Aarhus asks before it decides; its notice is held
    const asked = await t.call(aarhus.key, "POST", `/v1/decisions/${aarhusDecision}/questions`, {
      question: "Which personal data does the analytics see, and is it pseudonymised?",
    });
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    expect(asked.body).toMatchObject({ state: "pending", notice_held: true });
    const originalEnd = asked.body.notice_ends_at as string;
    const question = asked.body.questions[0];
    expect(question).toMatchObject({ holds_notice: true, answer: null });

    // Vejle approves; 15 days on, Odense's notice has ended in silence (general authorisation: deemed approved),
    // while Aarhus's, held by its question, has not ended: still pending, not overdue
    expect((await t.call(vejle.key, "POST", `/v1/decisions/${vejleDecision}/approve`, { comment: "Fine with SCCs" })).body.state).toBe("approved");
    await t.call(t.operatorKey, "POST", "/v1/test-clock/advance", { days: 15 });
    expect((await t.call(odense.key, "GET", `/v1/decisions/${odenseDecision}`)).body.state).toBe("deemed_approved");
    const held = (await t.call(aarhus.key, "GET", `/v1/decisions/${aarhusDecision}`)).body;
    expect(held).toMatchObject({ state: "pending", overdue: false, notice_held: true, notice_ends_at: originalEnd });
    expect(new Date(originalEnd).getTime()).toBeLessThan(t.clock.now().getTime());

    // P1 answers: the notice now ends 5 days after the answer (24:00 Copenhagen), the original kept beside it
    const answered = await t.call(p1.key, "POST", `/v1/decisions/${aarhusDecision}/questions/${question.id}/answer`, {
      answer: "Page views only, pseudonymised before they leave the EU; no care records.",
    });
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    expect(answered.body).toMatchObject({ notice_held: false, original_notice_ends_at: originalEnd });
    expect(new Date(answered.body.notice_ends_at).getTime()).toBeGreaterThan(t.clock.now().getTime() + 4 * DAY);
    expect(new Date(answered.body.notice_ends_at).getTime()).toBeLessThanOrEqual(t.clock.now().getTime() + 6 * DAY);
    for (const who of [aarhus, p1]) expect((await events(t, who, "decision.question_answered")).length).toBe(1);

    // Aarhus objects with a ground, its name not to be passed upstream
    const objected = await t.call(aarhus.key, "POST", `/v1/decisions/${aarhusDecision}/object`, {
      reason: "Care-adjacent usage data must not leave the EU/EEA under our instruction.",
      ground: "third_country",
    });
    expect(objected.body).toMatchObject({ state: "objected", objection_ground: "third_country", objection_shared_upstream: false });

    // P1 sees its controllers' decisions gathered against the upstream deadline, which has not passed
    const gathered = (await t.call(p1.key, "GET", `/v1/upstream-changes/${change.id}`)).body;
    expect(gathered.controllers.deadline_at).toBe(upstreamDeadline.toISOString());
    expect(t.clock.now().getTime()).toBeLessThan(upstreamDeadline.getTime());
    const states = Object.fromEntries(gathered.controllers.decisions.map((d: { agreement: { id: string }; state: string }) => [d.agreement.id, d.state]));
    expect(states).toEqual({ [withAarhus.id]: "objected", [withOdense.id]: "deemed_approved", [withVejle.id]: "approved" });
    // it cannot approve upstream over an objection
    expect((await t.call(p1.key, "POST", `/v1/upstream-changes/${change.id}/approve`, {})).status).toBe(409);

    // P1 objects upstream in one act, with Aarhus's ground and reason attached, anonymised
    const up = await t.call(p1.key, "POST", `/v1/upstream-changes/${change.id}/object`, { reason: "One of our municipalities objects.", ground: "third_country" });
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    expect(up.body.state).toBe("objected");

    // P0 sees it: its decision objected, with P1's reason and Aarhus's, not Aarhus's name
    const seen = (await t.call(p0.key, "GET", `/v1/decisions/${upstreamDecision.id}`)).body;
    expect(seen).toMatchObject({ state: "objected", objection_ground: "third_country" });
    expect(seen.objection_reason).toContain("One of our municipalities objects.");
    expect(seen.objection_reason).toContain("Care-adjacent usage data must not leave the EU/EEA");
    expect(seen.objection_reason).toContain("Controller 1");
    expect(seen.objection_reason).not.toContain("Aarhus");
    const p0Objections = await events(t, p0, "decision.objected");
    expect(p0Objections.map((e) => e.data.decision.id)).toEqual([upstreamDecision.id]);
    // the change never takes effect in P0's agreement with P1
    await t.call(t.operatorKey, "POST", "/v1/test-clock/advance", { days: 30 });
    expect((await t.call(p0.key, "GET", `/v1/decisions/${upstreamDecision.id}`)).body.application.state).toBe("not_applicable");

    // P1's integration got the chain's events, each signed (the receiver verifies every delivery)
    await testRelay(t).drain();
    // Aarhus's objection (P1 its processor) and P1's own upstream (P1 the controller there)
    const delivered = await receiver.waitFor(4);
    expect(delivered.map((d) => d.type).sort()).toEqual(["decision.objected", "decision.objected", "decision.question_asked", "upstream_change.received"]);
    expect(delivered.every((d) => d.verified)).toBe(true);
    expect(
      delivered
        .filter((d) => d.type === "decision.objected")
        .map((d) => d.data.decision.id)
        .sort(),
    ).toEqual([aarhusDecision, upstreamDecision.id].sort());
  });
});
