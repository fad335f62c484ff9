import type { Browser, Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { startLoop } from "../../src/core/loop";
import { createMailer } from "../../src/mail/create-mailer";
import { drainMail } from "../../src/mail/mailer";
import { createSmtpTransport } from "../../src/mail/nodemailer-transport";
import { createTestContext } from "../helpers/app";
import { ARTIFACTS, assertAccessible, assertNoSidewaysScroll, chromiumMissing, launchChromium, serveApp } from "../helpers/browser";
import { addBackupOp, createActiveAgreement, createOrg } from "../helpers/factories";
import { invitePerson } from "../helpers/people";
import { type ArrivedMail, linkIn, startSmtpServer } from "../helpers/smtp";

const shot = (page: Page, name: string) => page.screenshot({ path: new URL(`people-${name}.png`, ARTIFACTS).pathname, fullPage: true });

/** Waits for the n-th mail to an address at the test SMTP server. */
async function mailTo(smtp: Awaited<ReturnType<typeof startSmtpServer>>, address: string, n: number): Promise<ArrivedMail> {
  for (let i = 0; i < 200; i++) {
    const arrived = smtp.to(address);
    if (arrived.length >= n) return arrived[n - 1]!;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no mail ${n} to ${address}; arrived: ${smtp.mails.map((m) => `${m.to} ${m.parsed.subject}`).join("; ")}`);
}

describe.skipIf(chromiumMissing !== null)("people and their mail in a browser (headless Chromium, a real SMTP server)", () => {
  let browser: Browser | undefined;
  const stops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    await browser?.close();
  });

  it("a DPO signs in by the mailed link, is told of a change, follows the link to the decision, objects; the processor's admin is told", async () => {
    const t = await createTestContext({ file: true });
    const processor = await createOrg(t, "Omsorgspartner ApS");
    const controller = await createOrg(t, "Aarhus Kommune");
    const agreement = await createActiveAgreement(t, processor, controller, { authorisation: "general" });
    const dpo = await invitePerson(t, controller.key, { role: "admin", name: "Mette Hansen", email: "dpo@aarhus.example" });
    await invitePerson(t, processor.key, { role: "admin", name: "Jonas Berg", email: "compliance@omsorgspartner.example" });
    const server = await serveApp(t.app);
    stops.push(server.close);
    // the links in mails point at this server; the mailer sends over SMTP as the Node service does
    t.deps.publicUrl = server.url;
    const smtp = await startSmtpServer();
    const transport = createSmtpTransport(smtp.url, "Subprocessor Registry <registry@registry.example>");
    const mailer = startLoop("mailer", () => drainMail(createMailer(t.deps, transport)), t.deps.logger, 100, t.deps.webhooks.outbox);
    stops.push(async () => {
      await mailer.stop();
      transport.close();
    });
    browser = await launchChromium();

    for (const width of [1280, 390]) {
      const context = await browser.newContext({ locale: "da-DK", viewport: { width, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${server.url}/console`);
      expect(page.url()).toBe(`${server.url}/console/sign-in`);
      await assertAccessible(page, `sign-in ${width}`);
      await assertNoSidewaysScroll(page, `sign-in ${width}`);
      await shot(page, `sign-in-${width}`);
      if (width === 390) {
        // the sign-in link is read from the mail that arrived
        const mails = smtp.to("dpo@aarhus.example").length;
        await page.getByLabel("E-mailadresse").fill("dpo@aarhus.example");
        await page.getByRole("button", { name: "Send mig et login-link" }).click();
        expect(await page.innerText('[role="status"]')).toContain("Hvis adressen tilhører en person i registret");
        await shot(page, "link-sent-390");
        const signInMail = await mailTo(smtp, "dpo@aarhus.example", mails + 1);
        expect(signInMail.parsed.subject).toContain("login-link");
        await page.goto(linkIn(signInMail, /\/console\/sign-in\/link/).href);
        await assertAccessible(page, "link page");
        await shot(page, "link-390");
        await page.getByRole("button", { name: "Log ind" }).click();
        await page.waitForURL(`${server.url}/console`);
        expect(await page.innerText("header")).toContain("Mette Hansen");

        // the processor submits a change; the notice arrives, its link opens the decision
        const cr = await t.call(processor.key, "POST", "/v1/change-requests", { agreements: [agreement.id], operations: [addBackupOp("kista")], reason: "En backup i Kista" });
        expect(cr.status).toBe(201);
        const notice = await mailTo(smtp, "dpo@aarhus.example", mails + 2);
        expect(notice.parsed.subject).toContain("afventer din beslutning");
        expect(notice.parsed.text).toContain("kl. 24:00");
        expect(notice.parsed.text).toContain("UTC");
        await page.goto(linkIn(notice, new RegExp(`/console/decisions/${cr.body.decisions[0].id}`)).href);
        expect(await page.innerText("main")).toContain("Backup kista AB");
        await assertAccessible(page, "decision from the notice");
        await page.getByLabel("Grundlag for indsigelsen").selectOption({ label: "Utilstrækkelige oplysninger" });
        await page.getByLabel("Begrundelse for indsigelsen").fill("Kista er ikke omfattet af vores konsekvensanalyse.");
        await page.getByRole("button", { name: "Gør indsigelse" }).click();
        await page.waitForURL(/done=objected/);
        await shot(page, "objected-390");

        // the processor's admin is told, with the reason and who objected
        const objection = await mailTo(smtp, "compliance@omsorgspartner.example", 2);
        expect(objection.parsed.text).toContain("Kista er ikke omfattet af vores konsekvensanalyse.");
        expect(objection.parsed.text).toContain("Mette Hansen");
        expect(objection.parsed.text).toContain("Grundlag for indsigelsen: Utilstrækkelige oplysninger");

        // the admin's own pages: the organisation's people, and one's notices
        for (const [path, name] of [
          ["/console/people", "people"],
          ["/console/account", "account"],
        ] as const) {
          await page.goto(`${server.url}${path}`);
          await assertAccessible(page, name);
          await assertNoSidewaysScroll(page, name);
          await shot(page, `${name}-390`);
        }
      }
      await context.close();
    }
    const decided = await t.call(controller.key, "GET", `/v1/users/${dpo.id}`);
    expect(decided.body.status).toBe("active");
  }, 90_000);
});
