// When the law changes (a new release of the legal reference data), history is not rewritten: the parties
// whose annex in force is classified differently are told once, by event and webhook, and the stored
// versions keep the classification they were approved under (docs/rules.md, rule 3).
import { describe, expect, it } from "vitest";
import { classificationSnapshot } from "../../src/domain/annex";
import { LEGAL_DATA_RELEASE } from "../../src/domain/countries";
import { checkLegalData } from "../../src/features/annex/legal-data-check";
import { createTestContext } from "../helpers/app";
import { baselineAnnex, createActiveAgreement, createOrg } from "../helpers/factories";

const ukAnnex = () => {
  const annex = baselineAnnex();
  const london = { street: "1 Principal Place", postal_code: "EC2A 2FA", city: "London", country: "GB" };
  return {
    locations: [...annex.locations, { ref: "uk-dc", label: "London support", address: london, activities: ["support"] }],
    sub_processors: [
      ...annex.sub_processors,
      { ref: "uk-support", legal_name: "Helpdesk Ltd", registration: { scheme: "gb_crn", number: "04241161" }, address: london, description: "Support", locations: ["uk-dc"] },
    ],
  };
};

describe("a new release of the legal reference data", () => {
  it("tells both parties once which entries moved, and keeps each version's classification", async () => {
    const t = await createTestContext();
    const processor = await createOrg(t, "Omsorgspartner ApS");
    const controller = await createOrg(t, "Aarhus Kommune");
    const other = await createOrg(t, "Malmö stad", "SE");
    const uk = await createActiveAgreement(t, processor, controller, { annex: ukAnnex() });
    const danish = await createActiveAgreement(t, processor, other);

    const stored = async () =>
      (await t.client.execute({ sql: "SELECT classification FROM annex_versions WHERE agreement_id = ?", args: [uk.id] })).rows[0]!.classification as string;
    const before = JSON.parse(await stored());
    expect(before.release).toBe(LEGAL_DATA_RELEASE);
    expect(Object.values(before.entries)).toContain("adequacy");

    // the release in force now checks nothing new: the versions were approved under it
    expect(await checkLegalData(t.deps)).toMatchObject({ checked: true, changed: 0 });

    // a release after the UK decision's expiry (27 December 2031): the UK entries are third_country
    const later = new Date("2032-01-15T00:00:00Z");
    const release = "2032-01-15";
    const classify = (content: Parameters<typeof classificationSnapshot>[0], r: string) => classificationSnapshot(content, r, later);
    expect(await checkLegalData(t.deps, { release, classify })).toMatchObject({ checked: true, changed: 1 });

    const events = await t.call(controller.key, "GET", "/v1/events?type=classification.changed");
    expect(events.status).toBe(200);
    const changed = events.body.data.filter((e: { type: string }) => e.type === "classification.changed");
    expect(changed).toHaveLength(1);
    expect(changed[0].data).toMatchObject({ agreement_id: uk.id, annex_version: 1, approved_under: LEGAL_DATA_RELEASE, release });
    expect(changed[0].data.changes.map((c: { ref: string; from: string; to: string }) => [c.ref, c.from, c.to]).sort()).toEqual([
      ["uk-dc", "adequacy", "third_country"],
      ["uk-support", "adequacy", "third_country"],
    ]);
    // the processor is told too; the other controller (no UK entry) is not
    expect((await t.call(processor.key, "GET", "/v1/events?limit=100")).body.data.some((e: { id: string }) => e.id === changed[0].id)).toBe(true);
    expect((await t.call(other.key, "GET", "/v1/events?limit=100")).body.data.some((e: { type: string }) => e.type === "classification.changed")).toBe(false);
    expect(danish.id).toBeTruthy();

    // history is not rewritten, and the same release is not checked twice
    expect(JSON.parse(await stored())).toEqual(before);
    expect(await checkLegalData(t.deps, { release, classify })).toMatchObject({ checked: false, changed: 0 });
  });
});
