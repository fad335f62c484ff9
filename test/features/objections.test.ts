// Structured objections (docs/rules.md, rule 6): an objection names its ground besides its reason,
// and the processor answers it once, on the record. Through the real app: the API, its events,
// the audit trail, the mails it queues, and the console of both parties.
import { describe, expect, it } from "vitest";
import { OBJECTION_GROUNDS } from "../../src/domain/decisions";
import { renderEventNotice } from "../../src/mail/render";
import { createTestContext, type TestContext } from "../helpers/app";
import { snapshotState } from "../helpers/db-snapshot";
import { addBackupOp, createActiveAgreement, createOrg, type TestOrg } from "../helpers/factories";
import { type ConsoleSession, invitePerson, ORIGIN, signInAs } from "../helpers/people";

/** A processor, a controller (Danish) and a stranger; one change over `agreements` agreements: one pending decision each. */
async function world(agreements = 1) {
  const t = await createTestContext();
  const processor = await createOrg(t, "Omsorgspartner ApS");
  const controller = await createOrg(t, "Aarhus Kommune");
  const stranger = await createOrg(t, "Odense Kommune");
  for (let i = 0; i < agreements; i++) await createActiveAgreement(t, processor, controller);
  const cr = await t.call(processor.key, "POST", "/v1/change-requests", { agreements: "all", operations: [addBackupOp("kista")], reason: "A Swedish backup site" });
  expect(cr.status, JSON.stringify(cr.body)).toBe(201);
  const decisions = cr.body.decisions.map((d: { id: string }) => d.id) as string[];
  return { t, processor, controller, stranger, decisions, decision: decisions[0]! };
}

const object = (t: TestContext, who: TestOrg, id: string, body: Record<string, unknown>) => t.call(who.key, "POST", `/v1/decisions/${id}/object`, body);
const respond = (t: TestContext, who: TestOrg | string, id: string, body: unknown, headers: Record<string, string> = {}) =>
  t.call(typeof who === "string" ? who : who.key, "POST", `/v1/decisions/${id}/objection-response`, body, headers);

const ANSWER = { response: "propose_alternative", note: "We will propose a backup site in Denmark instead, in a new change request." };

/** Every event of a type an organisation may read, oldest first. */
async function eventsOf(t: TestContext, who: TestOrg, type: string) {
  const res = await t.call(who.key, "GET", `/v1/events?type=${type}&order=asc&limit=100`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data as { type: string; data: { decision: Record<string, any> } }[];
}

describe("an objection names its ground", () => {
  it("each ground is stored, shown in the decision, and carried by decision.objected", async () => {
    const w = await world(OBJECTION_GROUNDS.length);
    for (const [i, ground] of OBJECTION_GROUNDS.entries()) {
      const id = w.decisions[i]!;
      const res = await object(w.t, w.controller, id, { reason: `Reason ${ground}`, ground });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ state: "objected", objection_reason: `Reason ${ground}`, objection_ground: ground, objection_response: null });
      for (const who of [w.controller, w.processor]) expect((await w.t.call(who.key, "GET", `/v1/decisions/${id}`)).body.objection_ground).toBe(ground);
      const row = (await w.t.client.execute({ sql: "SELECT objection_ground FROM decisions WHERE id = ?", args: [id] })).rows[0]!;
      expect(row.objection_ground).toBe(ground);
    }
    const events = await eventsOf(w.t, w.processor, "decision.objected");
    expect(Object.fromEntries(events.map((e) => [e.data.decision.id, e.data.decision.objection_ground]))).toEqual(
      Object.fromEntries(OBJECTION_GROUNDS.map((g, i) => [w.decisions[i], g])),
    );
    // the decisions list shows it too, and only on the objected ones
    const list = await w.t.call(w.controller.key, "GET", "/v1/decisions?state=objected");
    expect(list.body.data.map((d: { objection_ground: string }) => d.objection_ground).sort()).toEqual([...OBJECTION_GROUNDS].sort());
  });

  it("without a ground (a client written before grounds existed) the objection is recorded as `other`", async () => {
    const w = await world();
    const res = await object(w.t, w.controller, w.decision, { reason: "The backup site is outside our approved regions." });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.objection_ground).toBe("other");
    expect((await eventsOf(w.t, w.processor, "decision.objected"))[0]!.data.decision.objection_ground).toBe("other");
  });

  it.each([
    ["an unknown ground", "gut_feeling"],
    ["a ground of the wrong type", 3],
    ["a null ground", null],
  ])("refuses %s with a 422 naming /ground, and changes nothing", async (_name, ground) => {
    const w = await world();
    const before = await snapshotState(w.t);
    const res = await object(w.t, w.controller, w.decision, { reason: "Not acceptable", ground });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.code).toBe("validation_failed");
    expect(res.body.errors).toEqual([expect.objectContaining({ in: "json", pointer: "/ground" })]);
    expect(await snapshotState(w.t)).toEqual(before);
  });

  it("no other decision has a ground: pending, approved and withdrawn show null", async () => {
    const w = await world(3);
    const [pending, approved, withdrawn] = w.decisions as [string, string, string];
    expect((await w.t.call(w.controller.key, "POST", `/v1/decisions/${approved}/approve`, {})).status).toBe(200);
    expect((await w.t.call(w.processor.key, "POST", `/v1/decisions/${withdrawn}/withdraw`)).status).toBe(200);
    for (const id of [pending, approved, withdrawn]) {
      const d = (await w.t.call(w.controller.key, "GET", `/v1/decisions/${id}`)).body;
      expect(d.objection_ground, d.state).toBeNull();
      expect(d.objection_response, d.state).toBeNull();
    }
  });

  it("the processor's people are mailed the ground in their language", async () => {
    const w = await world();
    const person = await invitePerson(w.t, w.processor.key, { role: "decider" });
    expect((await object(w.t, w.controller, w.decision, { reason: "No DPIA covers the site.", ground: "security" })).status).toBe(200);
    const mail = (await w.t.client.execute({ sql: "SELECT event_id, language FROM mails WHERE to_address = ? AND kind = 'decision.objected'", args: [person.email] })).rows[0]!;
    // a Danish organisation's people are written to in Danish
    expect(mail.language).toBe("da");
    const event = (await eventsOf(w.t, w.processor, "decision.objected"))[0]!;
    const rendered = renderEventNotice({
      type: "decision.objected",
      data: event.data,
      recipient: { name: null, email: person.email, lang: "da", side: "processor" },
      links: { base: "https://registry.example", unsubscribe: "https://registry.example/u", preferences: "https://registry.example/p" },
    })!;
    expect(rendered.text).toContain("Grundlag for indsigelsen: Sikkerhed");
    expect(rendered.text).toContain("> No DPIA covers the site.");
  });
});

describe("the processor answers an objection", () => {
  it("once: recorded on the decision, told to both parties, audited; the decision stays objected", async () => {
    const w = await world();
    const dpo = await invitePerson(w.t, w.controller.key, { role: "decider" });
    expect((await object(w.t, w.controller, w.decision, { reason: "Outside our approved regions.", ground: "third_country" })).status).toBe(200);
    const at = w.t.clock.now().toISOString();
    const res = await respond(w.t, w.processor, w.decision, ANSWER);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      state: "objected",
      objection_ground: "third_country",
      objection_reason: "Outside our approved regions.",
      // an organisation key names no person
      objection_response: { ...ANSWER, responded_at: at, responded_by: null },
      application: { state: "not_applicable" },
    });
    for (const who of [w.controller, w.processor]) expect((await w.t.call(who.key, "GET", `/v1/decisions/${w.decision}`)).body).toEqual(res.body);

    // both parties get the event, with the whole decision
    for (const who of [w.controller, w.processor]) {
      const events = await eventsOf(w.t, who, "decision.objection_responded");
      expect(events).toHaveLength(1);
      expect(events[0]!.data.decision).toEqual(res.body);
    }
    // audited as the processor's act on the decision; the trail still verifies, the answer's row digest included
    const audit = await w.t.call(w.processor.key, "GET", "/v1/audit?limit=100");
    const records = audit.body.data.filter((r: { action: string }) => r.action === "decision.objection_responded");
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ resource: { type: "decision", id: w.decision }, actor: { organisation_id: w.processor.id }, outcome: "succeeded" });
    expect(Object.keys(records[0].detail.rows)).toEqual([`decision:${w.decision}`]);
    expect((await w.t.call(w.t.operatorKey, "GET", "/v1/audit/verify?full=true")).body).toMatchObject({ valid: true });
    // the controller's people are told by mail, the processor's are not
    const mails = (await w.t.client.execute("SELECT to_address FROM mails WHERE kind = 'decision.objection_responded'")).rows.map((r) => r.to_address);
    expect(mails).toEqual([dpo.email]);

    // a second answer is refused and changes nothing
    const before = await snapshotState(w.t);
    const again = await respond(w.t, w.processor, w.decision, { response: "end_service", note: "Changed our mind." });
    expect(again.status, JSON.stringify(again.body)).toBe(409);
    expect(again.body).toMatchObject({ code: "invalid_state", current_state: "objected", objection_response: "propose_alternative" });
    expect(await snapshotState(w.t)).toEqual(before);
  });

  it("an answer changed behind the API's back is named by the audit trail's verification", async () => {
    const w = await world();
    expect((await object(w.t, w.controller, w.decision, { reason: "No.", ground: "security" })).status).toBe(200);
    expect((await respond(w.t, w.processor, w.decision, ANSWER)).status).toBe(200);
    await w.t.client.execute({ sql: "UPDATE decisions SET objection_response = 'end_service' WHERE id = ?", args: [w.decision] });
    const verified = (await w.t.call(w.t.operatorKey, "GET", "/v1/audit/verify?full=true")).body;
    expect(verified.valid).toBe(false);
    expect(verified.first_broken.reason).toContain(`the decision ${w.decision} was changed behind the API`);
  });

  it("only the processor of the decision: the controller 403, another organisation and a missing decision 404; nothing changes", async () => {
    const w = await world();
    expect((await object(w.t, w.controller, w.decision, { reason: "No.", ground: "other" })).status).toBe(200);
    const before = await snapshotState(w.t);
    const asController = await respond(w.t, w.controller, w.decision, ANSWER);
    expect(asController.status).toBe(403);
    expect(asController.body.code).toBe("forbidden");
    const foreign = await respond(w.t, w.stranger, w.decision, ANSWER);
    const missing = await respond(w.t, w.stranger, "dec_01ZZZZZZZZZZZZZZZZZZZZZZZZ", ANSWER);
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe("not_found");
    expect(missing.status).toBe(404);
    expect(foreign.body.detail).toBe(missing.body.detail);
    expect((await respond(w.t, w.t.operatorKey, w.decision, ANSWER)).status).toBe(403);
    expect(await snapshotState(w.t)).toEqual(before);
  });

  it("only an objected decision: pending, approved or withdrawn answer 409 invalid_state, and nothing changes", async () => {
    const w = await world(3);
    const [pending, approved, withdrawn] = w.decisions as [string, string, string];
    expect((await w.t.call(w.controller.key, "POST", `/v1/decisions/${approved}/approve`, {})).status).toBe(200);
    expect((await w.t.call(w.processor.key, "POST", `/v1/decisions/${withdrawn}/withdraw`)).status).toBe(200);
    const before = await snapshotState(w.t);
    for (const [id, state] of [
      [pending, "pending"],
      [approved, "approved"],
      [withdrawn, "withdrawn"],
    ] as const) {
      const res = await respond(w.t, w.processor, id, ANSWER);
      expect(res.status, state).toBe(409);
      expect(res.body).toMatchObject({ code: "invalid_state", current_state: state });
    }
    expect(await snapshotState(w.t)).toEqual(before);
  });

  it.each([
    ["no note", { response: "end_service" }, "/note"],
    ["an empty note", { response: "end_service", note: "   " }, "/note"],
    ["a note over 2,000 characters", { response: "end_service", note: "x".repeat(2001) }, "/note"],
    ["an unknown response", { response: "ignore_it", note: "We disagree." }, "/response"],
    ["no response", { note: "We disagree." }, "/response"],
    ["an unknown field", { ...ANSWER, ground: "other" }, "/ground"],
  ])("refuses %s with a 422 naming the field, and changes nothing", async (_name, body, pointer) => {
    const w = await world();
    expect((await object(w.t, w.controller, w.decision, { reason: "No." })).status).toBe(200);
    const before = await snapshotState(w.t);
    const res = await respond(w.t, w.processor, w.decision, body);
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual([pointer]);
    expect(await snapshotState(w.t)).toEqual(before);
  });

  it("a 2,000-character note is taken", async () => {
    const w = await world();
    expect((await object(w.t, w.controller, w.decision, { reason: "No." })).status).toBe(200);
    const res = await respond(w.t, w.processor, w.decision, { response: "keep_current_arrangement", note: "x".repeat(2000) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.objection_response.note).toHaveLength(2000);
  });

  it("Idempotency-Key: a retry replays the answer instead of a 409", async () => {
    const w = await world();
    expect((await object(w.t, w.controller, w.decision, { reason: "No." })).status).toBe(200);
    const first = await respond(w.t, w.processor, w.decision, ANSWER, { "Idempotency-Key": "answer-1" });
    const again = await respond(w.t, w.processor, w.decision, ANSWER, { "Idempotency-Key": "answer-1" });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect((await eventsOf(w.t, w.controller, "decision.objection_responded")).length).toBe(1);
  });

  it("of two racing answers exactly one is recorded; the other is told it was given already", async () => {
    const w = await world();
    expect((await object(w.t, w.controller, w.decision, { reason: "No." })).status).toBe(200);
    const results = await Promise.all([
      respond(w.t, w.processor, w.decision, { response: "end_service", note: "A" }),
      respond(w.t, w.processor, w.decision, { response: "propose_alternative", note: "B" }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = results.find((r) => r.status === 200)!;
    expect((await w.t.call(w.controller.key, "GET", `/v1/decisions/${w.decision}`)).body.objection_response).toEqual(winner.body.objection_response);
    expect((await eventsOf(w.t, w.controller, "decision.objection_responded")).length).toBe(1);
  });
});

// --- the console

const get = (t: TestContext, s: ConsoleSession, path: string, lang = "en") => t.app.request(path, { headers: { Cookie: s.cookie, "Accept-Language": lang } });
const post = (t: TestContext, s: ConsoleSession, path: string, form: Record<string, string>) =>
  t.app.request(path, { method: "POST", headers: { Cookie: s.cookie, Origin: ORIGIN }, body: new URLSearchParams(form) });
const csrfIn = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)![1]!;
/** The options of a <select>, as value → label. */
const optionsOf = (html: string, name: string) => {
  const select = new RegExp(`<select[^>]*name="${name}"[^>]*>([\\s\\S]*?)</select>`).exec(html)?.[1] ?? "";
  return [...select.matchAll(/<option value="([^"]*)"[^>]*>([^<]*)<\/option>/g)].map((m) => [m[1], m[2]]);
};

describe("the console", () => {
  it.each([
    ["da", "Grundlag for indsigelsen", ["Vælg et grundlag", "Overførsel til tredjeland", "Sikkerhed", "Utilstrækkelige oplysninger", "Underdatabehandlerens omdømme", "Andet"]],
    ["sv", "Grund för invändningen", ["Välj en grund", "Överföring till tredjeland", "Säkerhet", "Otillräcklig information", "Underbiträdets anseende", "Annat"]],
    ["en", "Ground for the objection", ["Choose a ground", "Transfer to a third country", "Security", "Insufficient information", "The sub-processor's reputation", "Other"]],
  ])("the objection form asks for the ground with a required select (%s)", async (lang, label, options) => {
    const w = await world();
    const s = await signInAs(w.t, w.controller.key, "decider");
    const html = await (await get(w.t, s, `/console/decisions/${w.decision}`, lang)).text();
    expect(html).toContain(`<label for="ground">${label}</label>`);
    expect(html).toMatch(/<select id="ground" name="ground" required="">/);
    const escaped = (x: string) => x.replaceAll("'", "&#39;");
    expect(optionsOf(html, "ground")).toEqual([["", options[0]], ...OBJECTION_GROUNDS.map((g, i) => [g, escaped(options[i + 1]!)])]);
  });

  it("an objection without a ground is sent back with an accessible error, keeping the reason; with one, the ground is recorded and shown", async () => {
    const w = await world();
    const s = await signInAs(w.t, w.controller.key, "decider");
    const path = `/console/decisions/${w.decision}`;
    const csrf = csrfIn(await (await get(w.t, s, path)).text());
    const before = await snapshotState(w.t);
    for (const ground of [undefined, "", "gut_feeling"]) {
      const res = await post(w.t, s, `${path}/object`, { csrf, reason: "Outside our approved regions.", ...(ground === undefined ? {} : { ground }) });
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(html).toContain('<p id="ground-error" class="error" role="alert">Choose what the objection rests on.</p>');
      expect(html).toMatch(/<select id="ground" name="ground" required="" aria-invalid="true" aria-describedby="ground-error">/);
      expect(html).toContain("Outside our approved regions.</textarea>");
    }
    expect(await snapshotState(w.t)).toEqual(before);

    const ok = await post(w.t, s, `${path}/object`, { csrf, reason: "Outside our approved regions.", ground: "third_country" });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe(`${path}?done=objected`);
    expect((await w.t.call(w.controller.key, "GET", `/v1/decisions/${w.decision}`)).body).toMatchObject({ state: "objected", objection_ground: "third_country" });
    const shown = await (await get(w.t, s, path, "da")).text();
    expect(shown).toContain("<dt>Grundlag for indsigelsen</dt><dd>Overførsel til tredjeland</dd>");
    expect(shown).toContain("Databehandleren har endnu ikke svaret på indsigelsen.");
    // the controller has no form to answer its own objection
    expect(shown).not.toContain("/objection-response");
  });

  it("the controller may let its reason go upstream with its name (docs/rules.md, rule 14): unticked, it goes anonymised", async () => {
    for (const share of [true, false]) {
      const w = await world();
      const s = await signInAs(w.t, w.controller.key, "decider");
      const path = `/console/decisions/${w.decision}`;
      const page = await (await get(w.t, s, path)).text();
      expect(page).toContain('<input type="checkbox" id="share" name="share_with_upstream" value="yes" aria-describedby="share-explainer"/>');
      expect(page).toContain('<label for="share">The processor may pass our reason on to its own sub-processor with our name</label>');
      const form = { csrf: csrfIn(page), reason: "Outside our approved regions.", ground: "third_country", ...(share ? { share_with_upstream: "yes" } : {}) };
      expect((await post(w.t, s, `${path}/object`, form)).status).toBe(303);
      expect((await w.t.call(w.controller.key, "GET", `/v1/decisions/${w.decision}`)).body).toMatchObject({ state: "objected", objection_shared_upstream: share });
    }
  });

  it("the processor answers in the console as a person; both parties see the answer, read-only", async () => {
    const w = await world();
    expect((await object(w.t, w.controller, w.decision, { reason: "No DPIA covers the site.", ground: "security" })).status).toBe(200);
    const proc = await signInAs(w.t, w.processor.key, "decider");
    const path = `/console/decisions/${w.decision}`;
    const page = await (await get(w.t, proc, path)).text();
    expect(page).toContain('<form class="action" method="post" action="/console/decisions/');
    expect(optionsOf(page, "response").map(([v]) => v)).toEqual(["", "keep_current_arrangement", "propose_alternative", "end_service"]);
    expect(page).not.toContain("The decision is final");
    const csrf = csrfIn(page);

    // an answer without its note is sent back, nothing recorded
    const before = await snapshotState(w.t);
    const incomplete = await post(w.t, proc, `${path}/objection-response`, { csrf, response: "end_service", note: " " });
    expect(incomplete.status).toBe(422);
    expect(await incomplete.text()).toContain('<p id="respond-error" class="error" role="alert">Choose an answer and write what you will do.</p>');
    expect(await snapshotState(w.t)).toEqual(before);

    const ok = await post(w.t, proc, `${path}/objection-response`, { csrf, response: "end_service", note: "We end the service at the end of the quarter." });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe(`${path}?done=responded`);
    const person = (await w.t.call(w.processor.key, "GET", "/v1/users?limit=100")).body.data.find((u: { email: string }) => u.email === proc.email);
    const decision = (await w.t.call(w.controller.key, "GET", `/v1/decisions/${w.decision}`)).body;
    expect(decision.objection_response).toMatchObject({
      response: "end_service",
      note: "We end the service at the end of the quarter.",
      responded_by: { id: person.id, email: proc.email },
    });
    // the event and the audit record name the person too
    expect((await eventsOf(w.t, w.controller, "decision.objection_responded"))[0]!.data.decision.objection_response.responded_by.id).toBe(person.id);
    const audit = (await w.t.call(w.processor.key, "GET", "/v1/audit?limit=100")).body.data.find((r: { action: string }) => r.action === "decision.objection_responded");
    expect(audit.actor).toMatchObject({ organisation_id: w.processor.id, key_id: null, user: { id: person.id } });

    const done = await (await get(w.t, proc, `${path}?done=responded`)).text();
    expect(done).toContain("Your answer is recorded, and the controller has been told.");
    expect(done).not.toContain(`action="/console/decisions/${w.decision}/objection-response"`);
    const ctrl = await signInAs(w.t, w.controller.key, "decider");
    for (const [lang, words] of [
      ["en", ["The processor&#39;s answer to the objection", "<dt>Answer</dt><dd><strong>Ends the service</strong></dd>", "We end the service at the end of the quarter."]],
      ["da", ["Databehandlerens svar på indsigelsen", "<strong>Bringer ydelsen til ophør</strong>", "<dt>Besvaret af</dt>"]],
      ["sv", ["Personuppgiftsbiträdets svar på invändningen", "<strong>Avslutar tjänsten</strong>", "<dt>Besvarad av</dt>"]],
    ] as const) {
      const html = await (await get(w.t, ctrl, path, lang)).text();
      for (const word of words) expect(html, `${lang}: ${word}`).toContain(word);
      expect(html).not.toContain('name="response"');
    }

    // a second answer from a stale page: 409, said in words, nothing changes
    const after = await snapshotState(w.t);
    const twice = await post(w.t, proc, `${path}/objection-response`, { csrf, response: "keep_current_arrangement", note: "Again" });
    expect(twice.status).toBe(409);
    expect(await twice.text()).toContain("The objection has been answered already; an answer is recorded once.");
    expect(await snapshotState(w.t)).toEqual(after);
  });

  it("the controller cannot answer through the console either (403), and a viewer of the processor gets no form", async () => {
    const w = await world();
    expect((await object(w.t, w.controller, w.decision, { reason: "No." })).status).toBe(200);
    const ctrl = await signInAs(w.t, w.controller.key, "decider");
    const path = `/console/decisions/${w.decision}`;
    const before = await snapshotState(w.t);
    const res = await post(w.t, ctrl, `${path}/objection-response`, { csrf: csrfIn(await (await get(w.t, ctrl, path)).text()), response: "end_service", note: "x" });
    expect(res.status).toBe(403);
    const viewer = await signInAs(w.t, w.processor.key, "viewer");
    const html = await (await get(w.t, viewer, path)).text();
    expect(html).not.toContain('name="response"');
    expect(html).toContain("The processor has not answered the objection yet.");
    expect(await snapshotState(w.t)).toEqual(before);
  });
});
