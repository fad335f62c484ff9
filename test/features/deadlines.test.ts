import { signInAs } from "../helpers/people";
import { describe, expect, it } from "vitest";
import { noticeEndsAt } from "../../src/domain/decisions";
import { recountNoticeEnds } from "../../src/features/decisions/recount";
import { runDue } from "../../src/jobs/run-due";
import { createTestContext, type TestContext } from "../helpers/app";
import { addBackupOp, createActiveAgreement, createOrg, type TestOrg } from "../helpers/factories";

// docs/rules.md, rule 4: a notice of N days ends at 24:00 local time on its last day, in the
// controller's time zone; the day the notice is given is not counted.

describe("the notice's end, as the controller counts it", () => {
  it.each([
    ["winter, Copenhagen", "2026-11-22T09:00:00Z", 30, "Europe/Copenhagen", "2026-12-22T23:00:00.000Z"],
    ["given late in the evening: the day still does not count", "2026-11-22T22:30:00Z", 30, "Europe/Copenhagen", "2026-12-22T23:00:00.000Z"],
    ["given after local midnight: the next day is day 0", "2026-11-22T23:30:00Z", 30, "Europe/Copenhagen", "2026-12-23T23:00:00.000Z"],
    ["into summer time (the end is CEST)", "2027-03-10T10:00:00Z", 30, "Europe/Copenhagen", "2027-04-09T22:00:00.000Z"],
    ["into winter time (the end is CET)", "2027-10-10T10:00:00Z", 30, "Europe/Stockholm", "2027-11-09T23:00:00.000Z"],
    ["UTC", "2026-11-22T09:00:00Z", 14, "UTC", "2026-12-07T00:00:00.000Z"],
    ["Reykjavik (UTC all year)", "2026-11-22T09:00:00Z", 1, "Atlantic/Reykjavik", "2026-11-24T00:00:00.000Z"],
  ])("%s", (_label, submitted, days, zone, end) => {
    expect(noticeEndsAt(new Date(submitted), days, zone).toISOString()).toBe(end);
  });
});

/** The console's inbox as the controller sees it, signed in now. */
async function consoleInbox(t: TestContext, key: string) {
  const { cookie } = await signInAs(t, key, "decider", { "Accept-Language": "da" });
  return (await t.app.request("/console", { headers: { Cookie: cookie, "Accept-Language": "da" } })).text();
}

describe("the last minute of the last day", () => {
  async function world() {
    const t = await createTestContext();
    const processor = await createOrg(t, "Omsorgspartner ApS");
    const controller: TestOrg = await createOrg(t, "Skanderborg Kommune");
    const general = await createActiveAgreement(t, processor, controller, { authorisation: "general", notice_days: 30 });
    const specific = await createActiveAgreement(t, processor, controller, { authorisation: "specific", notice_days: 30 });
    // 22 November 2026, 10:00 in Copenhagen
    const submitted = await t.call(processor.key, "POST", "/v1/change-requests", { agreements: [general.id, specific.id], operations: [addBackupOp("kista")], reason: "Backup" });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const decisionOf = (id: string) => submitted.body.decisions.find((d: { agreement: { id: string } }) => d.agreement.id === id);
    return { t, controller, general: decisionOf(general.id), specific: decisionOf(specific.id) };
  }

  it("the API, the console and the organisation agree: 22 December at 24:00 Copenhagen time", async () => {
    const { t, controller, general } = await world();
    expect((await t.call(t.operatorKey, "GET", `/v1/organisations/${controller.id}`)).body.time_zone).toBe("Europe/Copenhagen");
    expect(general.notice_ends_at).toBe("2026-12-22T23:00:00.000Z");
    expect(general.controller.time_zone).toBe("Europe/Copenhagen");
    const html = await consoleInbox(t, controller.key);
    expect(html).toContain('<time datetime="2026-12-22T23:00:00.000Z">22. december 2026 kl. 24:00</time>');
    expect(html).toContain("(Centraleuropæisk tid (Europe/Copenhagen); 22. dec. 2026, 23.00 UTC)");
    expect(html).toContain("Gør I intet, er ændringen godkendt 22. december 2026 kl. 24:00.");
    expect(html).toContain("Ændringen kræver jeres udtrykkelige godkendelse; tavshed er ikke godkendelse.");
    expect(html).toContain("30 dage");
  });

  it("at 23:59 on the last day an objection is in time", async () => {
    const { t, controller, general, specific } = await world();
    t.clock.set(new Date("2026-12-22T22:59:00Z")); // 23:59 in Copenhagen
    expect(await runDue(t.deps, t.clock.now())).toMatchObject({ deemed_approved: 0, overdue: 0 });
    const objected = await t.call(controller.key, "POST", `/v1/decisions/${general.id}/object`, { reason: "Not without a DPIA" });
    expect(objected.status, JSON.stringify(objected.body)).toBe(200);
    expect(objected.body.state).toBe("objected");
    expect((await t.call(controller.key, "GET", `/v1/decisions/${specific.id}`)).body).toMatchObject({ state: "pending", overdue: false });
    expect(await consoleInbox(t, controller.key)).toContain("sidste dag i dag");
  });

  it("at 00:00 the next day silence has approved the general one, and the specific one is overdue", async () => {
    const { t, controller, general, specific } = await world();
    t.clock.set(new Date("2026-12-22T23:00:00Z")); // 00:00 on 23 December in Copenhagen
    const late = await t.call(controller.key, "POST", `/v1/decisions/${general.id}/object`, { reason: "Too late" });
    expect(late.status).toBe(409);
    expect(late.body.current_state).toBe("deemed_approved");
    expect(await runDue(t.deps, t.clock.now())).toMatchObject({ overdue: 1 });
    expect((await t.call(controller.key, "GET", `/v1/decisions/${general.id}`)).body).toMatchObject({ state: "deemed_approved", decided_at: "2026-12-22T23:00:00.000Z" });
    expect((await t.call(controller.key, "GET", `/v1/decisions/${specific.id}`)).body).toMatchObject({ state: "pending", overdue: true });
  });

  it("an organisation names its own time zone; an unknown one is refused with the rule", async () => {
    const t = await createTestContext();
    const body = (time_zone: string) => ({
      name: "Nuuk Kommune",
      registration: { scheme: "other", number: "GL-123" },
      address: { street: "Imaneq 1", postal_code: "3900", city: "Nuuk", country: "GL" },
      time_zone,
    });
    const created = await t.call(t.operatorKey, "POST", "/v1/organisations", body("America/Nuuk"));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.time_zone).toBe("America/Nuuk");
    const refused = await t.call(t.operatorKey, "POST", "/v1/organisations", body("Europe/Atlantis"));
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ pointer: "/time_zone", rule: "iana_time_zone" })]);
  });

  it("a notice counted the old way (whole days of 24 hours) is counted again, once, and only ever longer", async () => {
    const { t, controller, general, specific } = await world();
    // as a database from before: both counted as 30 × 24 hours from the submission, one already decided
    const old = new Date(Date.parse("2026-11-22T09:00:00Z") + 30 * 86_400_000);
    for (const id of [general.id, specific.id]) await t.client.execute({ sql: "UPDATE decisions SET notice_rule = 1, notice_ends_at = ? WHERE id = ?", args: [old.getTime(), id] });
    await t.client.execute({ sql: "UPDATE decisions SET state = 'objected' WHERE id = ?", args: [specific.id] });
    expect(await recountNoticeEnds(t.deps)).toBe(1);
    expect((await t.call(controller.key, "GET", `/v1/decisions/${general.id}`)).body.notice_ends_at).toBe("2026-12-22T23:00:00.000Z");
    expect((await t.client.execute({ sql: "SELECT notice_ends_at FROM decisions WHERE id = ?", args: [specific.id] })).rows[0]!.notice_ends_at).toBe(old.getTime());
    const audit = await t.client.execute("SELECT resource_id, actor_type FROM audit_records WHERE action = 'decision.notice_recounted'");
    expect(audit.rows.map((r) => [r.resource_id, r.actor_type])).toEqual([[general.id, "system"]]);
    expect(await recountNoticeEnds(t.deps)).toBe(0);
  });
});
