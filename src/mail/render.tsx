import { z } from "@hono/zod-openapi";
import { raw } from "hono/html";
import type { FC } from "hono/jsx";
import { countryName, isThirdCountry } from "../domain/countries";
import { DECISION_STATES, OBJECTION_GROUNDS, OBJECTION_RESPONSES } from "../domain/decisions";
import type { EventType } from "../domain/events";
import { formatDeadline } from "../i18n/format";
import { MESSAGES } from "../i18n/messages";
import type { Lang, Messages } from "../i18n/types";
import type { PublicChange } from "../features/public-page/public-page.view";
import { wordsFor as pageWordsFor } from "../web/public-page/public-page.words";
import { type About, MAIL_MESSAGES, type MailMessages } from "./messages";

export interface MailRecipient {
  name: string | null;
  email: string;
  lang: Lang;
  side: "controller" | "processor";
}
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}
/** base: the service's public origin, e.g. "https://registry.example" (no trailing slash); unsubscribe: the URL that turns this kind of notice off; preferences: the page where the user chooses notices */
export interface MailLinks {
  base: string;
  unsubscribe: string;
  preferences: string;
}

// ---------------------------------------------------------------------------------------------
// What a mail reads of an event's data (src/features/events/event-data.schemas.ts, EVENT_DATA)
// ---------------------------------------------------------------------------------------------

// Only the fields a mail shows, and lenient where the schema has grown: an event is stored once
// and mailed later, so data written before a field was added (decided_by, submitted_by) must
// still render. Names are the payload's own.
const Person = z.object({ name: z.string().nullish(), email: z.string() });
const DecisionData = z.object({
  id: z.string(),
  agreement: z.object({ id: z.string(), title: z.string(), controller_reference: z.string().nullish() }),
  processor: z.object({ name: z.string() }),
  controller: z.object({ name: z.string(), time_zone: z.string() }),
  kind: z.enum(["decision", "notice"]),
  state: z.enum(DECISION_STATES),
  authorisation: z.enum(["specific", "general"]),
  notice_ends_at: z.string(),
  introduces_third_country: z.boolean(),
  instruction_conflict: z.boolean(),
  comment: z.string().nullish(),
  objection_reason: z.string().nullish(),
  objection_ground: z.enum(OBJECTION_GROUNDS).nullish(),
  decided_by: Person.nullish(),
  objection_response: z.object({ response: z.enum(OBJECTION_RESPONSES), note: z.string(), responded_at: z.string(), responded_by: Person.nullish() }).nullish(),
  application: z.object({ effective_at: z.string().nullish(), failure_reason: z.string().nullish() }),
  change: z.object({
    operations: z.array(z.record(z.string(), z.unknown())),
    reason: z.string(),
    effective_date: z.string().nullish(),
    submitted_by: Person.nullish(),
  }),
});
type DecisionData = z.infer<typeof DecisionData>;
const WithDecision = z.object({ decision: DecisionData });
const Reminder = WithDecision.extend({ days_before: z.number().int(), notice_ends_at: z.string() });
const EntryChanges = z.object({
  added: z.array(z.string()),
  removed: z.array(z.string()),
  changed: z.array(z.object({ ref: z.string(), fields: z.array(z.string()) })),
});
const VersionCreated = WithDecision.extend({
  annex: z.object({
    agreement_id: z.string(),
    version: z.number().int(),
    effective_at: z.string(),
    third_country: z.boolean(),
    changes: z.object({ locations: EntryChanges, sub_processors: EntryChanges }),
  }),
});
const Failed = WithDecision.extend({ errors: z.array(z.object({ detail: z.string() })) });
const Party = z.object({ name: z.string() });
const AgreementData = z.object({
  agreement: z.object({
    id: z.string(),
    title: z.string(),
    controller_reference: z.string().nullish(),
    authorisation: z.enum(["specific", "general"]),
    notice_days: z.number().int(),
    third_country_transfers: z.enum(["prohibited", "with_transfer_mechanism"]),
    processor: Party,
    controller: Party,
    decline_reason: z.string().nullish(),
  }),
});
const Terms = z.object({
  agreement_id: z.string(),
  version: z.number().int(),
  authorisation: z.enum(["specific", "general"]),
  notice_days: z.number().int(),
  third_country_transfers: z.enum(["prohibited", "with_transfer_mechanism"]),
  effective_at: z.string(),
  reason: z.string().nullish(),
  amended_by: Person.nullish(),
});
const Amended = z.object({ terms: Terms, previous: Terms });
const ClassificationName = z.enum(["eu_eea", "adequacy", "third_country"]);
const ClassificationChanged = z.object({
  agreement_id: z.string(),
  annex_version: z.number().int(),
  approved_under: z.string(),
  release: z.string(),
  changes: z.array(
    z.object({ ref: z.string(), name: z.string(), kind: z.enum(["location", "sub_processor"]), country: z.string(), from: ClassificationName, to: ClassificationName }),
  ),
});
const EndpointDisabled = z.object({
  endpoint: z.object({ id: z.string(), url: z.string() }),
  reason: z.enum(["gone", "failing"]),
  detail: z.string().nullish(),
  last_status_code: z.number().int().nullish(),
  last_error: z.string().nullish(),
});

/** An event's data as the mail reads it; data without what the mail needs is a defect of the caller, not a mail to send. */
function read<S extends z.ZodType>(schema: S, type: EventType, data: unknown): z.infer<S> {
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new TypeError(`The data of a ${type} event lacks what its mail shows: ${parsed.error.message}`);
  return parsed.data;
}

// ---------------------------------------------------------------------------------------------
// What a mail says, independent of its two renderings
// ---------------------------------------------------------------------------------------------

interface Fact {
  label: string;
  value: string;
  /** an instant: the machine-readable value of <time> */
  datetime?: string;
  /** the zone and UTC beside an instant */
  note?: string;
}
interface Link {
  label: string;
  url: string;
}
type Block =
  | { type: "p"; text: string; tone?: "info" | "warn" }
  | { type: "quote"; label: string; text: string }
  | { type: "facts"; rows: Fact[] }
  | { type: "list"; heading: string; groups: { title?: string; items: string[] }[] }
  /** a public page's entries under one of its headings: each change's dates, then its lines (as the page lists them) */
  | { type: "changes"; heading: string; entries: { dates: string; lines: string[] }[] };

interface MailContent {
  lang: Lang;
  subject: string;
  greeting: string;
  blocks: Block[];
  action: Link;
  footer: { why: string; links: Link[] };
}

interface Words {
  lang: Lang;
  m: MailMessages;
  doc: Messages;
  con: Messages["console"];
}
const words = (lang: Lang): Words => ({ lang, m: MAIL_MESSAGES[lang], doc: MESSAGES[lang], con: MESSAGES[lang].console });

/** An instant as the console shows a deadline: its last day "at 24:00" in the zone it is counted in, the same instant in UTC beside it. */
function instant(iso: string, lang: Lang, timeZone: string): { value: string; note: string; datetime: string } {
  const { local, zone, utc } = formatDeadline(new Date(iso), lang, timeZone);
  return { value: local, note: timeZone === "UTC" ? "UTC" : MESSAGES[lang].console.zone_and_utc(zone, utc), datetime: iso };
}
const instantFact = (label: string, iso: string, lang: Lang, timeZone: string): Fact => ({ label, ...instant(iso, lang, timeZone) });

/** A header line: no line breaks from a title a user typed. */
const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();
const shorten = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
/** A <title> within html-validate's 70 characters, counted as written in the document (escaped). */
function titleOf(subject: string): string {
  const written = (s: string) => s.replace(/[&<>"']/g, "&amp;").length;
  let title = subject;
  for (let max = 70; written(title) > 70; max--) title = shorten(subject, max);
  return title;
}
const yesNo = (w: Words, b: boolean) => (b ? w.doc.yes : w.doc.no);

const decisionUrl = (links: MailLinks, id: string) => `${links.base}/console/decisions/${encodeURIComponent(id)}`;
const agreementUrl = (links: MailLinks, id: string) => `${links.base}/console/agreements/${encodeURIComponent(id)}`;

// ---------------------------------------------------------------------------------------------
// A decision's change, in words: its operations as the payload carries them
// ---------------------------------------------------------------------------------------------

const Place = z.object({ city: z.string(), country: z.string() });
const Recipient = z.object({
  ref: z.string(),
  legal_name: z.string(),
  address: Place,
  description: z.string().optional(),
  international_organisation: z.string().nullish(),
});
const Site = z.object({ ref: z.string(), label: z.string(), address: Place });
const Changes = z.record(z.string(), z.unknown());
/** Lenient on purpose: a mail names what it can read and never fails on a field it does not show. */
const Op = z.discriminatedUnion("op", [
  z.object({ op: z.literal("add_sub_processor"), sub_processor: Recipient }),
  z.object({ op: z.literal("replace_sub_processor"), target: z.string(), with: Recipient }),
  z.object({ op: z.literal("update_sub_processor"), target: z.string(), changes: Changes }),
  z.object({ op: z.literal("remove_sub_processor"), target: z.string() }),
  z.object({ op: z.literal("add_location"), location: Site }),
  z.object({ op: z.literal("update_location"), target: z.string(), changes: Changes }),
  z.object({ op: z.literal("remove_location"), target: z.string() }),
]);

interface ChangeLines {
  added: string[];
  removed: string[];
  changed: string[];
  /** ref → name, for the entries the operations name */
  names: Map<string, string>;
  /** ref → the full line of an added entry */
  addedLines: Map<string, string>;
}

function describeOperations(operations: Record<string, unknown>[], w: Words): ChangeLines {
  const out: ChangeLines = { added: [], removed: [], changed: [], names: new Map(), addedLines: new Map() };
  // outside the EU/EEA, or an international organisation (always a transfer out: docs/rules.md, rule 3)
  const place = (a: z.infer<typeof Place>, io?: string | null) => `${a.city}, ${countryName(a.country, w.lang)}${isThirdCountry(a.country) || io ? ` (${w.m.third_country})` : ""}`;
  const fieldName = (key: string) => w.con.field_name[key] ?? (w.m.field_name as Record<string, string>)[key] ?? key.replaceAll("_", " ");
  const changeParts = (changes: Record<string, unknown>) =>
    Object.entries(changes).map(([key, value]) => {
      const address = key === "address" ? Place.safeParse(value) : null;
      if (address?.success) return w.m.moves_to(place(address.data));
      if ((key === "legal_name" || key === "label") && typeof value === "string") return `${fieldName(key)}: ${value}`;
      return fieldName(key);
    });
  const recipient = (r: z.infer<typeof Recipient>, replaces?: string) =>
    `${w.m.entry.sub_processor}: ${r.legal_name}${replaces ? ` (${w.m.replaces(replaces)})` : ""}, ${place(r.address, r.international_organisation)}${r.description ? ` – ${r.description}` : ""}`;

  for (const operation of operations) {
    const parsed = Op.safeParse(operation);
    if (!parsed.success) {
      out.changed.push(typeof operation.op === "string" ? operation.op : "?");
      continue;
    }
    const op = parsed.data;
    switch (op.op) {
      case "add_sub_processor": {
        const line = recipient(op.sub_processor);
        out.added.push(line);
        out.names.set(op.sub_processor.ref, op.sub_processor.legal_name);
        out.addedLines.set(op.sub_processor.ref, line);
        break;
      }
      case "replace_sub_processor": {
        const line = recipient(op.with, op.target);
        out.added.push(line);
        out.removed.push(`${w.m.entry.sub_processor}: ${op.target}`);
        out.names.set(op.with.ref, op.with.legal_name);
        out.addedLines.set(op.with.ref, line);
        break;
      }
      case "update_sub_processor":
        out.changed.push(`${w.m.entry.sub_processor} ${op.target}: ${changeParts(op.changes).join("; ")}`);
        break;
      case "remove_sub_processor":
        out.removed.push(`${w.m.entry.sub_processor}: ${op.target}`);
        break;
      case "add_location": {
        const line = `${w.m.entry.location}: ${op.location.label}, ${place(op.location.address)}`;
        out.added.push(line);
        out.names.set(op.location.ref, op.location.label);
        out.addedLines.set(op.location.ref, line);
        break;
      }
      case "update_location":
        out.changed.push(`${w.m.entry.location} ${op.target}: ${changeParts(op.changes).join("; ")}`);
        break;
      case "remove_location":
        out.removed.push(`${w.m.entry.location}: ${op.target}`);
        break;
    }
  }
  return out;
}

const changeList = (w: Words, lines: Pick<ChangeLines, "added" | "removed" | "changed">): Block => ({
  type: "list",
  heading: w.con.change,
  groups: [
    { title: w.con.added, items: lines.added },
    { title: w.con.removed, items: lines.removed },
    { title: w.con.changed, items: lines.changed },
  ].filter((g) => g.items.length > 0),
});

// ---------------------------------------------------------------------------------------------
// The notices
// ---------------------------------------------------------------------------------------------

interface Ctx {
  w: Words;
  recipient: MailRecipient;
  links: MailLinks;
}

const aboutDecision = (d: DecisionData): About => ({ agreement: d.agreement.title, processor: d.processor.name, controller: d.controller.name });
const aboutAgreement = (a: z.infer<typeof AgreementData>["agreement"]): About => ({ agreement: a.title, processor: a.processor.name, controller: a.controller.name });
const partyOf = (recipient: MailRecipient, a: About) => (recipient.side === "controller" ? a.controller : a.processor);

function partyFacts(w: Words, a: About, reference?: string | null): Fact[] {
  return [
    { label: w.m.labels.agreement, value: a.agreement },
    ...(reference ? [{ label: w.doc.agreement_reference, value: reference }] : []),
    { label: w.m.labels.processor, value: a.processor },
    { label: w.m.labels.controller, value: a.controller },
  ];
}

/** When the change takes (or took) effect: as applied, as asked, or on approval. */
function effectiveFact(w: Words, d: DecisionData): Fact {
  const at = d.application.effective_at ?? d.change.effective_date;
  return at ? instantFact(w.con.effective_date, at, w.lang, d.controller.time_zone) : { label: w.con.effective_date, value: w.con.effective_on_approval };
}

const personName = (p: z.infer<typeof Person>) => p.name ?? p.email;

function decisionFacts(
  w: Words,
  d: DecisionData,
  show: { deadline?: string; state?: boolean; authorisation?: boolean; flags?: boolean; effective?: boolean; submittedBy?: boolean; decidedBy?: boolean; ground?: boolean },
): Block {
  const rows = partyFacts(w, aboutDecision(d), d.agreement.controller_reference);
  if (show.submittedBy && d.change.submitted_by) rows.push({ label: w.m.labels.submitted_by, value: personName(d.change.submitted_by) });
  if (show.decidedBy && d.decided_by) rows.push({ label: w.m.labels.decided_by, value: personName(d.decided_by) });
  if (show.authorisation) rows.push({ label: w.doc.authorisation_label, value: w.doc.authorisation[d.authorisation] });
  if (show.state) rows.push({ label: w.con.state_label, value: w.con.state[d.state] });
  if (show.ground && d.objection_ground) rows.push({ label: w.con.objection_ground, value: w.con.objection_grounds[d.objection_ground] });
  if (show.deadline) rows.push(instantFact(w.m.labels.notice_ends, show.deadline, w.lang, d.controller.time_zone));
  if (show.flags)
    rows.push(
      { label: w.m.labels.introduces_third_country, value: yesNo(w, d.introduces_third_country) },
      { label: w.m.labels.instruction_conflict, value: yesNo(w, d.instruction_conflict) },
    );
  if (show.effective) rows.push(effectiveFact(w, d));
  return { type: "facts", rows };
}

/** What silence does to a pending decision (the console's Silence, and its words for the processor). */
function silence(w: Words, d: DecisionData, deadline: string, side: MailRecipient["side"]): Block {
  const date = instant(deadline, w.lang, d.controller.time_zone).value;
  const toController = side === "controller";
  if (d.instruction_conflict) return { type: "p", tone: "warn", text: toController ? w.con.silence_conflict : w.m.silence_for_processor.conflict(d.controller.name) };
  if (d.authorisation === "general")
    return { type: "p", tone: "info", text: toController ? w.con.silence_general(date) : w.m.silence_for_processor.general(d.controller.name, date) };
  return { type: "p", tone: "info", text: toController ? w.con.silence_specific : w.m.silence_for_processor.specific(d.controller.name) };
}

/** change_request.submitted and notice.reminder: a change still open, what it is, and what to do by when. */
function pendingChange(c: Ctx, d: DecisionData, deadline: string, reminderDays: number | null): Omit<MailContent, "greeting" | "footer" | "lang"> {
  const { w, recipient, links } = c;
  const a = aboutDecision(d);
  const toController = recipient.side === "controller";
  const isNotice = d.kind === "notice";
  const decide = toController && !isNotice;
  const days = reminderDays === null ? "" : w.con.days_left(reminderDays);
  const subject =
    reminderDays !== null
      ? decide
        ? w.m.reminder.subject_decide(days, a.agreement)
        : w.m.reminder.subject_view(days, a.agreement)
      : decide
        ? w.m.submitted.subject_decide(a.agreement)
        : isNotice
          ? w.m.submitted.subject_notice(a.agreement)
          : w.m.submitted.subject_submitted(a.agreement);
  const blocks: Block[] = [{ type: "p", text: reminderDays !== null ? w.m.reminder.lead(a, days) : w.m.submitted.lead(a) }];
  if (isNotice) {
    blocks.push({ type: "p", tone: "info", text: w.con.notice_explainer });
    const at = d.application.effective_at ?? d.change.effective_date;
    if (at) blocks.push({ type: "p", text: w.m.submitted.notice_takes_effect(instant(at, w.lang, d.controller.time_zone).value) });
  } else {
    blocks.push({ type: "p", text: toController ? w.m.submitted.ask : w.m.submitted.waits(a.controller) }, silence(w, d, deadline, recipient.side));
  }
  blocks.push(
    decisionFacts(w, d, { authorisation: true, deadline: isNotice ? undefined : deadline, flags: true, effective: isNotice, submittedBy: true }),
    { type: "quote", label: w.con.processor_reason, text: d.change.reason },
    changeList(w, describeOperations(d.change.operations, w)),
  );
  const action = reminderDays !== null ? (decide ? w.m.reminder.action_decide : w.m.reminder.action_view) : decide ? w.m.submitted.action_decide : w.m.submitted.action_view;
  return { subject, blocks, action: { label: action, url: decisionUrl(links, d.id) } };
}

type Body = Omit<MailContent, "greeting" | "footer" | "lang"> & { organisation: string | null };

function noticeBody(type: EventType, data: unknown, c: Ctx): Body | null {
  const { w, recipient, links } = c;
  const toController = recipient.side === "controller";
  switch (type) {
    case "webhook_endpoint.ping":
    // a checkpoint is for machines to keep, not for people to read
    case "audit.checkpoint":
    // questions and answers are told by event and webhook, and shown on the decision (docs/rules.md, rule 13)
    case "decision.question_asked":
    case "decision.question_answered":
    // the processor reads its draft in the API and the console (docs/rules.md, rule 14)
    case "upstream_change.received":
      return null;
    case "change_request.submitted": {
      const { decision: d } = read(WithDecision, type, data);
      return { ...pendingChange(c, d, d.notice_ends_at, null), organisation: partyOf(recipient, aboutDecision(d)) };
    }
    case "notice.reminder": {
      const p = read(Reminder, type, data);
      return { ...pendingChange(c, p.decision, p.notice_ends_at, p.days_before), organisation: partyOf(recipient, aboutDecision(p.decision)) };
    }
    case "decision.deemed_approved": {
      const { decision: d } = read(WithDecision, type, data);
      const a = aboutDecision(d);
      return {
        subject: w.m.deemed_approved.subject(a.agreement),
        blocks: [
          { type: "p", text: w.m.deemed_approved.lead(a, instant(d.notice_ends_at, w.lang, d.controller.time_zone).value) },
          decisionFacts(w, d, { state: true, deadline: d.notice_ends_at, effective: true }),
          changeList(w, describeOperations(d.change.operations, w)),
        ],
        action: { label: w.m.deemed_approved.action, url: decisionUrl(links, d.id) },
        organisation: partyOf(recipient, a),
      };
    }
    case "decision.overdue": {
      const { decision: d } = read(WithDecision, type, data);
      const a = aboutDecision(d);
      return {
        subject: w.m.overdue.subject(a.agreement),
        blocks: [
          { type: "p", text: w.m.overdue.lead(a, instant(d.notice_ends_at, w.lang, d.controller.time_zone).value) },
          {
            type: "p",
            tone: d.instruction_conflict ? "warn" : "info",
            text: `${d.instruction_conflict ? w.m.overdue.why.conflict : w.m.overdue.why.specific} ${toController ? w.m.overdue.to_controller : w.m.overdue.to_processor(a.controller)}`,
          },
          decisionFacts(w, d, { authorisation: true, deadline: d.notice_ends_at, flags: true }),
          changeList(w, describeOperations(d.change.operations, w)),
        ],
        action: { label: toController ? w.m.overdue.action_decide : w.m.overdue.action, url: decisionUrl(links, d.id) },
        organisation: partyOf(recipient, a),
      };
    }
    case "decision.approved":
    case "decision.objected":
    case "decision.withdrawn": {
      const { decision: d } = read(WithDecision, type, data);
      const a = aboutDecision(d);
      const m = type === "decision.approved" ? w.m.approved : type === "decision.objected" ? w.m.objected : w.m.withdrawn;
      const blocks: Block[] = [{ type: "p", text: m.lead(a) }];
      // the reason of an objection, and its ground, are what the processor needs most: right under the first sentence
      if (type === "decision.objected" && d.objection_ground)
        blocks.push({ type: "facts", rows: [{ label: w.con.objection_ground, value: w.con.objection_grounds[d.objection_ground] }] });
      if (type === "decision.objected" && d.objection_reason) blocks.push({ type: "quote", label: w.m.labels.objection_reason, text: d.objection_reason });
      blocks.push(decisionFacts(w, d, { state: true, effective: type === "decision.approved", decidedBy: type !== "decision.withdrawn" }));
      if (d.comment) blocks.push({ type: "quote", label: w.con.comment, text: d.comment });
      blocks.push(changeList(w, describeOperations(d.change.operations, w)));
      return { subject: m.subject(a.agreement), blocks, action: { label: m.action, url: decisionUrl(links, d.id) }, organisation: partyOf(recipient, a) };
    }
    case "decision.objection_responded": {
      const { decision: d } = read(WithDecision, type, data);
      const a = aboutDecision(d);
      const r = d.objection_response;
      const blocks: Block[] = [{ type: "p", text: w.m.objection_responded.lead(a) }];
      // the answer first, then the objection it answers
      if (r) {
        const rows: Fact[] = [{ label: w.con.objection_response, value: w.con.objection_responses[r.response] }];
        if (r.responded_by) rows.push({ label: w.con.objection_responded_by, value: personName(r.responded_by) });
        blocks.push({ type: "facts", rows }, { type: "quote", label: w.con.objection_response_note, text: r.note });
      }
      if (d.objection_reason) blocks.push({ type: "quote", label: w.m.labels.objection_reason, text: d.objection_reason });
      blocks.push(decisionFacts(w, d, { state: true, decidedBy: true, ground: true }), changeList(w, describeOperations(d.change.operations, w)));
      return {
        subject: w.m.objection_responded.subject(a.agreement),
        blocks,
        action: { label: w.m.objection_responded.action, url: decisionUrl(links, d.id) },
        organisation: partyOf(recipient, a),
      };
    }
    case "change_request.failed": {
      const p = read(Failed, type, data);
      const d = p.decision;
      const a = aboutDecision(d);
      const reasons = p.errors.map((e) => e.detail);
      if (d.application.failure_reason && !reasons.includes(d.application.failure_reason)) reasons.push(d.application.failure_reason);
      const blocks: Block[] = [{ type: "p", text: w.m.failed.lead(a) }];
      if (!toController) blocks.push({ type: "p", text: w.m.failed.to_processor });
      if (reasons.length) blocks.push({ type: "list", heading: w.m.labels.errors, groups: [{ items: reasons }] });
      blocks.push(decisionFacts(w, d, { state: true }), changeList(w, describeOperations(d.change.operations, w)));
      return { subject: w.m.failed.subject(a.agreement), blocks, action: { label: w.m.failed.action, url: decisionUrl(links, d.id) }, organisation: partyOf(recipient, a) };
    }
    case "annex.version_created": {
      const { decision: d, annex } = read(VersionCreated, type, data);
      const a = aboutDecision(d);
      const ops = describeOperations(d.change.operations, w);
      // the applied difference, by ref; the operations name the entries they add
      const named = (kind: "sub_processor" | "location", ref: string) => `${w.m.entry[kind]}: ${ops.names.get(ref) ?? ref}`;
      const kinds = [
        ["sub_processor", annex.changes.sub_processors],
        ["location", annex.changes.locations],
      ] as const;
      const lines = {
        added: kinds.flatMap(([kind, ch]) => ch.added.map((ref) => ops.addedLines.get(ref) ?? named(kind, ref))),
        removed: kinds.flatMap(([kind, ch]) => ch.removed.map((ref) => named(kind, ref))),
        changed: kinds.flatMap(([kind, ch]) =>
          ch.changed.map((c) => `${named(kind, c.ref)}: ${c.fields.map((f) => w.con.field_name[f] ?? (w.m.field_name as Record<string, string>)[f] ?? f).join(", ")}`),
        ),
      };
      const effective = instant(annex.effective_at, w.lang, d.controller.time_zone);
      const how = d.state === "approved" || d.state === "deemed_approved" || d.state === "noticed" ? w.con.how[d.state] : null;
      const facts = partyFacts(w, a, d.agreement.controller_reference);
      facts.push(
        { label: w.m.labels.annex_version, value: String(annex.version) },
        { label: w.con.effective_date, ...effective },
        ...(how ? [{ label: w.con.version_how, value: how }] : []),
        { label: w.m.labels.annex_third_country, value: yesNo(w, annex.third_country) },
      );
      return {
        subject: w.m.version_created.subject(annex.version, a.agreement),
        blocks: [{ type: "p", text: w.m.version_created.lead(a, annex.version, effective.value) }, { type: "facts", rows: facts }, changeList(w, lines)],
        action: { label: w.m.version_created.action, url: agreementUrl(links, annex.agreement_id) },
        organisation: partyOf(recipient, a),
      };
    }
    case "agreement.proposed":
    case "agreement.confirmed":
    case "agreement.declined": {
      const { agreement: ag } = read(AgreementData, type, data);
      const a = aboutAgreement(ag);
      const facts = partyFacts(w, a, ag.controller_reference);
      facts.push(
        { label: w.doc.authorisation_label, value: w.doc.authorisation[ag.authorisation] },
        { label: w.doc.notice_period_label, value: w.doc.notice_days(ag.notice_days) },
        { label: w.doc.instruction_label, value: w.doc.instruction[ag.third_country_transfers] },
      );
      const url = agreementUrl(links, ag.id);
      if (type === "agreement.proposed")
        return {
          subject: toController ? w.m.proposed.subject_confirm(a.agreement) : w.m.proposed.subject_view(a.agreement),
          blocks: [
            { type: "p", text: w.m.proposed.lead(a) },
            { type: "p", text: toController ? w.m.proposed.ask : w.m.proposed.waits(a.controller) },
            { type: "facts", rows: facts },
          ],
          action: { label: toController ? w.m.proposed.action_confirm : w.m.proposed.action_view, url },
          organisation: partyOf(recipient, a),
        };
      const m = type === "agreement.confirmed" ? w.m.confirmed : w.m.declined;
      const blocks: Block[] = [{ type: "p", text: m.lead(a) }];
      if (type === "agreement.declined" && ag.decline_reason) blocks.push({ type: "quote", label: w.m.labels.decline_reason, text: ag.decline_reason });
      blocks.push({ type: "facts", rows: facts });
      return { subject: m.subject(a.agreement), blocks, action: { label: m.action, url }, organisation: partyOf(recipient, a) };
    }
    case "agreement.amended": {
      const { terms, previous } = read(Amended, type, data);
      // the payload names the agreement by its id, not its title
      const agreement = w.m.amended.agreement(terms.agreement_id);
      const effective = instant(terms.effective_at, w.lang, "UTC");
      const rows: Fact[] = [
        { label: w.m.labels.agreement, value: terms.agreement_id },
        { label: w.m.labels.terms_version, value: w.m.from_to(String(previous.version), String(terms.version)) },
        { label: w.con.effective_date, ...effective },
        ...(terms.amended_by ? [{ label: w.m.labels.amended_by, value: personName(terms.amended_by) }] : []),
      ];
      if (terms.third_country_transfers !== previous.third_country_transfers)
        rows.push({ label: w.doc.instruction_label, value: w.m.from_to(w.doc.instruction[previous.third_country_transfers], w.doc.instruction[terms.third_country_transfers]) });
      if (terms.notice_days !== previous.notice_days)
        rows.push({ label: w.doc.notice_period_label, value: w.m.from_to(w.doc.notice_days(previous.notice_days), w.doc.notice_days(terms.notice_days)) });
      if (terms.authorisation !== previous.authorisation)
        rows.push({ label: w.doc.authorisation_label, value: w.m.from_to(w.doc.authorisation[previous.authorisation], w.doc.authorisation[terms.authorisation]) });
      const blocks: Block[] = [
        { type: "p", text: w.m.amended.lead(agreement, terms.version, `${effective.value} UTC`) },
        { type: "facts", rows },
      ];
      if (terms.reason) blocks.push({ type: "quote", label: w.m.labels.amendment_reason, text: terms.reason });
      return {
        subject: w.m.amended.subject(agreement),
        blocks,
        action: { label: w.m.amended.action, url: agreementUrl(links, terms.agreement_id) },
        organisation: null,
      };
    }
    case "classification.changed": {
      const p = read(ClassificationChanged, type, data);
      const agreement = w.m.amended.agreement(p.agreement_id);
      return {
        subject: w.m.classification.subject(agreement),
        blocks: [
          { type: "p", text: w.m.classification.lead(agreement, p.annex_version, p.release, p.approved_under) },
          {
            type: "list",
            heading: w.m.labels.reclassified,
            groups: [
              {
                items: p.changes.map(
                  (e) => `${w.m.entry[e.kind]}: ${e.name} (${e.ref}), ${countryName(e.country, w.lang)}: ${w.m.from_to(w.doc.classification[e.from], w.doc.classification[e.to])}`,
                ),
              },
            ],
          },
        ],
        action: { label: w.m.classification.action, url: agreementUrl(links, p.agreement_id) },
        organisation: null,
      };
    }
    case "webhook_endpoint.disabled": {
      const p = read(EndpointDisabled, type, data);
      const rows: Fact[] = [{ label: w.m.labels.endpoint, value: p.endpoint.url }];
      if (p.detail) rows.push({ label: w.m.labels.detail, value: p.detail });
      if (p.last_status_code != null) rows.push({ label: w.m.labels.last_status, value: String(p.last_status_code) });
      if (p.last_error) rows.push({ label: w.m.labels.last_error, value: p.last_error });
      return {
        subject: w.m.endpoint_disabled.subject(shorten(p.endpoint.url, 80)),
        blocks: [
          { type: "p", text: w.m.endpoint_disabled.lead[p.reason](p.endpoint.url) },
          { type: "p", tone: "warn", text: w.m.endpoint_disabled.fix.replace("{id}", p.endpoint.id) },
          { type: "facts", rows },
        ],
        action: { label: w.m.endpoint_disabled.action, url: `${links.base}/docs` },
        organisation: null,
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The two renderings: plain text, wrapped, links on their own lines; HTML for mail clients
// ---------------------------------------------------------------------------------------------

const WIDTH = 72;

/** Wraps text at word boundaries; a word longer than the line (a URL) stands alone, unbroken. Line breaks in the text are kept. */
function wrap(text: string, first = "", rest = first): string[] {
  const out: string[] = [];
  let prefix = first;
  for (const paragraph of text.split(/\r?\n/)) {
    let line = prefix;
    let empty = true;
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (!empty && line.length + 1 + word.length > WIDTH) {
        out.push(line);
        line = rest + word;
      } else line += (empty ? "" : " ") + word;
      empty = false;
    }
    out.push(empty ? line.trimEnd() : line);
    prefix = rest;
  }
  return out;
}

function toText(c: MailContent): string {
  const m = MAIL_MESSAGES[c.lang];
  const sections: string[][] = [[c.greeting]];
  for (const b of c.blocks) {
    switch (b.type) {
      case "p":
        sections.push(wrap(b.text));
        break;
      case "quote":
        sections.push([`${b.label}:`, ...wrap(b.text, "> ")]);
        break;
      case "facts":
        sections.push(b.rows.flatMap((r) => wrap(`${r.label}: ${r.value}${r.note ? ` (${r.note})` : ""}`, "", "  ")));
        break;
      case "list":
        sections.push([`${b.heading}:`, ...b.groups.flatMap((g) => (g.title ? ["", `${g.title}:`] : []).concat(g.items.flatMap((i) => wrap(i, "- ", "  "))))]);
        break;
      case "changes":
        sections.push([`${b.heading}:`, ...b.entries.flatMap((e) => ["", ...wrap(e.dates), ...e.lines.flatMap((l) => wrap(l, "- ", "  "))])]);
        break;
    }
  }
  sections.push([`${c.action.label}:`, c.action.url]);
  // "-- " is the signature separator mail readers know
  sections.push(["-- ", ...wrap(c.footer.why), ...c.footer.links.flatMap((l) => [`${l.label}:`, l.url])]);
  sections.push([m.service]);
  return `${sections.map((s) => s.join("\n")).join("\n\n")}\n`;
}

/** One stylesheet, simple selectors only (what mail clients keep): no external CSS, no scripts, no images. */
const CSS = `
body { margin: 0; padding: 0; background: #f4f4f4; color: #111; font: 16px/1.5 -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
.mail { max-width: 38rem; margin: 0 auto; padding: 1.25rem 1rem; background: #fff; }
.service { margin: 0 0 .5rem; color: #555; font-size: .875rem; }
h1 { margin: .25rem 0 1rem; font-size: 1.375rem; line-height: 1.3; }
h2 { margin: 1.5rem 0 .5rem; font-size: 1.125rem; }
h3 { margin: 1rem 0 .25rem; font-size: 1rem; }
p, li, td, th { overflow-wrap: anywhere; }
.info { border-left: 4px solid #0b4f9c; background: #f3f7fc; padding: .5rem .75rem; font-weight: 600; }
.warn { border-left: 4px solid #a00; background: #fff4f4; color: #700; padding: .5rem .75rem; font-weight: 600; }
.quote { margin: 1rem 0; }
.quote-label { margin: 0; font-weight: 600; }
blockquote { margin: .25rem 0 0; padding: .5rem .75rem; border-left: 4px solid #777; background: #f6f6f6; white-space: pre-line; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
th, td { text-align: left; vertical-align: top; padding: .4rem .5rem .4rem 0; border-bottom: 1px solid #ddd; white-space: pre-line; }
th { width: 38%; font-weight: 600; }
.note { color: #444; font-size: .875rem; }
ul { padding-left: 1.25rem; }
ol.changes { padding-left: 1.25rem; }
ol.changes > li { margin-bottom: 1rem; }
ol.changes p { margin: 0 0 .25rem; }
.action { margin: 1.75rem 0 .5rem; }
.button { display: inline-block; padding: .7rem 1.2rem; border-radius: .25rem; background: #0b4f9c; color: #fff; font-weight: 600; text-decoration: none; }
.link { margin: 0 0 1.5rem; color: #444; font-size: .875rem; }
a { color: #0b4f9c; }
.button:link, .button:visited { color: #fff; }
footer { margin-top: 2rem; padding-top: .75rem; border-top: 1px solid #ccc; color: #444; font-size: .875rem; }
@media (max-width: 30rem) {
  .mail { padding: 1rem .75rem; }
  th, td { display: block; width: auto; padding-right: 0; }
  th { border-bottom: none; padding-bottom: 0; }
}
`;

const BlockView: FC<{ b: Block }> = ({ b }) => {
  switch (b.type) {
    case "p":
      return <p class={b.tone}>{b.text}</p>;
    case "quote":
      return (
        <div class="quote">
          <p class="quote-label">{b.label}</p>
          <blockquote>{b.text}</blockquote>
        </div>
      );
    case "facts":
      return (
        <table>
          <tbody>
            {b.rows.map((r) => (
              <tr>
                <th scope="row">{r.label}</th>
                <td>
                  {r.datetime ? <time datetime={r.datetime}>{r.value}</time> : r.value}
                  {r.note ? <span class="note">{` (${r.note})`}</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      );
    case "list":
      return (
        <section>
          <h2>{b.heading}</h2>
          {b.groups.map((g) => (
            <>
              {g.title ? <h3>{g.title}</h3> : null}
              <ul>
                {g.items.map((i) => (
                  <li>{i}</li>
                ))}
              </ul>
            </>
          ))}
        </section>
      );
    case "changes":
      return (
        <section>
          <h2>{b.heading}</h2>
          <ol class="changes">
            {b.entries.map((e) => (
              <li>
                <p>{e.dates}</p>
                <ul>
                  {e.lines.map((l) => (
                    <li>{l}</li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
        </section>
      );
  }
};

const Mail: FC<{ c: MailContent }> = ({ c }) => {
  const m = MAIL_MESSAGES[c.lang];
  return (
    <html lang={c.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{titleOf(c.subject)}</title>
        <style>{raw(CSS)}</style>
      </head>
      <body>
        <div class="mail">
          <p class="service">{m.service}</p>
          <h1>{c.subject}</h1>
          <p>{c.greeting}</p>
          {c.blocks.map((b) => (
            <BlockView b={b} />
          ))}
          <p class="action">
            <a class="button" href={c.action.url}>
              {c.action.label}
            </a>
          </p>
          <p class="link">
            {m.labels.copy_link} <a href={c.action.url}>{c.action.url}</a>
          </p>
          <footer>
            <p>{c.footer.why}</p>
            {c.footer.links.map((l) => (
              <p>
                <a href={l.url}>{l.label}</a>
              </p>
            ))}
          </footer>
        </div>
      </body>
    </html>
  );
};

function toHtml(c: MailContent): string {
  const html = (<Mail c={c} />).toString();
  // every component here is synchronous, so the element renders to a string at once
  if (typeof html !== "string") throw new TypeError("mail HTML rendered asynchronously");
  return `<!DOCTYPE html>\n${html}`;
}

function finish(c: MailContent): RenderedMail {
  const content = { ...c, subject: oneLine(c.subject) };
  return { subject: content.subject, text: toText(content), html: toHtml(content) };
}

// ---------------------------------------------------------------------------------------------
// The three kinds of mail
// ---------------------------------------------------------------------------------------------

/**
 * The notice of one event to one person; null when the type is not one people are mailed about
 * (`webhook_endpoint.ping`). Throws a TypeError when `data` does not match the type's schema.
 */
export function renderEventNotice(input: { type: EventType; data: unknown; recipient: MailRecipient; links: MailLinks }): RenderedMail | null {
  const { recipient, links } = input;
  const w = words(recipient.lang);
  const body = noticeBody(input.type, input.data, { w, recipient, links });
  if (!body) return null;
  return finish({
    lang: recipient.lang,
    subject: body.subject,
    greeting: w.m.greeting(recipient.name),
    blocks: body.blocks,
    action: body.action,
    footer: {
      why: body.organisation ? w.m.footer.why(body.organisation) : w.m.footer.why_any,
      links: [
        { label: w.m.footer.preferences, url: links.preferences },
        { label: w.m.footer.unsubscribe, url: links.unsubscribe },
      ],
    },
  });
}

/** A mail whose point is one link: a line of what it is for and how long it works, the button, and why the recipient got it. */
function linkMail(recipient: MailRecipient, text: { subject: string; lead: string; expires: string; action: string; why: string }, url: string): RenderedMail {
  const w = words(recipient.lang);
  return finish({
    lang: recipient.lang,
    subject: text.subject,
    greeting: w.m.greeting(recipient.name),
    blocks: [{ type: "p", text: `${text.lead} ${text.expires}` }],
    action: { label: text.action, url },
    footer: { why: text.why, links: [] },
  });
}

/** The sign-in link mail (passwordless sign-in). */
export function renderSignIn(input: { recipient: MailRecipient; url: string; expiresMinutes: number; organisationName: string }): RenderedMail {
  const m = words(input.recipient.lang).m.sign_in;
  return linkMail(
    input.recipient,
    { subject: m.subject(input.organisationName), lead: m.lead(input.organisationName), expires: m.expires(input.expiresMinutes), action: m.action, why: m.why },
    input.url,
  );
}

/** An invitation to join an organisation's console with a role. */
export function renderInvitation(input: {
  recipient: MailRecipient;
  url: string;
  organisationName: string;
  invitedBy: string | null;
  role: "admin" | "decider" | "viewer";
  expiresDays: number;
}): RenderedMail {
  const w = words(input.recipient.lang);
  const role = w.m.invitation.role[input.role];
  return finish({
    lang: input.recipient.lang,
    subject: w.m.invitation.subject(input.organisationName),
    greeting: w.m.greeting(input.recipient.name),
    blocks: [
      { type: "p", text: w.m.invitation.lead(input.organisationName, input.invitedBy, role.name) },
      { type: "p", text: role.description },
      { type: "p", text: w.m.invitation.expires(input.expiresDays) },
    ],
    action: { label: w.m.invitation.action, url: input.url },
    footer: { why: w.m.invitation.why(input.organisationName), links: [] },
  });
}

// ---------------------------------------------------------------------------------------------
// A public page's subscribers: the double opt-in, and the digest of the page's new changes
// ---------------------------------------------------------------------------------------------

/** The confirmation link of a public page subscription (docs/rules.md, "Public page subscriptions"). */
export function renderPageConfirm(input: { recipient: MailRecipient; url: string; pageName: string; expiresDays: number }): RenderedMail {
  const m = words(input.recipient.lang).m.page_confirm;
  return linkMail(
    input.recipient,
    { subject: m.subject(input.pageName), lead: m.lead(input.pageName), expires: m.expires(input.expiresDays), action: m.action, why: m.why },
    input.url,
  );
}

const PageAddress = z.object({ street: z.string(), postal_code: z.string(), city: z.string(), region: z.string().nullish(), country: z.string() });
/** One entry of the page as a digest's payload carries it (structuredChange in src/features/public-page/public-page.view.ts). */
const PageChangeItem = z.object({
  change_request_id: z.string(),
  status: z.enum(["upcoming", "applied"]),
  submitted_at: z.string(),
  effective_date: z.string().nullable(),
  notice_ends_at: z.string().nullable(),
  applied_at: z.string().nullable(),
  changes: z.array(
    z.object({
      action: z.enum(["added", "removed", "updated"]),
      entity: z.enum(["sub_processor", "location"]),
      ref: z.string().nullable(),
      name: z.string().nullable(),
      country_name: z.string().nullable(),
      purpose: z.string().nullable(),
      fields: z.array(z.string()),
      address: PageAddress.nullable(),
    }),
  ),
});

const dateOrNull = (iso: string | null) => (iso ? new Date(iso) : null);

/** The entry back as the page's view has it, so the page's own words say it. */
function pageChange(item: z.infer<typeof PageChangeItem>): PublicChange {
  const appliedAt = dateOrNull(item.applied_at);
  const submittedAt = new Date(item.submitted_at);
  return {
    changeRequestId: item.change_request_id,
    status: item.status,
    submittedAt,
    effectiveDate: dateOrNull(item.effective_date),
    noticeEndsAt: dateOrNull(item.notice_ends_at),
    appliedAt,
    updated: appliedAt ?? submittedAt,
    listedAt: appliedAt ?? submittedAt,
    changes: item.changes.map((l) => ({ ...l, countryName: l.country_name })),
  };
}

/**
 * The page's new changes, merged into one mail: upcoming and applied changes under the page's own
 * headings, each with its dates and lines exactly as the page writes them in this language.
 * Throws a TypeError when an item is not one the page lists.
 */
export function renderPageDigest(input: { recipient: MailRecipient; pageName: string; pageUrl: string; unsubscribeUrl: string; items: unknown }): RenderedMail {
  const w = words(input.recipient.lang);
  const page = pageWordsFor(input.recipient.lang);
  const parsed = z.array(PageChangeItem).min(1).safeParse(input.items);
  if (!parsed.success) throw new TypeError(`A digest's items are not the page's entries: ${parsed.error.message}`);
  const changes = parsed.data.map(pageChange);
  const section = (heading: string, status: PublicChange["status"]): Block[] => {
    const list = changes.filter((c) => c.status === status);
    return list.length ? [{ type: "changes", heading, entries: list.map((c) => ({ dates: page.changeDates(c).join(" "), lines: c.changes.map(page.lineText) })) }] : [];
  };
  return finish({
    lang: input.recipient.lang,
    subject: w.m.page_digest.subject(input.pageName, changes.length),
    greeting: w.m.greeting(input.recipient.name),
    blocks: [{ type: "p", text: w.m.page_digest.lead(input.pageName) }, ...section(page.m.heading_upcoming, "upcoming"), ...section(page.m.heading_changelog, "applied")],
    action: { label: w.m.page_digest.action, url: input.pageUrl },
    footer: { why: w.m.page_digest.why(input.pageName), links: [{ label: w.m.page_digest.unsubscribe, url: input.unsubscribeUrl }] },
  });
}
