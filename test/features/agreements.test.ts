import { describe, expect, it } from "vitest";
import { createTestContext, DAY } from "../helpers/app";
import { baselineAnnex, createOrg, usAnnex } from "../helpers/factories";

describe("agreements: propose, confirm, read", () => {
  it("a processor proposes, the controller confirms, and both read annex version 1 with its flags", async () => {
    const t = await createTestContext();
    const processor = await createOrg(t, "Omsorgspartner ApS");
    const controller = await createOrg(t, "Aarhus Kommune");
    const proposed = await t.call(processor.key, "POST", "/v1/agreements", {
      controller_id: controller.id,
      title: "DPA",
      authorisation: "specific",
      third_country_transfers: "with_transfer_mechanism",
      annex: usAnnex(),
    });
    expect(proposed.status).toBe(201);
    expect(proposed.body).toMatchObject({ status: "proposed", notice_days: 30, current_version: null, role: "processor" });
    expect(proposed.body.proposed_annex.third_country).toBe(true);

    const early = await t.call(processor.key, "GET", `/v1/agreements/${proposed.body.id}/annex`);
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: "invalid_state", current_state: "proposed" });

    t.clock.advance(DAY);
    const confirmed = await t.call(controller.key, "POST", `/v1/agreements/${proposed.body.id}/confirm`);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ status: "active", current_version: 1, proposed_annex: null, role: "controller" });

    for (const who of [processor, controller]) {
      const annex = await t.call(who.key, "GET", `/v1/agreements/${proposed.body.id}/annex`);
      expect(annex.status).toBe(200);
      expect(annex.body).toMatchObject({ object: "annex", version: 1, third_country: true, effective_at: t.clock.now().toISOString() });
      const us = annex.body.sub_processors.find((s: { ref: string }) => s.ref === "uscloud");
      expect(us).toMatchObject({
        classification: "third_country",
        country: "US",
        country_name: "United States of America",
        transfer_mechanism: { type: "sccs_2021_914", module: "module_3" },
      });
      const dk = annex.body.sub_processors.find((s: { ref: string }) => s.ref === "nordhost");
      expect(dk).toMatchObject({ classification: "eu_eea" });
      expect(us.location_ids).toEqual([annex.body.locations.find((l: { ref: string }) => l.ref === "us-east").id]);
    }
  });
});

describe("agreements: baseline rules", () => {
  it("an agreement prohibiting third-country transfers refuses a third-country baseline", async () => {
    const t = await createTestContext();
    const processor = await createOrg(t);
    const controller = await createOrg(t);
    const res = await t.call(processor.key, "POST", "/v1/agreements", {
      controller_id: controller.id,
      title: "DPA",
      authorisation: "specific",
      third_country_transfers: "prohibited",
      annex: usAnnex(),
    });
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.body.errors.map((e: { rule: string }) => e.rule)).toContain("instruction_prohibits_third_country");
  });

  it("accepts a baseline without third-country entries under a prohibition", async () => {
    const t = await createTestContext();
    const [p, c] = [await createOrg(t), await createOrg(t)];
    const res = await t.call(p.key, "POST", "/v1/agreements", {
      controller_id: c.id,
      title: "DPA",
      authorisation: "specific",
      third_country_transfers: "prohibited",
      annex: baselineAnnex(),
    });
    expect(res.status).toBe(201);
  });

  it("both parties are told when an agreement is proposed, confirmed or declined; nobody else is", async () => {
    const t = await createTestContext();
    const processor = await createOrg(t, "Omsorgspartner ApS");
    const controller = await createOrg(t, "Aarhus Kommune");
    const stranger = await createOrg(t, "Stranger A/S");
    const body = { controller_id: controller.id, title: "DPA", authorisation: "general", third_country_transfers: "with_transfer_mechanism", annex: baselineAnnex() };
    const first = await t.call(processor.key, "POST", "/v1/agreements", body);
    const second = await t.call(processor.key, "POST", "/v1/agreements", body);
    expect((await t.call(controller.key, "POST", `/v1/agreements/${first.body.id}/confirm`)).status).toBe(200);
    expect((await t.call(controller.key, "POST", `/v1/agreements/${second.body.id}/decline`, { reason: "Wrong legal entity" })).status).toBe(200);
    const feedOf = async (key: string) =>
      ((await t.call(key, "GET", "/v1/events?order=asc")).body.data as { type: string; data: { agreement: Record<string, unknown> } }[]).map((e) => [
        e.type,
        e.data.agreement.id,
        e.data.agreement.status,
      ]);
    const expected = [
      ["agreement.proposed", first.body.id, "proposed"],
      ["agreement.proposed", second.body.id, "proposed"],
      ["agreement.confirmed", first.body.id, "active"],
      ["agreement.declined", second.body.id, "declined"],
    ];
    expect(await feedOf(controller.key)).toEqual(expected);
    expect(await feedOf(processor.key)).toEqual(expected);
    expect(await feedOf(stranger.key)).toEqual([]);
    const declined = (await t.call(controller.key, "GET", "/v1/events?type=agreement.declined")).body.data[0].data.agreement;
    expect(declined).toMatchObject({ decline_reason: "Wrong legal entity", controller: { id: controller.id }, processor: { id: processor.id } });
    expect(declined).not.toHaveProperty("role");
    expect(declined).not.toHaveProperty("proposed_annex");
  });
});
