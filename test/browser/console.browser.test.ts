import type { Browser, Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../helpers/app";
import { ARTIFACTS, assertAccessible, assertNoSidewaysScroll, chromiumMissing, launchChromium, serveApp } from "../helpers/browser";
import { addBackupOp, createActiveAgreement, createOrg, ukSupportOps } from "../helpers/factories";
import { browserSignIn, invitePerson } from "../helpers/people";

const shot = (page: Page, name: string) => page.screenshot({ path: new URL(`console-${name}.png`, ARTIFACTS).pathname, fullPage: true });

describe.skipIf(chromiumMissing !== null)("the decision console in a browser (headless Chromium)", () => {
  let browser: Browser | undefined;
  let server: { url: string; close: () => Promise<void> } | undefined;
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("lets one controller object, another approve, and the processor see both", async () => {
    const t: TestContext = await createTestContext({ file: true });
    const processor = await createOrg(t, "Omsorgspartner ApS");
    const a = await createOrg(t, "Aarhus Kommune");
    const b = await createOrg(t, "Borås Stad", "SE");
    await createActiveAgreement(t, processor, a);
    await createActiveAgreement(t, processor, b);
    const cr = await t.call(processor.key, "POST", "/v1/change-requests", { agreements: "all", operations: [addBackupOp("backup-se")], reason: "A Swedish backup site" });
    expect(cr.status, JSON.stringify(cr.body)).toBe(201);
    server = await serveApp(t.app);
    browser = await launchChromium();
    const base = server.url;

    // axe is injected as a script: let it past the console's Content-Security-Policy
    // a person of the organisation, signed in by the link in their mail (read from the outbox)
    const signIn = async (key: string, name: string) => {
      const person = await invitePerson(t, key, { role: "decider" });
      const context = await browser!.newContext({ bypassCSP: true, locale: "en-GB" });
      const page = await context.newPage();
      await page.goto(`${base}/console`);
      expect(page.url()).toBe(`${base}/console/sign-in`);
      await assertAccessible(page, `sign-in ${name}`);
      await browserSignIn(page, base, person.email, async () => "", t);
      await assertAccessible(page, `signed in ${name}`);
      await page.goto(`${base}/console`);
      return { context, page };
    };

    // controller A: inbox → decision → object without a reason → error → object with one
    {
      const { context, page } = await signIn(a.key, "A");
      await shot(page, "inbox");
      await assertAccessible(page, "inbox");
      const row = page.getByRole("row", { name: /Databehandleraftale/ });
      await expect(row.innerText()).resolves.toContain("Omsorgspartner ApS");
      await expect(row.innerText()).resolves.toContain("30 days");
      await row.getByRole("link").click();
      await page.waitForURL(/\/console\/decisions\//);
      const text = await page.innerText("main");
      for (const visible of ["Backup backup-se AB", "Sweden", "EU/EEA", "A Swedish backup site", "clause 4.2"]) expect(text, visible).toContain(visible);
      await assertAccessible(page, "decision");
      await shot(page, "decision");

      // the ground is a required choice: the browser keeps the form until one is chosen
      expect(await page.getAttribute("#ground", "required")).not.toBeNull();
      await page.getByLabel("Ground for the objection").selectOption({ label: "Transfer to a third country" });
      // keyboard only: focus the objection field, Tab past the consent to pass the reason upstream to its button, Enter
      await page.focus("#reason");
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("share");
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Object");
      await page.keyboard.press("Enter");
      await page.waitForSelector('[role="alert"]');
      expect(await page.innerText('[role="alert"]')).toContain("concrete, objective reason");
      expect(await page.getAttribute("#reason", "aria-describedby")).toContain("reason-error");
      await assertAccessible(page, "decision with error");
      await shot(page, "objection-error");

      // the ground chosen before the error is kept
      expect(await page.inputValue("#ground")).toBe("third_country");
      await page.getByLabel("Reason for the objection").fill("The backup site is outside the regions our DPIA covers.");
      await page.getByRole("button", { name: "Object" }).click();
      await page.waitForLoadState();
      const final = await page.innerText("main");
      expect(final).toContain("objected");
      expect(final).toContain("The backup site is outside the regions our DPIA covers.");
      expect(final).toContain("Transfer to a third country");
      expect(final).toContain("The processor has not answered the objection yet.");
      expect(final).toContain("The decision is final");
      expect(await page.getByRole("button", { name: /Approve|Object/ }).count()).toBe(0);
      await assertAccessible(page, "decision objected");
      await shot(page, "objected");

      await page.getByRole("link", { name: "Databehandleraftale" }).click();
      await page.waitForURL(/\/console\/agreements\//);
      expect(await page.innerText("main")).toContain("Annex in force");
      await assertAccessible(page, "agreement");
      await shot(page, "agreement");
      await context.close();
    }

    // controller B approves its own, in Swedish
    {
      const { context, page } = await signIn(b.key, "B");
      await page.getByRole("link", { name: "Svenska" }).click();
      await page.waitForLoadState();
      expect(await page.getAttribute("html", "lang")).toBe("sv");
      await page
        .getByRole("row", { name: /Databehandleraftale/ })
        .getByRole("link")
        .click();
      await page.waitForURL(/\/console\/decisions\//);
      await page.getByLabel("Kommentar (valfri)").fill("OK för oss");
      await page.getByRole("button", { name: "Godkänn" }).click();
      await page.waitForLoadState();
      expect(await page.innerText("main")).toContain("godkänd");
      expect(await page.getByRole("button", { name: /Godkänn|Invänd/ }).count()).toBe(0);
      await assertAccessible(page, "decision approved (sv)");
      await shot(page, "approved-sv");
      await context.close();
    }

    // the processor sees both states, and answers the objection
    {
      const { context, page } = await signIn(processor.key, "processor");
      await page.goto(`${base}/console/requests`);
      const text = await page.innerText("main");
      expect(text).toMatch(/Aarhus Kommune\s+objected/);
      expect(text).toMatch(/Borås Stad\s+approved/);
      expect(await page.getByRole("button", { name: /Withdraw/ }).count()).toBe(0);
      await assertAccessible(page, "requests");
      await shot(page, "requests");

      await page
        .getByRole("row", { name: /Aarhus Kommune/ })
        .getByRole("link")
        .click();
      await page.waitForURL(/\/console\/decisions\//);
      expect(await page.innerText("main")).toContain("Transfer to a third country");
      await assertAccessible(page, "objection to answer");
      await page.getByLabel("Your answer").selectOption("propose_alternative");
      await page.getByLabel("What you will do").fill("We will propose a backup site in Denmark in a new change request.");
      await page.getByRole("button", { name: "Record the answer" }).click();
      await page.waitForURL(/done=responded/);
      const answered = await page.innerText("main");
      expect(answered).toContain("Your answer is recorded, and the controller has been told.");
      expect(answered).toContain("Proposes an alternative");
      expect(answered).toContain("We will propose a backup site in Denmark in a new change request.");
      expect(await page.getByRole("button", { name: "Record the answer" }).count()).toBe(0);
      await assertAccessible(page, "objection answered");
      await shot(page, "objection-answered");
      await page.goto(`${base}/console/requests`);
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL(`${base}/console/sign-in`);
      await page.goto(`${base}/console/requests`);
      // signed out: back to sign-in, which will come back to the requests page afterwards
      expect(page.url()).toBe(`${base}/console/sign-in?back=${encodeURIComponent("/console/requests")}`);
      await context.close();
    }
  }, 90_000);

  it("walks inbox → decision → object and approve in Danish and Swedish, at 1280 px and 390 px, nothing scrolling sideways", async () => {
    const t: TestContext = await createTestContext({ file: true });
    const processor = await createOrg(t, "Omsorgspartner ApS");
    const controllers = { da: await createOrg(t, "Skanderborg Kommune"), sv: await createOrg(t, "Borås Stad", "SE") };
    const words = {
      da: {
        locale: "da-DK",
        approve: "Godkend",
        object: "Gør indsigelse",
        reason: "Begrundelse for indsigelsen",
        ground: "Grundlag for indsigelsen",
        security: "Sikkerhed",
        objected: "Indsigelsen er registreret",
        approved: "Godkendelsen er registreret.",
        silence: "Gør I intet, er ændringen godkendt",
        explicit: "tavshed er ikke godkendelse",
        deadline: "kl. 24:00",
      },
      sv: {
        locale: "sv-SE",
        approve: "Godkänn",
        object: "Invänd",
        reason: "Skäl för invändningen",
        ground: "Grund för invändningen",
        security: "Säkerhet",
        objected: "Invändningen är registrerad",
        approved: "Godkännandet är registrerat.",
        silence: "Gör ni ingenting är ändringen godkänd",
        explicit: "tystnad är inte ett godkännande",
        deadline: "kl. 24.00",
      },
    } as const;
    const own = await serveApp(t.app);
    browser ??= await launchChromium();
    try {
      for (const lang of ["da", "sv"] as const) {
        const controller = controllers[lang];
        const w = words[lang];
        for (const width of [1280, 390]) {
          // each round its own change: one agreement under a general authorisation, one under a specific
          const general = await createActiveAgreement(t, processor, controller, { authorisation: "general" });
          const specific = await createActiveAgreement(t, processor, controller, { authorisation: "specific" });
          const cr = await t.call(processor.key, "POST", "/v1/change-requests", {
            agreements: [general.id, specific.id],
            operations: [addBackupOp(`b-${lang}-${width}`)],
            reason: "Backup",
          });
          expect(cr.status, JSON.stringify(cr.body)).toBe(201);
          const decisionOf = (id: string) => cr.body.decisions.find((d: { agreement: { id: string } }) => d.agreement.id === id).id as string;
          const context = await browser.newContext({ bypassCSP: true, locale: w.locale, viewport: { width, height: 900 } });
          const page = await context.newPage();
          const name = `${lang}-${width}`;
          await page.goto(`${own.url}/console/sign-in`);
          expect(await page.getAttribute("html", "lang")).toBe(lang);
          await browserSignIn(page, own.url, (await invitePerson(t, controller.key, { role: "decider" })).email, async () => "", t);
          await page.goto(`${own.url}/console`);
          const inbox = await page.innerText("main");
          expect(inbox).toContain(w.silence);
          expect(inbox).toContain(w.explicit);
          expect(inbox).toContain(w.deadline);
          await assertAccessible(page, `inbox ${name}`);
          await assertNoSidewaysScroll(page, `inbox ${name}`);
          await shot(page, `walk-inbox-${name}`);

          // object to the general one, with a reason
          await page.goto(`${own.url}/console/decisions/${decisionOf(general.id)}`);
          await assertAccessible(page, `decision ${name}`);
          await assertNoSidewaysScroll(page, `decision ${name}`);
          await shot(page, `walk-decision-${name}`);
          await page.getByLabel(w.ground).selectOption({ label: w.security });
          await page.getByLabel(w.reason).fill("Ingen databehandleraftale med underleverandøren / Inget avtal med underbiträdet");
          await page.getByRole("button", { name: w.object }).click();
          await page.waitForURL(/done=objected/);
          expect(await page.innerText("main")).toContain(w.objected);
          expect(await page.innerText("main")).toContain(w.security);
          await assertNoSidewaysScroll(page, `objected ${name}`);

          // approve the specific one
          await page.goto(`${own.url}/console/decisions/${decisionOf(specific.id)}`);
          await page.getByRole("button", { name: w.approve }).click();
          await page.waitForURL(/done=approved/);
          expect(await page.innerText("main")).toContain(w.approved);
          await assertAccessible(page, `approved ${name}`);
          await assertNoSidewaysScroll(page, `approved ${name}`);
          await shot(page, `walk-approved-${name}`);
          await context.close();

          const states = await Promise.all([general.id, specific.id].map(async (id) => (await t.call(controller.key, "GET", `/v1/decisions/${decisionOf(id)}`)).body.state));
          expect(states).toEqual(["objected", "approved"]);
        }
      }
    } finally {
      await own.close();
    }
  }, 120_000);

  it("stops a change that conflicts with the instruction: approving asks for the amendment, explicitly (1280 px and 390 px)", async () => {
    const t: TestContext = await createTestContext({ file: true });
    const processor = await createOrg(t, "Omsorgspartner ApS");
    const controller = await createOrg(t, "Skanderborg Kommune");
    const agreement = await createActiveAgreement(t, processor, controller, { authorisation: "specific", third_country_transfers: "prohibited" });
    const cr = await t.call(processor.key, "POST", "/v1/change-requests", {
      agreements: [agreement.id],
      reason: "Night-time support from London",
      operations: ukSupportOps(),
    });
    expect(cr.status, JSON.stringify(cr.body)).toBe(201);
    const own = await serveApp(t.app);
    browser ??= await launchChromium();
    try {
      for (const width of [1280, 390]) {
        const context = await browser.newContext({ bypassCSP: true, locale: "da-DK", viewport: { width, height: 900 } });
        const page = await context.newPage();
        await browserSignIn(page, own.url, (await invitePerson(t, controller.key, { role: "decider" })).email, async () => "", t);
        await page.goto(`${own.url}/console/decisions/${cr.body.decisions[0].id}`);
        const text = await page.innerText("main");
        expect(text).toContain("i strid med instruksen");
        await assertAccessible(page, `conflict ${width}`);
        await assertNoSidewaysScroll(page, `conflict ${width}`);
        await shot(page, `conflict-${width}`);
        if (width === 390) {
          // a plain approval is refused and says why; nothing is decided
          await page.getByRole("button", { name: "Godkend" }).click();
          expect(await page.innerText("main")).toContain("Ændringen blev ikke godkendt");
          await page.getByLabel(/Ændr instruksen/).check();
          await page.getByLabel(/Begrundelse for ændringen af instruksen/).fill("Support fra Storbritannien accepteres");
          await page.getByRole("button", { name: "Godkend" }).click();
          // the step before it: what the amendment does, then confirm
          expect(await page.innerText("main")).toContain("I ændrer jeres instruks om overførsel til tredjelande");
          expect((await t.call(controller.key, "GET", `/v1/decisions/${cr.body.decisions[0].id}`)).body.state).toBe("pending");
          await assertAccessible(page, "conflict confirmation 390");
          await assertNoSidewaysScroll(page, "conflict confirmation 390");
          await shot(page, "conflict-confirm-390");
          await page.getByRole("button", { name: "Bekræft" }).click();
          await page.waitForURL(/\/console\/decisions\/.*done=approved/);
          expect(await page.innerText("main")).toContain("Godkendelsen er registreret.");
          await shot(page, "conflict-approved-390");
        }
        await context.close();
      }
      expect((await t.call(controller.key, "GET", `/v1/agreements/${agreement.id}`)).body).toMatchObject({ third_country_transfers: "with_transfer_mechanism", terms_version: 2 });
    } finally {
      await own.close();
    }
  }, 90_000);
});
