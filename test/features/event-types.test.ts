import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { EVENT_TYPE_NAMES } from "../../src/domain/events";
import { createTestContext, DAY } from "../helpers/app";
import { addBackupOp, createActiveAgreement, createOrg, ukSupportOps } from "../helpers/factories";

describe("the catalogue of event types", () => {
  it("lists every type, without a key, with its description and the JSON Schema of its data", async () => {
    const t = await createTestContext();
    const res = await t.call(null, "GET", "/v1/event-types");
    expect(res.status).toBe(200);
    expect(res.body.data.map((e: { type: string }) => e.type)).toEqual(EVENT_TYPE_NAMES);
    for (const e of res.body.data) {
      expect(e.description.length, e.type).toBeGreaterThan(20);
      expect(e.data_schema, e.type).toMatchObject({ type: "object" });
    }
  });

  it("every event a change procedure emits is in the catalogue, and its data validates against the schema there", async () => {
    const t = await createTestContext();
    const processor = await createOrg(t, "Omsorgspartner ApS");
    const controller = await createOrg(t, "Aarhus Kommune");
    const general = await createActiveAgreement(t, processor, controller, { authorisation: "general", notice_days: 10 });
    const specific = await createActiveAgreement(t, processor, controller, { authorisation: "specific", notice_days: 10 });
    const prohibited = await createActiveAgreement(t, processor, controller, { authorisation: "specific", third_country_transfers: "prohibited", notice_days: 10 });
    const declined = await t.call(processor.key, "POST", "/v1/agreements", {
      controller_id: controller.id,
      title: "Other",
      authorisation: "general",
      third_country_transfers: "with_transfer_mechanism",
      annex: { locations: [], sub_processors: [] },
    });
    await t.call(controller.key, "POST", `/v1/agreements/${declined.body.id}/decline`, { reason: "Not ours" });
    const cr = await t.call(processor.key, "POST", "/v1/change-requests", { agreements: [general.id, specific.id], operations: [addBackupOp("kista")], reason: "Backup" });
    await t.call(processor.key, "POST", "/v1/change-requests", { agreements: [prohibited.id], operations: ukSupportOps(), reason: "Night support" });
    const onSpecific = cr.body.decisions.find((d: { agreement: { id: string } }) => d.agreement.id === specific.id).id;
    await t.call(controller.key, "POST", `/v1/decisions/${onSpecific}/object`, { reason: "Not without a DPIA", ground: "insufficient_information" });
    const answered = await t.call(processor.key, "POST", `/v1/decisions/${onSpecific}/objection-response`, { response: "propose_alternative", note: "A DPIA follows" });
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    await t.call(controller.key, "POST", `/v1/agreements/${general.id}/amendments`, { notice_days: 20, reason: "Longer notice" });
    const endpoint = await t.call(controller.key, "POST", "/v1/webhook-endpoints", { url: "http://127.0.0.1:9/hook" });
    await t.call(controller.key, "POST", `/v1/webhook-endpoints/${endpoint.body.id}/ping`);
    const withdrawn = await t.call(processor.key, "POST", "/v1/change-requests", { agreements: [general.id], operations: [addBackupOp("later")], reason: "Later" });
    await t.call(processor.key, "POST", `/v1/change-requests/${withdrawn.body.id}/withdraw`);
    await t.call(t.operatorKey, "POST", "/v1/test-clock/advance", { seconds: 40 * (DAY / 1000) });

    const catalogue = (await t.call(null, "GET", "/v1/event-types")).body.data as { type: string; data_schema: object }[];
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validators = new Map(catalogue.map((c) => [c.type, ajv.compile(c.data_schema)]));
    const seen = new Set<string>();
    for (const key of [processor.key, controller.key]) {
      let cursor: string | null = null;
      do {
        const page: { body: { data: { type: string; data: unknown }[]; next_cursor: string | null } } = await t.call(
          key,
          "GET",
          `/v1/events?limit=100${cursor ? `&cursor=${cursor}` : ""}`,
        );
        for (const e of page.body.data) {
          const validate = validators.get(e.type);
          expect(validate, `${e.type} is not in the catalogue`).toBeDefined();
          expect(validate!(e.data), `${e.type}: ${JSON.stringify(validate!.errors)}`).toBe(true);
          seen.add(e.type);
        }
        cursor = page.body.next_cursor;
      } while (cursor);
    }
    // what this procedure goes through, at least
    for (const type of [
      "agreement.proposed",
      "agreement.confirmed",
      "agreement.declined",
      "agreement.amended",
      "change_request.submitted",
      "decision.objected",
      "decision.objection_responded",
      "decision.withdrawn",
      "decision.deemed_approved",
      "decision.overdue",
      "notice.reminder",
      "annex.version_created",
      "webhook_endpoint.ping",
    ])
      expect(seen, type).toContain(type);
  });
});
