// The transfer rules as the contract reads them (docs/rules.md, rules 3, 10 and 11): a third country is
// any country outside the EU/EEA; a conflicting change takes effect only with the controller's amendment
// of its instruction; a change that only removes or corrects is a notice, with nothing to decide.
import { describe, expect, it } from "vitest";
import { createTestContext, DAY, type TestContext } from "../helpers/app";
import { address, baselineAnnex, createActiveAgreement, createOrg, type TestOrg, usAnnex } from "../helpers/factories";
import { snapshotCounts } from "../helpers/db-snapshot";

const advance = (t: TestContext, days: number) => t.call(t.operatorKey, "POST", "/v1/test-clock/advance", { days });

const london = { street: "1 Principal Place", postal_code: "EC2A 2FA", city: "London", country: "GB" };
const seattle = { street: "410 Terry Ave N", postal_code: "98109", city: "Seattle", region: "WA", country: "US" };

/** A change adding a recipient with its own location in `country` (the UK, or a DPF-certified US company). */
function addRecipientOps(kind: "uk" | "us_dpf") {
  const address = kind === "uk" ? london : seattle;
  return [
    { op: "add_location", location: { ref: `${kind}-dc`, label: "Support centre", address, activities: ["support"] } },
    {
      op: "add_sub_processor",
      sub_processor: {
        ref: `${kind}-support`,
        legal_name: kind === "uk" ? "Helpdesk Ltd" : "Helpdesk Inc.",
        registration: kind === "uk" ? { scheme: "gb_crn", number: "04241161" } : { scheme: "us_ein", number: "91-1646860" },
        address,
        description: "Second-line support",
        locations: [`${kind}-dc`],
        dpf_certified: kind === "us_dpf",
      },
    },
  ];
}

async function parties(t: TestContext) {
  const processor = await createOrg(t, "Omsorgspartner ApS");
  const controller = await createOrg(t, "Skanderborg Kommune");
  return { processor, controller };
}

async function submit(t: TestContext, processor: TestOrg, agreements: string[], operations: unknown[], extra: Record<string, unknown> = {}) {
  const res = await t.call(processor.key, "POST", "/v1/change-requests", { agreements, operations, reason: "Change of support provider", ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as {
    id: string;
    decisions: {
      id: string;
      kind: string;
      state: string;
      introduces_third_country: boolean;
      instruction_conflict: boolean;
      application: { state: string; version: number | null };
    }[];
  };
}

describe("third country means outside the EU/EEA, adequacy decision or not", () => {
  it.each(["uk", "us_dpf"] as const)("a %s recipient on an agreement that prohibits transfers is flagged, and silence never approves it", async (kind) => {
    const t = await createTestContext();
    const { processor, controller } = await parties(t);
    const prohibited = await createActiveAgreement(t, processor, controller, { authorisation: "general", third_country_transfers: "prohibited" });
    const allowed = await createActiveAgreement(t, processor, controller, { authorisation: "general" });
    const cr = await submit(t, processor, [prohibited.id, allowed.id], addRecipientOps(kind));
    const [onProhibited, onAllowed] = [prohibited, allowed].map((a) =>
      cr.decisions.find((d) => (d as unknown as { agreement: { id: string } }).agreement.id === a.id),
    ) as (typeof cr.decisions)[number][];
    expect(onProhibited!).toMatchObject({ kind: "decision", introduces_third_country: true, instruction_conflict: true });
    expect(onAllowed!).toMatchObject({ kind: "decision", introduces_third_country: true, instruction_conflict: false });

    await advance(t, 31);
    expect((await t.call(controller.key, "GET", `/v1/decisions/${onProhibited!.id}`)).body).toMatchObject({ state: "pending", overdue: true });
    expect((await t.call(controller.key, "GET", `/v1/decisions/${onAllowed!.id}`)).body).toMatchObject({ state: "deemed_approved" });
    const annex = await t.call(controller.key, "GET", `/v1/agreements/${prohibited.id}/annex`);
    expect(annex.body.version).toBe(1);
    expect(annex.body.third_country).toBe(false);
    // the annex of the other agreement now has a recipient outside the EU/EEA, adequacy or not
    const other = await t.call(controller.key, "GET", `/v1/agreements/${allowed.id}/annex`);
    expect(other.body).toMatchObject({ version: 2, third_country: true });
    const entry = other.body.sub_processors.find((s: { ref: string }) => s.ref === `${kind}-support`);
    expect(entry).toMatchObject({ classification: "adequacy", third_country: true });
  });

  it("creating an agreement that prohibits transfers with a UK entry is refused, like the change", async () => {
    const t = await createTestContext();
    const { processor, controller } = await parties(t);
    const annex = baselineAnnex();
    annex.locations.push({ ref: "uk-dc", label: "UK", address: london, activities: ["hosting"] });
    const res = await t.call(processor.key, "POST", "/v1/agreements", {
      controller_id: controller.id,
      title: "DBA",
      authorisation: "general",
      third_country_transfers: "prohibited",
      annex,
    });
    expect(res.status).toBe(422);
    expect(res.body.errors).toContainEqual(expect.objectContaining({ pointer: "/annex/locations/1/address/country", rule: "instruction_prohibits_third_country" }));
  });

  it("moving an entry from one third country to another is flagged; within the EU/EEA it still needs a decision", async () => {
    const t = await createTestContext();
    const { processor, controller } = await parties(t);
    const agreement = await createActiveAgreement(t, processor, controller, { annex: usAnnex() });
    const toIndia = await submit(
      t,
      processor,
      [agreement.id],
      [
        {
          op: "update_location",
          target: "us-east",
          changes: {
            address: { street: "Hitec City", postal_code: "500081", city: "Hyderabad", country: "IN" },
            transfer_mechanism: { type: "sccs_2021_914", module: "module_3" },
          },
        },
      ],
    );
    expect(toIndia.decisions[0]).toMatchObject({ kind: "decision", introduces_third_country: true });
    const toGermany = await submit(
      t,
      processor,
      [agreement.id],
      [{ op: "update_location", target: "dc-dk", changes: { address: { street: "Hanauer Landstraße 1", postal_code: "60314", city: "Frankfurt", country: "DE" } } }],
    );
    expect(toGermany.decisions[0]).toMatchObject({ kind: "decision", state: "pending", introduces_third_country: false });
  });
});

describe("approving against the instruction", () => {
  async function conflicting(t: TestContext) {
    const { processor, controller } = await parties(t);
    const agreement = await createActiveAgreement(t, processor, controller, { authorisation: "specific", third_country_transfers: "prohibited" });
    const cr = await submit(t, processor, [agreement.id], addRecipientOps("us_dpf"));
    return { processor, controller, agreement, decision: cr.decisions[0]! };
  }

  it("a plain approval is refused with a problem naming the conflict, and nothing changes", async () => {
    const t = await createTestContext();
    const { controller, agreement, decision } = await conflicting(t);
    const before = await snapshotCounts(t);
    const res = await t.call(controller.key, "POST", `/v1/decisions/${decision.id}/approve`, { comment: "OK" });
    expect(res.status).toBe(409);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.body).toMatchObject({ code: "instruction_conflict", instruction: { third_country_transfers: "prohibited" }, third_countries: ["US"] });
    expect(res.body.detail).toContain("United States");
    expect(res.body.errors[0]).toMatchObject({ pointer: "/amendment/third_country_transfers", rule: "amendment_lifts_conflict" });
    // an amendment that does not lift the prohibition does not help either
    const notLifting = await t.call(controller.key, "POST", `/v1/decisions/${decision.id}/approve`, { amendment: { notice_days: 45, reason: "Longer notice" } });
    expect(notLifting.status).toBe(409);
    expect(await snapshotCounts(t)).toEqual(before);
    expect((await t.call(controller.key, "GET", `/v1/agreements/${agreement.id}`)).body).toMatchObject({ third_country_transfers: "prohibited", terms_version: 1 });
  });

  it("an approval carrying the amendment commits both, amendment first, and the change applies", async () => {
    const t = await createTestContext();
    const { processor, controller, agreement, decision } = await conflicting(t);
    const res = await t.call(controller.key, "POST", `/v1/decisions/${decision.id}/approve`, {
      comment: "Approved for the DPF-certified support provider",
      amendment: { third_country_transfers: "with_transfer_mechanism", reason: "Support from the US under the Data Privacy Framework is accepted" },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ state: "approved", application: { state: "applied", version: 2 } });

    const now = await t.call(processor.key, "GET", `/v1/agreements/${agreement.id}`);
    expect(now.body).toMatchObject({ third_country_transfers: "with_transfer_mechanism", terms_version: 2 });
    const terms = await t.call(processor.key, "GET", `/v1/agreements/${agreement.id}/terms`);
    expect(terms.status).toBe(200);
    expect(terms.body.data).toMatchObject([
      { version: 1, third_country_transfers: "prohibited", reason: null, decision_id: null, in_force: true },
      {
        version: 2,
        third_country_transfers: "with_transfer_mechanism",
        authorisation: "specific",
        decision_id: decision.id,
        in_force: true,
        reason: expect.stringContaining("Data Privacy Framework"),
      },
    ]);
    const events = await t.call(processor.key, "GET", "/v1/events?order=asc&limit=100");
    const types = events.body.data.map((e: { type: string }) => e.type);
    expect(types.slice(-3)).toEqual(["agreement.amended", "decision.approved", "annex.version_created"]);
    const amended = events.body.data.find((e: { type: string }) => e.type === "agreement.amended");
    expect(amended.data).toMatchObject({
      terms: { version: 2, third_country_transfers: "with_transfer_mechanism" },
      previous: { version: 1, third_country_transfers: "prohibited" },
    });
    // the controller sees the same event
    expect((await t.call(controller.key, "GET", "/v1/events?limit=100")).body.data.map((e: { id: string }) => e.id)).toContain(amended.id);
  });
});

describe("instruction amendments", () => {
  it("only the controller amends; in force 30 days later at the earliest; a prohibition cannot come into force over a third-country annex", async () => {
    const t = await createTestContext();
    const { processor, controller } = await parties(t);
    const agreement = await createActiveAgreement(t, processor, controller, { authorisation: "specific", annex: usAnnex() });
    const path = `/v1/agreements/${agreement.id}/amendments`;

    expect((await t.call(processor.key, "POST", path, { notice_days: 60, reason: "x" })).status).toBe(403);
    const tooSoon = await t.call(controller.key, "POST", path, {
      notice_days: 60,
      reason: "Longer notice",
      effective_date: new Date(t.clock.now().getTime() + 10 * DAY).toISOString(),
    });
    expect(tooSoon.status).toBe(422);
    expect(tooSoon.body.errors[0]).toMatchObject({ pointer: "/effective_date", rule: "amendment_notice" });
    const nothing = await t.call(controller.key, "POST", path, { authorisation: "specific", reason: "Same" });
    expect(nothing.status).toBe(422);
    expect(nothing.body.errors[0].rule).toBe("changes_terms");
    const prohibit = await t.call(controller.key, "POST", path, { third_country_transfers: "prohibited", reason: "No transfers" });
    expect(prohibit.status).toBe(409);
    expect(prohibit.body).toMatchObject({ code: "instruction_conflict" });
    expect(prohibit.body.detail).toContain("US Cloud Inc.");

    const amended = await t.call(controller.key, "POST", path, { notice_days: 60, authorisation: "general", reason: "Our new procedure" });
    expect(amended.status, JSON.stringify(amended.body)).toBe(201);
    expect(amended.body).toMatchObject({
      version: 2,
      notice_days: 60,
      authorisation: "general",
      in_force: false,
      effective_at: new Date(t.clock.now().getTime() + 30 * DAY).toISOString(),
    });
    expect((await t.call(processor.key, "GET", `/v1/agreements/${agreement.id}`)).body).toMatchObject({ notice_days: 30, authorisation: "specific", terms_version: 1 });

    await advance(t, 30);
    expect((await t.call(processor.key, "GET", `/v1/agreements/${agreement.id}`)).body).toMatchObject({ notice_days: 60, authorisation: "general", terms_version: 2 });
    // a change submitted now gets the amended notice period
    const cr = await submit(t, processor, [agreement.id], [{ op: "update_sub_processor", target: "nordhost", changes: { description: "Hosting and backup" } }]);
    expect(cr.decisions[0]!.state).toBe("noticed"); // a correction: a notice
  });
});

describe("changes that only remove or correct are notices", () => {
  it("a removal applies at once as a notice; approve and object are refused", async () => {
    const t = await createTestContext();
    const { processor, controller } = await parties(t);
    const agreement = await createActiveAgreement(t, processor, controller, { authorisation: "specific", annex: usAnnex() });
    const cr = await submit(
      t,
      processor,
      [agreement.id],
      [
        { op: "remove_sub_processor", target: "uscloud" },
        { op: "remove_location", target: "us-east" },
      ],
    );
    expect(cr.decisions[0]).toMatchObject({ kind: "notice", state: "noticed", application: { state: "applied", version: 2 } });
    for (const verb of ["approve", "object"]) {
      const res = await t.call(controller.key, "POST", `/v1/decisions/${cr.decisions[0]!.id}/${verb}`, verb === "object" ? { reason: "We still want it" } : {});
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: "notice_only", current_state: "noticed" });
    }
    const annex = await t.call(controller.key, "GET", `/v1/agreements/${agreement.id}/annex`);
    expect(annex.body.sub_processors.map((s: { ref: string }) => s.ref)).toEqual(["nordhost"]);
    const types = (await t.call(controller.key, "GET", "/v1/events?limit=100")).body.data.map((e: { type: string }) => e.type);
    expect(types).toContain("change_request.submitted");
    expect(types).toContain("annex.version_created");
  });

  it("a notice with an effective date applies then, and can be withdrawn before", async () => {
    const t = await createTestContext();
    const { processor, controller } = await parties(t);
    const agreement = await createActiveAgreement(t, processor, controller, { annex: usAnnex() });
    const effective_date = new Date(t.clock.now().getTime() + 10 * DAY).toISOString();
    const first = await submit(t, processor, [agreement.id], [{ op: "update_sub_processor", target: "nordhost", changes: { legal_name: "NordHost Danmark A/S" } }], {
      effective_date,
    });
    expect(first.decisions[0]).toMatchObject({ kind: "notice", state: "noticed", application: { state: "scheduled" } });
    const second = await submit(
      t,
      processor,
      [agreement.id],
      [
        { op: "remove_sub_processor", target: "uscloud" },
        { op: "remove_location", target: "us-east" },
      ],
      { effective_date },
    );
    const withdrawn = await t.call(processor.key, "POST", `/v1/decisions/${second.decisions[0]!.id}/withdraw`);
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
    expect(withdrawn.body).toMatchObject({ state: "withdrawn", application: { state: "not_applicable" } });

    await advance(t, 10);
    const annex = await t.call(controller.key, "GET", `/v1/agreements/${agreement.id}/annex`);
    expect(annex.body.version).toBe(2);
    expect(annex.body.sub_processors.map((s: { legal_name: string }) => s.legal_name)).toEqual(["NordHost Danmark A/S", "US Cloud Inc."]);
    // applied: withdrawing now is too late
    expect((await t.call(processor.key, "POST", `/v1/decisions/${first.decisions[0]!.id}/withdraw`)).status).toBe(409);
  });

  it("a replacement needs a decision; objected, nothing of it applies", async () => {
    const t = await createTestContext();
    const { processor, controller } = await parties(t);
    const agreement = await createActiveAgreement(t, processor, controller, { authorisation: "general" });
    const cr = await submit(
      t,
      processor,
      [agreement.id],
      [
        {
          op: "replace_sub_processor",
          target: "nordhost",
          with: {
            ref: "nordhost",
            legal_name: "Other Hosting A/S",
            registration: { scheme: "dk_cvr", number: "29189633" },
            address: { street: "Adelgade 44", postal_code: "8660", city: "Skanderborg", country: "DK" },
            description: "Hosting",
            locations: ["dc-dk"],
          },
        },
      ],
    );
    expect(cr.decisions[0]).toMatchObject({ kind: "decision", state: "pending", introduces_third_country: false });
    expect((await t.call(controller.key, "POST", `/v1/decisions/${cr.decisions[0]!.id}/object`, { reason: "We have not assessed the new provider's security" })).status).toBe(200);
    await advance(t, 40);
    const annex = await t.call(controller.key, "GET", `/v1/agreements/${agreement.id}/annex`);
    expect(annex.body.version).toBe(1);
    expect(annex.body.sub_processors[0].legal_name).toBe("NordHost A/S");
  });
});

describe("what a third-country sub-processor entry carries: its transfer tool, fitted to its role, and a contact point", () => {
  const indiaSupport = (transfer_mechanism: unknown) => [
    {
      op: "add_location",
      location: { ref: "in-dc", label: "Support centre", address: { street: "Hitec City", postal_code: "500081", city: "Hyderabad", country: "IN" }, activities: ["support"] },
    },
    {
      op: "add_sub_processor",
      sub_processor: {
        ref: "in-support",
        legal_name: "Support India Pvt Ltd",
        registration: { scheme: "other", number: "CIN U72200TG2001PTC036912" },
        address: { street: "Hitec City", postal_code: "500081", city: "Hyderabad", country: "IN" },
        description: "Night-time support",
        locations: ["in-dc"],
        transfer_mechanism,
        contact: { name: "Data Protection Officer", email: "dpo@support-india.example" },
      },
    },
  ];

  async function setup(publicAuthority: boolean) {
    const t = await createTestContext();
    const processor = await createOrg(t, "Omsorgspartner ApS");
    const created = await t.call(t.operatorKey, "POST", "/v1/organisations", {
      name: "Hørsholm Kommune",
      registration: { scheme: "dk_cvr", number: "70960516" },
      address: { street: "Ådalsparkvej 2", postal_code: "2970", city: "Hørsholm", country: "DK" },
      public_authority: publicAuthority,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.public_authority).toBe(publicAuthority);
    const key = await t.call(t.operatorKey, "POST", `/v1/organisations/${created.body.id}/api-keys`, { name: "test" });
    const controller = { id: created.body.id, key: key.body.secret, name: "Hørsholm Kommune" };
    const agreement = await createActiveAgreement(t, processor, controller);
    const attempt = (tool: unknown) =>
      t.call(processor.key, "POST", "/v1/change-requests", { agreements: [agreement.id], operations: indiaSupport(tool), reason: "Night support" });
    return { t, processor, controller, agreement, attempt };
  }

  it.each([
    [{ type: "sccs_2021_914", module: "module_1" }, "/resulting_annex/sub_processors/1/transfer_mechanism/module", "scc_module_fits_role"],
    [{ type: "sccs_2021_914", module: "module_4" }, "/resulting_annex/sub_processors/1/transfer_mechanism/module", "scc_module_fits_role"],
    [{ type: "bcr_controller" }, "/resulting_annex/sub_processors/1/transfer_mechanism/type", "bcr_fits_role"],
  ])("%j does not fit a sub-processor: 422 naming the field and the rule", async (tool, pointer, rule) => {
    const { attempt } = await setup(false);
    const res = await attempt(tool);
    expect(res.status).toBe(422);
    expect(res.body.errors).toContainEqual(expect.objectContaining({ pointer, rule }));
  });

  it("the old undivided `bcr` is no longer accepted for a new entry", async () => {
    const { attempt } = await setup(false);
    const res = await attempt({ type: "bcr" });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].pointer).toMatch(/^\/operations\/1\/sub_processor\/transfer_mechanism/);
  });

  it.each([
    [{ type: "sccs_2021_914", module: "module_3" }, []],
    [{ type: "sccs_2021_914", module: "module_2" }, []],
    [{ type: "bcr_processor" }, []],
    [{ type: "art_46", route: "3b_administrative_arrangement" }, []],
    [{ type: "derogation_art_49", derogation: "public_interest" }, ["art_49_occasional_only"]],
  ])("%j fits, for a public-authority controller too (warnings %j)", async (tool, warnings) => {
    const { t, controller, agreement, attempt } = await setup(true);
    const res = await attempt(tool);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect((await t.call(controller.key, "POST", `/v1/decisions/${res.body.decisions[0].id}/approve`, {})).status).toBe(200);
    const annex = await t.call(controller.key, "GET", `/v1/agreements/${agreement.id}/annex`);
    const entry = annex.body.sub_processors.find((s: { ref: string }) => s.ref === "in-support");
    expect(entry).toMatchObject({
      transfer_mechanism: tool,
      warnings,
      classification: "third_country",
      third_country: true,
      contact: { name: "Data Protection Officer", email: "dpo@support-india.example" },
    });
  });

  it.each(["explicit_consent", "contract_performance", "contract_in_interest_of_data_subject"])(
    "Art. 49(1) %s is refused for a public-authority controller (Art. 49(3)), allowed with a warning otherwise",
    async (derogation) => {
      const barred = await setup(true);
      const refused = await barred.attempt({ type: "derogation_art_49", derogation });
      expect(refused.status).toBe(422);
      expect(refused.body.errors).toContainEqual(
        expect.objectContaining({ pointer: "/resulting_annex/sub_processors/1/transfer_mechanism/derogation", rule: "art_49_3_public_authority" }),
      );
      const open = await setup(false);
      const accepted = await open.attempt({ type: "derogation_art_49", derogation });
      expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);
    },
  );

  it("the annex document names the contact point", async () => {
    const { t, controller, agreement, attempt } = await setup(false);
    const res = await attempt({ type: "sccs_2021_914", module: "module_3" });
    expect((await t.call(controller.key, "POST", `/v1/decisions/${res.body.decisions[0].id}/approve`, {})).status).toBe(200);
    const doc = await t.call(controller.key, "GET", `/v1/agreements/${agreement.id}/annex/document?format=md&lang=da`);
    expect(doc.status).toBe(200);
    expect(doc.body).toContain("| Kontaktperson |");
    expect(doc.body).toContain("Data Protection Officer \\<dpo@support-india.example\\>");
  });

  it("a contact point must be an email address", async () => {
    const { t, processor, agreement } = await setup(false);
    const ops = indiaSupport({ type: "sccs_2021_914", module: "module_3" });
    (ops[1] as { sub_processor: { contact: unknown } }).sub_processor.contact = { name: "DPO", email: "not-an-email" };
    const res = await t.call(processor.key, "POST", "/v1/change-requests", { agreements: [agreement.id], operations: ops, reason: "x" });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].pointer).toBe("/operations/1/sub_processor/contact/email");
  });

  it("one request over several agreements judges each by its own controller, instruction and annex", async () => {
    const { t, processor, agreement: ofPublicBody } = await setup(true);
    const municipalCompany = await createOrg(t, "Forsyning A/S");
    const open = await createActiveAgreement(t, processor, municipalCompany);
    const prohibited = await createActiveAgreement(t, processor, municipalCompany, { third_country_transfers: "prohibited" });
    const alreadyThere = await createActiveAgreement(t, processor, municipalCompany, {
      annex: { ...baselineAnnex(), locations: [...baselineAnnex().locations, { ref: "in-dc", label: "Old site", address: address("DK"), activities: ["support"] }] },
    });
    const submit = (agreements: string[], tool: unknown) =>
      t.call(processor.key, "POST", "/v1/change-requests", { agreements, operations: indiaSupport(tool), reason: "Night support" });
    const consent = { type: "derogation_art_49", derogation: "explicit_consent" };

    // the public body's agreement alone is barred (Art. 49(3)); the other with the same annex is not
    const barred = await submit([open.id, ofPublicBody.id, prohibited.id], consent);
    expect(barred.status).toBe(422);
    expect(new Set(barred.body.errors.map((e: { agreement_id: string }) => e.agreement_id))).toEqual(new Set([ofPublicBody.id]));
    expect(barred.body.errors[0]).toMatchObject({ rule: "art_49_3_public_authority" });

    // the agreement whose annex already has the ref is refused by its own annex
    const taken = await submit([open.id, alreadyThere.id], { type: "sccs_2021_914", module: "module_3" });
    expect(taken.status).toBe(422);
    expect(taken.body.errors).toEqual([expect.objectContaining({ agreement_id: alreadyThere.id, pointer: "/operations/0/location/ref", rule: "unique" })]);

    // accepted: only the agreement whose instruction prohibits transfers carries the conflict
    const accepted = await submit([open.id, prohibited.id, ofPublicBody.id], { type: "sccs_2021_914", module: "module_3" });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);
    const conflict = Object.fromEntries(accepted.body.decisions.map((d: { agreement: { id: string }; instruction_conflict: boolean }) => [d.agreement.id, d.instruction_conflict]));
    expect(conflict).toEqual({ [open.id]: false, [prohibited.id]: true, [ofPublicBody.id]: false });
    expect(accepted.body.decisions.every((d: { introduces_third_country: boolean }) => d.introduces_third_country)).toBe(true);
  });
});

describe("an international organisation as a recipient", () => {
  const epo = (key = "EPO") => [
    {
      op: "add_sub_processor",
      sub_processor: {
        ref: "epo",
        legal_name: "European Patent Office",
        registration: { scheme: "other", number: "International organisation, no register" },
        address: { street: "Bob-van-Benthem-Platz 1", postal_code: "80469", city: "München", country: "DE" },
        description: "Patent searches for the care-technology unit",
        locations: ["dc-dk"],
        international_organisation: key,
      },
    },
  ];

  it("is a transfer out of the EU/EEA classified by its own decision; it conflicts with a prohibition", async () => {
    const t = await createTestContext();
    const { processor, controller } = await parties(t);
    const prohibited = await createActiveAgreement(t, processor, controller, { authorisation: "specific", third_country_transfers: "prohibited" });
    const cr = await submit(t, processor, [prohibited.id], epo());
    expect(cr.decisions[0]).toMatchObject({ kind: "decision", introduces_third_country: true, instruction_conflict: true });
    const plain = await t.call(controller.key, "POST", `/v1/decisions/${cr.decisions[0]!.id}/approve`, {});
    expect(plain.status).toBe(409);
    expect(plain.body.detail).toContain("European Patent Organisation");
    const ok = await t.call(controller.key, "POST", `/v1/decisions/${cr.decisions[0]!.id}/approve`, {
      amendment: { third_country_transfers: "with_transfer_mechanism", reason: "Searches at the EPO are accepted" },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const annex = await t.call(controller.key, "GET", `/v1/agreements/${prohibited.id}/annex`);
    expect(annex.body.sub_processors.find((s: { ref: string }) => s.ref === "epo")).toMatchObject({
      international_organisation: "EPO",
      classification: "adequacy",
      third_country: true,
      transfer_mechanism: null,
    });
  });

  it("must be one the legal reference data knows", async () => {
    const t = await createTestContext();
    const { processor, controller } = await parties(t);
    const agreement = await createActiveAgreement(t, processor, controller);
    const res = await t.call(processor.key, "POST", "/v1/change-requests", { agreements: [agreement.id], operations: epo("UNO"), reason: "x" });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ pointer: "/resulting_annex/sub_processors/1/international_organisation", rule: "known_international_organisation" });
  });
});
