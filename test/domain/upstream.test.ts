import { describe, expect, it } from "vitest";
import { addr, loc, SCCS, sp } from "../helpers/annex-inputs";
import { type AnnexContent, type AnnexInput, buildAnnex } from "../../src/domain/annex";
import { noticeEndsAt } from "../../src/domain/decisions";
import { applyOperations, type Operation } from "../../src/domain/operations";
import { buildUpstreamDraft, type DownstreamAgreement, entryKey, feedEntryDeadline, noticeEndBy, planNotices } from "../../src/domain/upstream";

// docs/rules.md, rule 14: an upstream change becomes a draft, pre-filled where the register can read it.

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date("2026-11-22T09:00:00.000Z");

/** Ids unique across the file: an annex and the operations applied to it never share one. */
let n = 0;
function idGen() {
  return (kind: "location" | "subProcessor") => `${kind === "location" ? "loc" : "sp"}_${++n}`;
}
const annex = (input: AnnexInput): AnnexContent => {
  const built = buildAnnex(input, idGen());
  if ("errors" in built) throw new Error(JSON.stringify(built.errors));
  return built.content;
};
const apply = (content: AnnexContent, ops: Operation[]) => {
  const r = applyOperations(content, ops, idGen());
  if ("errors" in r) throw new Error(JSON.stringify(r.errors));
  return r.content;
};

// upstream: the sub-processor's own annex (its hosting in Finland)
const upstreamBefore = annex({ locations: [loc("fi-dc", "FI")], sub_processors: [sp("fihost", "FI", ["fi-dc"])] });
// the processor's annexes: the sub-processor is "cloudco", with a Danish data centre
const downstream = (extra: Partial<AnnexInput> = {}) =>
  annex({
    locations: [loc("dc-dk", "DK"), ...(extra.locations ?? [])],
    sub_processors: [sp("cloudco", "FI", ["dc-dk"]), ...(extra.sub_processors ?? [])],
  });
const agreement = (id: string, noticeDays = 30, timeZone = "Europe/Copenhagen", content = downstream(), extra: Partial<DownstreamAgreement> = {}): DownstreamAgreement => ({
  id,
  notice_days: noticeDays,
  time_zone: timeZone,
  annex: content,
  ...extra,
});

const addUs: Operation[] = [
  { op: "add_location", location: loc("us-east", "US", { label: "US East" }) },
  { op: "add_sub_processor", sub_processor: sp("usana", "US", ["us-east"], { transfer_mechanism: SCCS, legal_name: "US Analytics Inc." }) },
];

const registerDraft = (operations: Operation[], agreements: DownstreamAgreement[], deadline = new Date(NOW.getTime() + 45 * DAY), extra = {}) =>
  buildUpstreamDraft({
    now: NOW,
    parentRef: "cloudco",
    upstreamName: "CloudCo Oy",
    change: { kind: "register", before: upstreamBefore, after: apply(upstreamBefore, operations), operations, reason: "Analytics for our status pages" },
    deadline,
    marginDays: 5,
    agreements,
    ...extra,
  });

describe("a sub-processor added upstream is pre-filled as a chain entry under the affected one", () => {
  it("adds its location and itself, parent the affected sub-processor, with its country and transfer tool; the operations apply to every covered annex", () => {
    const covered = [agreement("agr_1"), agreement("agr_2", 10), agreement("agr_3", 20, "Europe/Stockholm")];
    const draft = registerDraft(addUs, covered);
    expect(draft.operations).toEqual([
      { op: "add_location", location: { ref: "cloudco-us-east", label: "US East", address: addr("US"), activities: ["hosting"], description: null, transfer_mechanism: null } },
      {
        op: "add_sub_processor",
        sub_processor: expect.objectContaining({
          ref: "cloudco-usana",
          legal_name: "US Analytics Inc.",
          address: addr("US"),
          locations: ["cloudco-us-east"],
          parent: "cloudco",
          transfer_mechanism: SCCS,
          dpf_certified: false,
        }),
      },
    ]);
    for (const a of covered) {
      const applied = applyOperations(a.annex, draft.operations, idGen());
      expect("content" in applied, JSON.stringify(applied)).toBe(true);
    }
    expect(draft.warnings).toEqual([]);
    expect(draft.reason).toContain("CloudCo Oy");
    expect(draft.reason).toContain("adds sub-processor US Analytics Inc. (Somewhere, US)");
    expect(draft.reason).toContain("Analytics for our status pages");
  });

  it("uses a location every covered annex already has at that address, and picks refs free in every covered annex", () => {
    const shared = loc("seattle", "US", { transfer_mechanism: SCCS });
    const taken = annex({
      locations: [loc("dc-dk"), shared],
      sub_processors: [sp("cloudco", "FI", ["dc-dk"]), sp("cloudco-usana", "SE", ["dc-dk"])],
    });
    const other = downstream({ locations: [shared] });
    const ops: Operation[] = [
      { op: "add_location", location: { ...shared, ref: "us-west" } },
      { op: "add_sub_processor", sub_processor: sp("usana", "US", ["us-west"], { transfer_mechanism: SCCS }) },
    ];
    const draft = registerDraft(ops, [agreement("agr_1", 30, "UTC", taken), agreement("agr_2", 30, "UTC", other)]);
    expect(draft.operations).toHaveLength(1);
    expect(draft.operations[0]).toMatchObject({ op: "add_sub_processor", sub_processor: { ref: "cloudco-usana-2", locations: ["seattle"], parent: "cloudco" } });
    expect(draft.warnings).toEqual([]);
  });

  it("keeps a chain added upstream in shape: a child of a new entry hangs under that entry's new ref", () => {
    const ops: Operation[] = [...addUs, { op: "add_sub_processor", sub_processor: sp("helper", "DE", ["fi-dc"], { parent: "usana" }) }];
    const draft = registerDraft(ops, [agreement("agr_1")]);
    const subs = draft.operations.filter((o) => o.op === "add_sub_processor").map((o) => o.sub_processor);
    expect(subs.map((x) => [x.ref, x.parent, x.locations])).toEqual([
      ["cloudco-usana", "cloudco", ["cloudco-us-east"]],
      ["cloudco-helper", "cloudco-usana", ["cloudco-fi-dc"]],
    ]);
    expect(draft.warnings).toEqual([]);
  });

  it.each([
    ["a removal", [{ op: "remove_sub_processor", target: "fihost" }] as Operation[], "removes sub-processor fihost Ltd"],
    ["a move", [{ op: "update_location", target: "fi-dc", changes: { address: addr("SE") } }] as Operation[], "changes location Location fi-dc: address (moves to SE)"],
    ["a location of its own", [{ op: "add_location", location: loc("de-dc", "DE") }] as Operation[], "adds location Location de-dc (Somewhere, DE)"],
  ])("%s upstream is described, warned of as not pre-filled, and nothing is pre-filled", (_name, ops, line) => {
    const draft = registerDraft(ops, [agreement("agr_1")]);
    expect(draft.operations).toEqual([]);
    expect(draft.reason).toContain(line);
    expect(draft.warnings.map((w) => w.code)).toEqual(["not_prefilled", "operations_empty"]);
    expect(draft.warnings[0]!.detail).toContain(line);
  });

  it("operations that no longer apply upstream are described, not pre-filled", () => {
    const draft = buildUpstreamDraft({
      now: NOW,
      parentRef: "cloudco",
      upstreamName: "CloudCo Oy",
      // as the service passes it when the upstream operations do not apply to the annex in force: nothing changes
      change: { kind: "register", before: upstreamBefore, after: upstreamBefore, operations: addUs, reason: "Analytics" },
      deadline: null,
      marginDays: 5,
      agreements: [agreement("agr_1")],
    });
    expect(draft.operations).toEqual([]);
    expect(draft.warnings.map((w) => w.code)).toEqual(["not_prefilled", "not_prefilled", "operations_empty"]);
    expect(draft.warnings[1]!.detail).toContain("adds sub-processor US Analytics Inc.");
  });

  it("a replacement pre-fills the new recipient and warns about the old one", () => {
    const ops: Operation[] = [{ op: "replace_sub_processor", target: "fihost", with: sp("sehost", "SE", ["fi-dc"]) }];
    const draft = registerDraft(ops, [agreement("agr_1")]);
    expect(draft.operations.map((o) => o.op)).toEqual(["add_location", "add_sub_processor"]);
    expect(draft.warnings.map((w) => w.code)).toEqual(["not_prefilled"]);
    expect(draft.warnings[0]!.detail).toContain("fihost Ltd is replaced");
  });

  it("warns, naming the agreement, where the operations do not apply to its annex", () => {
    // an annex without the affected sub-processor cannot take the chain entry under it
    const noParent = annex({ locations: [loc("dc-dk")], sub_processors: [sp("other", "DK", ["dc-dk"])] });
    const draft = registerDraft(addUs, [agreement("agr_1"), agreement("agr_odd", 30, "UTC", noParent)]);
    expect(draft.warnings).toEqual([expect.objectContaining({ code: "operations_do_not_apply", agreement_id: "agr_odd" })]);
  });

  it("warns where a public authority controller could not rely on the upstream Art. 49 derogation (Art. 49(3))", () => {
    const ops: Operation[] = [
      { op: "add_location", location: loc("us-east", "US") },
      { op: "add_sub_processor", sub_processor: sp("usana", "US", ["us-east"], { transfer_mechanism: { type: "derogation_art_49", derogation: "explicit_consent" } }) },
    ];
    const draft = registerDraft(ops, [agreement("agr_private"), agreement("agr_kommune", 30, "Europe/Copenhagen", downstream(), { public_authority: true })]);
    expect(draft.warnings.filter((w) => w.code === "operations_do_not_apply").map((w) => w.agreement_id)).toEqual(["agr_kommune"]);
  });
});

describe("notices against the upstream deadline (docs/rules.md, rules 4 and 14)", () => {
  it("proposes each agreement's notice as if submitted now, and whether it ends by the deadline less the margin", () => {
    const deadline = new Date(NOW.getTime() + 30 * DAY);
    const draft = registerDraft(addUs, [agreement("agr_10", 10), agreement("agr_24", 24), agreement("agr_30", 30)], deadline);
    expect(draft.noticeEndBy).toEqual(new Date(deadline.getTime() - 5 * DAY));
    expect(draft.agreements).toEqual([
      { agreement_id: "agr_10", notice_days: 10, notice_ends_at: noticeEndsAt(NOW, 10, "Europe/Copenhagen").toISOString(), fits: true },
      // 24 days from 22 November end at 24:00 on 16 December in Copenhagen, before 17 December 09:00Z (the deadline less 5 days)
      { agreement_id: "agr_24", notice_days: 24, notice_ends_at: "2026-12-16T23:00:00.000Z", fits: true },
      { agreement_id: "agr_30", notice_days: 30, notice_ends_at: "2026-12-22T23:00:00.000Z", fits: false },
    ]);
    expect(draft.warnings).toEqual([expect.objectContaining({ code: "notice_too_long", agreement_id: "agr_30" })]);
    expect(draft.warnings[0]!.detail).toContain("agr_30");
  });

  it("counts in the controller's time zone: the same notice may fit in one zone and not in another", () => {
    // the deadline less the margin is 23:30 UTC on the notice's last day: Copenhagen's 24:00 (23:00Z) is before it, New York's is not
    const endBy = new Date("2026-12-22T23:30:00.000Z");
    const plans = planNotices(
      [
        { id: "dk", notice_days: 30, time_zone: "Europe/Copenhagen" },
        { id: "ny", notice_days: 30, time_zone: "America/New_York" },
      ],
      NOW,
      endBy,
    );
    expect(plans.map((p) => [p.agreement_id, p.fits])).toEqual([
      ["dk", true],
      ["ny", false],
    ]);
  });

  it("without a deadline everything fits", () => {
    expect(noticeEndBy(null, 5)).toBeNull();
    expect(planNotices([{ id: "x", notice_days: 90, time_zone: "UTC" }], NOW, null)[0]!.fits).toBe(true);
  });

  it("covers no agreement: says so", () => {
    const draft = registerDraft(addUs, []);
    expect(draft.agreements).toEqual([]);
    expect(draft.warnings.map((w) => w.code)).toEqual(["no_agreements"]);
  });
});

describe("a feed entry", () => {
  it("becomes a draft without operations, the announcement in the reason, and a warning to fill them in", () => {
    const draft = buildUpstreamDraft({
      now: NOW,
      parentRef: "cloudco",
      upstreamName: "CloudCo Oy",
      change: { kind: "feed", title: "New analytics provider", summary: "We add US Analytics Inc. in Seattle.", link: "https://cloudco.example/changes/1" },
      deadline: new Date(NOW.getTime() + 30 * DAY),
      marginDays: 5,
      agreements: [agreement("agr_1", 10)],
    });
    expect(draft.operations).toEqual([]);
    expect(draft.reason).toContain("New analytics provider");
    expect(draft.reason).toContain("We add US Analytics Inc. in Seattle.");
    expect(draft.reason).toContain("https://cloudco.example/changes/1");
    expect(draft.warnings.map((w) => w.code)).toEqual(["operations_empty"]);
    expect(draft.agreements[0]!.fits).toBe(true);
  });

  it.each([
    ["the extension's notice end", { noticeEndsAt: new Date("2026-12-20T23:00:00Z"), date: NOW }, "2026-12-20T23:00:00.000Z"],
    ["its date plus the window", { noticeEndsAt: null, date: new Date("2026-11-20T00:00:00Z") }, "2026-12-20T00:00:00.000Z"],
    ["now plus the window, without a date", { noticeEndsAt: null, date: null }, "2026-12-22T09:00:00.000Z"],
  ])("has its deadline from %s", (_name, entry, expected) => {
    expect(feedEntryDeadline(entry, 30, NOW).toISOString()).toBe(expected);
  });

  it("of this register's own feeds is one change whether listed as upcoming or applied; any other id is its own key", () => {
    expect(entryKey("urn:subprocessor-registry:omsorg:cr_1:upcoming")).toBe("urn:subprocessor-registry:omsorg:cr_1");
    expect(entryKey("urn:subprocessor-registry:omsorg:cr_1:applied")).toBe("urn:subprocessor-registry:omsorg:cr_1");
    expect(entryKey("tag:example.com,2026:1")).toBe("tag:example.com,2026:1");
  });
});
