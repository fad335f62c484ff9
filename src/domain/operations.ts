import { type AnnexContent, checkAnnex, entryCountries, isOutsideEuEea, type LocationInput, type SubProcessor, type SubProcessorInput, toLocation } from "./annex";
import type { FieldError } from "./errors";

type SubProcessorChanges = Partial<Omit<SubProcessorInput, "ref">>;
type LocationChanges = Partial<Omit<LocationInput, "ref">>;

/** One change to an annex. Targets name an entry by its ref (the processor's handle, the same in all its agreements) or its id. */
export type Operation =
  | { op: "add_sub_processor"; sub_processor: SubProcessorInput }
  | { op: "replace_sub_processor"; target: string; with: SubProcessorInput }
  | { op: "update_sub_processor"; target: string; changes: SubProcessorChanges }
  | { op: "remove_sub_processor"; target: string }
  | { op: "add_location"; location: LocationInput }
  | { op: "update_location"; target: string; changes: LocationChanges }
  | { op: "remove_location"; target: string };

export const OPERATION_KINDS = [
  "add_sub_processor",
  "replace_sub_processor",
  "update_sub_processor",
  "remove_sub_processor",
  "add_location",
  "update_location",
  "remove_location",
] as const;

type NewId = (kind: "location" | "subProcessor") => string;

const byRefOrId = <T extends { id: string; ref: string }>(list: T[], target: string) => list.findIndex((e) => e.id === target || e.ref === target);
/** The id of the entry a ref (or an id) names. */
const resolve = (list: { id: string; ref: string }[], target: string) => list.find((e) => e.ref === target || e.id === target)?.id;

/** A sub-processor as stored, from a party's input; its locations and parent resolved in `next`. */
function toSubProcessor(next: AnnexContent, errors: FieldError[], input: SubProcessorInput, at: string, id: string): SubProcessor {
  return {
    id,
    ref: input.ref,
    legal_name: input.legal_name,
    registration: input.registration,
    address: input.address,
    description: input.description,
    location_ids: input.locations.map((r, j) => {
      const found = resolve(next.locations, r);
      if (!found) errors.push({ pointer: `${at}/locations/${j}`, rule: "known_location", detail: `The annex has no location "${r}".` });
      return found ?? r;
    }),
    parent_id: input.parent == null ? null : (resolve(next.sub_processors, input.parent) ?? input.parent),
    dpf_certified: input.dpf_certified ?? false,
    pipeda_covered: input.pipeda_covered ?? false,
    international_organisation: input.international_organisation ?? null,
    transfer_mechanism: input.transfer_mechanism ?? null,
    contact: input.contact ?? null,
  };
}

const missing = (errors: FieldError[], at: string, what: string, target: string) =>
  errors.push({ pointer: `${at}/target`, rule: `known_${what.replace("-", "_")}`, detail: `The annex has no ${what} "${target}".` });

function refTaken(errors: FieldError[], list: { ref: string }[], ref: string, at: string) {
  if (!list.some((e) => e.ref === ref)) return false;
  errors.push({ pointer: at, rule: "unique", detail: `The annex already has an entry with ref "${ref}".` });
  return true;
}

/**
 * Applies operations, in order, to a copy of an annex. Either every operation applies and
 * the result obeys every annex rule, or nothing does and the errors say why: a change is
 * never half-applied. Pointers are relative to the request (`/operations/2/target`).
 */
export function applyOperations(annex: AnnexContent, operations: Operation[], newId: NewId): { content: AnnexContent } | { errors: FieldError[] } {
  // copy on write: the lists are copied, an entry is replaced rather than changed, so `annex` is left as it was
  const next: AnnexContent = { ...annex, locations: [...annex.locations], sub_processors: [...annex.sub_processors] };
  const errors: FieldError[] = [];

  operations.forEach((op, i) => {
    const at = `/operations/${i}`;
    switch (op.op) {
      case "add_location": {
        if (refTaken(errors, next.locations, op.location.ref, `${at}/location/ref`)) return;
        next.locations.push(toLocation(op.location, newId("location")));
        return;
      }
      case "update_location": {
        const idx = byRefOrId(next.locations, op.target);
        if (idx < 0) {
          missing(errors, at, "location", op.target);
          return;
        }
        const cur = next.locations[idx]!;
        const c = op.changes;
        next.locations[idx] = {
          ...cur,
          ...(c.label !== undefined && { label: c.label }),
          ...(c.address !== undefined && { address: c.address }),
          ...(c.activities !== undefined && { activities: c.activities }),
          ...(c.description !== undefined && { description: c.description ?? null }),
          ...(c.transfer_mechanism !== undefined && { transfer_mechanism: c.transfer_mechanism ?? null }),
        };
        return;
      }
      case "remove_location": {
        const idx = byRefOrId(next.locations, op.target);
        if (idx < 0) {
          missing(errors, at, "location", op.target);
          return;
        }
        const id = next.locations[idx]!.id;
        const users = next.sub_processors.filter((s) => s.location_ids.includes(id));
        if (users.length)
          errors.push({
            pointer: `${at}/target`,
            rule: "location_in_use",
            detail: `Sub-processors still process at this location: ${users.map((s) => s.legal_name).join(", ")}. Remove or update them first.`,
          });
        else next.locations.splice(idx, 1);
        return;
      }
      case "add_sub_processor": {
        if (refTaken(errors, next.sub_processors, op.sub_processor.ref, `${at}/sub_processor/ref`)) return;
        next.sub_processors.push(toSubProcessor(next, errors, op.sub_processor, `${at}/sub_processor`, newId("subProcessor")));
        return;
      }
      case "replace_sub_processor": {
        const idx = byRefOrId(next.sub_processors, op.target);
        if (idx < 0) {
          missing(errors, at, "sub-processor", op.target);
          return;
        }
        const old = next.sub_processors[idx]!;
        if (op.with.ref !== old.ref && refTaken(errors, next.sub_processors, op.with.ref, `${at}/with/ref`)) return;
        const replacement = toSubProcessor(next, errors, op.with, `${at}/with`, newId("subProcessor"));
        next.sub_processors[idx] = replacement;
        // whoever the old one had engaged now hangs under its replacement
        next.sub_processors = next.sub_processors.map((s) => (s.parent_id === old.id ? { ...s, parent_id: replacement.id } : s));
        return;
      }
      case "update_sub_processor": {
        const idx = byRefOrId(next.sub_processors, op.target);
        if (idx < 0) {
          missing(errors, at, "sub-processor", op.target);
          return;
        }
        const cur = next.sub_processors[idx]!;
        const c = op.changes;
        const merged = toSubProcessor(
          next,
          errors,
          {
            ref: cur.ref,
            legal_name: c.legal_name ?? cur.legal_name,
            registration: c.registration ?? cur.registration,
            address: c.address ?? cur.address,
            description: c.description ?? cur.description,
            locations: c.locations ?? cur.location_ids,
            parent: c.parent !== undefined ? c.parent : cur.parent_id,
            dpf_certified: c.dpf_certified ?? cur.dpf_certified,
            pipeda_covered: c.pipeda_covered ?? cur.pipeda_covered ?? false,
            international_organisation: c.international_organisation !== undefined ? c.international_organisation : (cur.international_organisation ?? null),
            transfer_mechanism: c.transfer_mechanism !== undefined ? c.transfer_mechanism : cur.transfer_mechanism,
            contact: c.contact !== undefined ? c.contact : (cur.contact ?? null),
          },
          `${at}/changes`,
          cur.id,
        );
        next.sub_processors[idx] = merged;
        return;
      }
      case "remove_sub_processor": {
        const idx = byRefOrId(next.sub_processors, op.target);
        if (idx < 0) {
          missing(errors, at, "sub-processor", op.target);
          return;
        }
        const id = next.sub_processors[idx]!.id;
        const children = next.sub_processors.filter((s) => s.parent_id === id);
        if (children.length)
          errors.push({
            pointer: `${at}/target`,
            rule: "sub_processor_in_chain",
            detail: `Other sub-processors were engaged through it: ${children.map((s) => s.legal_name).join(", ")}. Remove or re-parent them first.`,
          });
        else next.sub_processors.splice(idx, 1);
        return;
      }
    }
  });
  if (errors.length) return { errors };
  // the annex rules name fields of the resulting annex, not of the request
  const ruleErrors = checkAnnex(next, "/resulting_annex");
  return ruleErrors.length ? { errors: ruleErrors } : { content: next };
}

export type ThirdCountryInstruction = "prohibited" | "with_transfer_mechanism";

/** What one change means for one agreement (docs/rules.md, rules 3 and 10). */
export interface ChangeAssessment {
  /** `decision` when it adds a recipient, a location or a country; `notice` when it only removes or corrects */
  kind: "decision" | "notice";
  /** it puts personal data in a country outside the EU/EEA where the entry did not have it before */
  introduces_third_country: boolean;
  /** the agreement's instruction prohibits third-country transfers and the change introduces one */
  instruction_conflict: boolean;
  /** the third countries it introduces, sorted */
  third_countries: string[];
  /** why it needs a decision, one line each (empty for a notice) */
  needs_decision_because: string[];
}

/**
 * Compares an annex before and after a change, entry by entry (by id: an update keeps the id, a
 * replacement is a new recipient). Adding a sub-processor or a location, giving a sub-processor a
 * location it did not use, a new registration (another legal person), or any country an entry did not
 * have is "tilføjelse eller udskiftning" and needs the controller's decision; anything else (removals,
 * corrected names, addresses in the same country, descriptions, transfer tools, the chain) is a notice.
 */
export function assessChange(before: AnnexContent, after: AnnexContent, instruction: ThirdCountryInstruction): ChangeAssessment {
  const was = entryCountries(before);
  const now = entryCountries(after);
  const reasons: string[] = [];
  const introduced = new Set<string>();
  const label = new Map<string, string>([
    ...after.locations.map((l) => [l.id, `location ${l.ref}`] as const),
    ...after.sub_processors.map((s) => [s.id, `sub-processor ${s.ref}`] as const),
  ]);
  for (const [id, countries] of now) {
    const old = was.get(id);
    if (!old) reasons.push(`adds ${label.get(id)}`);
    const moved = [...countries].filter((c) => !old?.has(c));
    if (old && moved.length) reasons.push(`moves ${label.get(id)} to ${moved.join(", ")}`);
    for (const c of moved) if (isOutsideEuEea(c)) introduced.add(c);
  }
  const oldSubs = new Map(before.sub_processors.map((s) => [s.id, s]));
  for (const s of after.sub_processors) {
    const old = oldSubs.get(s.id);
    if (!old) continue;
    if (old.registration.scheme !== s.registration.scheme || old.registration.number !== s.registration.number)
      reasons.push(`changes the registration of sub-processor ${s.ref} (another legal person)`);
    const added = s.location_ids.filter((id) => !old.location_ids.includes(id));
    if (added.length) reasons.push(`gives sub-processor ${s.ref} another processing location`);
  }
  const introduces_third_country = introduced.size > 0;
  return {
    kind: reasons.length ? "decision" : "notice",
    introduces_third_country,
    instruction_conflict: instruction === "prohibited" && introduces_third_country,
    third_countries: [...introduced].sort(),
    needs_decision_because: [...new Set(reasons)],
  };
}
