import type { Address } from "../../domain/annex";
import type { Classification } from "../../domain/countries";
import { countryName } from "../../domain/countries";
import type { ChangeLine, PublicChange } from "../../features/public-page/public-page.view";

// The words of the page and its feeds, in English. Deliberately none of the decision states'
// names: the public never learns how a controller decided.

export const CLASSIFICATION_LABEL: Record<Classification, string> = {
  eu_eea: "EU/EEA",
  // a third country is any country outside the EU/EEA; the class says which transfer tool it needs
  adequacy: "Third country, adequacy decision (GDPR Art. 45)",
  third_country: "Third country, transfer tool needed",
};

/** A date as YYYY-MM-DD (UTC). */
export const day = (d: Date) => d.toISOString().slice(0, 10);

export const formatAddress = (a: Address) => [a.street, `${a.postal_code} ${a.city}`, a.region, countryName(a.country)].filter(Boolean).join(", ");

const VERB: Record<ChangeLine["action"], string> = { added: "Added", removed: "Removed", updated: "Updated" };

/** What a line is about: a named sub-processor or location, or only a location's country while locations are hidden. */
function subject(l: ChangeLine): string {
  if (l.entity === "sub_processor") return l.name && l.ref ? `sub-processor ${l.name} (${l.ref})` : `sub-processor ${l.name ?? l.ref ?? "(unnamed)"}`;
  if (l.ref !== null || l.name !== null) return `processing location ${l.name ?? l.ref}${l.name && l.ref ? ` (${l.ref})` : ""}`;
  return l.countryName ? `a processing location in ${l.countryName}` : "a processing location";
}

/** One change line as a sentence. */
export function lineText(l: ChangeLine): string {
  const parts = [`${VERB[l.action]} ${subject(l)}`];
  if (l.action === "added" && l.entity === "sub_processor" && l.countryName) parts[0] += `, ${l.countryName}`;
  if (l.address) parts[0] += `, ${formatAddress(l.address)}`;
  if (l.fields.length) parts.push(`changed: ${l.fields.join(", ")}`);
  if (l.purpose && l.action === "added") parts.push(`purpose: ${l.purpose}`);
  return parts.join("; ");
}

/** A short title for a feed entry. */
export function changeTitle(c: PublicChange): string {
  const short = c.changes.map((l) => `${l.action} ${l.entity === "sub_processor" ? (l.name ?? l.ref) : subject(l)}`);
  const head = short.slice(0, 3).join("; ") + (short.length > 3 ? `; and ${short.length - 3} more` : "");
  return c.status === "upcoming" ? `Upcoming change: ${head}` : `Change in effect ${day(c.appliedAt!)}: ${head}`;
}

/** When an upcoming change is due, or when an applied one took effect, as sentences. */
export function changeDates(c: PublicChange): string[] {
  if (c.status === "applied") return [`In effect since ${day(c.appliedAt!)}.`];
  const dates = [`Announced ${day(c.submittedAt)}.`];
  if (c.effectiveDate) dates.push(`Planned effective date: ${day(c.effectiveDate)}.`);
  dates.push(`Notice period ends: ${day(c.noticeEndsAt!)}.`);
  return dates;
}
