import type { Browser } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../helpers/app";
import { ARTIFACTS, chromiumMissing, launchChromium, serveApp } from "../helpers/browser";

// Known operations from openapi/openapi.json that the rendered reference must show.
const OPERATION_PATHS = ["/v1/change-requests", "/v1/decisions/{decision_id}/approve", "/v1/agreements/{agreement_id}/annex", "/v1/webhook-endpoints"];

describe.skipIf(chromiumMissing !== null)("the API reference in a browser, offline (headless Chromium)", () => {
  let browser: Browser | undefined;
  let server: { url: string; close: () => Promise<void> } | undefined;
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("renders /docs from this service alone: nothing requested from another origin, no errors (1280 px)", async () => {
    const t: TestContext = await createTestContext();
    server = await serveApp(t.app);
    browser = await launchChromium();
    const origin = server.url;

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-GB" });
    // the network cut off: anything not on the served origin is aborted, and counted
    const aborted: string[] = [];
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (new URL(url).origin === origin) return route.continue();
      aborted.push(url);
      return route.abort("internetdisconnected");
    });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(String(error)));
    const failed: string[] = [];
    page.on("response", (response) => {
      if (new URL(response.url()).origin === origin && response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
    });
    page.on("requestfailed", (request) => {
      if (new URL(request.url()).origin === origin) failed.push(`failed ${request.url()}: ${request.failure()?.errorText}`);
    });

    const response = await page.goto(`${origin}/docs`);
    expect(response?.status()).toBe(200);
    // on a timeout, say what went wrong in the page rather than only that nothing rendered
    const rendered = await page
      .waitForSelector(".opblock", { timeout: 20_000 })
      .then(() => page.waitForLoadState("networkidle"))
      .then(
        () => true,
        () => false,
      );
    expect(rendered, `Swagger UI rendered no operations: ${JSON.stringify({ aborted, pageErrors, failed })}`).toBe(true);

    // Swagger UI puts zero-width spaces before each "/" of a path so it can wrap
    const text = (await page.innerText("#swagger-ui")).replaceAll("\u200b", "");
    expect(text).toContain("Subprocessor Registry");
    for (const path of OPERATION_PATHS) expect(text, path).toContain(path);
    expect(await page.locator(".opblock").count()).toBeGreaterThan(20);

    expect(aborted, "requests to another origin").toEqual([]);
    expect(pageErrors, "page errors").toEqual([]);
    expect(failed, "failed same-origin requests").toEqual([]);

    await page.screenshot({ path: new URL("docs-offline-1280.png", ARTIFACTS).pathname, fullPage: true });
    await context.close();
  }, 60_000);
});
