import { describe, expect, it } from "vitest";
import { addr, loc, SCCS, sp } from "../helpers/annex-inputs";
import { type AnnexContent, type AnnexInput, buildAnnex, checkAnnex, classifyAnnex, diffAnnex, diffFields } from "../../src/domain/annex";

/** Deterministic ids, so content can be compared. */
function idGen() {
  let n = 0;
  return (kind: "location" | "subProcessor") => `${kind === "location" ? "loc" : "sp"}_${++n}`;
}

const build = (input: AnnexInput, base?: string) => buildAnnex(input, idGen(), base);
const rulesOf = (r: ReturnType<typeof buildAnnex>) => ("errors" in r ? r.errors.map((e) => ({ pointer: e.pointer, rule: e.rule })) : []);

type Expected = { pointer: string; rule: string }[];

const RULES: [string, AnnexInput, Expected][] = [
  ["a valid Danish baseline", { locations: [loc("dc")], sub_processors: [sp("host", "DK", ["dc"])] }, []],
  ["an empty annex", { locations: [], sub_processors: [] }, []],
  ["duplicate location ref", { locations: [loc("dc"), loc("dc")], sub_processors: [sp("host", "DK", ["dc"])] }, [{ pointer: "/annex/locations/1/ref", rule: "unique" }]],
  [
    "duplicate sub-processor ref",
    { locations: [loc("dc")], sub_processors: [sp("host", "DK", ["dc"]), sp("host", "SE", ["dc"])] },
    [{ pointer: "/annex/sub_processors/1/ref", rule: "unique" }],
  ],
  [
    "unknown location ref",
    { locations: [loc("dc")], sub_processors: [sp("host", "DK", ["dc", "nowhere"])] },
    [{ pointer: "/annex/sub_processors/0/locations/1", rule: "known_location" }],
  ],
  [
    "a location listed twice by one sub-processor",
    { locations: [loc("dc")], sub_processors: [sp("host", "DK", ["dc", "dc"])] },
    [{ pointer: "/annex/sub_processors/0/locations", rule: "unique" }],
  ],
  [
    "unknown parent",
    { locations: [loc("dc")], sub_processors: [sp("host", "DK", ["dc"], { parent: "ghost" })] },
    [{ pointer: "/annex/sub_processors/0/parent", rule: "known_sub_processor" }],
  ],
  [
    "parent cycle a → b → a",
    { locations: [loc("dc")], sub_processors: [sp("a", "DK", ["dc"], { parent: "b" }), sp("b", "DK", ["dc"], { parent: "a" })] },
    [
      { pointer: "/annex/sub_processors/0/parent", rule: "acyclic_chain" },
      { pointer: "/annex/sub_processors/1/parent", rule: "acyclic_chain" },
    ],
  ],
  [
    "a sub-processor its own parent",
    { locations: [loc("dc")], sub_processors: [sp("a", "DK", ["dc"], { parent: "a" })] },
    [{ pointer: "/annex/sub_processors/0/parent", rule: "acyclic_chain" }],
  ],
  [
    "a chain without a cycle (c → b → a)",
    { locations: [loc("dc")], sub_processors: [sp("a", "DK", ["dc"]), sp("b", "SE", ["dc"], { parent: "a" }), sp("c", "FI", ["dc"], { parent: "b" })] },
    [],
  ],
  [
    "DPF certification on a non-US recipient",
    { locations: [loc("dc")], sub_processors: [sp("host", "GB", ["dc"], { dpf_certified: true })] },
    [{ pointer: "/annex/sub_processors/0/dpf_certified", rule: "dpf_requires_us" }],
  ],
  [
    "a location with an unknown country",
    { locations: [loc("dc", "XX")], sub_processors: [sp("host", "DK", ["dc"])] },
    [{ pointer: "/annex/locations/0/address/country", rule: "iso_3166_1_alpha_2" }],
  ],
  [
    "a sub-processor with a lower-case country",
    { locations: [loc("dc")], sub_processors: [sp("host", "dk", ["dc"])] },
    [{ pointer: "/annex/sub_processors/0/address/country", rule: "iso_3166_1_alpha_2" }],
  ],
  [
    "a third-country sub-processor without a transfer mechanism",
    { locations: [loc("dc")], sub_processors: [sp("support", "IN", ["dc"])] },
    [{ pointer: "/annex/sub_processors/0/transfer_mechanism", rule: "transfer_mechanism_required" }],
  ],
  ["a third-country sub-processor with SCCs", { locations: [loc("dc")], sub_processors: [sp("support", "IN", ["dc"], { transfer_mechanism: SCCS })] }, []],
  [
    "a third-country location used by a sub-processor with a mechanism (covered)",
    { locations: [loc("dc"), loc("sg", "SG")], sub_processors: [sp("host", "DK", ["dc", "sg"], { transfer_mechanism: { type: "bcr" } })] },
    [],
  ],
  [
    "a third-country location used by a sub-processor without a mechanism",
    { locations: [loc("sg", "SG")], sub_processors: [sp("host", "DK", ["sg"])] },
    [
      { pointer: "/annex/sub_processors/0/transfer_mechanism", rule: "transfer_mechanism_required" },
      { pointer: "/annex/locations/0/transfer_mechanism", rule: "transfer_mechanism_required" },
    ],
  ],
  [
    "a third-country location no sub-processor uses needs its own mechanism",
    { locations: [loc("dc"), loc("sg", "SG")], sub_processors: [sp("host", "DK", ["dc"])] },
    [{ pointer: "/annex/locations/1/transfer_mechanism", rule: "transfer_mechanism_required" }],
  ],
  [
    "a third-country location no sub-processor uses, with its own mechanism",
    {
      locations: [loc("dc"), loc("sg", "SG", { transfer_mechanism: { type: "derogation_art_49", derogation: "explicit_consent" } })],
      sub_processors: [sp("host", "DK", ["dc"])],
    },
    [],
  ],
  [
    "a US location used only by DPF-certified US recipients needs no mechanism",
    { locations: [loc("us", "US")], sub_processors: [sp("cloud", "US", ["us"], { dpf_certified: true }), sp("cdn", "US", ["us"], { dpf_certified: true })] },
    [],
  ],
  [
    // Every recipient there is covered: the certified one by the DPF adequacy decision, the other by its SCCs.
    "a US location shared by a DPF-certified recipient and a non-certified one with SCCs is covered",
    { locations: [loc("us", "US")], sub_processors: [sp("cloud", "US", ["us"], { dpf_certified: true }), sp("cdn", "US", ["us"], { transfer_mechanism: SCCS })] },
    [],
  ],
  [
    "a US location shared with a non-certified recipient that has no mechanism",
    { locations: [loc("us", "US")], sub_processors: [sp("cloud", "US", ["us"], { dpf_certified: true }), sp("cdn", "US", ["us"])] },
    [
      { pointer: "/annex/sub_processors/1/transfer_mechanism", rule: "transfer_mechanism_required" },
      { pointer: "/annex/locations/0/transfer_mechanism", rule: "transfer_mechanism_required" },
    ],
  ],
  [
    "a US location unused (no DPF recipient) needs its own mechanism",
    { locations: [loc("dc"), loc("us", "US")], sub_processors: [sp("host", "DK", ["dc"])] },
    [{ pointer: "/annex/locations/1/transfer_mechanism", rule: "transfer_mechanism_required" }],
  ],
];

describe("buildAnnex: the rules of an annex", () => {
  it.each(RULES)("%s", (_name, input, expected) => {
    const result = build(input);
    expect(rulesOf(result)).toEqual(expected);
    if (expected.length === 0) expect(result).toHaveProperty("content");
    else expect(result).not.toHaveProperty("content");
  });

  it("puts every pointer under the given base", () => {
    const result = build({ locations: [loc("dc"), loc("dc")], sub_processors: [] }, "/changes/2/annex");
    expect(rulesOf(result)).toEqual([{ pointer: "/changes/2/annex/locations/1/ref", rule: "unique" }]);
  });

  it("assigns ids, resolves refs to ids, and fills the defaults", () => {
    const result = build({ locations: [loc("dc"), loc("dr", "SE")], sub_processors: [sp("a", "DK", ["dc"]), sp("b", "SE", ["dr", "dc"], { parent: "a" })] });
    if (!("content" in result)) throw new Error(JSON.stringify(result.errors));
    const { locations, sub_processors } = result.content;
    expect(locations.map((l) => l.id)).toEqual(["loc_1", "loc_2"]);
    expect(sub_processors.map((s) => s.id)).toEqual(["sp_3", "sp_4"]);
    expect(sub_processors[1]).toMatchObject({ ref: "b", location_ids: ["loc_2", "loc_1"], parent_id: "sp_3", dpf_certified: false, transfer_mechanism: null });
    expect(sub_processors[0]!.parent_id).toBeNull();
    expect(locations[0]).toMatchObject({ description: null, transfer_mechanism: null });
    expect(sub_processors[0]).not.toHaveProperty("locations");
    expect(sub_processors[0]).not.toHaveProperty("parent");
  });
});

describe("checkAnnex on stored content", () => {
  const valid = (): AnnexContent => {
    const r = build({ locations: [loc("dc")], sub_processors: [sp("a", "DK", ["dc"])] });
    if (!("content" in r)) throw new Error("fixture");
    return r.content;
  };

  it("accepts valid content", () => {
    expect(checkAnnex(valid())).toEqual([]);
  });

  it("refuses a location id that is not in the annex", () => {
    const c = valid();
    c.sub_processors[0]!.location_ids = ["loc_gone"];
    expect(checkAnnex(c).map((e) => [e.pointer, e.rule])).toEqual([["/annex/sub_processors/0/locations/0", "known_location"]]);
  });

  it("refuses a parent id that is not in the annex", () => {
    const c = valid();
    c.sub_processors[0]!.parent_id = "sp_gone";
    expect(checkAnnex(c, "/x").map((e) => [e.pointer, e.rule])).toEqual([["/x/sub_processors/0/parent", "known_sub_processor"]]);
  });
});

describe("classifyAnnex", () => {
  const classify = (input: AnnexInput) => {
    const r = build(input);
    if (!("content" in r)) throw new Error(JSON.stringify(r.errors));
    const c = classifyAnnex(r.content);
    return {
      third_country: c.third_country,
      locations: Object.fromEntries(c.locations.map((l) => [l.ref, l.classification])),
      sub_processors: Object.fromEntries(c.sub_processors.map((s) => [s.ref, s.classification])),
    };
  };

  it.each([
    [
      "a Danish sub-processor in Denmark",
      { locations: [loc("dc")], sub_processors: [sp("host", "DK", ["dc"])] },
      { third_country: false, locations: { dc: "eu_eea" }, sub_processors: { host: "eu_eea" } },
    ],
    [
      "a sub-processor in DK processing at a US location is third_country",
      { locations: [loc("dc"), loc("us", "US")], sub_processors: [sp("host", "DK", ["dc", "us"], { transfer_mechanism: SCCS })] },
      { third_country: true, locations: { dc: "eu_eea", us: "third_country" }, sub_processors: { host: "third_country" } },
    ],
    [
      "a DPF-certified US recipient at a US location is adequacy",
      { locations: [loc("us", "US")], sub_processors: [sp("cloud", "US", ["us"], { dpf_certified: true })] },
      { third_country: true, locations: { us: "adequacy" }, sub_processors: { cloud: "adequacy" } },
    ],
    [
      "a US location shared by a DPF and a non-DPF recipient is third_country",
      {
        locations: [loc("us", "US")],
        sub_processors: [sp("cloud", "US", ["us"], { dpf_certified: true, transfer_mechanism: SCCS }), sp("cdn", "US", ["us"], { transfer_mechanism: SCCS })],
      },
      { third_country: true, locations: { us: "third_country" }, sub_processors: { cloud: "adequacy", cdn: "third_country" } },
    ],
    [
      "a UK recipient in Denmark is adequacy (the worst of its countries)",
      { locations: [loc("dc")], sub_processors: [sp("uk", "GB", ["dc"])] },
      { third_country: true, locations: { dc: "eu_eea" }, sub_processors: { uk: "adequacy" } },
    ],
    [
      "a Danish recipient processing in Japan is adequacy",
      { locations: [loc("jp", "JP")], sub_processors: [sp("host", "DK", ["jp"])] },
      { third_country: true, locations: { jp: "adequacy" }, sub_processors: { host: "adequacy" } },
    ],
    [
      "a DPF-certified US recipient processing in China is third_country",
      { locations: [loc("cn", "CN")], sub_processors: [sp("cloud", "US", ["cn"], { dpf_certified: true, transfer_mechanism: SCCS })] },
      { third_country: true, locations: { cn: "third_country" }, sub_processors: { cloud: "third_country" } },
    ],
    [
      "an unused US location is third_country",
      { locations: [loc("us", "US", { transfer_mechanism: SCCS })], sub_processors: [] },
      { third_country: true, locations: { us: "third_country" }, sub_processors: {} },
    ],
  ])("%s", (_name, input, expected) => {
    expect(classify(input as AnnexInput)).toEqual(expected);
  });
});

describe("diffFields", () => {
  it.each([
    ["equal values", { a: 1, b: { c: "x" } }, { a: 1, b: { c: "x" } }, []],
    [
      "a nested leaf",
      { address: { city: "Ballerup", country: "DK" } },
      { address: { city: "Aarhus", country: "DK" } },
      [{ field: "address.city", from: "Ballerup", to: "Aarhus" }],
    ],
    [
      "several leaves, in sorted order",
      { label: "A", address: { street: "S", city: "C" } },
      { label: "B", address: { street: "T", city: "D" } },
      [
        { field: "address.city", from: "C", to: "D" },
        { field: "address.street", from: "S", to: "T" },
        { field: "label", from: "A", to: "B" },
      ],
    ],
    ["an added field", { a: 1 }, { a: 1, region: "WA" }, [{ field: "region", from: null, to: "WA" }]],
    ["a removed field", { a: 1, region: "WA" }, { a: 1 }, [{ field: "region", from: "WA", to: null }]],
    ["undefined and null are the same", { region: undefined }, { region: null }, []],
    ["arrays compare whole", { activities: ["hosting"] }, { activities: ["hosting", "backup"] }, [{ field: "activities", from: ["hosting"], to: ["hosting", "backup"] }]],
    ["null to an object is one change", { transfer_mechanism: null }, { transfer_mechanism: { type: "bcr" } }, [{ field: "transfer_mechanism", from: null, to: { type: "bcr" } }]],
    ["top-level scalars", 1, 2, [{ field: "", from: 1, to: 2 }]],
  ])("%s", (_name, a, b, expected) => {
    expect(diffFields(a, b)).toEqual(expected);
  });
});

describe("diffAnnex", () => {
  const v1: AnnexContent = {
    locations: [
      { id: "loc_dk", ref: "dc", label: "DC", address: addr("DK", "Ballerup"), activities: ["hosting"], description: null, transfer_mechanism: null },
      { id: "loc_se", ref: "backup", label: "Backup", address: addr("SE", "Kista"), activities: ["backup"], description: null, transfer_mechanism: null },
    ],
    sub_processors: [
      {
        id: "sp_host",
        ref: "host",
        legal_name: "Host A/S",
        registration: { scheme: "dk_cvr", number: "31415926" },
        address: addr("DK", "Ballerup"),
        description: "Hosting",
        location_ids: ["loc_dk"],
        parent_id: null,
        dpf_certified: false,
        transfer_mechanism: null,
      },
      {
        id: "sp_backup",
        ref: "backup",
        legal_name: "Backup AB",
        registration: { scheme: "se_orgnr", number: "556677-8899" },
        address: addr("SE", "Kista"),
        description: "Backup",
        location_ids: ["loc_se"],
        parent_id: null,
        dpf_certified: false,
        transfer_mechanism: null,
      },
    ],
  };
  const v2: AnnexContent = structuredClone(v1);
  v2.locations = [
    { ...v2.locations[0]!, address: addr("DK", "Aarhus") },
    { id: "loc_us", ref: "us", label: "US", address: addr("US", "Seattle"), activities: ["hosting"], description: null, transfer_mechanism: null },
  ];
  v2.sub_processors = [
    // the host now also processes in the US: its classification changes with its locations
    { ...v2.sub_processors[0]!, location_ids: ["loc_dk", "loc_us"], transfer_mechanism: SCCS },
  ];

  it("lists added, removed and changed entries, with classification changes", () => {
    expect(checkAnnex(v1)).toEqual([]);
    expect(checkAnnex(v2)).toEqual([]);
    const d = diffAnnex(v1, v2);
    expect(d.locations.added.map((l) => [l.id, l.classification])).toEqual([["loc_us", "third_country"]]);
    expect(d.locations.removed.map((l) => l.id)).toEqual(["loc_se"]);
    expect(d.locations.changed).toEqual([expect.objectContaining({ id: "loc_dk", changes: [{ field: "address.city", from: "Ballerup", to: "Aarhus" }] })]);
    expect(d.sub_processors.added).toEqual([]);
    expect(d.sub_processors.removed.map((s) => s.id)).toEqual(["sp_backup"]);
    expect(d.sub_processors.changed).toHaveLength(1);
    const host = d.sub_processors.changed[0]!;
    expect(host.id).toBe("sp_host");
    expect(host.before.classification).toBe("eu_eea");
    expect(host.after.classification).toBe("third_country");
    expect(host.changes).toEqual([
      { field: "classification", from: "eu_eea", to: "third_country" },
      { field: "location_ids", from: ["loc_dk"], to: ["loc_dk", "loc_us"] },
      { field: "third_country", from: false, to: true },
      { field: "transfer_mechanism", from: null, to: SCCS },
    ]);
  });

  it("finds nothing between a version and itself", () => {
    const d = diffAnnex(v1, structuredClone(v1));
    for (const part of [d.locations, d.sub_processors]) expect(part).toEqual({ added: [], removed: [], changed: [] });
  });
});
