import { type Activity, type Address, classifyAnnex, type Registration, type TransferMechanism } from "../../domain/annex";
import { type Classification, countryName, US } from "../../domain/countries";
import { formatDate } from "../../i18n/format";
import { mechanismLabel } from "../../i18n/labels";
import { type Lang, type Messages, MESSAGES } from "../../i18n/messages";
import type { AnnexDocumentSource } from "../../features/annex-document/annex-document.service";

/**
 * The annex document in one language, before any format: every label and cell already in
 * words. The HTML, Markdown, CSV and JSON renderers only lay it out, so the four agree.
 */
export interface DocumentView {
  lang: Lang;
  m: Messages;
  agreement: { id: string; title: string; controller_reference: string | null; authorisation: "specific" | "general" };
  version: number;
  effectiveAt: Date;
  /** the facts under the title: agreement, reference, version, date … */
  facts: { label: string; value: string }[];
  controller: PartyRow;
  processor: PartyRow;
  subProcessors: SubProcessorRow[];
  locations: LocationRow[];
  history: HistoryRow[];
  terms: TermsRow[];
}

/** One version of the agreement's terms, in words. */
export interface TermsRow {
  version: string;
  date: string;
  instruction: string;
  notice: string;
  authorisation: string;
  reason: string;
}

export interface DocumentAddress extends Required<Pick<Address, "street" | "postal_code" | "city" | "country">> {
  region: string | null;
  country_name: string;
  text: string;
}

export interface DocumentRegistration {
  scheme: string;
  number: string;
  text: string;
}

export interface PartyRow {
  role: string;
  id: string;
  name: string;
  registration: DocumentRegistration;
  address: DocumentAddress;
}

export interface SubProcessorRow {
  id: string;
  ref: string;
  name: string;
  registration: DocumentRegistration;
  address: DocumentAddress;
  description: string;
  locations: { id: string; ref: string; label: string; country: string; country_name: string; activities: Activity[]; text: string }[];
  classification: { code: Classification; label: string };
  dpf_certified: boolean;
  transfer_basis: { mechanism: TransferMechanism | null; label: string };
  parent: { id: string; ref: string; name: string } | null;
  /** who engaged it, in words: its parent, or the processor */
  engaged_by: string;
  /** the contact point (SCC Annex III); null in entries made before it was kept */
  contact: { name: string; email: string } | null;
}

export interface LocationRow {
  label: string;
  address: string;
  activities: string;
  classification: string;
  transfer_basis: string;
}

export interface HistoryRow {
  version: string;
  date: string;
  /** the change's reason (the baseline for version 1) */
  change: string;
  /** how it came to be: approved by whom and when, deemed approved at the notice end, or a notice */
  how: string;
  change_request_id: string | null;
}

/** A message that is plain text, as a column header is. */
type Label = { [K in keyof Messages]: Messages[K] extends string ? K : never }[keyof Messages];

/** The sub-processor table: Datatilsynet's Appendix B columns first, then where, how safe, on what basis, and who engaged it. */
export const SUB_PROCESSOR_COLUMNS = [
  ["col_name", (r) => r.name],
  ["col_registration", (r) => r.registration.text],
  ["col_address", (r) => r.address.text],
  ["col_description", (r) => r.description],
  ["col_processing_locations", (r) => r.locations.map((l) => l.text).join("; ")],
  ["col_classification", (r) => r.classification.label],
  ["col_transfer_basis", (r) => r.transfer_basis.label],
  ["col_engaged_by", (r) => r.engaged_by],
  ["col_contact", (r) => (r.contact ? `${r.contact.name} <${r.contact.email}>` : "—")],
] as const satisfies readonly (readonly [Label, (r: SubProcessorRow) => string])[];

export const PARTY_COLUMNS = [
  ["role", (r) => r.role],
  ["col_name", (r) => r.name],
  ["col_registration", (r) => r.registration.text],
  ["col_address", (r) => r.address.text],
] as const satisfies readonly (readonly [Label, (r: PartyRow) => string])[];

export const LOCATION_COLUMNS = [
  ["col_location", (r) => r.label],
  ["col_address", (r) => r.address],
  ["col_activities", (r) => r.activities],
  ["col_classification", (r) => r.classification],
  ["col_transfer_basis", (r) => r.transfer_basis],
] as const satisfies readonly (readonly [Label, (r: LocationRow) => string])[];

export const HISTORY_COLUMNS = [
  ["col_version", (r) => r.version],
  ["col_effective_date", (r) => r.date],
  ["col_change", (r) => r.change],
  ["col_how_decided", (r) => r.how],
] as const satisfies readonly (readonly [Label, (r: HistoryRow) => string])[];

export const TERMS_COLUMNS = [
  ["col_version", (r) => r.version],
  ["in_force_from", (r) => r.date],
  ["instruction_label", (r) => r.instruction],
  ["notice_period_label", (r) => r.notice],
  ["authorisation_label", (r) => r.authorisation],
  ["col_change", (r) => r.reason],
] as const satisfies readonly (readonly [Label, (r: TermsRow) => string])[];

/** The parties in the order the document lists them: the controller, then the processor. */
export const partiesOf = (doc: DocumentView) => [doc.controller, doc.processor];

/** A table's header labels and its rows as cells, for the renderers that print tables. */
export function table<R>(m: Messages, columns: readonly (readonly [Label, (r: R) => string])[], rows: R[]) {
  return { headers: columns.map(([key]) => m[key]), rows: rows.map((r) => columns.map(([, cell]) => cell(r))) };
}

function address(a: Address, lang: Lang): DocumentAddress {
  const country_name = countryName(a.country, lang);
  const region = a.region ?? null;
  return {
    street: a.street,
    postal_code: a.postal_code,
    city: a.city,
    region,
    country: a.country,
    country_name,
    text: [a.street, `${a.postal_code} ${a.city}`, region, country_name].filter((p) => p).join(", "),
  };
}

function registration(r: Registration, m: Messages): DocumentRegistration {
  // an `other` number names its register itself
  return { scheme: r.scheme, number: r.number, text: r.scheme === "other" ? r.number : `${r.number} (${m.registration_scheme[r.scheme]})` };
}

/** The basis of a transfer in words: the named mechanism, else the adequacy decision (the DPF for the US), else not applicable (EU/EEA). */
function transferBasis(mechanism: TransferMechanism | null, classification: Classification, viaDpf: boolean, m: Messages): string {
  if (mechanism) return mechanismLabel(mechanism, m);
  if (classification === "adequacy") return viaDpf ? m.dpf : m.adequacy_decision;
  return m.not_applicable;
}

/** How a version came to be, in words: who approved it and when, approval by silence at the notice end, or a notice. */
function howDecided(h: AnnexDocumentSource["history"][number], controllerName: string, m: Messages, date: (d: Date) => string): string {
  const notice = h.noticeDays !== null ? m.notice_days(h.noticeDays) : "";
  switch (h.how) {
    case "approved":
      return m.how_approved(controllerName, date(h.decidedAt!), notice);
    case "deemed_approved":
      return m.how_deemed(date(h.decidedAt!), notice);
    case "noticed":
      return m.how_noticed;
    default:
      return h.version === 1 ? m.how_baseline : "—";
  }
}

/** Builds the document in one language from its source. */
export function buildDocumentView(source: AnnexDocumentSource, lang: Lang): DocumentView {
  const m = MESSAGES[lang];
  const { agreement, version } = source;
  const annex = classifyAnnex(version.content);
  const locationsById = new Map(annex.locations.map((l) => [l.id, l]));
  const subProcessorsById = new Map(annex.sub_processors.map((s) => [s.id, s]));
  const date = (d: Date) => formatDate(d, lang);
  const activities = (list: readonly Activity[]) => list.map((a) => m.activity[a]).join(", ");

  const party = (role: string, p: typeof agreement.controller): PartyRow => ({
    role,
    id: p.id,
    name: p.name,
    registration: registration(p.registration, m),
    address: address(p.address, lang),
  });

  const subProcessors = annex.sub_processors.map((s): SubProcessorRow => {
    const parent = s.parent_id ? subProcessorsById.get(s.parent_id) : undefined;
    const locations = s.location_ids.flatMap((id) => {
      const l = locationsById.get(id);
      if (!l) return [];
      const country_name = countryName(l.address.country, lang);
      return [
        { id: l.id, ref: l.ref, label: l.label, country: l.address.country, country_name, activities: [...l.activities], text: `${l.label} (${l.address.city}, ${country_name})` },
      ];
    });
    const usInvolved = [s.address.country, ...locations.map((l) => l.country)].includes(US);
    return {
      id: s.id,
      ref: s.ref,
      name: s.legal_name,
      registration: registration(s.registration, m),
      address: address(s.address, lang),
      description: s.description,
      locations,
      classification: { code: s.classification, label: m.classification[s.classification] },
      dpf_certified: s.dpf_certified,
      transfer_basis: { mechanism: s.transfer_mechanism, label: transferBasis(s.transfer_mechanism, s.classification, s.dpf_certified && usInvolved, m) },
      parent: parent ? { id: parent.id, ref: parent.ref, name: parent.legal_name } : null,
      engaged_by: parent ? parent.legal_name : `${agreement.processor.name} (${m.processor.toLocaleLowerCase(lang)})`,
      contact: s.contact ?? null,
    };
  });

  const locations = annex.locations.map((l): LocationRow => {
    // a third-country location without a mechanism of its own is covered by those of the
    // sub-processors processing there (checkAnnex); a US one is adequate only through the DPF
    const users = subProcessors.filter((s) => s.locations.some((at) => at.id === l.id));
    const covering = l.transfer_mechanism || l.classification !== "third_country" ? [] : [...new Set(users.map((s) => s.transfer_basis.label))];
    return {
      label: l.description ? `${l.label} – ${l.description}` : l.label,
      address: address(l.address, lang).text,
      activities: activities(l.activities),
      classification: m.classification[l.classification],
      transfer_basis: covering.length ? covering.join("; ") : transferBasis(l.transfer_mechanism, l.classification, l.address.country === US, m),
    };
  });

  return {
    lang,
    m,
    agreement: { id: agreement.id, title: agreement.title, controller_reference: agreement.controller_reference, authorisation: agreement.authorisation },
    version: version.version,
    effectiveAt: version.effectiveAt,
    facts: [
      { label: m.agreement, value: agreement.title },
      { label: m.agreement_reference, value: agreement.controller_reference ?? "—" },
      { label: m.agreement_id, value: agreement.id },
      { label: m.annex_version, value: String(version.version) },
      { label: m.in_force_from, value: date(version.effectiveAt) },
      { label: m.authorisation_label, value: m.authorisation[agreement.authorisation] },
      { label: m.notice_period_label, value: m.notice_days(agreement.notice_days) },
      { label: m.instruction_label, value: `${m.instruction[agreement.third_country_transfers]} (${m.terms_version(agreement.terms_version)})` },
      { label: m.third_country_label, value: annex.third_country ? m.yes : m.no },
    ],
    controller: party(m.controller, agreement.controller),
    processor: party(m.processor, agreement.processor),
    subProcessors,
    locations,
    history: source.history.map((h) => ({
      version: String(h.version),
      date: date(h.effectiveAt),
      change: h.reason ?? (h.version === 1 ? m.baseline : "—"),
      how: howDecided(h, agreement.controller.name, m, date),
      change_request_id: h.changeRequestId,
    })),
    terms: source.terms.map((v) => ({
      version: String(v.version),
      date: date(v.effectiveAt),
      instruction: m.instruction[v.thirdCountryTransfers],
      notice: m.notice_days(v.noticeDays),
      authorisation: m.authorisation[v.authorisation],
      reason: v.reason ?? m.baseline_terms,
    })),
  };
}
