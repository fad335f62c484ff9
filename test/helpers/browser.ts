import { serve } from "@hono/node-server";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { type Browser, chromium, type Page } from "playwright-core";
import { expect } from "vitest";
import type { App } from "../../src/app";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** Why browser tests cannot run here, or null when they can. */
export const chromiumMissing = existsSync(CHROMIUM) ? null : `no Chromium at ${CHROMIUM} (npm test installs Debian's chromium when it can)`;
export const ARTIFACTS = new URL("../artifacts/", import.meta.url);

/** Debian's Chromium, headless, with nothing that would reach out to the network by itself. */
export function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** The app on a real loopback port, for a browser to open. */
export async function serveApp(app: App): Promise<{ url: string; close: () => Promise<void> }> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * axe-core in the page: no violation of serious or critical impact. It is evaluated through the
 * browser's protocol, which the page's Content-Security-Policy does not govern, so a page can be
 * checked under its real policy.
 */
export async function assertAccessible(page: Page, name: string) {
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    const r = await (globalThis as unknown as { axe: { run: () => Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown }[] }[] }> } }).axe.run();
    // which elements, by their selectors: enough to find them in the page's view
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, targets: v.nodes.slice(0, 5).map((n) => n.target) }));
  });
  expect(
    result.filter((v) => v.impact === "serious" || v.impact === "critical"),
    `${name}: ${JSON.stringify(result)}`,
  ).toEqual([]);
}

/** Nothing on the page is wider than the viewport: no sideways scrolling on a phone. */
export async function assertNoSidewaysScroll(page: Page, name: string) {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  expect(scroll, `${name}: the page is ${scroll} px wide in a ${width} px viewport`).toBeLessThanOrEqual(width);
}
