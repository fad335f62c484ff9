import type { Browser } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../helpers/app";
import { ARTIFACTS, chromiumMissing, launchChromium, serveApp } from "../helpers/browser";
import { createActiveAgreement, createOrg, type TestOrg, usAnnex } from "../helpers/factories";

// Debian's Chromium, driven by playwright-core: the annex document and the public page as a
// person sees them. `npm test` installs Chromium first when it can (scripts/ensure-chromium.mjs).
describe.skipIf(chromiumMissing !== null)("in a browser (headless Chromium)", () => {
  let browser: Browser | undefined;
  let server: { url: string; close: () => Promise<void> } | undefined;
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  // one world for the whole walk: the test database lives as long as one test
  it("shows the annex document in Danish, Swedish and English, and the public page without the controller", async () => {
    const t: TestContext = await createTestContext({ file: true });
    const processor = await createOrg(t, "Omsorgspartner ApS");
    const controller: TestOrg = await createOrg(t, "Aarhus Kommune");
    const agreementId = (await createActiveAgreement(t, processor, controller, { annex: usAnnex() })).id;
    const published = await t.call(processor.key, "PATCH", "/v1/organisations/me/public-page", { enabled: true, slug: "omsorgspartner", agreements: "all" });
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    server = await serveApp(t.app);
    browser = await launchChromium();

    const languages = [
      ["da", "Bilag 2 – Oplysninger om lokationer for behandling og underleverandører (underdatabehandlere)", "Navn", "USA"],
      ["sv", "Bilaga 2 – Uppgifter om platser för behandling och underbiträden", "Namn", "USA"],
      ["en", "Annex 2 – Processing locations and sub-processors", "Name", "United States of America"],
    ] as const;
    for (const [lang, title, column, us] of languages) {
      const context = await browser.newContext({ extraHTTPHeaders: { Authorization: `Bearer ${controller.key}` } });
      const page = await context.newPage();
      const response = await page.goto(`${server.url}/v1/agreements/${agreementId}/annex/document?format=html&lang=${lang}`);
      expect(response?.status(), lang).toBe(200);
      expect(await page.getAttribute("html", "lang"), lang).toBe(lang);
      const text = await page.innerText("body");
      expect(text, lang).toContain(title);
      expect(await page.locator("th", { hasText: column }).count(), `${lang}: column ${column}`).toBeGreaterThan(0);
      for (const visible of ["NordHost A/S", "US Cloud Inc.", us]) expect(text, `${lang}: ${visible}`).toContain(visible);
      // print-ready: the print stylesheet applies and the tables are still there
      await page.emulateMedia({ media: "print" });
      expect(await page.locator("table").count(), lang).toBeGreaterThan(0);
      await page.emulateMedia({ media: "screen" });
      await page.screenshot({ path: new URL(`annex-document.${lang}.png`, ARTIFACTS).pathname, fullPage: true });
      await context.close();
    }

    const page = await browser.newPage();
    const response = await page.goto(`${server.url}/public/omsorgspartner`);
    expect(response?.status()).toBe(200);
    const text = await page.innerText("body");
    expect(text).toContain("Sub-processors of Omsorgspartner ApS");
    expect(text).toContain("US Cloud Inc.");
    expect(text).not.toContain("Aarhus Kommune");
    expect(text).not.toContain(agreementId);
    await page.screenshot({ path: new URL("public-page.png", ARTIFACTS).pathname, fullPage: true });
    await page.close();

    // the page in the reader's language, on a phone: nothing wider than the screen
    for (const [locale, heading] of [
      ["da-DK", "Underdatabehandlere hos Omsorgspartner ApS"],
      ["sv-SE", "Omsorgspartner ApS"],
    ] as const) {
      const context = await browser.newContext({ locale, viewport: { width: 390, height: 900 } });
      const phone = await context.newPage();
      await phone.goto(`${server.url}/public/omsorgspartner`);
      expect(await phone.getAttribute("html", "lang")).toBe(locale.slice(0, 2));
      expect(await phone.innerText("body")).toContain(heading);
      const { scroll, width } = await phone.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
      expect(scroll, locale).toBeLessThanOrEqual(width);
      await phone.screenshot({ path: new URL(`public-page.${locale.slice(0, 2)}-390.png`, ARTIFACTS).pathname, fullPage: true });
      await context.close();
    }
  }, 60_000);
});
