// Subscriptions to a public sub-processor page (docs/rules.md, "Public page subscriptions"): double
// opt-in, one-click unsubscribe, and the page's new changes merged into one digest, driven through
// the real app, the scheduler at the test clock's instants, and the real mailer over SMTP to a
// server in the test process.
import { describe, expect, it } from "vitest";
import { runDue } from "../../src/jobs/run-due";
import { createMailer } from "../../src/mail/create-mailer";
import { drainMail } from "../../src/mail/mailer";
import { createSmtpTransport } from "../../src/mail/nodemailer-transport";
import { createTestContext, type TestContext } from "../helpers/app";
import { addBackupOp, addPolishBackupOp, createActiveAgreement, createOrg, type TestOrg } from "../helpers/factories";
import { ORIGIN } from "../helpers/people";
import { headerOf, linkIn, startSmtpServer } from "../helpers/smtp";
import { checkAnswersAgainstDocument } from "../helpers/contract";

const SLUG = "nordcare";
const PAGE = `/public/${SLUG}`;
const MINUTE = 60_000;

const oneLine = (text: string) => text.replace(/\s+/g, " ");

/** A processor with two agreements, its page listing only the first; another processor with a page of its own. */
async function world() {
  const t = await createTestContext();
  // every answer under /public is what the OpenAPI document says it is
  checkAnswersAgainstDocument(t.app, "/public/");
  const smtp = await startSmtpServer();
  const transport = createSmtpTransport(smtp.url, "Subprocessor Registry <registry@registry.example>");
  const mailer = createMailer(t.deps, transport);
  const processor = await createOrg(t, "NordCare Systems A/S");
  const controller = await createOrg(t, "Aarhus Kommune");
  const listed = await createActiveAgreement(t, processor, controller);
  const odense = await createOrg(t, "Odense Kommune");
  const unlisted = await createActiveAgreement(t, processor, odense);
  const other = await createOrg(t, "Other Processor ApS");
  const otherAgreement = await createActiveAgreement(t, other, controller);
  await publish(t, processor, { enabled: true, slug: SLUG, agreements: [listed.id] });
  await publish(t, other, { enabled: true, slug: "other-processor", agreements: "all" });
  return { t, smtp, send: () => drainMail(mailer), processor, controller, odense, listed, unlisted, other, otherAgreement, close: () => transport.close() };
}
type World = Awaited<ReturnType<typeof world>>;

async function publish(t: TestContext, org: TestOrg, body: Record<string, unknown>) {
  const res = await t.call(org.key, "PATCH", "/v1/organisations/me/public-page", body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** The page's form, as a browser posts it: from the page itself. */
const postSubscribe = (t: TestContext, email: string, opts: { lang?: string; slug?: string; headers?: Record<string, string> } = {}) =>
  t.app.request(`/public/${opts.slug ?? SLUG}/subscribe`, {
    method: "POST",
    headers: opts.headers ?? { Origin: ORIGIN },
    body: new URLSearchParams({ email, lang: opts.lang ?? "en" }),
  });

const submit = async (t: TestContext, org: TestOrg, agreements: string[] | "all", operations: unknown[]) => {
  const res = await t.call(org.key, "POST", "/v1/change-requests", { agreements, operations, reason: "Not for the public" });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; decisions: { id: string; kind: string; state: string; agreement: { id: string } }[] };
};

/** Moves the service's clock as an operator does, the scheduler running on the way. */
const advance = async (t: TestContext, ms: number) => {
  const res = await t.call(t.operatorKey, "POST", "/v1/test-clock/advance", { seconds: ms / 1000 });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
};

const rows = async (t: TestContext, sql: string, args: (string | number)[] = []) => (await t.client.execute({ sql, args })).rows;
const subscription = async (t: TestContext, address: string) => (await rows(t, "SELECT * FROM page_subscriptions WHERE address = ?", [address]))[0];
const digests = (w: World, address: string) => w.smtp.to(address).filter((m) => headerOf(m, "List-Unsubscribe"));

/** Subscribes and confirms an address the way its owner does: the form, the mail, the link's page, its button. */
async function subscribeAndConfirm(w: World, address: string, lang = "en") {
  expect((await postSubscribe(w.t, address, { lang })).status).toBe(200);
  await w.send();
  const link = linkIn(w.smtp.to(address).at(-1)!, /\/subscription\/confirm\?token=/);
  const page = await w.t.app.request(link.pathname + link.search);
  expect(page.status).toBe(200);
  const token = /name="token" value="([^"]+)"/.exec(await page.text())![1]!;
  const res = await w.t.app.request(link.pathname, { method: "POST", headers: { Origin: ORIGIN }, body: new URLSearchParams({ token }) });
  expect(res.status).toBe(200);
  expect((await subscription(w.t, address))!.status).toBe("active");
  // what the page shows at the instant of confirming is what the subscriber saw: the changes below come after it
  w.t.clock.advance(1000);
}

describe("double opt-in", () => {
  it("the page's form, the confirmation mail in the page's language, a link whose page confirms only on its button, once", async () => {
    const w = await world();
    const page = await w.t.app.request(PAGE, { headers: { "Accept-Language": "sv" } });
    const html = await page.text();
    expect(html).toContain(`<form class="subscribe" method="post" action="${PAGE}/subscribe">`);
    expect(html).toContain('<input type="hidden" name="lang" value="sv"');
    expect(html).toContain('<label for="subscribe-email">E-postadress</label>');
    // the page's own policy lets its form post to this site, and nowhere else
    expect(page.headers.get("content-security-policy")).toContain("form-action 'self'");

    const answer = await postSubscribe(w.t, "Ulla.Berg@Kommun.example", { lang: "sv" });
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain("Om adressen inte redan prenumererar är ett meddelande med en bekräftelselänk på väg.");
    const row = await subscription(w.t, "ulla.berg@kommun.example");
    expect(row).toMatchObject({ status: "pending", language: "sv", confirmed_at: null });
    expect(String(row!.id)).toMatch(/^sub_[0-9A-Z]{26}$/);

    await w.send();
    const [mail, ...more] = w.smtp.to("ulla.berg@kommun.example");
    expect(more).toEqual([]);
    expect(mail!.parsed.subject).toBe("Bekräfta: e-post om underbiträden hos NordCare Systems A/S");
    expect(mail!.parsed.html).toContain('<html lang="sv">');
    const link = linkIn(mail!, /\/subscription\/confirm\?token=/);
    expect(link.pathname).toBe(`${PAGE}/subscription/confirm`);
    // only the token's hash is kept, and the mail that carried it keeps no copy once sent
    const token = link.searchParams.get("token")!;
    expect(JSON.stringify(await rows(w.t, "SELECT * FROM page_subscriptions"))).not.toContain(token);
    expect((await rows(w.t, "SELECT payload FROM mails WHERE kind = 'page_subscription.confirm'")).map((r) => r.payload)).toEqual([null]);

    // a mail scanner follows the link, twice: it shows whose subscription and a button, and confirms nothing
    for (let i = 0; i < 2; i++) {
      const shown = await w.t.app.request(link.pathname + link.search);
      expect(shown.status).toBe(200);
      expect(shown.headers.get("cache-control")).toBe("no-store");
      const text = await shown.text();
      expect(text).toContain("Bekräfta att ulla.berg@kommun.example ska få e-post när NordCare Systems A/S aviserar");
      expect(text).toContain('<button type="submit">Bekräfta</button>');
    }
    expect((await subscription(w.t, "ulla.berg@kommun.example"))!.status).toBe("pending");

    // the button's post from another site is refused; from the page it confirms
    const forged = await w.t.app.request(link.pathname, { method: "POST", headers: { Origin: "https://evil.example" }, body: new URLSearchParams({ token }) });
    expect(forged.status).toBe(403);
    expect((await subscription(w.t, "ulla.berg@kommun.example"))!.status).toBe("pending");
    const confirmed = await w.t.app.request(link.pathname, { method: "POST", headers: { Origin: ORIGIN }, body: new URLSearchParams({ token, lang: "sv" }) });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain("Prenumerationen är bekräftad.");
    const active = await subscription(w.t, "ulla.berg@kommun.example");
    expect(active).toMatchObject({ status: "active", confirm_token_hash: null });
    expect(Number(active!.confirmed_at)).toBe(w.t.clock.now().getTime());
    expect(Number(active!.notified_through)).toBe(w.t.clock.now().getTime());

    // a second use of the link fails, on its page and on its button
    expect((await w.t.app.request(link.pathname, { method: "POST", headers: { Origin: ORIGIN }, body: new URLSearchParams({ token }) })).status).toBe(410);
    expect((await w.t.app.request(link.pathname + link.search)).status).toBe(410);
    w.close();
  });

  it("a link expires after 7 days", async () => {
    const w = await world();
    await postSubscribe(w.t, "late@example.org");
    await w.send();
    const link = linkIn(w.smtp.to("late@example.org")[0]!, /\/subscription\/confirm\?token=/);
    w.t.clock.advance(7 * 24 * 60 * MINUTE);
    expect((await w.t.app.request(link.pathname + link.search)).status).toBe(410);
    const token = link.searchParams.get("token")!;
    expect((await w.t.app.request(link.pathname, { method: "POST", headers: { Origin: ORIGIN }, body: new URLSearchParams({ token }) })).status).toBe(410);
    expect((await subscription(w.t, "late@example.org"))!.status).toBe("pending");
    w.close();
  });

  it("the same answer for an active address and a new one; no mail to the active one; a pending one gets a new link that replaces the first", async () => {
    const w = await world();
    await subscribeAndConfirm(w, "active@example.org");
    const mailsBefore = w.smtp.to("active@example.org").length;

    const toActive = await postSubscribe(w.t, "active@example.org");
    const toNew = await postSubscribe(w.t, "new@example.org");
    expect(toActive.status).toBe(toNew.status);
    expect(await toActive.text()).toBe(await toNew.text());
    await w.send();
    expect(w.smtp.to("active@example.org")).toHaveLength(mailsBefore);
    expect(w.smtp.to("new@example.org")).toHaveLength(1);
    expect((await subscription(w.t, "active@example.org"))!.status).toBe("active");

    // subscribing a pending address again sends the confirmation again, with a new link
    await postSubscribe(w.t, "new@example.org", { lang: "da" });
    await w.send();
    const [first, second] = w.smtp.to("new@example.org");
    expect(second!.parsed.html).toContain('<html lang="da">');
    const stale = linkIn(first!, /\/subscription\/confirm\?token=/);
    expect((await w.t.app.request(stale.pathname + stale.search)).status).toBe(410);
    const fresh = linkIn(second!, /\/subscription\/confirm\?token=/);
    expect((await w.t.app.request(fresh.pathname + fresh.search)).status).toBe(200);
    expect(await rows(w.t, "SELECT count(*) AS n FROM page_subscriptions")).toEqual([expect.objectContaining({ n: 2 })]);
    w.close();
  });
});

describe("digests", () => {
  it("a burst of three changes (submit, submit, apply) becomes one mail once quiet, listing all three in the subscriber's language, as the page says them", async () => {
    const w = await world();
    await subscribeAndConfirm(w, "dpo@kommune.example", "da");
    // a change the subscriber never hears of: it came before the subscription
    w.t.clock.advance(MINUTE);

    await submit(w.t, w.processor, [w.listed.id], [addBackupOp("kista")]);
    await advance(w.t, 2 * MINUTE);
    await submit(w.t, w.processor, [w.listed.id], [addPolishBackupOp("dc-dk")]);
    await advance(w.t, 2 * MINUTE);
    // a correction is a notice: applied at once
    const applied = await submit(w.t, w.processor, [w.listed.id], [{ op: "update_sub_processor", target: "nordhost", changes: { description: "Hosting and operations" } }]);
    expect(applied.decisions[0]).toMatchObject({ kind: "notice" });

    // not quiet yet: nothing is written, whatever the scheduler runs
    await advance(w.t, 9 * MINUTE);
    expect(await runDue(w.t.deps, w.t.clock.now())).toEqual({ deemed_approved: 0, overdue: 0, reminders: 0, applied: 0, failed: 0 });
    await w.send();
    expect(digests(w, "dpo@kommune.example")).toEqual([]);

    await advance(w.t, MINUTE);
    await w.send();
    await advance(w.t, 60 * MINUTE);
    await runDue(w.t.deps, w.t.clock.now());
    await w.send();
    const sent = digests(w, "dpo@kommune.example");
    expect(sent).toHaveLength(1);
    const mail = sent[0]!;
    expect(mail.parsed.subject).toBe("NordCare Systems A/S: 3 ændringer af underdatabehandlere");
    expect(mail.parsed.html).toContain('<html lang="da">');
    const text = oneLine(mail.parsed.text ?? "");
    expect(text).toContain("Varslede ændringer:");
    expect(text).toContain("Ændringshistorik:");

    // every line and date of the Danish page's entries, word for word
    const html = await (await w.t.app.request(`${PAGE}?lang=da`)).text();
    const said = [...html.matchAll(/<li>([^<]+)<\/li>|<p>((?:Varslet|Gældende fra)[^<]+)<\/p>/g)].map((m) => (m[1] ?? m[2])!.replaceAll("&#39;", "'"));
    expect(said).toContain("Tilføjet underdatabehandler Backup kista AB (kista), Sverige; beskrivelse af behandling: Backup");
    expect(said).toContain("Tilføjet underdatabehandler PolBackup sp. z o.o. (polbackup), Polen; beskrivelse af behandling: Second backup copy");
    expect(said).toContain("Ændret underdatabehandler NordHost A/S (nordhost); ændret: beskrivelse af behandling");
    expect(said.length).toBeGreaterThanOrEqual(6);
    for (const s of said) expect(text, s).toContain(oneLine(s));

    // a link to the page in Danish, and the subscription's own one-click unsubscribe
    expect(linkIn(mail, new RegExp(`${PAGE}\\?lang=da`)).pathname).toBe(PAGE);
    const unsubscribe = new URL(headerOf(mail, "List-Unsubscribe").replace(/^<|>$/g, ""));
    expect(unsubscribe.pathname).toBe(`${PAGE}/unsubscribe`);
    expect(unsubscribe.searchParams.get("s")).toMatch(/^sub_/);
    expect(headerOf(mail, "List-Unsubscribe-Post")).toBe("List-Unsubscribe=One-Click");
    expect(text).toContain(unsubscribe.href);
    // nothing private: no controller, agreement or decision
    for (const secret of ["Aarhus Kommune", w.listed.id, "Not for the public", ...applied.decisions.map((d) => d.id)]) expect(mail.parsed.text).not.toContain(secret);

    // said once: the scheduler running again at any instant writes nothing more
    await advance(w.t, 24 * 60 * MINUTE);
    await runDue(w.t.deps, w.t.clock.now());
    await w.send();
    expect(digests(w, "dpo@kommune.example")).toHaveLength(1);
    w.close();
  });

  it("a change is mailed when announced and again when applied; a steady stream is mailed at least hourly", async () => {
    const w = await world();
    await subscribeAndConfirm(w, "watcher@example.org");
    const change = await submit(w.t, w.processor, [w.listed.id], [addBackupOp("kista")]);
    await advance(w.t, 11 * MINUTE);
    await w.send();
    expect(digests(w, "watcher@example.org")).toHaveLength(1);
    const announced = oneLine(digests(w, "watcher@example.org")[0]!.parsed.text!);
    expect(announced).toContain("Upcoming changes:");
    expect(announced).toContain("Added sub-processor Backup kista AB (kista), Sweden");
    expect(announced).not.toContain("Changelog:");

    // the controller approves it; it takes effect, and the page moves it to the changelog
    const approved = await w.t.call(w.controller.key, "POST", `/v1/decisions/${change.decisions[0]!.id}/approve`, {});
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    await advance(w.t, 11 * MINUTE);
    await w.send();
    expect(digests(w, "watcher@example.org")).toHaveLength(2);
    const done = digests(w, "watcher@example.org")[1]!;
    expect(done.parsed.subject).toBe("NordCare Systems A/S: 1 change to its sub-processors");
    const text = oneLine(done.parsed.text!);
    expect(text).toContain("Changelog:");
    expect(text).toContain("In effect since");
    expect(text).toContain("Added sub-processor Backup kista AB (kista), Sweden");
    expect(text).not.toContain("Upcoming changes:");

    // a change every five minutes is never quiet for ten: the oldest waits an hour at most
    for (let i = 1; i <= 12; i++) {
      await submit(w.t, w.processor, [w.listed.id], [addBackupOp(`stream-${i}`)]);
      await advance(w.t, 5 * MINUTE);
      await w.send();
      expect(digests(w, "watcher@example.org"), `after ${i * 5} minutes`).toHaveLength(i < 12 ? 2 : 3);
    }
    expect(digests(w, "watcher@example.org")[2]!.parsed.subject).toBe("NordCare Systems A/S: 12 changes to its sub-processors");
    w.close();
  });

  it("a change one agreement applied while another still decided is mailed when the page lists it as applied, however late", async () => {
    const w = await world();
    await publish(w.t, w.processor, { agreements: "all" });
    await subscribeAndConfirm(w, "watcher@example.org");
    const change = await submit(w.t, w.processor, "all", [addBackupOp("kista")]);
    const decisionOf = (agreementId: string) => change.decisions.find((d) => d.agreement.id === agreementId)!.id;
    await advance(w.t, 11 * MINUTE);
    await w.send();
    expect(digests(w, "watcher@example.org")).toHaveLength(1);

    // Aarhus approves: applied to its agreement, while Odense's decision is still ahead, so the page still lists it as upcoming
    expect((await w.t.call(w.controller.key, "POST", `/v1/decisions/${decisionOf(w.listed.id)}/approve`, {})).status).toBe(200);
    await advance(w.t, 3 * 60 * MINUTE);
    await w.send();
    expect(digests(w, "watcher@example.org")).toHaveLength(1);

    // hours later Odense approves: now the page lists it as applied, since the day Aarhus's copy took effect
    expect((await w.t.call(w.odense.key, "POST", `/v1/decisions/${decisionOf(w.unlisted.id)}/approve`, {})).status).toBe(200);
    await advance(w.t, 11 * MINUTE);
    await w.send();
    const sent = digests(w, "watcher@example.org");
    expect(sent).toHaveLength(2);
    expect(oneLine(sent[1]!.parsed.text!)).toContain("Changelog:");
    expect(oneLine(sent[1]!.parsed.text!)).toContain("Added sub-processor Backup kista AB (kista), Sweden");
    w.close();
  });

  it("never mails a change on another agreement, another processor's page, or an unpublished page", async () => {
    const w = await world();
    await subscribeAndConfirm(w, "dpo@kommune.example");
    await submit(w.t, w.processor, [w.unlisted.id], [addBackupOp("unlisted")]);
    await submit(w.t, w.other, "all", [addBackupOp("others")]);
    await advance(w.t, 11 * MINUTE);
    await w.send();
    expect(digests(w, "dpo@kommune.example")).toEqual([]);

    await publish(w.t, w.processor, { enabled: false });
    await submit(w.t, w.processor, [w.listed.id], [addBackupOp("while-unpublished")]);
    await advance(w.t, 2 * 60 * MINUTE);
    await w.send();
    expect(digests(w, "dpo@kommune.example")).toEqual([]);
    expect(await rows(w.t, "SELECT id FROM mails WHERE kind = 'page_subscription.digest'")).toEqual([]);
    w.close();
  });
});

describe("unsubscribing", () => {
  it("one click: a mail client's POST without an origin stops further mail; the link's page asks first; a forged secret is 404", async () => {
    const w = await world();
    await subscribeAndConfirm(w, "dpo@kommune.example", "sv");
    await submit(w.t, w.processor, [w.listed.id], [addBackupOp("kista")]);
    await advance(w.t, 11 * MINUTE);
    await w.send();
    const [mail] = digests(w, "dpo@kommune.example");
    const url = new URL(headerOf(mail!, "List-Unsubscribe").replace(/^<|>$/g, ""));
    const path = url.pathname + url.search;

    // the link opened in a browser: whose subscription, and a button; nothing happens yet
    const asked = await w.t.app.request(path);
    expect(asked.status).toBe(200);
    const page = await asked.text();
    expect(page).toContain('<html lang="sv">');
    expect(page).toContain("Ska dpo@kommune.example sluta få e-post om ändringar av underbiträden hos NordCare Systems A/S?");
    expect((await subscription(w.t, "dpo@kommune.example"))!.status).toBe("active");

    // not ours: another secret, or another subscription's id
    const forged = new URL(url);
    forged.searchParams.set("t", "forged-secret-forged-secret-forged-secret-00");
    expect((await w.t.app.request(forged.pathname + forged.search, { method: "POST" })).status).toBe(404);
    const otherId = new URL(url);
    otherId.searchParams.set("s", "sub_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C");
    expect((await w.t.app.request(otherId.pathname + otherId.search, { method: "POST" })).status).toBe(404);
    expect((await w.t.app.request(`${PAGE}/unsubscribe`)).status).toBe(404);
    expect((await subscription(w.t, "dpo@kommune.example"))!.status).toBe("active");

    // RFC 8058: the mail client POSTs the one-click body, with no session and no origin
    const res = await w.t.app.request(path, { method: "POST", body: new URLSearchParams({ "List-Unsubscribe": "One-Click" }) });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Prenumerationen är avslutad");
    expect(await subscription(w.t, "dpo@kommune.example")).toMatchObject({ status: "unsubscribed", unsubscribed_at: w.t.clock.now().getTime() });
    // again: the same answer
    expect((await w.t.app.request(path, { method: "POST" })).status).toBe(200);

    await submit(w.t, w.processor, [w.listed.id], [addPolishBackupOp("dc-dk")]);
    await advance(w.t, 2 * 60 * MINUTE);
    await w.send();
    expect(digests(w, "dpo@kommune.example")).toHaveLength(1);
    w.close();
  });

  it("a digest still waiting in the outbox is not sent after the click; the link works on an unpublished page too", async () => {
    const w = await world();
    await subscribeAndConfirm(w, "dpo@kommune.example");
    await submit(w.t, w.processor, [w.listed.id], [addBackupOp("kista")]);
    await advance(w.t, 11 * MINUTE);
    const [row] = await rows(w.t, "SELECT payload FROM mails WHERE kind = 'page_subscription.digest' AND state = 'pending'");
    const url = new URL(JSON.parse(String(row!.payload)).unsubscribe_url);
    await publish(w.t, w.processor, { enabled: false });
    expect((await w.t.app.request(url.pathname + url.search, { method: "POST" })).status).toBe(200);
    await w.send();
    expect(digests(w, "dpo@kommune.example")).toEqual([]);
    expect(await rows(w.t, "SELECT state, payload FROM mails WHERE kind = 'page_subscription.digest'")).toEqual([expect.objectContaining({ state: "cancelled", payload: null })]);
    w.close();
  });
});

describe("what subscribing refuses", () => {
  const counts = async (t: TestContext) =>
    (await rows(t, "SELECT (SELECT count(*) FROM page_subscriptions) AS subs, (SELECT count(*) FROM mails) AS mails, (SELECT count(*) FROM sign_in_requests) AS counted"))[0];

  it("past 5 requests for one address in 15 minutes: 429 with Retry-After, and no mail; another address still goes through; later it is counted afresh", async () => {
    const w = await world();
    for (let i = 0; i < 5; i++) expect((await postSubscribe(w.t, "flood@example.org")).status).toBe(200);
    const limited = await postSubscribe(w.t, "Flood@Example.org");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("900");
    expect(await limited.text()).toContain("Too many subscriptions were asked for");
    expect(await rows(w.t, "SELECT count(*) AS n FROM mails WHERE to_address = 'flood@example.org'")).toEqual([expect.objectContaining({ n: 5 })]);
    expect((await postSubscribe(w.t, "calm@example.org")).status).toBe(200);
    // the count is the page's: subscribing the same address to another page is not limited by it
    expect((await postSubscribe(w.t, "flood@example.org", { slug: "other-processor" })).status).toBe(200);
    w.t.clock.advance(15 * MINUTE + 1);
    expect((await postSubscribe(w.t, "flood@example.org")).status).toBe(200);
    w.close();
  });

  it.each(["", "not-an-address", "a@b", "two@@example.org", `${"x".repeat(250)}@example.org`, "spaces in@example.org"])(
    "a malformed address (%j): 422, the form again with the error, nothing written",
    async (email) => {
      const w = await world();
      const before = await counts(w.t);
      const res = await postSubscribe(w.t, email);
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(html).toContain('<p id="subscribe-error" class="error" role="alert">Enter a valid e-mail address.</p>');
      expect(html).toContain('aria-invalid="true"');
      expect(html).toContain(`action="${PAGE}/subscribe"`);
      expect(await counts(w.t)).toEqual(before);
      w.close();
    },
  );

  it.each([
    ["another site's origin", 403, { Origin: "https://evil.example" }],
    ["another site, by Sec-Fetch-Site", 403, { "Sec-Fetch-Site": "cross-site" }],
    ["neither header", 403, {}],
    ["this site, by Sec-Fetch-Site alone", 200, { "Sec-Fetch-Site": "same-origin" }],
  ] as const)("a form post from %s: %i", async (_label, status, headers) => {
    const w = await world();
    const before = await counts(w.t);
    const res = await postSubscribe(w.t, "someone@example.org", { headers });
    expect(res.status).toBe(status);
    if (status === 403) expect(await counts(w.t)).toEqual(before);
    else expect((await subscription(w.t, "someone@example.org"))!.status).toBe("pending");
    w.close();
  });

  it("an unknown or unpublished page is the page's 404, and writes nothing", async () => {
    const w = await world();
    const before = await counts(w.t);
    expect((await postSubscribe(w.t, "someone@example.org", { slug: "nobody-here" })).status).toBe(404);
    expect((await postSubscribe(w.t, "someone@example.org", { slug: "NOT A SLUG" })).status).toBe(404);
    await publish(w.t, w.processor, { enabled: false });
    expect((await postSubscribe(w.t, "someone@example.org")).status).toBe(404);
    expect(await counts(w.t)).toEqual(before);
    w.close();
  });
});
