import type { Address, AnnexContent, TransferMechanism } from "../../domain/annex";
import { MESSAGES } from "../../i18n/messages";
import { mechanismLabel } from "../../i18n/labels";
import type { Classification } from "../../domain/countries";
import { countryName } from "../../domain/countries";
import { APPROVED_STATES, type ApplicationState, type DecisionState } from "../../domain/decisions";
import type { Operation } from "../../domain/operations";
import { REGISTRATION_SCHEMES, type RegistrationScheme } from "../../domain/registration";
import { presentAnnexContent } from "../annex/annex.presenter";

// The public page's content, derived without I/O from rows its service read. What is derived
// here is everything anyone can see: no controller, agreement id, decision state, objection,
// comment or reason ever enters the result, and location addresses only by the processor's choice.

export interface PublicViewInput {
  page: { slug: string; showOwnLocations: boolean; updatedAt: Date };
  organisation: { name: string };
  agreements: { id: string; activatedAt: Date | null }[];
  /** every version of the listed agreements; the content only of those `versionsToRead` named */
  versions: VersionRow[];
  decisions: {
    changeRequestId: string;
    state: DecisionState;
    application: ApplicationState;
    noticeEndsAt: Date;
    decidedAt: Date | null;
    effectiveAt: Date | null;
  }[];
  requests: { id: string; operations: Operation[]; effectiveDate: Date | null; submittedAt: Date }[];
  now: Date;
}

export interface VersionMeta {
  agreementId: string;
  version: number;
  effectiveAt: Date;
  changeRequestId: string | null;
  createdAt: Date;
}
export type VersionRow = VersionMeta & { content?: AnnexContent };

/** The annex in force at `now` on each agreement: its latest version whose instant has come. */
export function currentVersions<T extends VersionMeta>(versions: T[], now: Date): Map<string, T> {
  const current = new Map<string, T>();
  for (const v of versions) {
    if (v.effectiveAt > now) continue;
    const seen = current.get(v.agreementId);
    if (!seen || v.effectiveAt > seen.effectiveAt || (v.effectiveAt.getTime() === seen.effectiveAt.getTime() && v.version > seen.version)) current.set(v.agreementId, v);
  }
  return current;
}

/**
 * The versions whose content the page needs: the one in force on each agreement, and for
 * each applied change the version before it on one agreement (which names what it removed
 * or changed). Never every version: the history of many agreements can be large.
 */
export function versionsToRead(versions: VersionMeta[], now: Date): { agreementId: string; version: number }[] {
  const wanted = new Map<string, { agreementId: string; version: number }>();
  const add = (agreementId: string, version: number) => wanted.set(`${agreementId}@${version}`, { agreementId, version });
  for (const v of currentVersions(versions, now).values()) add(v.agreementId, v.version);
  const seen = new Set<string>();
  for (const v of versions)
    if (v.changeRequestId !== null && !seen.has(v.changeRequestId) && v.version > 1) {
      seen.add(v.changeRequestId);
      add(v.agreementId, v.version - 1);
    }
  return [...wanted.values()];
}

export interface PublicSubProcessor {
  ref: string;
  legalName: string;
  registration: { scheme: string; number: string };
  countryName: string;
  classification: Classification;
  transferMechanism: string | null;
  purpose: string;
  processingCountries: string[];
}

export interface PublicLocation {
  ref: string;
  label: string;
  address: Address;
  countryName: string;
  classification: Classification;
  activities: string[];
  description: string | null;
}

/** One line of what a change does, as the public may read it. */
export interface ChangeLine {
  action: "added" | "removed" | "updated";
  entity: "sub_processor" | "location";
  /** null for a location while the processor hides its locations */
  ref: string | null;
  name: string | null;
  countryName: string | null;
  purpose: string | null;
  /** the changed fields of an update, as labels; never their values */
  fields: string[];
  /** a location's address, only when the processor shows its locations */
  address: Address | null;
}

export interface PublicChange {
  changeRequestId: string;
  status: "upcoming" | "applied";
  submittedAt: Date;
  /** the date the processor asked for, if any */
  effectiveDate: Date | null;
  /** upcoming: the earliest end of notice among the listed agreements */
  noticeEndsAt: Date | null;
  /** applied: when it first took effect on a listed agreement */
  appliedAt: Date | null;
  /** the entry's date in the feeds: submission for an upcoming change, taking effect for an applied one */
  updated: Date;
  /**
   * When it took its place in its list: an upcoming change when submitted; an applied one when its
   * last listed decision stopped being ahead (applied, or final without it), which can be later
   * than `updated` when one agreement applied it before another decided. What subscribers were
   * last mailed is counted in these instants (subscriptions.service.ts).
   */
  listedAt: Date;
  changes: ChangeLine[];
}

export interface PublicView {
  slug: string;
  processorName: string;
  showOwnLocations: boolean;
  subProcessors: PublicSubProcessor[];
  /** null unless the processor shows its own locations */
  locations: PublicLocation[] | null;
  upcoming: PublicChange[];
  changelog: PublicChange[];
  /** the latest change: the newest entry of the feeds (the page's setting when there is none) */
  updated: Date;
  /** the last instant anything shown here changed: Last-Modified */
  lastModified: Date;
}

const byTime = (x: Date, y: Date) => x.getTime() - y.getTime();
const maxDate = (dates: (Date | null | undefined)[]) => new Date(Math.max(...dates.filter((x): x is Date => !!x).map((x) => x.getTime())));
const minDate = (dates: Date[]) => new Date(Math.min(...dates.map((x) => x.getTime())));

/** A transfer mechanism in words. */
export function transferMechanismLabel(m: TransferMechanism | null): string | null {
  return m ? mechanismLabel(m, MESSAGES.en) : null;
}

export const registrationSchemeName = (scheme: string) => REGISTRATION_SCHEMES[scheme as RegistrationScheme]?.name ?? scheme;

const SUB_PROCESSOR_FIELDS: Record<string, string> = {
  legal_name: "legal name",
  registration: "registration number",
  address: "address",
  description: "purpose",
  locations: "processing locations",
  parent: "engaging sub-processor",
  dpf_certified: "Data Privacy Framework certification",
  transfer_mechanism: "transfer mechanism",
};
const LOCATION_FIELDS: Record<string, string> = {
  label: "label",
  address: "address",
  activities: "activities",
  description: "description",
  transfer_mechanism: "transfer mechanism",
};

type Named = { ref: string; name: string; country: string };

const isEntryId = (target: string) => /^(sp|loc)_[0-9A-Z]{26}$/.test(target);

/** Entries by id and by ref across every version, so a change can name what it targets, even once removed. */
function entryIndex(versions: VersionRow[]) {
  const sp = new Map<string, Named>();
  const loc = new Map<string, Named>();
  // oldest first: a ref ends up naming its newest entry
  const read = versions.filter((v): v is VersionMeta & { content: AnnexContent } => v.content !== undefined);
  for (const v of read.sort((x, y) => byTime(x.effectiveAt, y.effectiveAt) || x.version - y.version)) {
    for (const s of v.content.sub_processors) {
      const e = { ref: s.ref, name: s.legal_name, country: s.address.country };
      sp.set(s.id, e);
      sp.set(s.ref, e);
    }
    for (const l of v.content.locations) {
      const e = { ref: l.ref, name: l.label, country: l.address.country };
      loc.set(l.id, e);
      loc.set(l.ref, e);
    }
  }
  return { sp, loc };
}

/** What a change request's operations do, in public terms. */
export function describeOperations(operations: Operation[], index: ReturnType<typeof entryIndex>, showLocations: boolean): ChangeLine[] {
  const line = (l: Partial<ChangeLine> & Pick<ChangeLine, "action" | "entity">): ChangeLine => ({
    ref: null,
    name: null,
    countryName: null,
    purpose: null,
    fields: [],
    address: null,
    ...l,
  });
  // a target that names no entry we read is shown by its ref, never by an entry id
  const sub = (action: ChangeLine["action"], e: { ref: string; name: string; country?: string } | undefined, target: string, extra: Partial<ChangeLine> = {}) =>
    line({
      action,
      entity: "sub_processor",
      ref: e?.ref ?? (isEntryId(target) ? null : target),
      name: e?.name ?? null,
      countryName: e?.country ? countryName(e.country) : null,
      ...extra,
    });
  const location = (
    action: ChangeLine["action"],
    e: Named | undefined,
    extra: { country?: string; fields?: string[]; address?: Address | null; label?: string; ref?: string } = {},
  ) => {
    const country = extra.country ?? e?.country;
    return line({
      action,
      entity: "location",
      ref: showLocations ? (extra.ref ?? e?.ref ?? null) : null,
      name: showLocations ? (extra.label ?? e?.name ?? null) : null,
      countryName: country ? countryName(country) : null,
      fields: extra.fields ?? [],
      address: showLocations ? (extra.address ?? null) : null,
    });
  };
  return operations.flatMap((op): ChangeLine[] => {
    switch (op.op) {
      case "add_sub_processor": {
        const s = op.sub_processor;
        return [sub("added", { ref: s.ref, name: s.legal_name, country: s.address.country }, s.ref, { purpose: s.description })];
      }
      case "replace_sub_processor": {
        const s = op.with;
        return [
          sub("removed", index.sp.get(op.target), op.target),
          sub("added", { ref: s.ref, name: s.legal_name, country: s.address.country }, s.ref, { purpose: s.description }),
        ];
      }
      case "update_sub_processor": {
        const cur = index.sp.get(op.target);
        const c = op.changes;
        const named = cur ? { ...cur, name: c.legal_name ?? cur.name, country: c.address?.country ?? cur.country } : undefined;
        return [sub("updated", named, op.target, { fields: Object.keys(c).map((k) => SUB_PROCESSOR_FIELDS[k] ?? k.replaceAll("_", " ")), purpose: c.description ?? null })];
      }
      case "remove_sub_processor":
        return [sub("removed", index.sp.get(op.target), op.target)];
      case "add_location": {
        const l = op.location;
        return [location("added", undefined, { country: l.address.country, address: l.address, label: l.label, ref: l.ref })];
      }
      case "update_location": {
        const c = op.changes;
        return [
          location("updated", index.loc.get(op.target), {
            country: c.address?.country,
            fields: Object.keys(c).map((k) => LOCATION_FIELDS[k] ?? k.replaceAll("_", " ")),
            address: c.address ?? null,
            label: c.label,
          }),
        ];
      }
      case "remove_location":
        return [location("removed", index.loc.get(op.target))];
      default:
        return [];
    }
  });
}

/** Still ahead for this agreement: undecided, or approved and waiting for its date. */
const isUpcoming = (x: PublicViewInput["decisions"][number]) => x.state === "pending" || (APPROVED_STATES.has(x.state) && x.application === "scheduled");

function groupBy<T>(list: T[], key: (x: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const x of list) {
    const k = key(x);
    const group = groups.get(k);
    if (group) group.push(x);
    else groups.set(k, [x]);
  }
  return groups;
}

/** The public page's content from the rows of the listed agreements. */
export function derivePublicView(input: PublicViewInput): PublicView {
  const { page, now } = input;
  const index = entryIndex(input.versions);

  // newest annexes first: where agreements differ on an entry, the most recent one stands for it
  const annexes = [...currentVersions(input.versions, now).values()]
    .sort((x, y) => byTime(y.effectiveAt, x.effectiveAt) || y.version - x.version || x.agreementId.localeCompare(y.agreementId))
    .map((v) => {
      if (!v.content) throw new Error(`the content of ${v.agreementId}@v${v.version} was not read`);
      return presentAnnexContent(v.content);
    });

  const subProcessors = new Map<string, PublicSubProcessor>();
  const locations = new Map<string, PublicLocation>();
  for (const annex of annexes) {
    const locationsById = new Map(annex.locations.map((l) => [l.id, l]));
    for (const s of annex.sub_processors) {
      if (subProcessors.has(s.ref)) continue;
      subProcessors.set(s.ref, {
        ref: s.ref,
        legalName: s.legal_name,
        registration: { scheme: registrationSchemeName(s.registration.scheme), number: s.registration.number },
        countryName: s.country_name,
        classification: s.classification,
        transferMechanism: transferMechanismLabel(s.transfer_mechanism),
        purpose: s.description,
        processingCountries: [...new Set(s.location_ids.map((id) => locationsById.get(id)?.country_name).filter((c): c is string => !!c))].sort(),
      });
    }
    if (page.showOwnLocations)
      for (const l of annex.locations) {
        if (locations.has(l.ref)) continue;
        locations.set(l.ref, {
          ref: l.ref,
          label: l.label,
          address: l.address,
          countryName: l.country_name,
          classification: l.classification,
          activities: l.activities,
          description: l.description,
        });
      }
  }
  const byName =
    <T extends { ref: string }>(name: (e: T) => string) =>
    (x: T, y: T) =>
      name(x).localeCompare(name(y), "en") || x.ref.localeCompare(y.ref);

  const decisionsByRequest = groupBy(input.decisions, (x) => x.changeRequestId);
  const versionsByRequest = groupBy(
    input.versions.filter((v) => v.changeRequestId !== null),
    (v) => v.changeRequestId!,
  );
  const upcoming: PublicChange[] = [];
  const changelog: PublicChange[] = [];
  const modified: (Date | null)[] = [page.updatedAt, ...input.agreements.map((x) => x.activatedAt), ...input.versions.map((v) => v.createdAt)];
  for (const request of input.requests) {
    const decisions = decisionsByRequest.get(request.id) ?? [];
    const applied = versionsByRequest.get(request.id) ?? [];
    const changes = describeOperations(request.operations, index, page.showOwnLocations);
    const base = { changeRequestId: request.id, submittedAt: request.submittedAt, effectiveDate: request.effectiveDate, changes };
    if (decisions.some(isUpcoming)) {
      // taken over every listed decision, whatever its state, so that no decision moves it
      const noticeEndsAt = minDate(decisions.map((x) => x.noticeEndsAt));
      upcoming.push({ ...base, status: "upcoming", noticeEndsAt, appliedAt: null, updated: request.submittedAt, listedAt: request.submittedAt });
      modified.push(request.submittedAt);
    } else {
      // it left the upcoming changes when its last listed decision became final
      modified.push(request.submittedAt, ...decisions.flatMap((x) => [x.decidedAt, x.effectiveAt && x.effectiveAt <= now ? x.effectiveAt : null]));
    }
    // listed once: upcoming while any listed agreement still awaits it, in the changelog after
    if (applied.length && !decisions.some(isUpcoming)) {
      const appliedAt = minDate(applied.map((v) => v.effectiveAt));
      const listedAt = maxDate([appliedAt, ...decisions.flatMap((x) => [x.decidedAt, x.effectiveAt && x.effectiveAt <= now ? x.effectiveAt : null])]);
      changelog.push({ ...base, status: "applied", noticeEndsAt: null, appliedAt, updated: appliedAt, listedAt });
    }
  }
  upcoming.sort((x, y) => byTime(x.effectiveDate ?? x.noticeEndsAt!, y.effectiveDate ?? y.noticeEndsAt!) || x.changeRequestId.localeCompare(y.changeRequestId));
  changelog.sort((x, y) => byTime(y.appliedAt!, x.appliedAt!) || y.changeRequestId.localeCompare(x.changeRequestId));

  const entries = [...upcoming, ...changelog];
  return {
    slug: page.slug,
    processorName: input.organisation.name,
    showOwnLocations: page.showOwnLocations,
    subProcessors: [...subProcessors.values()].sort(byName((e) => e.legalName)),
    locations: page.showOwnLocations ? [...locations.values()].sort(byName((e) => e.label)) : null,
    upcoming,
    changelog,
    updated: entries.length ? maxDate(entries.map((e) => e.updated)) : page.updatedAt,
    lastModified: maxDate(modified.filter((x) => x && x <= now)),
  };
}

/** A change of the page as structured data: the JSON Feed's extension of its entry, and a digest mail's item. */
export function structuredChange(c: PublicChange) {
  return {
    change_request_id: c.changeRequestId,
    status: c.status,
    submitted_at: c.submittedAt.toISOString(),
    effective_date: c.effectiveDate?.toISOString() ?? null,
    notice_ends_at: c.noticeEndsAt?.toISOString() ?? null,
    applied_at: c.appliedAt?.toISOString() ?? null,
    changes: c.changes.map((l) => ({
      action: l.action,
      entity: l.entity,
      ref: l.ref,
      name: l.name,
      country_name: l.countryName,
      purpose: l.purpose,
      fields: l.fields,
      address: l.address,
    })),
  };
}
