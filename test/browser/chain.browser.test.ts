// What people see of rules 13 and 14 (docs/rules.md) in Debian's Chromium at 1280 px and 390 px:
// the processor's request passed on from upstream, with the upstream deadline beside each
// controller's; the controller's question holding its notice; the processor's form to answer it.
// Each page axe-clean, nothing scrolling sideways, a screenshot saved under test/artifacts/.
import type { Browser } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../helpers/app";
import { ARTIFACTS, assertAccessible, assertNoSidewaysScroll, chromiumMissing, launchChromium, serveApp } from "../helpers/browser";
import { addBackupOp, createActiveAgreement, createOrg, type TestOrg } from "../helpers/factories";
import { browserSignIn, invitePerson } from "../helpers/people";

/** NordHost's change, received by Omsorgspartner and submitted to two municipalities; Aarhus has asked a question that holds its notice. */
async function world(t: TestContext) {
  const nordhost = await createOrg(t, "NordHost A/S");
  const processor = await createOrg(t, "Omsorgspartner ApS");
  const aarhus = await createOrg(t, "Aarhus Kommune");
  const odense = await createOrg(t, "Odense Kommune");
  const upstream = await createActiveAgreement(t, nordhost, processor, { notice_days: 30 });
  const withAarhus = await createActiveAgreement(t, processor, aarhus, { notice_days: 14, authorisation: "specific" });
  await createActiveAgreement(t, processor, odense, { notice_days: 14 });
  const amended = await t.call(aarhus.key, "POST", `/v1/agreements/${withAarhus.id}/amendments`, { question_extension_days: 5, reason: "Time to read the answers" });
  expect(amended.status, JSON.stringify(amended.body)).toBe(201);
  await t.call(t.operatorKey, "POST", "/v1/test-clock/advance", { days: 31 });
  const source = await t.call(processor.key, "POST", "/v1/upstream-sources", { sub_processor_ref: "nordhost", kind: "register", upstream_agreement_id: upstream.id });
  expect(source.status, JSON.stringify(source.body)).toBe(201);
  const announced = await t.call(nordhost.key, "POST", "/v1/change-requests", { agreements: [upstream.id], operations: [addBackupOp("upbackup")], reason: "A backup provider" });
  expect(announced.status, JSON.stringify(announced.body)).toBe(201);
  await t.call(t.operatorKey, "POST", "/v1/test-clock/advance", { seconds: 60 });
  const change = (await t.call(processor.key, "GET", "/v1/upstream-changes")).body.data[0];
  const submitted = await t.call(processor.key, "POST", `/v1/change-request-drafts/${change.draft.id}/submit`);
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
  const decision = submitted.body.decisions.find((d: { agreement: { id: string } }) => d.agreement.id === withAarhus.id).id as string;
  const asked = await t.call(aarhus.key, "POST", `/v1/decisions/${decision}/questions`, { question: "Where are the backups kept, and for how long?" });
  expect(asked.body.notice_held, JSON.stringify(asked.body)).toBe(true);
  return { processor, aarhus, decision };
}

describe.skipIf(chromiumMissing !== null)("questions and the chain in a browser (headless Chromium)", () => {
  let browser: Browser | undefined;
  let server: { url: string; close: () => Promise<void> } | undefined;
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("the request with its upstream deadline, the held notice and its question, the answer form: 1280 px and 390 px", async () => {
    const t = await createTestContext({ file: true });
    const w = await world(t);
    server = await serveApp(t.app);
    browser = await launchChromium();
    const pages: [TestOrg, string, string, string[]][] = [
      [w.processor, "/console/requests", "chain-requests", ["Upstream deadline", "NordHost"]],
      [w.aarhus, `/console/decisions/${w.decision}`, "question-held", ["Where are the backups kept", "until the question is answered"]],
      [w.processor, `/console/decisions/${w.decision}`, "question-answer", ["Where are the backups kept"]],
    ];
    for (const [org, path, name, visible] of pages) {
      const email = (await invitePerson(t, org.key, { role: "decider" })).email;
      for (const width of [1280, 390]) {
        const context = await browser.newContext({ bypassCSP: true, locale: "en-GB", viewport: { width, height: 900 } });
        const page = await context.newPage();
        await browserSignIn(page, server.url, email, async () => "", t);
        await page.goto(`${server.url}${path}`);
        const text = await page.innerText("main");
        // under 600 px a table is cards, its headers shown by CSS from data-label (not in innerText)
        for (const v of visible) if (width > 600 || v !== "Upstream deadline") expect(text, `${name} ${width}: ${v}`).toContain(v);
        // the screenshot first: a page that fails below can be looked at
        await page.screenshot({ path: new URL(`console-${name}-${width}.png`, ARTIFACTS).pathname, fullPage: true });
        await assertAccessible(page, `${name} ${width}`);
        await assertNoSidewaysScroll(page, `${name} ${width}`);
        await context.close();
      }
    }
  });
});
