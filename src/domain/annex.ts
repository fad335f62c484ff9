import {
  type Classification,
  classifyCountry,
  classifyInternationalOrganisation,
  INTERNATIONAL_ORGANISATIONS,
  isCountryCode,
  isThirdCountry,
  LEGAL_DATA_RELEASE,
  worstClassification,
} from "./countries";
import type { FieldError } from "./errors";
import type { RegistrationScheme } from "./registration";

export const ACTIVITIES = ["hosting", "storage", "backup", "disaster_recovery", "support", "operations", "development", "other"] as const;
export type Activity = (typeof ACTIVITIES)[number];

export const SCC_MODULES = ["module_1", "module_2", "module_3", "module_4"] as const;
/** GDPR Art. 49(1)(a)–(g). */
export const ART_49_DEROGATIONS = [
  "explicit_consent",
  "contract_performance",
  "contract_in_interest_of_data_subject",
  "public_interest",
  "legal_claims",
  "vital_interests",
  "public_register",
] as const;

/** GDPR Art. 49(1)(a)–(c): not for public authorities in the exercise of their public powers (Art. 49(3)). */
export const ART_49_BARRED_FOR_PUBLIC_AUTHORITIES: ReadonlySet<(typeof ART_49_DEROGATIONS)[number]> = new Set([
  "explicit_consent",
  "contract_performance",
  "contract_in_interest_of_data_subject",
]);

/** The appropriate safeguards of GDPR Art. 46 besides SCCs (46(2)(c)) and BCRs (46(2)(b)), which have their own types. */
export const ART_46_ROUTES = [
  "2a_public_authority_instrument",
  "2d_supervisory_authority_clauses",
  "2e_code_of_conduct",
  "2f_certification",
  "3a_authorised_contractual_clauses",
  "3b_administrative_arrangement",
] as const;

/**
 * The transfer tool of a third-country entry: SCCs (Decision (EU) 2021/914) with the module that fits
 * the role, binding corporate rules of a processor group (BCR-P) or a controller group (BCR-C), another
 * Art. 46 safeguard, or an Art. 49 derogation (for occasional transfers only). `bcr` without its kind is
 * kept readable for annexes made before the split; new entries name the kind.
 */
export type TransferMechanism =
  | { type: "sccs_2021_914"; module: (typeof SCC_MODULES)[number] }
  | { type: "bcr_processor" }
  | { type: "bcr_controller" }
  | { type: "bcr" }
  | { type: "art_46"; route: (typeof ART_46_ROUTES)[number] }
  | { type: "derogation_art_49"; derogation: (typeof ART_49_DEROGATIONS)[number] };

/** A sub-processor's contact point (SCC Annex III): a person or a function, and an email address. */
export interface Contact {
  name: string;
  email: string;
}

/** Warnings a transfer tool carries: an Art. 49 derogation suits occasional, non-repetitive transfers only. */
export function transferWarnings(t: TransferMechanism | null): "art_49_occasional_only"[] {
  return t?.type === "derogation_art_49" ? ["art_49_occasional_only"] : [];
}

export interface Address {
  street: string;
  postal_code: string;
  city: string;
  region?: string | null;
  country: string;
}

export interface Registration {
  scheme: RegistrationScheme;
  number: string;
}

/** A location as a party writes it; `ref` is the party's own handle, unique in the annex. */
export interface LocationInput {
  ref: string;
  label: string;
  address: Address;
  activities: Activity[];
  description?: string | null;
  transfer_mechanism?: TransferMechanism | null;
}

export interface SubProcessorInput {
  ref: string;
  legal_name: string;
  registration: Registration;
  address: Address;
  description: string;
  /** refs (or ids) of the locations where it processes */
  locations: string[];
  /** ref (or id) of the sub-processor that engaged it, for the chain */
  parent?: string | null;
  dpf_certified?: boolean;
  /** subject to Canada's PIPEDA: the scope of Canada's adequacy decision */
  pipeda_covered?: boolean;
  /**
   * An international organisation (GDPR Art. 4(26)) has no country: its key in the legal reference
   * data (e.g. "EPO"); a transfer to it is a transfer out of the EU/EEA, classified by its own decision.
   */
  international_organisation?: string | null;
  transfer_mechanism?: TransferMechanism | null;
  contact?: Contact | null;
}

export interface AnnexInput {
  locations: LocationInput[];
  sub_processors: SubProcessorInput[];
}

export interface Location extends Omit<LocationInput, "description" | "transfer_mechanism"> {
  id: string;
  description: string | null;
  transfer_mechanism: TransferMechanism | null;
}

export interface SubProcessor
  extends Omit<SubProcessorInput, "locations" | "parent" | "dpf_certified" | "pipeda_covered" | "international_organisation" | "transfer_mechanism" | "contact"> {
  id: string;
  location_ids: string[];
  parent_id: string | null;
  dpf_certified: boolean;
  /** absent in annexes made before the PIPEDA scope was kept: false */
  pipeda_covered?: boolean;
  /** the international organisation this recipient is (absent or null: a company or a body in a country) */
  international_organisation?: string | null;
  transfer_mechanism: TransferMechanism | null;
  /** null in annexes made before contact points were kept */
  contact?: Contact | null;
}

/** The annex as stored in a version: entries with ids, references resolved to ids. */
export interface AnnexContent {
  locations: Location[];
  sub_processors: SubProcessor[];
}

/**
 * A third country is any country outside the EU/EEA, adequacy decision or not (docs/rules.md, rule 3).
 * The classification says which transfer tool a recipient there needs; this says whether data leaves the EU/EEA.
 */
export const isOutsideEuEea = (country: string) => isThirdCountry(country);

/** `classification`: the transfer tool needed (eu_eea, adequacy, none: third_country); `third_country`: outside the EU/EEA at all. */
export type ClassifiedLocation = Location & { classification: Classification; third_country: boolean };
export type ClassifiedSubProcessor = SubProcessor & { classification: Classification; third_country: boolean };

/** Each entry's classification as it stood when an annex version was made, under one release of the legal data. */
export interface StoredClassification {
  release: string;
  entries: Record<string, Classification>;
}

export interface ClassifiedAnnex {
  /** true when any entry puts personal data outside the EU/EEA */
  third_country: boolean;
  locations: ClassifiedLocation[];
  sub_processors: ClassifiedSubProcessor[];
}

type NewId = (kind: "location" | "subProcessor") => string;

/** A location as stored, from a party's input and its id. */
export const toLocation = (l: LocationInput, id: string): Location => ({
  id,
  ref: l.ref,
  label: l.label,
  address: l.address,
  activities: l.activities,
  description: l.description ?? null,
  transfer_mechanism: l.transfer_mechanism ?? null,
});

/**
 * Turns a party's annex into stored content: assigns ids, resolves refs, and checks every
 * rule of the annex. Returns the field errors instead of content when any rule fails.
 */
export function buildAnnex(input: AnnexInput, newId: NewId, base = "/annex"): { content: AnnexContent } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const locationIds = new Map<string, string>();
  input.locations.forEach((l, i) => {
    if (locationIds.has(l.ref)) errors.push({ pointer: `${base}/locations/${i}/ref`, rule: "unique", detail: `Another location already has ref "${l.ref}".` });
    else locationIds.set(l.ref, newId("location"));
  });
  const spIds = new Map<string, string>();
  input.sub_processors.forEach((s, i) => {
    if (spIds.has(s.ref)) errors.push({ pointer: `${base}/sub_processors/${i}/ref`, rule: "unique", detail: `Another sub-processor already has ref "${s.ref}".` });
    else spIds.set(s.ref, newId("subProcessor"));
  });
  const content: AnnexContent = {
    locations: input.locations.map((l) => toLocation(l, locationIds.get(l.ref) ?? "")),
    sub_processors: input.sub_processors.map((s, i) => ({
      id: spIds.get(s.ref) ?? "",
      ref: s.ref,
      legal_name: s.legal_name,
      registration: s.registration,
      address: s.address,
      description: s.description,
      location_ids: s.locations.map((r, j) => {
        const id = locationIds.get(r);
        if (!id) errors.push({ pointer: `${base}/sub_processors/${i}/locations/${j}`, rule: "known_location", detail: `No location with ref "${r}" in this annex.` });
        return id ?? r;
      }),
      parent_id: s.parent == null ? null : (spIds.get(s.parent) ?? s.parent),
      dpf_certified: s.dpf_certified ?? false,
      pipeda_covered: s.pipeda_covered ?? false,
      international_organisation: s.international_organisation ?? null,
      transfer_mechanism: s.transfer_mechanism ?? null,
      contact: s.contact ?? null,
    })),
  };
  if (errors.length) return { errors };
  const ruleErrors = checkAnnex(content, base);
  return ruleErrors.length ? { errors: ruleErrors } : { content };
}

/**
 * The rules every annex version obeys: known ISO countries, locations that exist, a chain
 * without cycles, DPF only for US recipients, and a transfer mechanism for every
 * third-country entry (docs/rules.md, rule 3).
 */
export function checkAnnex(annex: AnnexContent, base = "/annex"): FieldError[] {
  const errors: FieldError[] = [];
  const locationsById = new Map(annex.locations.map((l) => [l.id, l]));
  const spById = new Map(annex.sub_processors.map((s) => [s.id, s]));
  const countryRule = (country: string, pointer: string) => {
    if (!isCountryCode(country)) errors.push({ pointer, rule: "iso_3166_1_alpha_2", detail: `"${country}" is not an ISO 3166-1 alpha-2 country code.` });
  };
  annex.locations.forEach((l, i) => {
    countryRule(l.address.country, `${base}/locations/${i}/address/country`);
  });
  annex.sub_processors.forEach((s, i) => {
    const at = `${base}/sub_processors/${i}`;
    countryRule(s.address.country, `${at}/address/country`);
    s.location_ids.forEach((id, j) => {
      if (!locationsById.has(id)) errors.push({ pointer: `${at}/locations/${j}`, rule: "known_location", detail: `No location "${id}" in this annex.` });
    });
    if (new Set(s.location_ids).size !== s.location_ids.length) errors.push({ pointer: `${at}/locations`, rule: "unique", detail: "A location is listed twice." });
    if (s.parent_id !== null) {
      if (!spById.has(s.parent_id)) errors.push({ pointer: `${at}/parent`, rule: "known_sub_processor", detail: `No sub-processor "${s.parent_id}" in this annex.` });
      else if (hasCycle(s.id, spById)) errors.push({ pointer: `${at}/parent`, rule: "acyclic_chain", detail: "The chain of parent sub-processors loops back to this one." });
    }
    if (s.dpf_certified && s.address.country !== "US")
      errors.push({
        pointer: `${at}/dpf_certified`,
        rule: "dpf_requires_us",
        detail: "Only a recipient in the United States can be certified under the EU-US Data Privacy Framework.",
      });
    if (s.international_organisation && !INTERNATIONAL_ORGANISATIONS.has(s.international_organisation))
      errors.push({
        pointer: `${at}/international_organisation`,
        rule: "known_international_organisation",
        detail: `"${s.international_organisation}" is not an international organisation of the legal reference data (${[...INTERNATIONAL_ORGANISATIONS.keys()].join(", ")}; GET /v1/countries lists them).`,
      });
    if (s.pipeda_covered && s.address.country !== "CA")
      errors.push({
        pointer: `${at}/pipeda_covered`,
        rule: "pipeda_requires_ca",
        detail: "Only a recipient in Canada can be subject to PIPEDA, the scope of Canada's adequacy decision.",
      });
    errors.push(...toolFitsRole(s.transfer_mechanism, "sub_processor", `${at}/transfer_mechanism`));
  });
  annex.locations.forEach((l, i) => {
    errors.push(...toolFitsRole(l.transfer_mechanism, "location", `${base}/locations/${i}/transfer_mechanism`));
  });
  if (errors.length) return errors;

  const classified = classifyAnnex(annex);
  classified.sub_processors.forEach((s, i) => {
    if (s.classification === "third_country" && !s.transfer_mechanism)
      errors.push({
        pointer: `${base}/sub_processors/${i}/transfer_mechanism`,
        rule: "transfer_mechanism_required",
        detail: `${s.legal_name} processes in a third country without an adequacy decision that covers it; name its transfer tool (sccs_2021_914, bcr_processor, art_46 or derogation_art_49).`,
      });
  });
  classified.locations.forEach((l, i) => {
    if (l.classification !== "third_country" || l.transfer_mechanism) return;
    const users = annex.sub_processors.filter((s) => s.location_ids.includes(l.id));
    // A third-country location is covered when every sub-processor processing there has a
    // mechanism or is itself a recipient with adequacy there (the DPF for a certified US one);
    // one no sub-processor uses is the processor's own and needs its own mechanism.
    const covered = (s: SubProcessor) => s.transfer_mechanism !== null || classifyCountry(l.address.country, recipientOf(s)) !== "third_country";
    if (users.length === 0 || !users.every(covered))
      errors.push({
        pointer: `${base}/locations/${i}/transfer_mechanism`,
        rule: "transfer_mechanism_required",
        detail: `${l.label} is in a third country; name the transfer mechanism that covers processing there.`,
      });
  });
  return errors;
}

/**
 * A transfer tool must fit who receives the data. A sub-processor receives it from the processor:
 * SCC module 3 (processor to processor), or module 2 where the controller signs with it directly;
 * a processor group's BCRs (BCR-P), not a controller group's. A location of the processor's own is
 * processing for the controller: module 2 or 3, never module 1 or 4 (controller or processor to controller).
 */
function toolFitsRole(t: TransferMechanism | null, role: "sub_processor" | "location", pointer: string): FieldError[] {
  if (!t) return [];
  if (t.type === "sccs_2021_914" && (t.module === "module_1" || t.module === "module_4"))
    return [
      {
        pointer: `${pointer}/module`,
        rule: "scc_module_fits_role",
        detail:
          role === "sub_processor"
            ? "A sub-processor receives personal data from the processor: SCC module 3 (processor to processor), or module 2 where the controller signs with it directly."
            : "Processing for the controller at this location: SCC module 2 (controller to processor) or module 3 (processor to processor).",
      },
    ];
  if (t.type === "bcr_controller" && role === "sub_processor")
    return [
      {
        pointer: `${pointer}/type`,
        rule: "bcr_fits_role",
        detail: "A sub-processor processes on the controller's behalf: its group's processor BCRs (bcr_processor) cover that, controller BCRs do not.",
      },
    ];
  return [];
}

/**
 * Field errors for Art. 49 derogations a public-authority controller may not rely on (Art. 49(3)).
 * Run per agreement, because it depends on who the controller is.
 */
export function checkDerogationsFor(annex: AnnexContent, controller: { publicAuthority: boolean }, base = "/annex"): FieldError[] {
  if (!controller.publicAuthority) return [];
  const barred = (t: TransferMechanism | null) => t?.type === "derogation_art_49" && ART_49_BARRED_FOR_PUBLIC_AUTHORITIES.has(t.derogation);
  const detail =
    "The controller is a public authority: GDPR Art. 49(3) bars the derogations of Art. 49(1)(a)–(c) (consent, a contract) in the exercise of its public powers. Use SCCs, BCRs or another Art. 46 safeguard.";
  return [
    ...annex.locations.flatMap((l, i) =>
      barred(l.transfer_mechanism) ? [{ pointer: `${base}/locations/${i}/transfer_mechanism/derogation`, rule: "art_49_3_public_authority", detail }] : [],
    ),
    ...annex.sub_processors.flatMap((s, i) =>
      barred(s.transfer_mechanism) ? [{ pointer: `${base}/sub_processors/${i}/transfer_mechanism/derogation`, rule: "art_49_3_public_authority", detail }] : [],
    ),
  ];
}

function hasCycle(start: string, spById: Map<string, SubProcessor>): boolean {
  const seen = new Set<string>([start]);
  let next = spById.get(start)?.parent_id ?? null;
  while (next !== null) {
    if (seen.has(next)) return true;
    seen.add(next);
    next = spById.get(next)?.parent_id ?? null;
  }
  return false;
}

/** A sub-processor as the adequacy decisions with a scope see it (DPF for the US, PIPEDA for Canada). */
const recipientOf = (s: SubProcessor) => ({ dpfCertified: s.dpf_certified, pipedaCovered: s.pipeda_covered === true });

/** Each entry's classification now, as a version stores it: what it was approved under stays readable after the table changes. */
export function classificationSnapshot(annex: AnnexContent, release = LEGAL_DATA_RELEASE, on?: Date): StoredClassification {
  const c = classifyAnnex(annex, on);
  return { release, entries: Object.fromEntries([...c.locations, ...c.sub_processors].map((e) => [e.id, e.classification])) };
}

/** An international organisation as a place data goes to: outside every country, so outside the EU/EEA. */
export const ioPlace = (key: string) => `international_organisation:${key}`;

/** Every country an entry puts data in: a location's own; a sub-processor's seat and each of its locations'. */
export function entryCountries(annex: AnnexContent): Map<string, Set<string>> {
  const locationCountry = new Map(annex.locations.map((l) => [l.id, l.address.country]));
  const out = new Map<string, Set<string>>();
  for (const l of annex.locations) out.set(l.id, new Set([l.address.country]));
  for (const s of annex.sub_processors) {
    const places = [s.address.country, ...s.location_ids.map((id) => locationCountry.get(id) ?? s.address.country)];
    if (s.international_organisation) places.push(ioPlace(s.international_organisation));
    out.set(s.id, new Set(places));
  }
  return out;
}

/**
 * Computes every classification of an annex: a sub-processor by its own country and the
 * countries it processes in (the US adequate only with DPF); a location by its country,
 * the US adequate only when every sub-processor processing there is DPF-certified.
 */
export function classifyAnnex(annex: AnnexContent, on?: Date): ClassifiedAnnex {
  const locationsById = new Map(annex.locations.map((l) => [l.id, l]));
  const locations = annex.locations.map((l) => {
    const users = annex.sub_processors.filter((s) => s.location_ids.includes(l.id));
    const dpfCertified = users.length > 0 && users.every((s) => s.dpf_certified);
    const pipedaCovered = users.length > 0 && users.every((s) => s.pipeda_covered === true);
    return { ...l, classification: classifyCountry(l.address.country, { dpfCertified, pipedaCovered }, on), third_country: isOutsideEuEea(l.address.country) };
  });
  const sub_processors = annex.sub_processors.map((s) => {
    const recipient = recipientOf(s);
    const countries = [s.address.country, ...s.location_ids.map((id) => locationsById.get(id)?.address.country ?? s.address.country)];
    // an international organisation: its own decision instead of its seat's country, and always outside the EU/EEA
    const io = s.international_organisation;
    const classes = [...(io ? countries.slice(1) : countries).map((c) => classifyCountry(c, recipient, on)), ...(io ? [classifyInternationalOrganisation(io, on)] : [])];
    return { ...s, classification: worstClassification(classes), third_country: !!io || countries.some(isOutsideEuEea) };
  });
  const third_country = [...locations, ...sub_processors].some((e) => e.third_country);
  return { third_country, locations, sub_processors };
}

export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

export interface EntryChange<T> {
  id: string;
  before: T;
  after: T;
  changes: FieldChange[];
}

export interface AnnexDiff {
  locations: { added: ClassifiedLocation[]; removed: ClassifiedLocation[]; changed: EntryChange<ClassifiedLocation>[] };
  sub_processors: { added: ClassifiedSubProcessor[]; removed: ClassifiedSubProcessor[]; changed: EntryChange<ClassifiedSubProcessor>[] };
}

/** Compares two annexes entry by entry (matched by id) and field by field. */
export function diffAnnex(from: AnnexContent, to: AnnexContent): AnnexDiff {
  const a = classifyAnnex(from);
  const b = classifyAnnex(to);
  return { locations: diffEntries(a.locations, b.locations), sub_processors: diffEntries(a.sub_processors, b.sub_processors) };
}

/** Entries of two lists matched by id: added, removed, and changed field by field. */
export function diffEntries<T extends { id: string }>(from: T[], to: T[]) {
  const before = new Map(from.map((e) => [e.id, e]));
  const after = new Map(to.map((e) => [e.id, e]));
  const changed: EntryChange<T>[] = [];
  for (const [id, b] of after) {
    const a = before.get(id);
    if (!a) continue;
    const changes = diffFields(a, b);
    if (changes.length) changed.push({ id, before: a, after: b, changes });
  }
  return {
    added: to.filter((e) => !before.has(e.id)),
    removed: from.filter((e) => !after.has(e.id)),
    changed,
  };
}

/** Leaf-by-leaf differences of two JSON values, as dotted field paths; arrays compare whole. */
export function diffFields(a: unknown, b: unknown, path = ""): FieldChange[] {
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => diffFields(a[k], b[k], path ? `${path}.${k}` : k));
  }
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null) ? [] : [{ field: path, from: a ?? null, to: b ?? null }];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
