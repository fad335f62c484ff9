import { type Address, type AnnexContent, checkDerogationsFor, type LocationInput, type SubProcessor, type SubProcessorInput } from "./annex";
import { noticeEndsAt } from "./decisions";
import { applyOperations, type Operation } from "./operations";

// Changes travel down the chain (docs/rules.md, rule 14): what an upstream change becomes in the
// processor's own annexes, as a draft the processor reviews and submits. Pure: the clock comes in.

const DAY_MS = 24 * 60 * 60 * 1000;
/** The longest ref an annex takes (lower-case letters, digits, - and _). */
const REF_MAX = 64;
/** The longest reason a change request takes. */
const REASON_MAX = 4000;
/** The longest description of a sub-processor. */
const DESCRIPTION_MAX = 2000;

/** One of the processor's agreements the draft would cover, as its annex now stands. */
export interface DownstreamAgreement {
  id: string;
  /** its notice period (docs/rules.md, rule 4) */
  notice_days: number;
  /** the controller's time zone, in which the notice is counted */
  time_zone: string;
  /** the annex in force */
  annex: AnnexContent;
  /** a public authority controller may not rely on Art. 49(1)(a)–(c) (GDPR Art. 49(3)) */
  public_authority?: boolean;
  /** how the warnings name it; its id when absent */
  label?: string;
}

/** Where the draft's agreement would be if it were submitted now. */
export interface DraftAgreementPlan {
  agreement_id: string;
  notice_days: number;
  /** the notice end if submitted at `now` (RFC 3339) */
  notice_ends_at: string;
  /** the notice ends on or before `notice_end_by` (always true without an upstream deadline) */
  fits: boolean;
}

/** What is known of the change upstream: the change request in this register, or a feed entry's prose. */
export type UpstreamChangeInput =
  | {
      kind: "register";
      /** the upstream agreement's annex in force before the change, and after it */
      before: AnnexContent;
      after: AnnexContent;
      operations: Operation[];
      reason: string;
    }
  | { kind: "feed"; title: string; summary: string; link: string | null };

export interface UpstreamDraftInput {
  now: Date;
  /** the affected sub-processor's ref in the processor's annexes: the parent of what it engages */
  parentRef: string;
  /** who announced the change (the upstream processor's name, or the sub-processor's name in the annexes) */
  upstreamName: string;
  change: UpstreamChangeInput;
  /** the upstream objection deadline; null when there is none */
  deadline: Date | null;
  /** the draft's notices should end this many days before the deadline */
  marginDays: number;
  /** the processor's active agreements whose annex in force has the sub-processor */
  agreements: DownstreamAgreement[];
}

/** Something the processor must look at before submitting a draft (docs/rules.md, rule 14). */
export interface DraftWarning {
  code: "notice_too_long" | "operations_empty" | "no_agreements" | "not_prefilled" | "operations_do_not_apply";
  /** the agreement it is about; null: the whole draft */
  agreement_id: string | null;
  detail: string;
}

export interface UpstreamDraft {
  operations: Operation[];
  /** what changed upstream, in English: the change request's reason until the processor edits it */
  reason: string;
  /** the upstream deadline less the margin; null without a deadline */
  noticeEndBy: Date | null;
  agreements: DraftAgreementPlan[];
  /** what the processor must look at before submitting */
  warnings: DraftWarning[];
}

/** A feed entry as the scheduler reads it, whatever the feed's format (Atom, JSON Feed). */
export interface FeedEntry {
  /** what makes it one upstream change: its id (`entryKey`) */
  key: string;
  title: string;
  summary: string;
  link: string | null;
  /** when it was published, else last updated */
  date: Date | null;
  /** the `notice_ends_at` of its `_subprocessor_registry` extension (this register's own feeds) */
  noticeEndsAt: Date | null;
}

const OWN_ENTRY = /^(urn:subprocessor-registry:[^:]+:[^:]+):(upcoming|applied)$/;

/**
 * What makes a feed entry one change: its id. This register's own feeds list a change twice, as
 * upcoming and then as applied, under ids that differ only in that last part: one change, one key.
 */
export const entryKey = (id: string) => OWN_ENTRY.exec(id)?.[1] ?? id;

/** The deadline of a feed entry: the one its `_subprocessor_registry` extension names, else its date plus the window (docs/rules.md, rule 14). */
export function feedEntryDeadline(entry: { noticeEndsAt: Date | null; date: Date | null }, defaultWindowDays: number, now: Date): Date {
  if (entry.noticeEndsAt) return entry.noticeEndsAt;
  return new Date((entry.date ?? now).getTime() + defaultWindowDays * DAY_MS);
}

/** The instant the draft's notices should end by: the upstream deadline less `marginDays` days. */
export const noticeEndBy = (deadline: Date | null, marginDays: number) => (deadline ? new Date(deadline.getTime() - marginDays * DAY_MS) : null);

/** Each agreement's notice if the draft were submitted at `now` (docs/rules.md, rule 4: never shortened), and whether it ends by `endBy`. */
export function planNotices(agreements: Pick<DownstreamAgreement, "id" | "notice_days" | "time_zone">[], now: Date, endBy: Date | null): DraftAgreementPlan[] {
  return agreements.map((a) => {
    const end = noticeEndsAt(now, a.notice_days, a.time_zone);
    return { agreement_id: a.id, notice_days: a.notice_days, notice_ends_at: end.toISOString(), fits: endBy === null || end.getTime() <= endBy.getTime() };
  });
}

/** A warning for each agreement whose notice cannot end by `endBy`, naming it. */
export function noticeWarnings(plans: DraftAgreementPlan[], endBy: Date | null, labels: Map<string, string> = new Map()): DraftWarning[] {
  if (!endBy) return [];
  return plans
    .filter((p) => !p.fits)
    .map((p) => ({
      code: "notice_too_long",
      agreement_id: p.agreement_id,
      detail: `Agreement ${labels.get(p.agreement_id) ?? p.agreement_id}: its notice of ${p.notice_days} days, submitted now, ends at ${p.notice_ends_at}, after ${endBy.toISOString()} (the upstream deadline less the margin): its controller's objection cannot go back up in time. A notice is never shortened.`,
    }));
}

/**
 * The draft change request an upstream change becomes (docs/rules.md, rule 14): each sub-processor
 * added upstream as a chain entry under `parentRef`, with its locations (added where the annexes do
 * not have them already), countries and transfer tool; whatever else changed upstream in the reason
 * and the warnings, not pre-filled. The notices it proposes, per agreement, and whether they end by
 * the upstream deadline less the margin. The operations are tried on every covered annex.
 */
export function buildUpstreamDraft(input: UpstreamDraftInput): UpstreamDraft {
  const warnings: DraftWarning[] = [];
  const warn = (code: DraftWarning["code"], detail: string, agreement_id: string | null = null) => warnings.push({ code, agreement_id, detail });
  const endBy = noticeEndBy(input.deadline, input.marginDays);
  const labels = new Map(input.agreements.map((a) => [a.id, a.label ?? a.id]));
  let operations: Operation[] = [];
  let reason: string;
  if (input.change.kind === "register") {
    const prefill = prefillOperations(input.change, input.parentRef, input.agreements);
    operations = prefill.operations;
    for (const line of prefill.notPrefilled) warn("not_prefilled", `Not pre-filled: upstream, ${line}. Add what your annexes need.`);
    reason = registerReason(input, input.change);
    if (!operations.length) warn("operations_empty", "No operation could be pre-filled from the upstream change: fill them in before submitting.");
  } else {
    reason = feedReason(input, input.change);
    warn("operations_empty", "The feed announces the change in prose: no operation is pre-filled. Fill them in from the announcement before submitting.");
  }
  if (!input.agreements.length) warn("no_agreements", `No active agreement has the sub-processor "${input.parentRef}" in its annex in force: the draft covers none.`);

  // the pre-filled operations must apply to every covered annex, as a submission would check them
  if (operations.length) {
    let n = 0;
    const newId = (kind: "location" | "subProcessor") => `${kind}_draft_${++n}`;
    for (const a of input.agreements) {
      const applied = applyOperations(a.annex, operations, newId);
      const errors = "errors" in applied ? applied.errors : a.public_authority ? checkDerogationsFor(applied.content, { publicAuthority: true }, "/resulting_annex") : [];
      if (errors.length)
        warn(
          "operations_do_not_apply",
          `Agreement ${labels.get(a.id)}: the pre-filled operations do not apply to its annex (${errors.map((e) => `${e.pointer}: ${e.detail}`).join("; ")}).`,
          a.id,
        );
    }
  }

  const agreements = planNotices(input.agreements, input.now, endBy);
  warnings.push(...noticeWarnings(agreements, endBy, labels));
  return { operations, reason: clip(reason, REASON_MAX), noticeEndBy: endBy, agreements, warnings };
}

/** The operations a register change pre-fills, and a description of each upstream operation it does not. */
function prefillOperations(change: Extract<UpstreamChangeInput, { kind: "register" }>, parentRef: string, agreements: DownstreamAgreement[]) {
  const before = new Set(change.before.sub_processors.map((s) => s.id));
  const afterLocations = new Map(change.after.locations.map((l) => [l.id, l]));
  // what the upstream change added: new recipients (an addition, or the new one of a replacement)
  const added = change.after.sub_processors.filter((s) => !before.has(s.id));
  const addedIds = new Set(added.map((s) => s.id));

  // refs are the processor's handles, the same in all its agreements: a new one is free in every covered annex
  const taken = new Set(agreements.flatMap((a) => [...a.annex.locations.map((l) => l.ref), ...a.annex.sub_processors.map((s) => s.ref)]));
  const freeRef = (candidate: string) => {
    const base = toRef(candidate);
    let ref = taken.has(base) ? undefined : base;
    for (let i = 2; !ref; i++) {
      const suffix = `-${i}`;
      const next = `${base.slice(0, REF_MAX - suffix.length)}${suffix}`;
      if (!taken.has(next)) ref = next;
    }
    taken.add(ref);
    return ref;
  };

  const operations: Operation[] = [];
  const locationRefs = new Map<string, string>();
  const locationRef = (id: string) => {
    const known = locationRefs.get(id);
    if (known) return known;
    const l = afterLocations.get(id)!;
    // a location every covered annex has already, at the same address under the same ref, is used as it is
    const present = agreements.length
      ? agreements[0]!.annex.locations.find((x) => sameAddress(x.address, l.address) && agreements.every((a) => hasLocation(a.annex, x.ref, l.address)))
      : undefined;
    const ref = present?.ref ?? freeRef(`${parentRef}-${l.ref}`);
    if (!present) {
      const location: LocationInput = { ref, label: l.label, address: l.address, activities: l.activities, description: l.description, transfer_mechanism: l.transfer_mechanism };
      operations.push({ op: "add_location", location });
    }
    locationRefs.set(id, ref);
    return ref;
  };

  const spRefs = new Map<string, string>();
  // parents before the entries they engaged: a chain added upstream keeps its shape under `parentRef`
  for (const s of chainOrder(added, addedIds)) {
    const ref = freeRef(`${parentRef}-${s.ref}`);
    spRefs.set(s.id, ref);
    const parent = s.parent_id && addedIds.has(s.parent_id) ? spRefs.get(s.parent_id)! : parentRef;
    const locations = s.location_ids.filter((id) => afterLocations.has(id)).map(locationRef);
    const sub_processor: SubProcessorInput = {
      ref,
      legal_name: s.legal_name,
      registration: s.registration,
      address: s.address,
      description: clip(s.description, DESCRIPTION_MAX),
      locations,
      parent,
      dpf_certified: s.dpf_certified,
      pipeda_covered: s.pipeda_covered ?? false,
      international_organisation: s.international_organisation ?? null,
      transfer_mechanism: s.transfer_mechanism,
      contact: s.contact ?? null,
    };
    operations.push({ op: "add_sub_processor", sub_processor });
  }

  const notPrefilled: string[] = [];
  const beforeById = new Map(change.before.sub_processors.map((s) => [s.id, s]));
  // what is pre-filled is what the annex after the change has: operations that did not apply there are only described
  const isAdded = (ref: string) => added.some((s) => s.ref === ref);
  for (const op of change.operations) {
    if (op.op === "add_sub_processor" && isAdded(op.sub_processor.ref)) continue;
    // a location added for a new recipient came with it
    if (op.op === "add_location" && added.some((s) => s.location_ids.some((id) => afterLocations.get(id)?.ref === op.location.ref))) continue;
    if (op.op === "replace_sub_processor" && isAdded(op.with.ref)) {
      const old = findEntry(change.before.sub_processors, op.target);
      notPrefilled.push(`${old?.legal_name ?? op.target} is replaced (the new recipient is pre-filled; remove the old one where your annexes list it)`);
      continue;
    }
    notPrefilled.push(describeOperation(op, change.before, change.after, beforeById));
  }
  return { operations, notPrefilled };
}

/** Added sub-processors with every parent that was added too before the entries it engaged. */
function chainOrder(added: SubProcessor[], addedIds: Set<string>): SubProcessor[] {
  const out: SubProcessor[] = [];
  const done = new Set<string>();
  let rest = added;
  while (rest.length) {
    const ready = rest.filter((s) => !s.parent_id || !addedIds.has(s.parent_id) || done.has(s.parent_id) || s.parent_id === s.id);
    // a loop cannot come from a valid annex; whatever is left goes as it is
    const next = ready.length ? ready : rest;
    for (const s of next) {
      out.push(s);
      done.add(s.id);
    }
    rest = rest.filter((s) => !done.has(s.id));
  }
  return out;
}

const norm = (s: string | null | undefined) => (s ?? "").trim().toLowerCase().replace(/\s+/g, " ");
const sameAddress = (x: Address, y: Address) =>
  x.country === y.country && norm(x.street) === norm(y.street) && norm(x.postal_code) === norm(y.postal_code) && norm(x.city) === norm(y.city);
const hasLocation = (annex: AnnexContent, ref: string, address: Address) => annex.locations.some((l) => l.ref === ref && sameAddress(l.address, address));
const findEntry = <T extends { id: string; ref: string }>(list: T[], target: string) => list.find((e) => e.id === target || e.ref === target);

/** A ref an annex takes: lower case, letters, digits, - and _, at most 64 characters. */
function toRef(raw: string): string {
  const ref = raw
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^[^a-z0-9]+/, "")
    .slice(0, REF_MAX)
    .replace(/-+$/, "");
  return ref || "entry";
}

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

const placeOf = (a: Address) => `${a.city}, ${a.country}`;

function describeTool(t: SubProcessor["transfer_mechanism"]): string | null {
  if (!t) return null;
  switch (t.type) {
    case "sccs_2021_914":
      return `SCCs 2021/914 ${t.module.replace("_", " ")}`;
    case "bcr_processor":
      return "processor BCRs";
    case "bcr_controller":
      return "controller BCRs";
    case "bcr":
      return "BCRs";
    case "art_46":
      return `Art. 46 (${t.route})`;
    case "derogation_art_49":
      return `Art. 49 derogation (${t.derogation})`;
  }
}

/** One line for a sub-processor added upstream: who, where it processes, and under what transfer tool. */
function describeAdded(s: SubProcessor, after: AnnexContent): string {
  const places = s.location_ids.map((id) => after.locations.find((l) => l.id === id)).filter((l) => l !== undefined);
  const where = places.length ? `, processing at ${places.map((l) => `${l.label} (${placeOf(l.address)})`).join("; ")}` : "";
  const extra = [describeTool(s.transfer_mechanism), s.dpf_certified ? "certified under the EU-US Data Privacy Framework" : null].filter((x) => x !== null);
  return `adds sub-processor ${s.legal_name} (${placeOf(s.address)})${where}${extra.length ? `; ${extra.join(", ")}` : ""}`;
}

/** One line for an upstream operation, named as the upstream annex names its entries. */
function describeOperation(op: Operation, before: AnnexContent, after: AnnexContent, beforeById: Map<string, SubProcessor>): string {
  const sp = (target: string) => findEntry(before.sub_processors, target) ?? findEntry(after.sub_processors, target);
  const loc = (target: string) => findEntry(before.locations, target) ?? findEntry(after.locations, target);
  switch (op.op) {
    case "add_sub_processor": {
      const s = findEntry(after.sub_processors, op.sub_processor.ref);
      return s ? describeAdded(s, after) : `adds sub-processor ${op.sub_processor.legal_name}`;
    }
    case "replace_sub_processor": {
      const s = findEntry(after.sub_processors, op.with.ref);
      return `replaces ${sp(op.target)?.legal_name ?? op.target}: ${s ? describeAdded(s, after) : op.with.legal_name}`;
    }
    case "update_sub_processor": {
      const cur = sp(op.target);
      const now = findEntry(after.sub_processors, cur?.id ?? op.target);
      const moved = cur && now && cur.address.country !== now.address.country ? ` (moves from ${cur.address.country} to ${now.address.country})` : "";
      const old = cur ? beforeById.get(cur.id) : undefined;
      const newPlaces = old && now ? now.location_ids.filter((id) => !old.location_ids.includes(id)) : [];
      const placed = newPlaces.length
        ? ` (now also processing at ${newPlaces
            .map((id) => after.locations.find((l) => l.id === id))
            .filter((l) => l !== undefined)
            .map((l) => `${l.label}, ${placeOf(l.address)}`)
            .join("; ")})`
        : "";
      return `changes sub-processor ${cur?.legal_name ?? op.target}: ${Object.keys(op.changes).join(", ") || "no field"}${moved}${placed}`;
    }
    case "remove_sub_processor":
      return `removes sub-processor ${sp(op.target)?.legal_name ?? op.target}`;
    case "add_location":
      return `adds location ${op.location.label} (${placeOf(op.location.address)})`;
    case "update_location": {
      const cur = loc(op.target);
      const moved = op.changes.address && cur && op.changes.address.country !== cur.address.country ? ` (moves to ${op.changes.address.country})` : "";
      return `changes location ${cur?.label ?? op.target}: ${Object.keys(op.changes).join(", ") || "no field"}${moved}`;
    }
    case "remove_location":
      return `removes location ${loc(op.target)?.label ?? op.target}`;
  }
}

/** An instant as people read it in a reason's text: "2027-01-22 23:00 UTC". */
const utc = (at: Date) => `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;

const deadlineLine = (input: UpstreamDraftInput) =>
  input.deadline
    ? `Objections must reach ${input.upstreamName} by ${utc(input.deadline)}; this change's notices are proposed to end by ${utc(noticeEndBy(input.deadline, input.marginDays)!)}.`
    : "";

/** What an upstream change request does, one line per operation, named as the upstream annex names its entries. */
export function describeUpstreamOperations(change: { before: AnnexContent; after: AnnexContent; operations: Operation[] }): string[] {
  const beforeById = new Map(change.before.sub_processors.map((s) => [s.id, s]));
  return change.operations.map((op) => describeOperation(op, change.before, change.after, beforeById));
}

function registerReason(input: UpstreamDraftInput, change: Extract<UpstreamChangeInput, { kind: "register" }>): string {
  const lines = describeUpstreamOperations(change).map((line) => `- ${line}`);
  return [
    `Our sub-processor ${input.upstreamName} (${input.parentRef} in the annex) has notified a change to its own sub-processors and locations:`,
    ...lines,
    "",
    `Its reason: ${/[.!?]$/.test(change.reason.trim()) ? change.reason.trim() : `${change.reason.trim()}.`}`,
    deadlineLine(input),
  ]
    .join("\n")
    .trim();
}

function feedReason(input: UpstreamDraftInput, change: Extract<UpstreamChangeInput, { kind: "feed" }>): string {
  return [
    `Our sub-processor ${input.upstreamName} (${input.parentRef} in the annex) has announced a change: ${change.title}`,
    change.summary ? `\n${clip(change.summary, 2500)}` : "",
    change.link ? `\nThe announcement: ${change.link}` : "",
    `\n${deadlineLine(input)}`,
  ]
    .join("")
    .trim();
}
