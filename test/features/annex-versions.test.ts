import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { schema } from "../../db/client";
import { type AnnexContent, checkAnnex } from "../../src/domain/annex";
import { createTestContext, DAY, T0, type TestContext } from "../helpers/app";
import { address, baselineAnnex, createOrg, type TestOrg } from "../helpers/factories";

const SIGNED_AT = new Date(T0.getTime() - 100 * DAY);
const V2_AT = new Date(T0.getTime() - 50 * DAY);
const V3_AT = new Date(T0.getTime() - 10 * DAY);
const SCCS = { type: "sccs_2021_914", module: "module_3" } as const;

/** Version 1: a Danish host, a Swedish backup company, and a UK support company. */
function v1Annex() {
  const base = baselineAnnex();
  return {
    locations: [...base.locations, { ref: "backup-se", label: "Backup site", address: address("SE", "Kista"), activities: ["backup"] }],
    sub_processors: [
      ...base.sub_processors,
      {
        ref: "backupbolaget",
        legal_name: "Backupbolaget AB",
        registration: { scheme: "se_orgnr", number: "556677-8899" },
        address: address("SE", "Kista"),
        description: "Off-site backup",
        locations: ["backup-se"],
      },
      {
        ref: "supportco",
        legal_name: "SupportCo Ltd",
        registration: { scheme: "gb_crn", number: "04241161" },
        address: { street: "1 King St", postal_code: "EC2V 8AU", city: "London", country: "GB" },
        description: "Second-line support",
        locations: ["dc-dk"],
      },
    ],
  };
}

interface Imported {
  t: TestContext;
  processor: TestOrg;
  controller: TestOrg;
  agreementId: string;
}

/** The operator imports an agreement signed 100 days ago: version 1 is in force from then. */
async function importSigned(): Promise<Imported> {
  const t = await createTestContext();
  const processor = await createOrg(t, "Omsorgspartner ApS");
  const controller = await createOrg(t, "Aarhus Kommune");
  const res = await t.call(t.operatorKey, "POST", "/v1/agreements", {
    processor_id: processor.id,
    controller_id: controller.id,
    title: "Databehandleraftale",
    authorisation: "general",
    third_country_transfers: "with_transfer_mechanism",
    signed_at: SIGNED_AT.toISOString(),
    annex: v1Annex(),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body).toMatchObject({ status: "active", current_version: 1, activated_at: SIGNED_AT.toISOString() });
  return { t, processor, controller, agreementId: res.body.id };
}

async function storedContent(t: TestContext, agreementId: string, version: number): Promise<AnnexContent> {
  const row = await t.db.query.annexVersions.findFirst({
    where: and(eq(schema.annexVersions.agreementId, agreementId), eq(schema.annexVersions.version, version)),
  });
  expect(row, `version ${version}`).toBeDefined();
  return structuredClone(row!.content);
}

/**
 * Stands in for an applied change request (change requests do not exist yet): inserts the
 * next annex version directly and moves the agreement's current version to it.
 */
async function insertVersion(t: TestContext, agreementId: string, version: number, content: AnnexContent, effectiveAt: Date) {
  expect(checkAnnex(content), "the stand-in version obeys the annex rules").toEqual([]);
  await t.db.insert(schema.annexVersions).values({ agreementId, version, content, effectiveAt, changeRequestId: null, createdAt: effectiveAt });
  await t.db.update(schema.agreements).set({ currentVersion: version }).where(eq(schema.agreements.id, agreementId));
}

const byRef = <T extends { ref: string }>(list: T[], ref: string) => {
  const found = list.find((e) => e.ref === ref);
  if (!found) throw new Error(`no entry ${ref}`);
  return found;
};

/**
 * Version 2 (50 days ago): the host's city changes, the Swedish backup (and its site) goes,
 * a US location and a US sub-processor under SCCs arrive, the UK support company moves to the
 * US (adequacy → third_country), and the Danish data centre also does backup.
 * Version 3 (10 days ago): the US sub-processor gets DPF-certified.
 */
async function withThreeVersions(): Promise<Imported & { v1: AnnexContent; v2: AnnexContent; v3: AnnexContent }> {
  const f = await importSigned();
  const { t, agreementId } = f;
  const v1 = await storedContent(t, agreementId, 1);

  const v2 = structuredClone(v1);
  byRef(v2.sub_processors, "nordhost").address.city = "Aarhus C";
  const support = byRef(v2.sub_processors, "supportco");
  support.address = { street: "410 Terry Ave N", postal_code: "98109", city: "Seattle", country: "US" };
  support.transfer_mechanism = SCCS;
  byRef(v2.locations, "dc-dk").activities = ["hosting", "backup"];
  const backupSite = byRef(v2.locations, "backup-se").id;
  v2.locations = v2.locations.filter((l) => l.ref !== "backup-se");
  v2.sub_processors = v2.sub_processors.filter((s) => !s.location_ids.includes(backupSite));
  const usLocation = t.deps.newId("location");
  v2.locations.push({
    id: usLocation,
    ref: "us-east",
    label: "US region",
    address: address("US", "Ashburn"),
    activities: ["hosting"],
    description: null,
    transfer_mechanism: null,
  });
  v2.sub_processors.push({
    id: t.deps.newId("subProcessor"),
    ref: "uscloud",
    legal_name: "US Cloud Inc.",
    registration: { scheme: "us_ein", number: "91-1646860" },
    address: address("US", "Ashburn"),
    description: "Analytics",
    location_ids: [usLocation],
    parent_id: null,
    dpf_certified: false,
    transfer_mechanism: SCCS,
  });
  await insertVersion(t, agreementId, 2, v2, V2_AT);

  const v3 = structuredClone(v2);
  byRef(v3.sub_processors, "uscloud").dpf_certified = true;
  await insertVersion(t, agreementId, 3, v3, V3_AT);
  return { ...f, v1, v2, v3 };
}

describe("annex as of an instant", () => {
  it.each([
    ["before the agreement was signed", new Date(SIGNED_AT.getTime() - 1), null],
    ["the instant it was signed", SIGNED_AT, 1],
    ["between version 1 and 2", new Date(V2_AT.getTime() - 1), 1],
    ["the instant version 2 took effect", V2_AT, 2],
    ["between version 2 and 3", new Date(V3_AT.getTime() - DAY), 2],
    ["after version 3", new Date(V3_AT.getTime() + 1), 3],
    ["now", T0, 3],
  ])("%s", async (_name, at, expected) => {
    const { t, processor, controller, agreementId } = await withThreeVersions();
    for (const who of [processor, controller]) {
      const res = await t.call(who.key, "GET", `/v1/agreements/${agreementId}/annex?as_of=${encodeURIComponent(at.toISOString())}`);
      if (expected === null) {
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ code: "not_found", status: 404 });
        expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      } else {
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(res.body).toMatchObject({ object: "annex", agreement_id: agreementId, version: expected });
        expect(res.body.effective_at).toBe([SIGNED_AT, V2_AT, V3_AT][expected - 1]!.toISOString());
      }
    }
  });

  it("as_of with an offset reads the same instant as its UTC form", async () => {
    const { t, processor, agreementId } = await withThreeVersions();
    // 49 days before T0 in UTC+02:00: just after version 2 took effect
    const at = new Date(V2_AT.getTime() + 60_000);
    const local = new Date(at.getTime() + 2 * 3600_000).toISOString().replace("Z", "+02:00");
    const res = await t.call(processor.key, "GET", `/v1/agreements/${agreementId}/annex?as_of=${encodeURIComponent(local)}`);
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(2);
  });

  it("without as_of reads the latest version in force", async () => {
    const { t, controller, agreementId } = await withThreeVersions();
    const res = await t.call(controller.key, "GET", `/v1/agreements/${agreementId}/annex`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 3, third_country: true });
    expect(byRef(res.body.sub_processors, "uscloud")).toMatchObject({ dpf_certified: true, classification: "adequacy" });
  });

  it("a version whose effective instant is still ahead is not yet in force", async () => {
    const f = await importSigned();
    const next = await storedContent(f.t, f.agreementId, 1);
    byRef(next.sub_processors, "nordhost").address.city = "Odense";
    await insertVersion(f.t, f.agreementId, 2, next, new Date(T0.getTime() + DAY));
    const now = await f.t.call(f.processor.key, "GET", `/v1/agreements/${f.agreementId}/annex`);
    expect(now.body.version).toBe(1);
    f.t.clock.advance(DAY);
    const later = await f.t.call(f.processor.key, "GET", `/v1/agreements/${f.agreementId}/annex`);
    expect(later.body.version).toBe(2);
  });
});

describe("annex versions", () => {
  it("lists versions newest first, two per page", async () => {
    const { t, processor, agreementId } = await withThreeVersions();
    const first = await t.call(processor.key, "GET", `/v1/agreements/${agreementId}/annex/versions?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ object: "list", has_more: true });
    expect(first.body.data).toEqual([
      {
        object: "annex_version",
        agreement_id: agreementId,
        version: 3,
        effective_at: V3_AT.toISOString(),
        change_request_id: null,
        created_at: V3_AT.toISOString(),
        third_country: true,
        locations: 2,
        sub_processors: 3,
      },
      {
        object: "annex_version",
        agreement_id: agreementId,
        version: 2,
        effective_at: V2_AT.toISOString(),
        change_request_id: null,
        created_at: V2_AT.toISOString(),
        third_country: true,
        locations: 2,
        sub_processors: 3,
      },
    ]);
    const second = await t.call(processor.key, "GET", `/v1/agreements/${agreementId}/annex/versions?limit=2&cursor=${first.body.next_cursor}`);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ has_more: false, next_cursor: null });
    expect(second.body.data).toEqual([
      // a UK sub-processor: adequacy, but outside the EU/EEA, so a transfer to a third country
      expect.objectContaining({ version: 1, effective_at: SIGNED_AT.toISOString(), third_country: true, locations: 2, sub_processors: 3 }),
    ]);
  });

  it("reads one version by number, each with its own content", async () => {
    const { t, controller, agreementId } = await withThreeVersions();
    const v1 = await t.call(controller.key, "GET", `/v1/agreements/${agreementId}/annex/versions/1`);
    const v2 = await t.call(controller.key, "GET", `/v1/agreements/${agreementId}/annex/versions/2`);
    expect(v1.status).toBe(200);
    expect(v1.body).toMatchObject({ object: "annex", version: 1, third_country: true });
    expect(byRef(v1.body.sub_processors, "supportco")).toMatchObject({ country: "GB", country_name: "United Kingdom", classification: "adequacy", third_country: true });
    expect(v2.body).toMatchObject({ object: "annex", version: 2, third_country: true });
    expect(byRef(v2.body.sub_processors, "supportco")).toMatchObject({ country: "US", classification: "third_country" });
    expect(v2.body.sub_processors.map((s: { ref: string }) => s.ref)).not.toContain("backupbolaget");
  });

  it.each([4, 99])("version %i that does not exist: 404", async (n) => {
    const { t, processor, agreementId } = await withThreeVersions();
    const res = await t.call(processor.key, "GET", `/v1/agreements/${agreementId}/annex/versions/${n}`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: "not_found" });
  });
});

describe("annex diff", () => {
  it("from=1&to=2: entries added, removed and changed field by field", async () => {
    const { t, processor, agreementId, v1, v2 } = await withThreeVersions();
    const res = await t.call(processor.key, "GET", `/v1/agreements/${agreementId}/annex/diff?from=1&to=2`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const d = res.body;
    expect(d).toMatchObject({ object: "annex_diff", agreement_id: agreementId, from: 1, to: 2 });

    expect(d.locations.added.map((l: { ref: string }) => l.ref)).toEqual(["us-east"]);
    expect(d.locations.added[0]).toMatchObject({ country: "US", classification: "third_country" });
    expect(d.locations.removed.map((l: { ref: string }) => l.ref)).toEqual(["backup-se"]);
    expect(d.locations.changed).toHaveLength(1);
    expect(d.locations.changed[0]).toMatchObject({ id: byRef(v1.locations, "dc-dk").id });
    expect(d.locations.changed[0].changes).toEqual([{ field: "activities", from: ["hosting"], to: ["hosting", "backup"] }]);

    expect(d.sub_processors.added.map((s: { ref: string }) => s.ref)).toEqual(["uscloud"]);
    expect(d.sub_processors.removed.map((s: { ref: string }) => s.ref)).toEqual(["backupbolaget"]);
    const changed = Object.fromEntries(d.sub_processors.changed.map((c: { after: { ref: string } }) => [c.after.ref, c]));
    expect(Object.keys(changed).sort()).toEqual(["nordhost", "supportco"]);
    expect(changed.nordhost.changes).toEqual([{ field: "address.city", from: "Ballerup", to: "Aarhus C" }]);
    expect(changed.supportco.id).toBe(byRef(v2.sub_processors, "supportco").id);
    expect(changed.supportco.changes).toEqual([
      { field: "address.city", from: "London", to: "Seattle" },
      { field: "address.country", from: "GB", to: "US" },
      { field: "address.postal_code", from: "EC2V 8AU", to: "98109" },
      { field: "address.street", from: "1 King St", to: "410 Terry Ave N" },
      { field: "classification", from: "adequacy", to: "third_country" },
      { field: "country", from: "GB", to: "US" },
      { field: "country_name", from: "United Kingdom", to: "United States of America" },
      { field: "transfer_mechanism", from: null, to: SCCS },
    ]);
    expect(changed.supportco.before.classification).toBe("adequacy");
    expect(changed.supportco.after.classification).toBe("third_country");
  });

  it("`to` defaults to the latest version", async () => {
    const { t, controller, agreementId } = await withThreeVersions();
    const res = await t.call(controller.key, "GET", `/v1/agreements/${agreementId}/annex/diff?from=2`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ from: 2, to: 3 });
    expect(res.body.sub_processors.changed).toEqual([
      expect.objectContaining({
        changes: [
          { field: "classification", from: "third_country", to: "adequacy" },
          { field: "dpf_certified", from: false, to: true },
        ],
      }),
    ]);
    // the US location is now used only by a DPF-certified recipient
    expect(res.body.locations.changed).toEqual([expect.objectContaining({ changes: [{ field: "classification", from: "third_country", to: "adequacy" }] })]);
    expect(res.body.locations.added).toEqual([]);
    expect(res.body.sub_processors.removed).toEqual([]);
  });

  it("a version against itself has no differences", async () => {
    const { t, processor, agreementId } = await withThreeVersions();
    const res = await t.call(processor.key, "GET", `/v1/agreements/${agreementId}/annex/diff?from=3`);
    expect(res.body).toMatchObject({ from: 3, to: 3 });
    for (const part of ["locations", "sub_processors"]) expect(res.body[part]).toEqual({ added: [], removed: [], changed: [] });
  });

  it.each([
    ["from=9", "from"],
    ["from=1&to=9", "to"],
  ])("%s names a version that does not exist: 404", async (q) => {
    const { t, processor, agreementId } = await withThreeVersions();
    const res = await t.call(processor.key, "GET", `/v1/agreements/${agreementId}/annex/diff?${q}`);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("not_found");
  });
});

describe("confirm and decline racing on a file database", () => {
  const RACES: [string, ("confirm" | "decline")[]][] = [
    ["confirm vs decline", ["confirm", "decline"]],
    ["decline vs confirm", ["decline", "confirm"]],
    ["confirm vs confirm", ["confirm", "confirm"]],
    ["decline vs decline", ["decline", "decline"]],
  ];

  it.each(RACES)("%s: exactly one wins, the other is 409 naming the state", async (_name, actions) => {
    const t = await createTestContext({ file: true });
    const processor = await createOrg(t);
    const controller = await createOrg(t);
    const proposed = await t.call(processor.key, "POST", "/v1/agreements", {
      controller_id: controller.id,
      title: "DPA",
      authorisation: "specific",
      third_country_transfers: "with_transfer_mechanism",
      annex: baselineAnnex(),
    });
    expect(proposed.status).toBe(201);
    const id = proposed.body.id;

    const results = await Promise.all(
      actions.map((a) => t.call(controller.key, "POST", `/v1/agreements/${id}/${a}`, a === "decline" ? { reason: "Backup site missing" } : undefined)),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses, JSON.stringify(results.map((r) => r.body))).toEqual([200, 409]);
    const winner = results.findIndex((r) => r.status === 200);
    const loser = results[1 - winner]!;
    const finalState = actions[winner] === "confirm" ? "active" : "declined";
    expect(results[winner]!.body.status).toBe(finalState);
    expect(loser.body).toMatchObject({ code: "invalid_state", status: 409, current_state: finalState });

    const versions = await t.client.execute({ sql: "SELECT count(*) AS n FROM annex_versions WHERE agreement_id = ?", args: [id] });
    expect(Number(versions.rows[0]!.n)).toBe(finalState === "active" ? 1 : 0);
    const stored = await t.client.execute({ sql: "SELECT status, current_version FROM agreements WHERE id = ?", args: [id] });
    expect(stored.rows[0]).toMatchObject({ status: finalState, current_version: finalState === "active" ? 1 : null });
  });
});
