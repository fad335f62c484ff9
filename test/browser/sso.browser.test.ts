import type { Browser, Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { createTestContext } from "../helpers/app";
import { ARTIFACTS, assertAccessible, chromiumMissing, launchChromium, serveApp } from "../helpers/browser";
import { createOrg } from "../helpers/factories";
import { startOidcProvider, TEST_PASSWORD, type TestOidcProvider } from "../helpers/oidc-provider";

const shot = (page: Page, name: string) => page.screenshot({ path: new URL(`console-sso-${name}.png`, ARTIFACTS).pathname, fullPage: true });

describe.skipIf(chromiumMissing !== null)("single sign-on in a browser (headless Chromium, a real OpenID provider)", () => {
  let browser: Browser | undefined;
  let server: { url: string; close: () => Promise<void> } | undefined;
  let idp: TestOidcProvider | undefined;
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await idp?.close();
  });

  it("signs a person of a municipality in through its identity provider, at 1280 px and 390 px", async () => {
    const t = await createTestContext({ file: true });
    const org = await createOrg(t, "Aarhus Kommune");
    server = await serveApp(t.app);
    // the app learns its address once it listens: the redirect URI it sends is built from it
    t.deps.publicUrl = server.url;
    const email = "mette.hansen@aarhus.example";
    idp = await startOidcProvider({
      redirectUris: [`${server.url}/console/sso/callback`],
      accounts: [{ login: email, email, email_verified: true, name: "Mette Hansen" }],
    });
    const connected = await t.call(org.key, "PUT", "/v1/sso-connection", {
      issuer: idp.issuer,
      client_id: idp.clientId,
      client_secret: idp.clientSecret,
      email_domain: "aarhus.example",
      default_role: "decider",
    });
    expect(connected.status, JSON.stringify(connected.body)).toBe(200);
    browser = await launchChromium();

    for (const width of [1280, 390]) {
      const context = await browser.newContext({ locale: "en-GB", viewport: { width, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${server.url}/console`);
      expect(page.url()).toBe(`${server.url}/console/sign-in`);
      const form = page.locator('form[action="/console/sso/start"]');
      await expect(form.getByRole("heading", { name: "Single sign-on" }).isVisible()).resolves.toBe(true);
      await assertAccessible(page, `sign-in ${width}`);
      await shot(page, `sign-in-${width}`);

      if (width === 1280) {
        // an address whose organisation has no single sign-on: the page says so, and offers the link
        await form.getByLabel("E-mail address").fill("someone@elsewhere.example");
        await form.getByRole("button", { name: "Continue with single sign-on" }).click();
        await page.waitForSelector('[role="alert"]');
        expect(await page.innerText('[role="alert"]')).toContain("No single sign-on is set up for this address");
        await assertAccessible(page, "sign-in, no single sign-on");
        await shot(page, "unavailable-1280");
      }
      await form.getByLabel("E-mail address").fill(email);
      await form.getByRole("button", { name: "Continue with single sign-on" }).click();
      // at the municipality's identity provider: the address it was given is already filled in
      await page.waitForURL(`${idp.issuer}/interaction/**`);
      expect(await page.getByLabel("Login name").inputValue()).toBe(email);
      await shot(page, `provider-${width}`);
      await page.getByLabel("Password").fill(TEST_PASSWORD);
      await page.getByRole("button", { name: "Log in" }).click();
      await page.getByRole("button", { name: "Allow" }).click();

      await page.waitForURL(`${server.url}/console`);
      const header = await page.innerText("header");
      expect(header).toContain("Mette Hansen");
      expect(header).toContain("Aarhus Kommune");
      expect(await page.getByRole("button", { name: "Sign out" }).count()).toBe(1);
      await assertAccessible(page, `inbox ${width}`);
      const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
      expect(scroll, `the inbox is ${scroll} px wide in a ${inner} px viewport`).toBeLessThanOrEqual(inner);
      await shot(page, `inbox-${width}`);
      await context.close();
    }

    // one person, provisioned on the first sign-in and reused on the second, with the connection's role
    const people = await t.call(org.key, "GET", "/v1/users");
    expect(people.body.data).toEqual([expect.objectContaining({ email, name: "Mette Hansen", role: "decider", source: "sso", status: "active" })]);
    const signedIn = await t.call(org.key, "GET", "/v1/audit?action=user.signed_in");
    expect(signedIn.body.data.map((r: { actor: { user: { name: string } } }) => r.actor.user.name)).toEqual(["Mette Hansen", "Mette Hansen"]);
  }, 90_000);
});
