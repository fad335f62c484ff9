import { invitePerson, linkInOutbox, ORIGIN, signInAs } from "../helpers/people";
// Every page people read is valid HTML: html-validate's recommended preset, no errors and no
// warnings, on the console (signed out and in, controller and processor, da/sv/en), the public
// sub-processor page and the annex document.
import { HtmlValidate } from "html-validate";
import { describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../helpers/app";
import { addBackupOp, createActiveAgreement, createOrg, ukSupportOps } from "../helpers/factories";

// hono/jsx writes void elements self-closed (<meta />), which HTML allows; the preset's style rule is told so
// hono/jsx writes void elements self-closed and a true boolean attribute as `checked=""`; a group of checkboxes shares one name
const validator = new HtmlValidate({
  extends: ["html-validate:recommended"],
  rules: {
    "void-style": ["error", { style: "selfclose" }],
    "attribute-boolean-style": ["error", { style: "empty" }],
    "form-dup-name": ["error", { shared: ["radio", "checkbox", "button", "reset", "submit"] }],
  },
});

const problems: string[] = [];

/** Notes every message of a page, so one run shows them all. */
async function expectValid(label: string, html: string) {
  const report = await validator.validateString(html);
  for (const r of report.results) for (const m of r.messages) problems.push(`${label} ${m.line}:${m.column} ${m.ruleId}: ${m.message}`);
  if (html.slice(0, 15).toLowerCase() !== "<!doctype html>") problems.push(`${label}: no doctype`);
}

/** An admin of the organisation of `key`, signed in by e-mail link: every page, the people pages too. */
const signIn = async (t: TestContext, key: string) => (await signInAs(t, key, "admin")).cookie;

describe("valid HTML on every page", () => {
  it("the console, the public page and the annex document", async () => {
    const t = await createTestContext();
    const processor = await createOrg(t, "Omsorgspartner ApS");
    const controller = await createOrg(t, "Aarhus Kommune");
    const general = await createActiveAgreement(t, processor, controller, { authorisation: "general" });
    const prohibited = await createActiveAgreement(t, processor, controller, { authorisation: "specific", third_country_transfers: "prohibited" });
    const cr = await t.call(processor.key, "POST", "/v1/change-requests", { agreements: [general.id], operations: [addBackupOp("kista")], reason: "Backup" });
    // an objected decision, and one the processor has answered: the ground, the answer and the form to give it
    const objectedAgreement = await createActiveAgreement(t, processor, controller, { authorisation: "general" });
    const answeredAgreement = await createActiveAgreement(t, processor, controller, { authorisation: "general" });
    const objectOn = async (a: { id: string }) => {
      const r = await t.call(processor.key, "POST", "/v1/change-requests", { agreements: [a.id], operations: [addBackupOp("kista")], reason: "Backup" });
      const id = r.body.decisions[0].id as string;
      expect((await t.call(controller.key, "POST", `/v1/decisions/${id}/object`, { reason: "Not in our regions", ground: "third_country" })).status).toBe(200);
      return id;
    };
    const toObject = await objectOn(objectedAgreement);
    const toAnswer = await objectOn(answeredAgreement);
    expect((await t.call(processor.key, "POST", `/v1/decisions/${toAnswer}/objection-response`, { response: "propose_alternative", note: "A Danish site" })).status).toBe(200);
    // a pending decision with questions (docs/rules.md, rule 13): one answered, one open, with the forms to ask and to answer
    const askedAgreement = await createActiveAgreement(t, processor, controller, { authorisation: "general" });
    const asked = (await t.call(processor.key, "POST", "/v1/change-requests", { agreements: [askedAgreement.id], operations: [addBackupOp("kista")], reason: "Backup" })).body
      .decisions[0].id as string;
    const first = await t.call(controller.key, "POST", `/v1/decisions/${asked}/questions`, { question: "Who can reach the backups?" });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect((await t.call(controller.key, "POST", `/v1/decisions/${asked}/questions`, { question: "Where are the keys kept?" })).status).toBe(201);
    expect((await t.call(processor.key, "POST", `/v1/decisions/${asked}/questions/${first.body.questions[0].id}/answer`, { answer: "Our staff only." })).status).toBe(200);
    const conflicting = await t.call(processor.key, "POST", "/v1/change-requests", { agreements: [prohibited.id], operations: ukSupportOps(), reason: "Night support" });
    expect(conflicting.status, JSON.stringify(conflicting.body)).toBe(201);
    const published = await t.call(processor.key, "PATCH", "/v1/organisations/me/public-page", { enabled: true, slug: "omsorgspartner", agreements: "all" });
    expect(published.status, JSON.stringify(published.body)).toBe(200);

    const page = async (path: string, cookie?: string, lang = "da") => {
      const res = await t.app.request(path, { headers: { ...(cookie ? { Cookie: cookie } : {}), "Accept-Language": lang } });
      expect(res.status, path).toBe(200);
      return res.text();
    };
    await expectValid("sign-in", await page("/console/sign-in"));
    const asController = await signIn(t, controller.key);
    const asProcessor = await signIn(t, processor.key);
    for (const lang of ["da", "sv", "en"]) {
      await expectValid(`inbox ${lang}`, await page("/console", asController, lang));
      await expectValid(`decision ${lang}`, await page(`/console/decisions/${cr.body.decisions[0].id}`, asController, lang));
      await expectValid(`conflicting decision ${lang}`, await page(`/console/decisions/${conflicting.body.decisions[0].id}`, asController, lang));
      await expectValid(`agreement ${lang}`, await page(`/console/agreements/${general.id}`, asController, lang));
      await expectValid(`processor's requests ${lang}`, await page("/console/requests", asProcessor, lang));
      for (const [name, id] of [
        ["objected", toObject],
        ["answered", toAnswer],
        ["questioned", asked],
      ] as const) {
        await expectValid(`${name} decision, controller ${lang}`, await page(`/console/decisions/${id}`, asController, lang));
        await expectValid(`${name} decision, processor ${lang}`, await page(`/console/decisions/${id}`, asProcessor, lang));
      }
      await expectValid(`annex document ${lang}`, await page(`/console/agreements/${general.id}/document?lang=${lang}`, asController, lang));
    }
    // the people pages, the page behind a link, and the unsubscribe page
    for (const lang of ["da", "sv", "en"]) {
      await expectValid(`people ${lang}`, await page("/console/people", asController, lang));
      await expectValid(`my notices ${lang}`, await page("/console/account", asController, lang));
    }
    const invited = await invitePerson(t, controller.key, { role: "viewer" });
    const link = new URL(await linkInOutbox(t, invited.email, "invitation"));
    await expectValid("invitation link", await page(link.pathname + link.search));
    const user = (await t.client.execute({ sql: "SELECT mail_token FROM users WHERE id = ?", args: [invited.id] })).rows[0]!;
    await expectValid("unsubscribe", await page(`/mail/unsubscribe?u=${invited.id}&k=annex.version_created&t=${user.mail_token}`));
    // the confirmation steps and an error page
    await expectValid("withdraw all, confirm", await page(`/console/requests/${cr.body.id}/withdraw`, asProcessor));
    await expectValid("withdraw one, confirm", await page(`/console/decisions/${cr.body.decisions[0].id}/withdraw`, asProcessor));
    const conflictPage = await page(`/console/decisions/${conflicting.body.decisions[0].id}`, asController);
    const csrf = /name="csrf" value="([^"]+)"/.exec(conflictPage)![1]!;
    const amend = await t.app.request(`/console/decisions/${conflicting.body.decisions[0].id}/approve`, {
      method: "POST",
      headers: { Cookie: asController, Origin: ORIGIN, "Accept-Language": "sv" },
      body: new URLSearchParams({ csrf, amend_instruction: "with_transfer_mechanism", amendment_reason: "Support från London godtas" }),
    });
    expect(amend.status).toBe(200);
    await expectValid("amendment, confirm", await amend.text());
    // the forms sent back with their errors: an objection without a reason or a ground, an answer without its note
    const form = (path: string, cookie: string, body: Record<string, string>) =>
      t.app.request(path, { method: "POST", headers: { Cookie: cookie, Origin: ORIGIN, "Accept-Language": "da" }, body: new URLSearchParams(body) });
    const noGround = await form(`/console/decisions/${cr.body.decisions[0].id}/object`, asController, { csrf, reason: "" });
    expect(noGround.status).toBe(422);
    await expectValid("objection without reason and ground", await noGround.text());
    const processorCsrf = /name="csrf" value="([^"]+)"/.exec(await page(`/console/decisions/${toObject}`, asProcessor))![1]!;
    const noNote = await form(`/console/decisions/${toObject}/objection-response`, asProcessor, { csrf: processorCsrf, response: "end_service", note: "" });
    expect(noNote.status).toBe(422);
    await expectValid("answer without its note", await noNote.text());
    const missing = await t.app.request("/console/decisions/dec_missing", { headers: { Cookie: asController } });
    expect(missing.status).toBe(404);
    await expectValid("not found", await missing.text());
    await expectValid("public page", await page("/public/omsorgspartner"));
    // the subscription's pages: the form's answers, the page behind a confirmation link and after its
    // button, a used link, the unsubscribe page and its answer
    const subscribe = (email: string, lang: string) =>
      t.app.request("/public/omsorgspartner/subscribe", { method: "POST", headers: { Origin: ORIGIN }, body: new URLSearchParams({ email, lang }) });
    for (const lang of ["da", "sv", "en"]) {
      const address = `reader.${lang}@example.org`;
      const sent = await subscribe(address, lang);
      expect(sent.status).toBe(200);
      await expectValid(`subscribed ${lang}`, await sent.text());
      const malformed = await subscribe("not-an-address", lang);
      expect(malformed.status).toBe(422);
      await expectValid(`subscribe, malformed address ${lang}`, await malformed.text());
      const mail = (await t.client.execute({ sql: "SELECT payload FROM mails WHERE kind = 'page_subscription.confirm' AND to_address = ?", args: [address] })).rows[0]!;
      const link = new URL(JSON.parse(String(mail.payload)).url);
      await expectValid(`confirm ${lang}`, await page(link.pathname + link.search));
      const confirmed = await t.app.request(link.pathname, {
        method: "POST",
        headers: { Origin: ORIGIN },
        body: new URLSearchParams({ token: link.searchParams.get("token")!, lang }),
      });
      expect(confirmed.status).toBe(200);
      await expectValid(`confirmed ${lang}`, await confirmed.text());
      const used = await t.app.request(link.pathname + link.search, { headers: { "Accept-Language": lang } });
      expect(used.status).toBe(410);
      await expectValid(`confirmation link used ${lang}`, await used.text());
      const row = (await t.client.execute({ sql: "SELECT id, unsubscribe_secret FROM page_subscriptions WHERE address = ?", args: [address] })).rows[0]!;
      const unsubscribe = `/public/omsorgspartner/unsubscribe?s=${row.id}&t=${row.unsubscribe_secret}`;
      await expectValid(`unsubscribe ${lang}`, await page(unsubscribe));
      const done = await t.app.request(unsubscribe, { method: "POST" });
      expect(done.status).toBe(200);
      await expectValid(`unsubscribed ${lang}`, await done.text());
    }
    expect(problems).toEqual([]);
  });
});
