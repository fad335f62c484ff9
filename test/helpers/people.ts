import { expect } from "vitest";
import type { TestContext } from "./app";

export const ORIGIN = "http://localhost";

export interface ConsoleSession {
  cookie: string;
  setCookie: string;
  email: string;
  userId: string;
}

let counter = 0;

/** Invites a person into the organisation of `key` through the API; returns the user. */
export async function invitePerson(t: TestContext, key: string, opts: { email?: string; role?: "admin" | "decider" | "viewer"; name?: string } = {}) {
  const email = opts.email ?? `person${++counter}.${crypto.randomUUID().slice(0, 8)}@org.example`;
  const res = await t.call(key, "POST", "/v1/users", { email, role: opts.role ?? "admin", ...(opts.name ? { name: opts.name } : {}) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; email: string; role: string; organisation_id: string };
}

/** The link of the newest sign-in or invitation mail to `email` still in the outbox (no mailer runs in these tests). */
export async function linkInOutbox(t: TestContext, email: string, kind: "sign_in" | "invitation" = "sign_in"): Promise<string> {
  const row = (await t.client.execute({ sql: "SELECT payload FROM mails WHERE to_address = ? AND kind = ? ORDER BY id DESC LIMIT 1", args: [email.toLowerCase(), kind] })).rows[0];
  expect(row, `a ${kind} mail to ${email}`).toBeDefined();
  return JSON.parse(row!.payload as string).url as string;
}

/** Opens a sign-in link the way a person does: the page behind it, then its button. Returns the response of the button. */
export async function useLink(t: TestContext, url: string, headers: Record<string, string> = {}) {
  const u = new URL(url);
  const page = await t.app.request(u.pathname + u.search, { headers });
  expect(page.status).toBe(200);
  const html = await page.text();
  const form = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!.replaceAll("&amp;", "&")]));
  return t.app.request("/console/sign-in/link", { method: "POST", headers: { Origin: ORIGIN, ...headers }, body: new URLSearchParams(form) });
}

/** Signs a person in by e-mail link, as a browser would: asks for the link, reads it from the outbox, uses it. */
export async function signInByLink(t: TestContext, email: string, headers: Record<string, string> = {}): Promise<Omit<ConsoleSession, "userId">> {
  const asked = await t.app.request("/console/sign-in", { method: "POST", headers: { Origin: ORIGIN, ...headers }, body: new URLSearchParams({ email }) });
  expect(asked.status).toBe(200);
  const res = await useLink(t, await linkInOutbox(t, email), headers);
  expect(res.status).toBe(303);
  const setCookie = res.headers.get("set-cookie") ?? "";
  const cookie = setCookie.split(";")[0]!;
  expect(cookie).toMatch(/^console_session=.{40,}/);
  return { cookie, setCookie, email };
}

/** A new person of the organisation of `key` with `role`, signed in to the console. */
export async function signInAs(t: TestContext, key: string, role: "admin" | "decider" | "viewer" = "decider", headers: Record<string, string> = {}): Promise<ConsoleSession> {
  const user = await invitePerson(t, key, { role });
  return { ...(await signInByLink(t, user.email, headers)), userId: user.id };
}

/** The part of a Playwright page the browser sign-in needs (the tests import playwright-core's Page). */
interface BrowserPage {
  goto(url: string): Promise<unknown>;
  url(): string;
  getByLabel(text: RegExp): { first(): { fill(value: string): Promise<void> } };
  locator(selector: string): { click(): Promise<void> };
  waitForURL(url: string | RegExp): Promise<void>;
}

/**
 * Signs a person in as a browser does: the address in the sign-in form, the link from the
 * outbox (what the mail carries), its page, its button. `link` reads the link some other way (a
 * test SMTP server).
 */
export async function browserSignIn(page: BrowserPage, base: string, email: string, link: () => Promise<string>, t?: TestContext) {
  if (!page.url().includes("/console/sign-in")) await page.goto(`${base}/console/sign-in`);
  await page
    .getByLabel(/E-?mail|E-post/i)
    .first()
    .fill(email);
  await page.locator('form[action="/console/sign-in"] button').click();
  await page.waitForURL(/\/console\/sign-in/);
  const url = new URL(t ? await linkInOutbox(t, email) : await link());
  await page.goto(`${base}${url.pathname}${url.search}`);
  await page.locator('form[action="/console/sign-in/link"] button').click();
  await page.waitForURL(/\/console(\/|$|\?)(?!sign-in)/);
}
