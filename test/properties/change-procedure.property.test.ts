/**
 * Model-based property tests of the change procedure (docs/rules.md; "The life of a change
 * request", rules 1, 3, 5, 6, 7, 9): random sequences of submissions, decisions, withdrawals
 * and test-clock advances, all over HTTP, with the invariants checked after every step.
 *
 * A failing run prints its seed and path; replay it with `fc.assert(..., { seed, path })`.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AnnexContent } from "../../src/domain/annex";
import { applyOperations, type Operation } from "../../src/domain/operations";
import { verifyAudit } from "../../src/features/audit/audit.service";
import { createTestContext, DAY, type TestContext, type TestResponse } from "../helpers/app";
import { snapshotState } from "../helpers/db-snapshot";
import { createActiveAgreement, createOrg, type TestOrg } from "../helpers/factories";

const NUM_RUNS = Number(process.env.PROPERTY_RUNS ?? 25);
/** the API, event and audit checks after every step too, not only at the end */
const FULL_EVERY_STEP = process.env.PROPERTY_FULL !== "0";
const FINAL = new Set(["approved", "objected", "withdrawn", "deemed_approved", "noticed"]);

// ---------------------------------------------------------------------------------------------
// The actions, as seeds resolved against the world when they run (so most of them are valid)
// ---------------------------------------------------------------------------------------------

type Country = "DK" | "SE" | "PL";
type OpSeed =
  | { kind: "addSp"; country: Country }
  | { kind: "addUs"; locationMechanism: boolean }
  | { kind: "updateDesc"; pick: number; description: string }
  | { kind: "removeSp"; pick: number }
  | { kind: "addLoc"; country: Country }
  | { kind: "removeLoc"; pick: number };

type Action =
  | { kind: "submit"; all: boolean; subset: boolean[]; ops: OpSeed[]; effectiveInDays: number | null }
  | { kind: "approve"; pick: number; comment: string | null }
  | { kind: "object"; pick: number; reason: string }
  | { kind: "withdrawDecision"; pick: number }
  | { kind: "withdrawRequest"; pick: number }
  | { kind: "advance"; days: number };

const country = fc.constantFrom<Country>("DK", "SE", "PL");
const pick = fc.nat({ max: 1000 });
const words = fc.stringMatching(/^[A-Za-z0-9 æøåÆØÅäöÄÖ]{1,30}$/).map((s) => `Text ${s.trim()}`);

const opSeed: fc.Arbitrary<OpSeed> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("addSp" as const), country }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant("addUs" as const), locationMechanism: fc.boolean() }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant("updateDesc" as const), pick, description: words }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant("removeSp" as const), pick }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("addLoc" as const), country }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("removeLoc" as const), pick }), weight: 2 },
);

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant("submit" as const),
      all: fc.boolean(),
      subset: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
      ops: fc.array(opSeed, { minLength: 1, maxLength: 3 }),
      effectiveInDays: fc.option(fc.integer({ min: 0, max: 60 }), { nil: null }),
    }),
    weight: 5,
  },
  { arbitrary: fc.record({ kind: fc.constant("approve" as const), pick, comment: fc.option(words, { nil: null }) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant("object" as const), pick, reason: words }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant("withdrawDecision" as const), pick }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("withdrawRequest" as const), pick }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("advance" as const), days: fc.integer({ min: 0, max: 40 }) }), weight: 4 },
);

const worldShape = fc.record({
  /** a fourth agreement (the second controller's, specific) */
  fourth: fc.boolean(),
  noticeDays: fc.array(fc.constantFrom(7, 10, 14, 30), { minLength: 4, maxLength: 4 }),
});

// ---------------------------------------------------------------------------------------------
// The world: one processor, two controllers, 3–4 agreements of mixed authorisation
// ---------------------------------------------------------------------------------------------

interface AgreementInfo {
  id: string;
  controller: TestOrg;
  authorisation: "general" | "specific";
  prohibited: boolean;
}

interface DecisionInfo {
  id: string;
  agreementId: string;
  changeRequestId: string;
  controller: TestOrg;
  /** a notice (rule 10): nothing to approve or object to */
  notice: boolean;
  /** conflicts with the instruction (rule 3): approved only with an amendment */
  conflict: boolean;
}

interface World {
  t: TestContext;
  processor: TestOrg;
  agreements: AgreementInfo[];
  /** every decision ever created, in creation order */
  decisions: DecisionInfo[];
  requests: string[];
  /** every state each decision was seen in, in order */
  seen: Map<string, string[]>;
  fresh: number;
  log: string[];
}

async function buildWorld(shape: { fourth: boolean; noticeDays: number[] }): Promise<World> {
  const t = await createTestContext();
  const processor = await createOrg(t, "Omsorgspartner ApS");
  const a = await createOrg(t, "Aarhus Kommune");
  const b = await createOrg(t, "Malmö stad", "SE");
  const specs: Omit<AgreementInfo, "id">[] = [
    { controller: a, authorisation: "general", prohibited: false },
    { controller: a, authorisation: "specific", prohibited: false },
    { controller: b, authorisation: "general", prohibited: true },
  ];
  if (shape.fourth) specs.push({ controller: b, authorisation: "specific", prohibited: false });
  const agreements: AgreementInfo[] = [];
  for (const [i, s] of specs.entries()) {
    const created = await createActiveAgreement(t, processor, s.controller, {
      authorisation: s.authorisation,
      third_country_transfers: s.prohibited ? "prohibited" : "with_transfer_mechanism",
      notice_days: shape.noticeDays[i],
    });
    agreements.push({ ...s, id: created.id });
  }
  return { t, processor, agreements, decisions: [], requests: [], seen: new Map(), fresh: 0, log: [] };
}

// ---------------------------------------------------------------------------------------------
// Reading the database
// ---------------------------------------------------------------------------------------------

interface DecisionRow {
  id: string;
  change_request_id: string;
  agreement_id: string;
  authorisation: string;
  introduces_third_country: number;
  instruction_conflict: number;
  state: string;
  notice_ends_at: number;
  decided_at: number | null;
  effective_at: number | null;
  application: string;
  applied_version: number | null;
  overdue_notified_at: number | null;
  reminded_7d_at: number | null;
  reminded_1d_at: number | null;
}

interface VersionRow {
  agreement_id: string;
  version: number;
  content: AnnexContent;
  effective_at: number;
  change_request_id: string | null;
}

const rows = async <T>(t: TestContext, sql: string, args: (string | number)[] = []) => (await t.client.execute({ sql, args })).rows.map((r) => ({ ...r }) as unknown as T);

const decisionRows = (t: TestContext) => rows<DecisionRow>(t, "SELECT * FROM decisions ORDER BY id");

async function versionRows(t: TestContext) {
  const raw = await rows<Omit<VersionRow, "content"> & { content: string }>(
    t,
    "SELECT agreement_id, version, content, effective_at, change_request_id FROM annex_versions ORDER BY agreement_id, version",
  );
  return raw.map((r) => ({ ...r, content: JSON.parse(r.content) as AnnexContent }));
}

async function latestContent(t: TestContext, agreementId: string): Promise<AnnexContent> {
  const [row] = await rows<{ content: string }>(t, "SELECT content FROM annex_versions WHERE agreement_id = ? ORDER BY version DESC LIMIT 1", [agreementId]);
  return JSON.parse(row!.content) as AnnexContent;
}

// ---------------------------------------------------------------------------------------------
// Operations, resolved against the covered annexes as they stand
// ---------------------------------------------------------------------------------------------

const addr = (c: Country | "US") =>
  ({
    DK: { street: "Lautrupvang 1", postal_code: "2750", city: "Ballerup", country: "DK" },
    SE: { street: "Kista Allévägen 5", postal_code: "164 55", city: "Kista", country: "SE" },
    PL: { street: "ul. Prosta 1", postal_code: "00-838", city: "Warszawa", country: "PL" },
    US: { street: "410 Terry Ave N", postal_code: "98109", city: "Seattle", region: "WA", country: "US" },
  })[c];
const registration = (c: Country) =>
  ({ DK: { scheme: "dk_cvr", number: "31415926" }, SE: { scheme: "se_orgnr", number: "556677-8899" }, PL: { scheme: "eu_vat", number: "PL5260250995" } })[c];

/** The refs present in every annex, in a stable order. */
const common = (lists: string[][]) => (lists.length ? lists[0]!.filter((r) => lists.every((l) => l.includes(r))) : []);

function resolveOp(w: World, seed: OpSeed, sims: AnnexContent[]): Operation[] {
  const n = ++w.fresh;
  switch (seed.kind) {
    case "addSp":
      return [
        {
          op: "add_sub_processor",
          sub_processor: {
            ref: `sp-${n}`,
            legal_name: `Sub ${n} ${seed.country}`,
            registration: registration(seed.country) as never,
            address: addr(seed.country),
            description: "Backup copy",
            locations: [common(sims.map((s) => s.locations.map((l) => l.ref)))[0] ?? "dc-dk"],
          },
        },
      ];
    case "addUs":
      return [
        {
          op: "add_location",
          location: {
            ref: `us-${n}`,
            label: `US region ${n}`,
            address: addr("US"),
            activities: ["hosting"],
            ...(seed.locationMechanism ? { transfer_mechanism: { type: "sccs_2021_914", module: "module_3" } } : {}),
          },
        },
        {
          op: "add_sub_processor",
          sub_processor: {
            ref: `uscloud-${n}`,
            legal_name: `US Cloud ${n} Inc.`,
            registration: { scheme: "us_ein", number: "91-1646860" },
            address: addr("US"),
            description: "Analytics",
            locations: [`us-${n}`],
            dpf_certified: false,
            transfer_mechanism: { type: "sccs_2021_914", module: "module_3" },
          },
        },
      ];
    case "updateDesc": {
      const refs = common(sims.map((s) => s.sub_processors.map((x) => x.ref)));
      return [{ op: "update_sub_processor", target: refs.length ? refs[seed.pick % refs.length]! : "nordhost", changes: { description: seed.description } }];
    }
    case "removeSp": {
      const refs = common(sims.map((s) => s.sub_processors.map((x) => x.ref)));
      const added = refs.filter((r) => r !== "nordhost");
      const pool = added.length ? added : refs;
      return [{ op: "remove_sub_processor", target: pool.length ? pool[seed.pick % pool.length]! : "nordhost" }];
    }
    case "addLoc":
      return [{ op: "add_location", location: { ref: `loc-${n}`, label: `Site ${n}`, address: addr(seed.country), activities: ["backup"] } }];
    case "removeLoc": {
      const unused = common(sims.map((s) => s.locations.filter((l) => !s.sub_processors.some((x) => x.location_ids.includes(l.id))).map((l) => l.ref)));
      return [{ op: "remove_location", target: unused.length ? unused[seed.pick % unused.length]! : "dc-dk" }];
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Running an action
// ---------------------------------------------------------------------------------------------

function expectStatus(w: World, res: TestResponse, allowed: number[], what: string) {
  expect(res.status, `${what}: a 5xx is never acceptable\n${w.log.join("\n")}\n${JSON.stringify(res.body)}`).toBeLessThan(500);
  expect(allowed, `${what} answered ${res.status}: ${JSON.stringify(res.body)}\n${w.log.join("\n")}`).toContain(res.status);
  if (res.status >= 400) {
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status: res.status, code: expect.any(String) });
  }
}

function noteStates(w: World, decisions: { id: string; state: string }[] | undefined) {
  for (const d of decisions ?? []) {
    const history = w.seen.get(d.id);
    if (history && history.at(-1) !== d.state) history.push(d.state);
  }
}

/** A 409 names the state the decision is really in, and that state is final. */
async function expectConflictNamesFinalState(w: World, res: TestResponse, decisionId: string | null) {
  expect(res.body.code).toBe("invalid_state");
  if (decisionId) {
    const [row] = await rows<{ state: string }>(w.t, "SELECT state FROM decisions WHERE id = ?", [decisionId]);
    expect(res.body.current_state).toBe(row!.state);
    expect(FINAL.has(row!.state), `409 for a decision in state ${row!.state}`).toBe(true);
  }
}

async function run(w: World, a: Action) {
  const { t } = w;
  switch (a.kind) {
    case "submit": {
      const covered = a.all ? w.agreements : w.agreements.filter((_, i) => a.subset[i]);
      const targets = covered.length ? covered : [w.agreements[0]!];
      const sims = await Promise.all(targets.map((ag) => latestContent(t, ag.id)));
      const befores = [...sims];
      const operations: Operation[] = [];
      let counter = 0;
      const newId = (kind: "location" | "subProcessor") => `sim-${kind}-${++counter}`;
      for (const seed of a.ops) {
        const resolved = resolveOp(w, seed, sims);
        operations.push(...resolved);
        sims.forEach((s, i) => {
          const r = applyOperations(s, resolved, newId);
          if ("content" in r) sims[i] = r.content;
        });
      }
      const body: Record<string, unknown> = { agreements: a.all ? "all" : targets.map((x) => x.id), operations, reason: "Property test change" };
      if (a.effectiveInDays !== null) body.effective_date = new Date(t.clock.now().getTime() + a.effectiveInDays * DAY).toISOString();
      const before = await snapshotState(t);
      const res = await t.call(w.processor.key, "POST", "/v1/change-requests", body);
      w.log.push(
        `submit ${JSON.stringify(body.agreements)} ${operations.map((o) => `${o.op}:${"target" in o ? o.target : "sub_processor" in o ? o.sub_processor.ref : o.location.ref}`).join(",")} eff=${a.effectiveInDays} -> ${res.status}`,
      );
      expectStatus(w, res, [201, 422], "submit");
      if (res.status === 422) {
        expect(res.body.errors.length).toBeGreaterThan(0);
        w.log.push(`  refused: ${[...new Set(res.body.errors.map((e: { rule: string; pointer: string }) => `${e.rule}@${e.pointer}`))].join(" ")}`);
        // a refused submission writes nothing
        expect(await snapshotState(t)).toEqual(before);
        return;
      }
      expect(res.body.decisions).toHaveLength(a.all ? w.agreements.length : targets.length);
      w.requests.push(res.body.id);
      // in this world only US entries are third-country ones: a change introduces one when the annex it
      // leads to has a US entry the annex before did not
      const usRefs = (c: AnnexContent) => [...c.locations, ...c.sub_processors].filter((e) => e.address.country === "US").map((e) => e.ref);
      const introducesUs = (agreementId: string) => {
        const i = targets.findIndex((x) => x.id === agreementId);
        return usRefs(sims[i]!).some((r) => !usRefs(befores[i]!).includes(r));
      };
      // rule 10: a change that adds nothing (only removals and corrections) is a notice, with nothing to decide
      const refsOf = (c: AnnexContent) => [...c.locations.map((l) => `loc:${l.ref}`), ...c.sub_processors.map((x) => `sp:${x.ref}`)];
      const addsEntry = (agreementId: string) => {
        const i = targets.findIndex((x) => x.id === agreementId);
        return refsOf(sims[i]!).some((r) => !refsOf(befores[i]!).includes(r));
      };
      for (const d of res.body.decisions as {
        id: string;
        kind: string;
        state: string;
        agreement: { id: string };
        introduces_third_country: boolean;
        instruction_conflict: boolean;
        authorisation: string;
      }[]) {
        const ag = w.agreements.find((x) => x.id === d.agreement.id)!;
        expect(d.kind, `kind of ${d.id}`).toBe(addsEntry(ag.id) ? "decision" : "notice");
        expect(d.state).toBe(d.kind === "notice" ? "noticed" : "pending");
        expect(d.authorisation).toBe(ag.authorisation);
        // rule 3: a change introducing a third country conflicts with a prohibiting agreement, only there
        expect(d.introduces_third_country, `introduces_third_country of ${d.id}`).toBe(introducesUs(ag.id));
        expect(d.instruction_conflict, `instruction_conflict of ${d.id}`).toBe(ag.prohibited && introducesUs(ag.id));
        w.decisions.push({ id: d.id, agreementId: ag.id, changeRequestId: res.body.id, controller: ag.controller, notice: d.kind === "notice", conflict: d.instruction_conflict });
        w.seen.set(d.id, [d.state]);
      }
      return;
    }
    case "approve":
    case "object":
    case "withdrawDecision": {
      if (!w.decisions.length) return;
      const d = w.decisions[a.pick % w.decisions.length]!;
      const verb = a.kind === "approve" ? "approve" : a.kind === "object" ? "object" : "withdraw";
      const key = verb === "withdraw" ? w.processor.key : d.controller.key;
      const body = a.kind === "approve" ? (a.comment ? { comment: a.comment } : {}) : a.kind === "object" ? { reason: a.reason } : undefined;
      const res = await t.call(key, "POST", `/v1/decisions/${d.id}/${verb}`, body);
      w.log.push(`${verb} ${d.id} -> ${res.status} ${res.body?.state ?? res.body?.current_state ?? ""}`);
      expectStatus(w, res, [200, 409], verb);
      // a notice has nothing to approve or object to (rule 10)
      if (res.status === 409 && res.body.code === "notice_only") {
        expect(d.notice && verb !== "withdraw", `notice_only for ${verb} of ${d.id}`).toBe(true);
        return void expect(res.body.current_state).toBe("noticed");
      }
      if (res.status === 409 && d.notice && verb !== "withdraw") expect(res.body.current_state, "a notice answers notice_only until it is withdrawn").toBe("withdrawn");
      // a conflicting change is approved only with an amendment of the instruction (rule 3)
      if (res.status === 409 && res.body.code === "instruction_conflict") {
        expect(verb === "approve" && d.conflict, `instruction_conflict for ${verb} of ${d.id}`).toBe(true);
        const [row] = await rows<{ state: string }>(t, "SELECT state FROM decisions WHERE id = ?", [d.id]);
        return void expect(row!.state).toBe("pending");
      }
      if (res.status === 409) return expectConflictNamesFinalState(w, res, d.id);
      expect(res.body.state).toBe({ approve: "approved", object: "objected", withdraw: "withdrawn" }[verb]);
      if (verb === "object") expect(res.body.objection_reason).toBe(a.kind === "object" ? a.reason.trim() : null);
      noteStates(w, [res.body]);
      return;
    }
    case "withdrawRequest": {
      if (!w.requests.length) return;
      const id = w.requests[a.pick % w.requests.length]!;
      const res = await t.call(w.processor.key, "POST", `/v1/change-requests/${id}/withdraw`);
      w.log.push(`withdraw request ${id} -> ${res.status}`);
      expectStatus(w, res, [200, 409], "withdraw request");
      if (res.status === 409) {
        expect(res.body.code).toBe("invalid_state");
        const states = await rows<{ state: string }>(t, "SELECT state FROM decisions WHERE change_request_id = ?", [id]);
        expect(
          states.every((s) => FINAL.has(s.state)),
          "409 on a request with a pending decision",
        ).toBe(true);
        return;
      }
      expect(res.body.decisions.some((x: { state: string }) => x.state === "pending")).toBe(false);
      noteStates(w, res.body.decisions);
      return;
    }
    case "advance": {
      const res = await t.call(t.operatorKey, "POST", "/v1/test-clock/advance", { days: a.days });
      w.log.push(`advance ${a.days}d -> ${res.status} ${JSON.stringify(res.body?.ran)}`);
      expectStatus(w, res, [200], "advance");
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The invariants
// ---------------------------------------------------------------------------------------------

/** An annex compared by refs and fields: ids of entries a replay adds are its own, so references go by ref. */
function byRef(c: AnnexContent) {
  const loc = new Map(c.locations.map((l) => [l.id, l.ref]));
  const sp = new Map(c.sub_processors.map((s) => [s.id, s.ref]));
  return {
    locations: c.locations.map(({ id: _id, ...rest }) => rest),
    sub_processors: c.sub_processors.map(({ id: _id, location_ids, parent_id, ...rest }) => ({
      ...rest,
      locations: location_ids.map((i) => loc.get(i) ?? `<dangling ${i}>`),
      parent: parent_id === null ? null : (sp.get(parent_id) ?? `<dangling ${parent_id}>`),
    })),
  };
}

/** Ids the replay kept from the stored annex (baseline entries, entries updated in place) must be the stored ones. */
function keptIds(c: AnnexContent) {
  return [...c.locations.map((l) => `${l.ref}=${l.id}`), ...c.sub_processors.map((s) => `${s.ref}=${s.id}`)].filter((x) => !x.includes("=replay-"));
}

async function checkInvariants(w: World, full: boolean) {
  const { t } = w;
  const ctx = `\n${w.log.join("\n")}`;
  const decisions = await decisionRows(t);
  const versions = await versionRows(t);
  const requests = new Map(
    (await rows<{ id: string; operations: string; effective_date: number | null }>(t, "SELECT id, operations, effective_date FROM change_requests")).map((r) => [
      r.id,
      { operations: JSON.parse(r.operations) as Operation[], effectiveDate: r.effective_date },
    ]),
  );
  const agreementsById = new Map(w.agreements.map((a) => [a.id, a]));
  const now = t.clock.now().getTime();

  expect(decisions.map((d) => d.id).sort()).toEqual(w.decisions.map((d) => d.id).sort());

  for (const d of decisions) {
    const history = w.seen.get(d.id)!;
    if (history.at(-1) !== d.state) history.push(d.state);
    // final states stay final: pending, then at most one final state
    expect(history.length, `decision ${d.id} went ${history.join(" → ")}${ctx}`).toBeLessThanOrEqual(2);
    expect(["pending", "noticed"]).toContain(history[0]);
    if (history.length === 2) expect(FINAL.has(history[1]!)).toBe(true);
    // a notice is only ever withdrawn, never decided
    if (history[0] === "noticed" && history.length === 2) expect(history[1]).toBe("withdrawn");

    // silence never approves a specific authorisation or an instruction conflict
    if (d.state === "deemed_approved") {
      expect(d.authorisation, `deemed approval of a specific authorisation: ${d.id}${ctx}`).toBe("general");
      expect(d.instruction_conflict, `deemed approval despite an instruction conflict: ${d.id}${ctx}`).toBe(0);
      expect(d.decided_at).toBe(d.notice_ends_at);
      expect(d.notice_ends_at).toBeLessThanOrEqual(now);
    }
    // the flags follow the agreement: a conflict only where third countries are prohibited
    const ag = agreementsById.get(d.agreement_id)!;
    expect(d.authorisation).toBe(ag.authorisation);
    if (!ag.prohibited) expect(d.instruction_conflict).toBe(0);
    if (d.instruction_conflict) expect(d.introduces_third_country).toBe(1);
    // overdue is said only where silence does not approve, once the notice has ended
    if (d.overdue_notified_at !== null) {
      expect(d.authorisation === "specific" || d.instruction_conflict === 1, `overdue although silence approves: ${d.id}${ctx}`).toBe(true);
      expect(d.overdue_notified_at).toBeGreaterThanOrEqual(d.notice_ends_at);
    }
    // a pending decision whose notice ended under a general authorisation without conflict is a missed deemed approval
    if (d.state === "pending" && d.authorisation === "general" && !d.instruction_conflict) expect(d.notice_ends_at, `missed deemed approval ${d.id}${ctx}`).toBeGreaterThan(now);

    // only approved changes are applied; an objected, withdrawn or pending one never reaches the annex
    const applied = versions.filter((v) => v.agreement_id === d.agreement_id && v.change_request_id === d.change_request_id);
    if (d.state === "approved" || d.state === "deemed_approved" || d.state === "noticed") {
      expect(["scheduled", "applied", "failed"]).toContain(d.application);
      expect(d.effective_at).not.toBeNull();
      const cr = requests.get(d.change_request_id)!;
      if (cr.effectiveDate !== null) expect(d.effective_at!).toBeGreaterThanOrEqual(cr.effectiveDate);
      expect(d.effective_at!).toBeGreaterThanOrEqual(d.decided_at!);
      if (d.application === "scheduled") expect(d.effective_at!, `approved change ${d.id} due but not applied${ctx}`).toBeGreaterThan(now);
    } else {
      expect(d.application, `${d.state} decision ${d.id} has application ${d.application}${ctx}`).toBe("not_applicable");
    }
    if (d.application === "applied") {
      expect(
        applied.map((v) => v.version),
        `applied decision ${d.id}${ctx}`,
      ).toEqual([d.applied_version]);
      const v = applied[0]!;
      // never in force before its effective instant, nor (without explicit approval) before the notice ended
      expect(v.effective_at).toBeGreaterThanOrEqual(d.effective_at!);
      if (d.state === "deemed_approved") expect(v.effective_at).toBeGreaterThanOrEqual(d.notice_ends_at);
    } else {
      expect(applied, `${d.state}/${d.application} decision ${d.id} reached the annex${ctx}`).toEqual([]);
    }
  }

  // the annex equals its baseline plus the applied changes, versions 1..n without gaps
  for (const ag of w.agreements) {
    const vs = versions.filter((v) => v.agreement_id === ag.id);
    expect(vs.map((v) => v.version)).toEqual(vs.map((_, i) => i + 1));
    expect(vs[0]!.change_request_id).toBeNull();
    const [agRow] = await rows<{ current_version: number }>(t, "SELECT current_version FROM agreements WHERE id = ?", [ag.id]);
    expect(agRow!.current_version).toBe(vs.length);
    let replayed = vs[0]!.content;
    let n = 0;
    const newId = (kind: "location" | "subProcessor") => `replay-${kind}-${++n}`;
    for (const v of vs.slice(1)) {
      const cr = requests.get(v.change_request_id!);
      expect(cr, `version ${v.version} of ${ag.id} names an unknown change request`).toBeDefined();
      const d = decisions.find((x) => x.change_request_id === v.change_request_id && x.agreement_id === ag.id);
      expect(d?.application, `version ${v.version} of ${ag.id} comes from a decision that is not applied${ctx}`).toBe("applied");
      expect(d!.applied_version).toBe(v.version);
      // versions are in force in the order they were made
      expect(v.effective_at).toBeGreaterThanOrEqual(vs[v.version - 2]!.effective_at);
      const r = applyOperations(replayed, cr!.operations, newId);
      expect("content" in r, `replaying ${v.change_request_id} onto ${ag.id} v${v.version - 1} fails: ${JSON.stringify("errors" in r && r.errors)}${ctx}`).toBe(true);
      replayed = (r as { content: AnnexContent }).content;
      // each version is the one before plus its change
      const step = applyOperations(vs[v.version - 2]!.content, cr!.operations, newId);
      expect("content" in step).toBe(true);
      expect(byRef(v.content), `${ag.id} v${v.version}${ctx}`).toEqual(byRef((step as { content: AnnexContent }).content));
    }
    const latest = vs.at(-1)!.content;
    expect(byRef(latest), `annex of ${ag.id} is not baseline + applied changes${ctx}`).toEqual(byRef(replayed));
    for (const kept of keptIds(replayed)) expect(keptIds(latest)).toContain(kept);
  }

  if (!full) return;

  // the API's current annex is the latest version
  for (const ag of w.agreements) {
    const res = await t.call(ag.controller.key, "GET", `/v1/agreements/${ag.id}/annex`);
    expect(res.status).toBe(200);
    const vs = versions.filter((v) => v.agreement_id === ag.id);
    expect(res.body.version).toBe(vs.length);
    expect(res.body.sub_processors.map((s: { ref: string }) => s.ref)).toEqual(vs.at(-1)!.content.sub_processors.map((s) => s.ref));
    expect(res.body.locations.map((l: { ref: string }) => l.ref)).toEqual(vs.at(-1)!.content.locations.map((l) => l.ref));
  }

  // every state change has exactly one event, and every event exactly one audit record
  const events = await rows<{ id: string; type: string; decision_id: string | null; agreement_id: string | null; change_request_id: string | null }>(
    t,
    // the agreements' own events (proposed, confirmed) are the setup's, not the procedure's
    "SELECT id, type, json_extract(data, '$.decision.id') AS decision_id, agreement_id, change_request_id FROM events WHERE type NOT LIKE 'agreement.%' ORDER BY id",
  );
  const audit = await rows<{ action: string; resource_type: string; resource_id: string }>(t, "SELECT action, resource_type, resource_id FROM audit_records ORDER BY seq");
  const countEvents = (id: string, type: string) => events.filter((e) => e.decision_id === id && e.type === type).length;
  for (const d of decisions) {
    const expected: Record<string, number> = {
      "change_request.submitted": 1,
      "decision.approved": d.state === "approved" ? 1 : 0,
      "decision.objected": d.state === "objected" ? 1 : 0,
      "decision.withdrawn": d.state === "withdrawn" ? 1 : 0,
      "decision.deemed_approved": d.state === "deemed_approved" ? 1 : 0,
      "decision.overdue": d.overdue_notified_at !== null ? 1 : 0,
      "annex.version_created": d.application === "applied" ? 1 : 0,
      "change_request.failed": d.application === "failed" ? 1 : 0,
      "notice.reminder": (d.reminded_7d_at !== null ? 1 : 0) + (d.reminded_1d_at !== null ? 1 : 0),
    };
    const actual = Object.fromEntries(Object.keys(expected).map((type) => [type, countEvents(d.id, type)]));
    expect(actual, `events of decision ${d.id} (${d.state}/${d.application})${ctx}`).toEqual(expected);
    for (const e of events.filter((x) => x.decision_id === d.id)) {
      expect(e.agreement_id).toBe(d.agreement_id);
      expect(e.change_request_id).toBe(d.change_request_id);
    }
    for (const [type, n] of Object.entries(expected)) {
      const records = audit.filter((r) => r.action === type && r.resource_type === "decision" && r.resource_id === d.id).length;
      expect(records, `audit records "${type}" of decision ${d.id}${ctx}`).toBe(n);
    }
  }
  // nothing else: no event without its decision, no decision audit record without its event
  expect(events.filter((e) => e.decision_id === null).map((e) => e.type)).toEqual([]);
  expect(audit.filter((r) => r.resource_type === "decision").length).toBe(events.length);

  const verification = await verifyAudit({ db: t.db });
  expect(verification, ctx).toMatchObject({ valid: true, first_broken: null });
  expect(verification.records_checked).toBe(audit.length);
}

/** The annex "as of" any instant is the latest version in force then (rule 1: any past version can be read back). */
async function checkAsOf(w: World) {
  const versions = await versionRows(w.t);
  for (const ag of w.agreements) {
    const vs = versions.filter((v) => v.agreement_id === ag.id);
    const instants = [...new Set(vs.flatMap((v) => [v.effective_at, v.effective_at - 1]))];
    for (const at of instants) {
      const inForce = vs.filter((v) => v.effective_at <= at).at(-1);
      const res = await w.t.call(ag.controller.key, "GET", `/v1/agreements/${ag.id}/annex?as_of=${new Date(at).toISOString()}`);
      if (!inForce) {
        expect(res.status).toBe(404);
        continue;
      }
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.version, `annex of ${ag.id} as of ${new Date(at).toISOString()}\n${w.log.join("\n")}`).toBe(inForce.version);
      expect(res.body.sub_processors.map((x: { ref: string }) => x.ref)).toEqual(inForce.content.sub_processors.map((x) => x.ref));
    }
  }
}

// ---------------------------------------------------------------------------------------------

describe("the change procedure, as random sequences over HTTP", () => {
  it("keeps every invariant whatever the order of submissions, decisions, withdrawals and time", async () => {
    await fc.assert(
      fc.asyncProperty(worldShape, fc.array(action, { minLength: 6, maxLength: 30 }), async (shape, actions) => {
        const w = await buildWorld(shape);
        try {
          for (const a of actions) {
            await run(w, a);
            await checkInvariants(w, FULL_EVERY_STEP);
          }
          // let time run out so every notice ends and every approved change falls due
          await run(w, { kind: "advance", days: 400 });
          await checkInvariants(w, true);
          await checkAsOf(w);
          if (process.env.PROPERTY_STATS) {
            const d = await decisionRows(w.t);
            const tally = (xs: string[]) => Object.fromEntries([...new Set(xs)].map((x) => [x, xs.filter((y) => y === x).length]));
            console.log(
              JSON.stringify({
                steps: tally(
                  w.log.map((l) =>
                    l
                      .replace(/ (dec|cr)_\w+/, "")
                      .replace(/submit .* -> /, "submit -> ")
                      .replace(/advance \d+d -> (\d+).*/, "advance $1"),
                  ),
                ),
                states: tally(d.map((x) => `${x.state}/${x.application}${x.overdue_notified_at ? "/overdue" : ""}`)),
              }),
            );
          }
        } finally {
          w.t.client.close();
        }
      }),
      { numRuns: NUM_RUNS, interruptAfterTimeLimit: 90_000, markInterruptAsFailure: false },
    );
  }, 120_000);
});
