// The e-mails' texts: every notice in every language, as plain text and as valid, escaped HTML,
// with the deadline as the controller counts it (24:00 on the last day, its zone, and UTC).
import { HtmlValidate } from "html-validate";
import { describe, expect, it } from "vitest";
import { EVENT_TYPE_NAMES, type EventType } from "../../src/domain/events";
import { EVENT_DATA } from "../../src/features/events/event-data.schemas";
import { draftExample, upstreamChangeExample } from "../../src/features/upstream/upstream.examples";
import { LANGS, type Lang } from "../../src/i18n/types";
import {
  type MailLinks,
  type MailRecipient,
  type RenderedMail,
  renderEventNotice,
  renderInvitation,
  renderPageConfirm,
  renderPageDigest,
  renderSignIn,
} from "../../src/mail/render";

// the same validator as test/features/html-valid.test.ts: hono/jsx writes void elements self-closed
const validator = new HtmlValidate({ extends: ["html-validate:recommended"], rules: { "void-style": ["error", { style: "selfclose" }] } });

const BASE = "https://registry.example";
const links: MailLinks = { base: BASE, unsubscribe: `${BASE}/notices/unsubscribe?token=tok_123&kind=x`, preferences: `${BASE}/console/notices` };
const DECISION_ID = "dec_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C";
const AGREEMENT_ID = "agr_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C";
const DECISION_URL = `${BASE}/console/decisions/${DECISION_ID}`;
const AGREEMENT_URL = `${BASE}/console/agreements/${AGREEMENT_ID}`;
/** 24:00 on 27 December in Copenhagen */
const NOTICE_ENDS = "2026-12-27T23:00:00.000Z";

const address = (city: string, country: string) => ({ street: "Vej 1", postal_code: "1000", city, country });
const recipient = (lang: Lang, side: MailRecipient["side"] = "controller", name: string | null = "Mette Hansen"): MailRecipient => ({
  name,
  email: "mette@kommune.example",
  lang,
  side,
});

/** A decision as the events carry it (src/features/decisions/decisions.schemas.ts), with every kind of operation. */
function decision(over: Record<string, unknown> = {}) {
  return {
    object: "decision",
    id: DECISION_ID,
    change_request_id: "cr_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C",
    agreement: { id: AGREEMENT_ID, title: "Databehandleraftale – hjemmepleje", controller_reference: "KK-2026-0412" },
    processor: { id: "org_p", name: "Omsorgspartner ApS" },
    controller: { id: "org_c", name: "Aarhus Kommune", time_zone: "Europe/Copenhagen" },
    kind: "decision",
    state: "pending",
    overdue: false,
    authorisation: "general",
    notice_ends_at: NOTICE_ENDS,
    notice_held: false,
    original_notice_ends_at: null,
    introduces_third_country: true,
    instruction_conflict: false,
    comment: null,
    objection_reason: null,
    objection_ground: null,
    objection_shared_upstream: false,
    decided_at: null,
    decided_by: null,
    objection_response: null,
    questions: [],
    application: { state: "not_applicable", effective_at: null, version: null, failure_reason: null },
    change: {
      operations: [
        { op: "add_location", location: { ref: "london", label: "Support centre", address: address("London", "GB"), activities: ["support"] } },
        {
          op: "add_sub_processor",
          sub_processor: {
            ref: "night",
            legal_name: "Night Desk Ltd",
            registration: { scheme: "gb_crn", number: "04241161" },
            address: address("London", "GB"),
            description: "Night support",
            locations: ["london"],
          },
        },
        {
          op: "replace_sub_processor",
          target: "oldbackup",
          with: {
            ref: "kista",
            legal_name: "Backup Kista AB",
            registration: { scheme: "se_orgnr", number: "556677-8899" },
            address: address("Kista", "SE"),
            description: "Backup",
            locations: ["dc-dk"],
          },
        },
        { op: "update_sub_processor", target: "nordhost", changes: { legal_name: "Nordhost A/S", address: address("Bengaluru", "IN") } },
        { op: "update_location", target: "dc-dk", changes: { activities: ["hosting", "backup"] } },
        { op: "remove_sub_processor", target: "mailer" },
        { op: "remove_location", target: "dc-old" },
      ],
      reason: "Night support from London",
      effective_date: null,
      submitted_at: "2026-11-27T09:00:00.000Z",
      submitted_by: { id: "usr_1", name: "Jens Jensen", email: "jens@omsorgspartner.example" },
    },
    ...over,
  };
}

const party = (name: string) => ({
  id: `org_${name.length}`,
  name,
  registration: { scheme: "dk_cvr", number: "10000017" },
  country: "DK",
  address: address("Aarhus", "DK"),
  public_authority: name.includes("Kommune"),
  time_zone: "Europe/Copenhagen",
});
const agreement = (over: Record<string, unknown> = {}) => ({
  object: "agreement",
  id: AGREEMENT_ID,
  status: "proposed",
  title: "Databehandleraftale – hjemmepleje",
  controller_reference: null,
  authorisation: "specific",
  notice_days: 30,
  third_country_transfers: "prohibited",
  processor: party("Omsorgspartner ApS"),
  controller: party("Aarhus Kommune"),
  current_version: null,
  terms_version: 1,
  decline_reason: null,
  created_at: "2026-11-22T09:00:00.000Z",
  activated_at: null,
  ...over,
});
const terms = (version: number, over: Record<string, unknown> = {}) => ({
  object: "agreement_terms",
  agreement_id: AGREEMENT_ID,
  version,
  authorisation: "general",
  notice_days: 30,
  third_country_transfers: "prohibited",
  question_extension_days: null,
  effective_at: "2026-11-22T09:00:00.000Z",
  in_force: true,
  reason: null,
  decision_id: null,
  amended_by: null,
  created_at: "2026-11-22T09:00:00.000Z",
  ...over,
});

/** One payload per event type, in the shapes of src/features/events/event-data.schemas.ts. */
const DATA: Record<EventType, unknown> = {
  "change_request.submitted": { decision: decision() },
  "agreement.proposed": { agreement: agreement() },
  "agreement.confirmed": { agreement: agreement({ status: "active", current_version: 1, activated_at: "2026-11-23T09:00:00.000Z" }) },
  "agreement.declined": { agreement: agreement({ status: "declined", decline_reason: "The annex lacks the backup site" }) },
  "agreement.amended": {
    terms: terms(2, {
      third_country_transfers: "with_transfer_mechanism",
      notice_days: 45,
      effective_at: "2026-12-22T09:00:00.000Z",
      in_force: false,
      reason: "Support from London is accepted",
      amended_by: { id: "usr_2", name: null, email: "dpo@aarhus.example" },
    }),
    previous: terms(1),
  },
  "decision.approved": {
    decision: decision({
      state: "approved",
      comment: "OK with the DPIA",
      decided_at: "2026-12-01T10:00:00.000Z",
      decided_by: { id: "usr_2", name: "Mette Hansen", email: "mette@kommune.example" },
      application: { state: "scheduled", effective_at: "2026-12-01T10:00:00.000Z", version: null, failure_reason: null },
    }),
  },
  "decision.objected": {
    decision: decision({ state: "objected", objection_reason: "No transfers to London without a DPIA", objection_ground: "third_country", decided_at: "2026-12-01T10:00:00.000Z" }),
  },
  "decision.objection_responded": {
    decision: decision({
      state: "objected",
      objection_reason: "No transfers to London without a DPIA",
      objection_ground: "third_country",
      decided_at: "2026-12-01T10:00:00.000Z",
      decided_by: { id: "usr_2", name: "Mette Hansen", email: "mette@kommune.example" },
      objection_response: {
        response: "propose_alternative",
        note: "We will propose night support from Dublin instead",
        responded_at: "2026-12-02T09:00:00.000Z",
        responded_by: { id: "usr_1", name: "Jens Jensen", email: "jens@omsorgspartner.example" },
      },
    }),
  },
  "decision.question_asked": (() => {
    const question = {
      id: "qst_1",
      question: "Can the night desk in London reach the records?",
      asked_at: "2026-12-01T10:00:00.000Z",
      asked_by: { id: "usr_2", name: "Mette Hansen", email: "mette@kommune.example" },
      holds_notice: true,
      answer: null,
      answered_at: null,
      answered_by: null,
    };
    return { decision: decision({ notice_held: true, questions: [question] }), question };
  })(),
  "decision.question_answered": (() => {
    const question = {
      id: "qst_1",
      question: "Can the night desk in London reach the records?",
      asked_at: "2026-12-01T10:00:00.000Z",
      asked_by: { id: "usr_2", name: "Mette Hansen", email: "mette@kommune.example" },
      holds_notice: false,
      answer: "Only the ticket text, never the records.",
      answered_at: "2026-12-02T10:00:00.000Z",
      answered_by: null,
    };
    return { decision: decision({ original_notice_ends_at: NOTICE_ENDS, questions: [question] }), question };
  })(),
  "decision.withdrawn": { decision: decision({ state: "withdrawn", decided_at: "2026-12-01T10:00:00.000Z" }) },
  "upstream_change.received": { upstream_change: upstreamChangeExample, draft: draftExample, prefill_warnings: [] },
  "decision.deemed_approved": {
    decision: decision({
      state: "deemed_approved",
      decided_at: NOTICE_ENDS,
      application: { state: "scheduled", effective_at: NOTICE_ENDS, version: null, failure_reason: null },
    }),
  },
  "decision.overdue": { decision: decision({ authorisation: "specific", overdue: true }) },
  "notice.reminder": { decision: decision(), days_before: 7, notice_ends_at: NOTICE_ENDS },
  "annex.version_created": {
    decision: decision({ state: "deemed_approved", application: { state: "applied", effective_at: NOTICE_ENDS, version: 2, failure_reason: null } }),
    annex: {
      agreement_id: AGREEMENT_ID,
      version: 2,
      effective_at: NOTICE_ENDS,
      change_request_id: "cr_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C",
      third_country: true,
      kind: "decision",
      changes: {
        locations: { added: ["london"], removed: ["dc-old"], changed: [{ ref: "dc-dk", fields: ["activities"] }] },
        sub_processors: { added: ["night", "kista"], removed: ["oldbackup", "mailer"], changed: [{ ref: "nordhost", fields: ["legal_name", "address"] }] },
      },
    },
  },
  "classification.changed": {
    agreement_id: AGREEMENT_ID,
    annex_version: 3,
    approved_under: "2026-11-27",
    release: "2027-03-01",
    changes: [{ entry_id: "sp_1", ref: "us-support", name: "US Support Inc.", kind: "sub_processor", country: "US", from: "adequacy", to: "third_country" }],
  },
  "change_request.failed": {
    decision: decision({ state: "approved", application: { state: "failed", effective_at: null, version: null, failure_reason: 'The annex has no location "london".' } }),
    errors: [{ pointer: "/operations/1/sub_processor/locations/0", rule: "known_location", detail: 'The annex has no location "london".' }],
  },
  "webhook_endpoint.disabled": {
    endpoint: {
      object: "webhook_endpoint",
      id: "ep_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C",
      url: "https://case.example.dk/hooks/subprocessors",
      description: null,
      event_types: null,
      enabled: false,
      disabled_reason: "failing",
      failing_since: "2026-11-22T09:00:00.000Z",
      previous_secret_expires_at: null,
      created_at: "2026-11-01T09:00:00.000Z",
      updated_at: "2026-11-27T09:00:00.000Z",
    },
    reason: "failing",
    detail: "No successful delivery for 5 days",
    last_status_code: 503,
    last_error: null,
  },
  "webhook_endpoint.ping": { endpoint_id: "ep_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C", message: "ping" },
  "audit.checkpoint": {
    checkpoint: { object: "audit_checkpoint", seq: 42, hash: "a".repeat(64), at: "2026-11-22T10:00:00.000Z", key_id: "3f2a9c0d1e4b5a68", signature: "sig" },
    from_seq: 1,
  },
};

const DATA_OBJECTED = () => (DATA["decision.objected"] as { decision: Record<string, unknown> }).decision;

// questions and answers are told by event and webhook, and shown on the decision (docs/rules.md, rule 13)
const NOT_MAILED: EventType[] = ["webhook_endpoint.ping", "audit.checkpoint", "upstream_change.received", "decision.question_asked", "decision.question_answered"];
const MAILED = EVENT_TYPE_NAMES.filter((t) => !NOT_MAILED.includes(t));
/** Where each notice's one call to action leads. */
const ACTION: Partial<Record<EventType, string>> = {
  "agreement.proposed": AGREEMENT_URL,
  "agreement.confirmed": AGREEMENT_URL,
  "agreement.declined": AGREEMENT_URL,
  "agreement.amended": AGREEMENT_URL,
  "annex.version_created": AGREEMENT_URL,
  "classification.changed": AGREEMENT_URL,
  "webhook_endpoint.disabled": `${BASE}/docs`,
};

function render(type: EventType, lang: Lang, side: MailRecipient["side"] = "controller", data: unknown = DATA[type]): RenderedMail {
  const mail = renderEventNotice({ type, data, recipient: recipient(lang, side), links });
  expect(mail, `${type} ${lang}`).not.toBeNull();
  return mail!;
}

async function htmlProblems(label: string, html: string): Promise<string[]> {
  const report = await validator.validateString(html);
  const problems = report.results.flatMap((r) => r.messages.map((m) => `${label} ${m.line}:${m.column} ${m.ruleId}: ${m.message}`));
  if (!html.startsWith("<!DOCTYPE html>")) problems.push(`${label}: no doctype`);
  return problems;
}

const decode = (html: string) => html.replaceAll("&amp;", "&");

describe("the fixtures are the events' real shapes", () => {
  it.each(EVENT_TYPE_NAMES)("%s validates against EVENT_DATA", (type) => {
    const result = EVENT_DATA[type].safeParse(DATA[type]);
    expect(result.success, `${type}: ${result.error?.message}`).toBe(true);
  });
});

describe("every notice in every language", () => {
  describe.each(LANGS)("%s", (lang) => {
    it.each(withSides(MAILED))("%s to the %s", (type, side) => {
      const mail = render(type, lang, side);
      expect(mail.subject.trim().length).toBeGreaterThan(5);
      expect(mail.subject).not.toMatch(/[\r\n]/);
      expect(mail.html.startsWith("<!DOCTYPE html>")).toBe(true);
      expect(mail.html).toContain(`<html lang="${lang}">`);
      expect(mail.html).toContain('<meta charset="utf-8"');
      expect(mail.html).toMatch(/<title>[^<]+<\/title>/);
      expect(mail.html).not.toMatch(/<script|<img|<link /i);
      // the one call to action, in both renderings; in the text on a line of its own
      const action = ACTION[type] ?? DECISION_URL;
      expect(mail.text.split("\n")).toContain(action);
      expect(mail.html).toContain(`href="${action}"`);
      // the footer's two links, the same way
      for (const url of [links.preferences, links.unsubscribe]) {
        expect(mail.text.split("\n")).toContain(url);
        expect(decode(mail.html)).toContain(`href="${url}"`);
      }
      // greeted by name
      expect(mail.text.split("\n")[0]).toContain("Mette Hansen");
    });
  });

  it.each(MAILED)("%s: the subject differs by language", (type) => {
    const subjects = LANGS.map((lang) => render(type, lang).subject);
    expect(new Set(subjects).size, subjects.join(" | ")).toBe(LANGS.length);
  });

  it("webhook_endpoint.ping is not mailed", () => {
    for (const lang of LANGS) expect(renderEventNotice({ type: "webhook_endpoint.ping", data: DATA["webhook_endpoint.ping"], recipient: recipient(lang), links })).toBeNull();
  });

  it("data without what the mail shows is refused, not mailed half-empty", () => {
    expect(() => renderEventNotice({ type: "decision.objected", data: { decision: { id: DECISION_ID } }, recipient: recipient("en"), links })).toThrow(TypeError);
  });

  it("an event stored before decided_by and submitted_by existed still renders", () => {
    const old = decision();
    const { decided_by: _d, ...withoutPerson } = old;
    const { submitted_by: _s, ...change } = old.change;
    const mail = render("change_request.submitted", "en", "controller", { decision: { ...withoutPerson, change } });
    expect(mail.text).toContain(DECISION_URL);
  });
});

function withSides(types: EventType[]): [EventType, MailRecipient["side"]][] {
  return types.flatMap((t) => [
    [t, "controller"],
    [t, "processor"],
  ]);
}

describe("valid HTML", () => {
  it("every notice, the sign-in and the invitation, in every language (html-validate's recommended preset)", async () => {
    const problems: string[] = [];
    for (const lang of LANGS) {
      for (const type of MAILED)
        for (const side of ["controller", "processor"] as const) problems.push(...(await htmlProblems(`${type} ${lang} ${side}`, render(type, lang, side).html)));
      problems.push(
        ...(await htmlProblems(
          `sign-in ${lang}`,
          renderSignIn({ recipient: recipient(lang), url: `${BASE}/console/sign-in/tok_abc`, expiresMinutes: 15, organisationName: "Aarhus Kommune" }).html,
        )),
        ...(await htmlProblems(
          `invitation ${lang}`,
          renderInvitation({
            recipient: recipient(lang, "controller", null),
            url: `${BASE}/console/invitations/tok_abc`,
            organisationName: "Aarhus Kommune",
            invitedBy: "Mette Hansen",
            role: "decider",
            expiresDays: 7,
          }).html,
        )),
      );
    }
    expect(problems).toEqual([]);
  });
});

describe("what users typed is escaped", () => {
  const evil = `<script>alert("x")</script> & <b onmouseover="x">`;
  it("an objection reason, an agreement title and a party's name never reach the HTML raw", async () => {
    const d = decision({
      state: "objected",
      objection_reason: evil,
      agreement: { id: AGREEMENT_ID, title: `Aftale ${evil}`, controller_reference: null },
      controller: { id: "org_c", name: `Kommune ${evil}`, time_zone: "Europe/Copenhagen" },
    });
    for (const lang of LANGS) {
      const mail = render("decision.objected", lang, "processor", { decision: d });
      expect(mail.html).not.toContain("<script");
      expect(mail.html).not.toContain("<b ");
      expect(mail.html).toContain("&lt;script&gt;");
      // the plain text keeps the words as written, and the reason stands out, quoted
      expect(mail.text).toContain(`> ${evil}`);
      expect(await htmlProblems(`escaped ${lang}`, mail.html)).toEqual([]);
    }
  });

  it("a title with line breaks makes a one-line subject", () => {
    const d = decision({ agreement: { id: AGREEMENT_ID, title: "Aftale\r\nBcc: someone@example.com", controller_reference: null } });
    const mail = render("change_request.submitted", "en", "controller", { decision: d });
    expect(mail.subject).toBe("Change awaiting your decision: Aftale Bcc: someone@example.com");
  });
});

describe("the deadline, as the controller counts it", () => {
  // 2026-12-27T23:00:00Z is 00:00 on 28 December in Copenhagen: the notice runs out at 24:00 on the 27th (formatDeadline)
  const cases: [Lang, string, RegExp][] = [
    ["en", "27 December 2026 at 24:00", /27 Dec 2026, 23:00 UTC/],
    ["da", "27. december 2026 kl. 24:00", /27\. dec\. 2026.*23[.:]00 UTC/],
    ["sv", "2026-12-27 kl. 24.00", /27 dec\. 2026.*23[.:]00 UTC/],
  ];
  it.each(cases)("%s: the last day at 24:00 local, the zone, and the instant in UTC", (lang, local, utc) => {
    for (const type of ["change_request.submitted", "notice.reminder"] as const) {
      const mail = render(type, lang);
      const text = mail.text.replace(/\s+/g, " ");
      expect(text).toContain(local);
      expect(text).toContain("Europe/Copenhagen");
      expect(text).toMatch(utc);
      expect(mail.html).toContain(`<time datetime="${NOTICE_ENDS}">${local}</time>`);
      expect(mail.html).toMatch(utc);
      expect(mail.html).not.toContain("28 December");
    }
  });

  it("a controller in another zone sees its own", () => {
    const d = decision({ controller: { id: "org_c", name: "Malmö stad", time_zone: "Europe/Stockholm" }, notice_ends_at: "2027-01-26T23:00:00.000Z" });
    const mail = render("change_request.submitted", "sv", "controller", { decision: d });
    expect(mail.text.replace(/\s+/g, " ")).toContain("2027-01-26 kl. 24.00");
    expect(mail.text).toContain("Europe/Stockholm");
  });
});

describe("what a change awaiting a decision says", () => {
  it("what changes, with names, places and countries, and the flags", () => {
    const mail = render("change_request.submitted", "en");
    const text = mail.text.replace(/\s+/g, " ");
    expect(text).toContain("Processing location: Support centre, London, United Kingdom (third country)");
    expect(text).toContain("Sub-processor: Night Desk Ltd, London, United Kingdom (third country) – Night support");
    expect(text).toContain("Sub-processor: Backup Kista AB (replaces oldbackup), Kista, Sweden – Backup");
    expect(text).toContain("Sub-processor nordhost: Legal name: Nordhost A/S; moves to Bengaluru, India (third country)");
    expect(text).toContain("Removed: - Sub-processor: oldbackup - Sub-processor: mailer - Processing location: dc-old");
    expect(text).toContain("Introduces a transfer to a third country: Yes");
    expect(text).toContain("Conflicts with the instruction: No");
    expect(text).toContain("Submitted by: Jens Jensen");
    expect(text).toContain("Night support from London");
    expect(mail.subject).toBe("Change awaiting your decision: Databehandleraftale – hjemmepleje");
  });

  it("the glossary's words in Danish and Swedish", () => {
    const da = render("change_request.submitted", "da").text.replace(/\s+/g, " ");
    expect(da).toContain("underdatabehandlere");
    expect(da).toContain("Underdatabehandler: Night Desk Ltd, London, Storbritannien (tredjeland)");
    expect(da).toContain("Medfører overførsel til tredjeland: Ja");
    const sv = render("change_request.submitted", "sv").text.replace(/\s+/g, " ");
    expect(sv).toContain("underbiträden");
    expect(sv).toContain("Underbiträde: Night Desk Ltd, London, Storbritannien (tredjeland)");
    expect(sv).toContain("Medför överföring till tredjeland: Ja");
    const svConflict = render("change_request.submitted", "sv", "processor", { decision: decision({ instruction_conflict: true }) }).text.replace(/\s+/g, " ");
    expect(svConflict).toContain("instruktioner");
  });

  it.each([
    ["general", false, "If you do nothing, this change is approved on 27 December 2026 at 24:00."],
    ["specific", false, "This change needs your explicit approval; silence is not approval."],
    ["specific", true, "This change conflicts with your instruction on third-country transfers; it cannot take effect unless you amend the instruction."],
    ["general", true, "This change conflicts with your instruction on third-country transfers; it cannot take effect unless you amend the instruction."],
  ] as const)("under a %s authorisation (conflict: %s), silence is explained", (authorisation, conflict, sentence) => {
    const d = decision({ authorisation, instruction_conflict: conflict });
    const mail = render("change_request.submitted", "en", "controller", { decision: d });
    expect(mail.text.replace(/\s+/g, " ")).toContain(sentence);
    expect(mail.html).toContain(sentence);
    if (conflict) expect(mail.text.replace(/\s+/g, " ")).toContain("Conflicts with the instruction: Yes");
  });

  it("to the processor, the same change in the third person", () => {
    const mail = render("change_request.submitted", "en", "processor");
    expect(mail.subject).toBe("Change submitted: Databehandleraftale – hjemmepleje");
    const text = mail.text.replace(/\s+/g, " ");
    expect(text).toContain("It now waits for Aarhus Kommune's decision.");
    expect(text).toContain("deemed approved on 27 December 2026 at 24:00, unless Aarhus Kommune objects");
    expect(text).not.toContain("If you do nothing");
  });

  it("a notice needs no decision, and says so", () => {
    const d = decision({
      kind: "notice",
      state: "noticed",
      introduces_third_country: false,
      change: { ...decision().change, operations: [{ op: "remove_sub_processor", target: "mailer" }], effective_date: "2027-01-01T00:00:00.000Z" },
    });
    const mail = render("change_request.submitted", "en", "controller", { decision: d });
    expect(mail.subject).toBe("Notice of a change: Databehandleraftale – hjemmepleje");
    const text = mail.text.replace(/\s+/g, " ");
    expect(text).toContain("It is a notice: there is nothing to approve or object to.");
    expect(text).toContain("It takes effect on 1 January 2027 01:00.");
    expect(text).not.toContain("If you do nothing");
    expect(text).not.toContain("Notice ends");
    expect(mail.text).toContain(DECISION_URL);
  });

  it("a reminder counts the days left", () => {
    expect(render("notice.reminder", "en").subject).toBe("Reminder, 7 days left to decide: Databehandleraftale – hjemmepleje");
    expect(render("notice.reminder", "da").subject).toBe("Påmindelse, 7 dage til at beslutte: Databehandleraftale – hjemmepleje");
    const one = render("notice.reminder", "sv", "controller", { ...(DATA["notice.reminder"] as object), days_before: 1 });
    expect(one.subject).toBe("Påminnelse, 1 dag kvar att besluta: Databehandleraftale – hjemmepleje");
  });
});

describe("what the other notices say", () => {
  it("an objection carries its reason, prominently", () => {
    const mail = render("decision.objected", "en", "processor");
    expect(mail.subject).toBe("Objection to the change: Databehandleraftale – hjemmepleje");
    const reason = mail.text.indexOf("> No transfers to London without a DPIA");
    expect(reason).toBeGreaterThan(0);
    expect(reason).toBeLessThan(mail.text.indexOf("Agreement:"));
    expect(mail.html).toMatch(/<blockquote>No transfers to London without a DPIA<\/blockquote>/);
  });

  it.each([
    ["en", "Ground for the objection: Transfer to a third country"],
    ["da", "Grundlag for indsigelsen: Overførsel til tredjeland"],
    ["sv", "Grund för invändningen: Överföring till tredjeland"],
  ] as const)("an objection names its ground in the recipient's language (%s), before the reason", (lang, ground) => {
    const mail = render("decision.objected", lang, "processor");
    const text = mail.text.replace(/\s+/g, " ");
    expect(text).toContain(ground);
    expect(text.indexOf(ground)).toBeLessThan(text.indexOf("> No transfers to London without a DPIA"));
    expect(mail.html).toContain(ground.split(": ")[1]);
  });

  it("an objection recorded before grounds existed names none", () => {
    const mail = render("decision.objected", "en", "processor", { decision: { ...DATA_OBJECTED(), objection_ground: null } });
    expect(mail.text).not.toContain("Ground for the objection");
    expect(mail.text).toContain("> No transfers to London without a DPIA");
  });

  it("the processor's answer tells the controller what it will do, and the objection it answers", () => {
    const text = render("decision.objection_responded", "en", "controller").text.replace(/\s+/g, " ");
    expect(text).toContain("Omsorgspartner ApS answered Aarhus Kommune's objection");
    expect(text).toContain("The processor's answer to the objection: Proposes an alternative");
    expect(text).toContain("Answered by: Jens Jensen");
    expect(text).toContain("> We will propose night support from Dublin instead");
    expect(text).toContain("> No transfers to London without a DPIA");
    expect(text).toContain("Ground for the objection: Transfer to a third country");
    const da = render("decision.objection_responded", "da", "controller").text.replace(/\s+/g, " ");
    expect(da).toContain("Databehandlerens svar på indsigelsen: Foreslår et alternativ");
    const sv = render("decision.objection_responded", "sv", "controller").text.replace(/\s+/g, " ");
    expect(sv).toContain("Personuppgiftsbiträdets svar på invändningen: Föreslår ett alternativ");
  });

  it("an approval names who decided and when it takes effect", () => {
    const text = render("decision.approved", "en", "processor").text.replace(/\s+/g, " ");
    expect(text).toContain("Aarhus Kommune approved Omsorgspartner ApS's change");
    expect(text).toContain("Decided by: Mette Hansen");
    expect(text).toContain("Effective date: 1 December 2026 11:00");
    expect(text).toContain("> OK with the DPIA");
  });

  it("a new annex version lists the applied difference by name", () => {
    const mail = render("annex.version_created", "en");
    const text = mail.text.replace(/\s+/g, " ");
    expect(mail.subject).toBe("New annex version 2: Databehandleraftale – hjemmepleje");
    expect(text).toContain("Sub-processor: Night Desk Ltd, London, United Kingdom (third country)");
    expect(text).toContain("Sub-processor: nordhost: Legal name, Address");
    expect(text).toContain("Transfer to a third country (the annex as a whole): Yes");
  });

  it("an amendment shows the terms before and after", () => {
    const text = render("agreement.amended", "da", "processor").text.replace(/\s+/g, " ");
    expect(text).toContain("Databehandleren må ikke overføre personoplysninger til tredjelande → Overførsel til tredjelande med gyldigt overførselsgrundlag");
    expect(text).toContain("30 dage → 45 dage");
    expect(text).toContain("Ændret af: dpo@aarhus.example");
  });

  it("a proposed agreement asks the controller to confirm it", () => {
    const mail = render("agreement.proposed", "sv");
    expect(mail.subject).toBe("Avtal väntar på er bekräftelse: Databehandleraftale – hjemmepleje");
    expect(mail.text).toContain(AGREEMENT_URL);
  });

  it("a disabled endpoint names it and why", () => {
    const text = render("webhook_endpoint.disabled", "en").text.replace(/\s+/g, " ");
    expect(text).toContain("The webhook endpoint https://case.example.dk/hooks/subprocessors kept failing for 5 days");
    expect(text).toContain("PATCH /v1/webhook-endpoints/ep_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C");
    expect(text).toContain("Last HTTP status: 503");
  });

  it("without a name, a plain greeting", () => {
    const mail = renderEventNotice({ type: "decision.withdrawn", data: DATA["decision.withdrawn"], recipient: recipient("da", "controller", null), links })!;
    expect(mail.text.split("\n")[0]).toBe("Hej,");
  });
});

describe("plain text", () => {
  it("is wrapped at 72 characters; only a link (one long word) may stand longer, alone on its line", () => {
    for (const lang of LANGS)
      for (const type of MAILED) for (const line of render(type, lang).text.split("\n")) if (line.length > 72) expect(line, `${type} ${lang}`).not.toMatch(/\s/);
  });
});

describe("the sign-in and the invitation", () => {
  it.each(LANGS)("%s", (lang) => {
    const signIn = renderSignIn({ recipient: recipient(lang), url: `${BASE}/console/sign-in/tok_abc`, expiresMinutes: 15, organisationName: "Aarhus Kommune" });
    expect(signIn.subject.startsWith("Aarhus Kommune")).toBe(true);
    expect(signIn.text.split("\n")).toContain(`${BASE}/console/sign-in/tok_abc`);
    expect(signIn.text).toContain("15");
    expect(signIn.html).toContain(`href="${BASE}/console/sign-in/tok_abc"`);
    const invitation = renderInvitation({
      recipient: recipient(lang, "processor", null),
      url: `${BASE}/console/invitations/tok_abc`,
      organisationName: "Omsorgspartner ApS",
      invitedBy: null,
      role: "admin",
      expiresDays: 7,
    });
    expect(invitation.subject.startsWith("Omsorgspartner ApS")).toBe(true);
    expect(invitation.text.split("\n")).toContain(`${BASE}/console/invitations/tok_abc`);
    expect(invitation.html).toContain(`<html lang="${lang}">`);
  });

  it("subjects differ by language", () => {
    const subjects = LANGS.map((lang) => renderSignIn({ recipient: recipient(lang), url: "u", expiresMinutes: 15, organisationName: "X" }).subject);
    expect(new Set(subjects).size).toBe(3);
    const roles = LANGS.map((lang) => renderInvitation({ recipient: recipient(lang), url: "u", organisationName: "X", invitedBy: "Y", role: "viewer", expiresDays: 1 }).text);
    expect(roles[0]).toContain("Y har inviteret dig til X i Subprocessor Registry som læser.");
    expect(roles[1]).toContain("Y har bjudit in dig till X i Subprocessor Registry som läsare.");
    expect(roles[2]).toContain("Y has invited you to X in the Subprocessor Registry, as viewer.");
  });
});

describe("a public page's subscribers: the confirmation and the digest", () => {
  const CONFIRM_URL = `${BASE}/public/omsorgspartner/subscription/confirm?token=tok_abc`;
  const PAGE_URL = `${BASE}/public/omsorgspartner`;
  const UNSUBSCRIBE_URL = `${BASE}/public/omsorgspartner/unsubscribe?s=sub_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C&t=secret`;
  const subscriber = (lang: Lang): MailRecipient => ({ name: null, email: "reader@example.org", lang, side: "controller" });
  const line = (over: Record<string, unknown>) => ({
    action: "added",
    entity: "sub_processor",
    ref: null,
    name: null,
    country_name: null,
    purpose: null,
    fields: [],
    address: null,
    ...over,
  });
  /** Two entries as the page lists them (structuredChange in src/features/public-page/public-page.view.ts): one announced, one applied. */
  const ITEMS = [
    {
      change_request_id: "cr_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C",
      status: "upcoming",
      submitted_at: "2026-11-22T09:00:00.000Z",
      effective_date: "2027-01-15T00:00:00.000Z",
      notice_ends_at: NOTICE_ENDS,
      applied_at: null,
      changes: [
        line({ ref: "night", name: "Night Desk Ltd", country_name: "United Kingdom", purpose: "Night support" }),
        line({ entity: "location", country_name: "United Kingdom" }),
      ],
    },
    {
      change_request_id: "cr_01JD6Z3K8Q9V2W4X6Y8Z0A1B2D",
      status: "applied",
      submitted_at: "2026-10-01T09:00:00.000Z",
      effective_date: null,
      notice_ends_at: null,
      applied_at: "2026-11-20T10:00:00.000Z",
      changes: [
        line({ action: "updated", ref: "nordhost", name: "NordHost A/S", country_name: "Denmark", fields: ["purpose", "transfer mechanism"] }),
        line({ action: "removed", ref: "mailer" }),
      ],
    },
  ];
  const digest = (lang: Lang, items: unknown = ITEMS, pageName = "Omsorgspartner ApS") =>
    renderPageDigest({ recipient: subscriber(lang), pageName, pageUrl: PAGE_URL, unsubscribeUrl: UNSUBSCRIBE_URL, items });
  const confirmation = (lang: Lang, pageName = "Omsorgspartner ApS") => renderPageConfirm({ recipient: subscriber(lang), url: CONFIRM_URL, pageName, expiresDays: 7 });

  it.each(LANGS)("%s: the confirmation's one link, on its own line and as the button; it says how long it works", (lang) => {
    const mail = confirmation(lang);
    expect(mail.subject).toContain("Omsorgspartner ApS");
    expect(mail.text.split("\n")).toContain(CONFIRM_URL);
    expect(mail.html).toContain(`href="${decode(CONFIRM_URL)}"`);
    expect(mail.html).toContain(`<html lang="${lang}">`);
    expect(mail.text).toContain("7");
    expect(mail.text.split("\n")[0]).toMatch(/^(Hej|Hello),$/);
  });

  it("the digest in English: the page's headings, each change's dates and lines as the page writes them, a link to the page and one to unsubscribe", () => {
    const mail = digest("en");
    expect(mail.subject).toBe("Omsorgspartner ApS: 2 changes to its sub-processors");
    const text = mail.text.replace(/\s+/g, " ");
    expect(text).toContain(
      "Upcoming changes: Announced 2026-11-22. Planned effective date: 2027-01-15. Notice period ends: 2026-12-27. - Added sub-processor Night Desk Ltd (night), United Kingdom; purpose: Night support - Added a processing location in United Kingdom",
    );
    expect(text).toContain(
      "Changelog: In effect since 2026-11-20. - Updated sub-processor NordHost A/S (nordhost); changed: purpose, transfer mechanism - Removed sub-processor mailer",
    );
    expect(text.indexOf("Upcoming changes:")).toBeLessThan(text.indexOf("Changelog:"));
    for (const url of [PAGE_URL, UNSUBSCRIBE_URL]) {
      expect(mail.text.split("\n")).toContain(url);
      expect(decode(mail.html)).toContain(`href="${url}"`);
    }
    expect(mail.html).toContain("<h2>Upcoming changes</h2>");
    expect(mail.html).toContain("<p>In effect since 2026-11-20.</p>");
  });

  it("the digest in Danish and Swedish: the glossary's words, the countries in the reader's language", () => {
    const da = digest("da");
    expect(da.subject).toBe("Omsorgspartner ApS: 2 ændringer af underdatabehandlere");
    const daText = da.text.replace(/\s+/g, " ");
    expect(daText).toContain("Varslede ændringer: Varslet 2026-11-22.");
    expect(daText).toContain("Tilføjet underdatabehandler Night Desk Ltd (night), Storbritannien; beskrivelse af behandling: Night support");
    expect(daText).toContain("Ændret underdatabehandler NordHost A/S (nordhost); ændret: beskrivelse af behandling, overførselsgrundlag");
    const sv = digest("sv", ITEMS.slice(1));
    expect(sv.subject).toBe("Omsorgspartner ApS: 1 ändring av underbiträden");
    expect(sv.text.replace(/\s+/g, " ")).toContain("Ändringshistorik:");
    expect(sv.text).not.toContain("Aviserade ändringar");
  });

  it("subjects differ by language", () => {
    expect(new Set(LANGS.map((lang) => confirmation(lang).subject)).size).toBe(3);
    expect(new Set(LANGS.map((lang) => digest(lang).subject)).size).toBe(3);
  });

  it("items that are not the page's entries are refused, not mailed half-empty", () => {
    expect(() => digest("en", [])).toThrow(TypeError);
    expect(() => digest("en", [{ change_request_id: "cr_1", status: "pending" }])).toThrow(TypeError);
    expect(() => digest("en", null)).toThrow(TypeError);
  });

  it("valid HTML in every language, with what the processor typed escaped", async () => {
    const evil = `<script>alert("x")</script> & <b onmouseover="x">`;
    const items = [{ ...ITEMS[0], changes: [line({ ref: "x", name: `Evil ${evil}`, purpose: evil })] }];
    const problems: string[] = [];
    for (const lang of LANGS) {
      problems.push(...(await htmlProblems(`confirmation ${lang}`, confirmation(lang).html)), ...(await htmlProblems(`digest ${lang}`, digest(lang).html)));
      for (const mail of [confirmation(lang, `Page ${evil}`), digest(lang, items, `Page ${evil}`)]) {
        expect(mail.html).not.toContain("<script");
        expect(mail.html).not.toContain("<b ");
        problems.push(...(await htmlProblems(`escaped ${lang}`, mail.html)));
      }
    }
    expect(problems).toEqual([]);
  });

  it("plain text is wrapped at 72 characters; only a link stands longer", () => {
    for (const lang of LANGS) for (const mail of [confirmation(lang), digest(lang)]) for (const l of mail.text.split("\n")) if (l.length > 72) expect(l, lang).not.toMatch(/\s/);
  });
});
