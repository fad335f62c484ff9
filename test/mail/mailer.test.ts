import { describe, expect, it } from "vitest";
import { createMailer } from "../../src/mail/create-mailer";
import { drainMail, MAIL_RETRY_MS } from "../../src/mail/mailer";
import { createSmtpTransport } from "../../src/mail/nodemailer-transport";
import { createTestContext, DAY, type TestContext } from "../helpers/app";
import { addBackupOp, createActiveAgreement, createOrg } from "../helpers/factories";
import { invitePerson, ORIGIN, useLink } from "../helpers/people";
import { headerOf, linkIn, startSmtpServer } from "../helpers/smtp";

// Notices by e-mail through the outbox (docs/rules.md, "Notices by e-mail"), delivered over real
// SMTP to a real server in the test process, and read as the recipient reads them.

async function world() {
  const t = await createTestContext();
  const smtp = await startSmtpServer();
  const transport = createSmtpTransport(smtp.url, "Subprocessor Registry <registry@registry.example>");
  const mailer = createMailer(t.deps, transport);
  const send = () => drainMail(mailer);
  const processor = await createOrg(t, "Omsorgspartner ApS");
  const controller = await createOrg(t, "Aarhus Kommune");
  const agreement = await createActiveAgreement(t, processor, controller);
  const dpo = await invitePerson(t, controller.key, { role: "admin", name: "Mette Hansen", email: "dpo@aarhus.example" });
  const compliance = await invitePerson(t, processor.key, { role: "admin", name: "Jonas Berg", email: "compliance@omsorgspartner.example" });
  return { t, smtp, send, processor, controller, agreement, dpo, compliance, close: () => transport.close() };
}

const consolePost = (t: TestContext, cookie: string, path: string, form: Record<string, string>) =>
  t.app.request(path, { method: "POST", headers: { Cookie: cookie, Origin: ORIGIN }, body: new URLSearchParams(form) });

describe("mail through the outbox", () => {
  it("a DPO signs in from the mailed link, is told of a change, objects, and the processor is told with the reason", async () => {
    const w = await world();
    await w.send();
    // the invitations arrived: one each, in the organisation's language (Danish for Danish organisations)
    expect(w.smtp.to("dpo@aarhus.example")).toHaveLength(1);
    expect(w.smtp.to("dpo@aarhus.example")[0]!.parsed.html).toContain('lang="da"');

    // the DPO asks for a sign-in link and reads it from the mail
    await w.t.app.request("/console/sign-in", { method: "POST", headers: { Origin: ORIGIN }, body: new URLSearchParams({ email: "dpo@aarhus.example" }) });
    await w.send();
    const signInMail = w.smtp.to("dpo@aarhus.example")[1]!;
    const signed = await useLink(w.t, linkIn(signInMail, /\/console\/sign-in\/link\?token=/).href);
    expect(signed.status).toBe(303);
    const cookie = signed.headers.get("set-cookie")!.split(";")[0]!;
    // once sent, the link is not kept anywhere in the database
    const payloads = (await w.t.client.execute("SELECT payload FROM mails WHERE kind = 'sign_in'")).rows;
    expect(payloads.every((r) => r.payload === null)).toBe(true);

    // the processor submits a change: the DPO is told, with the deadline in Copenhagen time and UTC and a link to decide
    const cr = await w.t.call(w.processor.key, "POST", "/v1/change-requests", { agreements: [w.agreement.id], operations: [addBackupOp("kista")], reason: "A backup site" });
    expect(cr.status).toBe(201);
    const decision = cr.body.decisions[0];
    await w.send();
    const notice = w.smtp.to("dpo@aarhus.example")[2]!;
    expect(notice.parsed.subject).toBeTruthy();
    expect(notice.parsed.text).toContain("UTC");
    expect(notice.parsed.html).toContain(`/console/decisions/${decision.id}`);
    expect(headerOf(notice, "List-Unsubscribe")).toMatch(/\/mail\/unsubscribe\?/);
    expect(headerOf(notice, "List-Unsubscribe-Post")).toBe("List-Unsubscribe=One-Click");
    expect(notice.parsed.messageId).toMatch(/^<mail_[0-9A-Z]+@registry\.example>$/);
    expect(headerOf(notice, "References")).toContain(`<${cr.body.id}@registry.example>`);
    // the processor submitted it itself: no "awaiting your decision" mail to its own people
    expect(w.smtp.to("compliance@omsorgspartner.example")).toHaveLength(1);

    // the link goes straight to the decision page, signed in; the DPO objects there
    const link = new URL(linkIn(notice, new RegExp(`/console/decisions/${decision.id}`)));
    const page = await w.t.app.request(link.pathname, { headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    const reason = "The backup site in Kista is not in our approved regions.";
    expect((await consolePost(w.t, cookie, `/console/decisions/${decision.id}/object`, { csrf, reason, ground: "third_country" })).status).toBe(303);
    await w.send();
    const objection = w.smtp.to("compliance@omsorgspartner.example")[1]!;
    expect(objection.parsed.text).toContain(reason);
    // the ground, in the recipient's language (Danish for a Danish organisation)
    expect(objection.parsed.text).toContain("Grundlag for indsigelsen: Overførsel til tredjeland");
    expect(objection.parsed.text).toContain("Mette Hansen");
    expect(headerOf(objection, "References")).toBe(headerOf(notice, "References"));

    // proof that notice was given: the audit trail says who was told what, and when
    const audit = await w.t.call(w.controller.key, "GET", "/v1/audit?limit=100");
    const sent = audit.body.data.filter((r: { action: string }) => r.action === "notice.sent");
    expect(sent).toContainEqual(
      expect.objectContaining({
        actor: expect.objectContaining({ type: "system" }),
        resource: { type: "decision", id: decision.id },
        detail: expect.objectContaining({ kind: "change_request.submitted", user_id: w.dpo.id, message_id: notice.parsed.messageId }),
      }),
    );
    expect((await w.t.call(w.controller.key, "GET", "/v1/audit/verify")).body.valid).toBe(true);
    w.close();
  });

  it("retries with backoff while the mail server refuses, recording each attempt, and sends once it accepts", async () => {
    const w = await world();
    w.smtp.state.refuse = true;
    await w.send();
    const rows = async () => (await w.t.client.execute("SELECT state, attempts, next_attempt_at FROM mails WHERE to_address = 'dpo@aarhus.example'")).rows[0]!;
    expect(await rows()).toMatchObject({ state: "pending", attempts: 1 });
    expect(Number((await rows()).next_attempt_at)).toBe(w.t.clock.now().getTime() + MAIL_RETRY_MS[0]);
    // not yet due: nothing is tried
    await w.send();
    expect((await rows()).attempts).toBe(1);
    w.smtp.state.refuse = false;
    w.t.clock.advance(MAIL_RETRY_MS[0]);
    await w.send();
    expect(await rows()).toMatchObject({ state: "sent", attempts: 2 });
    const attempts = (await w.t.client.execute("SELECT outcome, response FROM mail_attempts ORDER BY id")).rows.filter((r) => r.response);
    expect(attempts.map((a) => a.outcome)).toEqual(expect.arrayContaining(["failed", "sent"]));
    expect(w.smtp.to("dpo@aarhus.example")).toHaveLength(1);
    w.close();
  });

  it("gives up after the last retry, and records that the notice failed", async () => {
    const w = await world();
    await w.send();
    w.smtp.state.refuse = true;
    await w.t.call(w.processor.key, "POST", "/v1/change-requests", { agreements: [w.agreement.id], operations: [addBackupOp("b")], reason: "Backup" });
    for (let i = 0; i <= MAIL_RETRY_MS.length; i++) {
      await w.send();
      w.t.clock.advance(DAY);
    }
    const row = (await w.t.client.execute("SELECT state, attempts FROM mails WHERE kind = 'change_request.submitted'")).rows[0]!;
    expect(row).toMatchObject({ state: "failed", attempts: MAIL_RETRY_MS.length + 1 });
    const audit = await w.t.call(w.controller.key, "GET", "/v1/audit?limit=100");
    expect(audit.body.data.some((r: { action: string; outcome: string }) => r.action === "notice.failed" && r.outcome === "failed")).toBe(true);
    w.close();
  });

  it("one click unsubscribes a person from a kind of notice; the next notice of that kind is not written", async () => {
    const w = await world();
    await w.send();
    await w.t.call(w.processor.key, "POST", "/v1/change-requests", { agreements: [w.agreement.id], operations: [addBackupOp("b")], reason: "Backup" });
    await w.send();
    const notice = w.smtp.to("dpo@aarhus.example").at(-1)!;
    const url = new URL(headerOf(notice, "List-Unsubscribe").replace(/^<|>$/g, ""));
    // RFC 8058: the mail client POSTs, with no session and no origin
    const res = await w.t.app.request(url.pathname + url.search, { method: "POST", body: new URLSearchParams({ "List-Unsubscribe": "One-Click" }) });
    expect(res.status).toBe(200);
    const forged = await w.t.app.request(url.pathname + url.search.replace(/t=[^&]+/, "t=forged"), { method: "POST" });
    expect(forged.status).toBe(404);
    const before = w.smtp.mails.length;
    await w.t.call(w.processor.key, "POST", "/v1/change-requests", { agreements: [w.agreement.id], operations: [addBackupOp("c")], reason: "Another" });
    await w.send();
    expect(w.smtp.mails.length).toBe(before);
    expect((await w.t.call(w.controller.key, "GET", `/v1/users/${w.dpo.id}`)).body.notices).not.toContain("change_request.submitted");
    w.close();
  });

  it("writes nothing to a deactivated person", async () => {
    const w = await world();
    await w.send();
    const second = await invitePerson(w.t, w.controller.key, { role: "decider" });
    const off = await w.t.call(w.controller.key, "PATCH", `/v1/users/${second.id}`, { status: "deactivated" });
    expect(off.status).toBe(200);
    await w.t.call(w.processor.key, "POST", "/v1/change-requests", { agreements: [w.agreement.id], operations: [addBackupOp("b")], reason: "Backup" });
    await w.send();
    expect(w.smtp.to(second.email).filter((m) => !m.parsed.subject?.match(/invit/i))).toHaveLength(0);
    const states = (await w.t.client.execute({ sql: "SELECT state FROM mails WHERE to_address = ?", args: [second.email] })).rows.map((r) => r.state);
    expect(states).toEqual(["cancelled"]);
    w.close();
  });
});
