import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpMailTransport } from "../../src/mail/http-transport";
import { createFileTransport } from "../../src/mail/nodemailer-transport";
import type { OutgoingMail } from "../../src/mail/transport";

// The two other ways mail leaves: an HTTP e-mail API (the Worker's way) and .eml files (the
// embedded default). SMTP is tested end to end in mailer.test.ts.

const MAIL: OutgoingMail = {
  from: "Subprocessor Registry <registry@registry.example>",
  to: "dpo@aarhus.example",
  subject: "Ændring afventer din beslutning: Databehandleraftale",
  text: "Hej Mette,\n\nÅbn beslutningen:\nhttp://localhost:8787/console/decisions/dec_1\n",
  html: '<!DOCTYPE html><html lang="da"><body><p>Hej Mette</p></body></html>',
  messageId: "<mail_1@registry.example>",
  headers: { References: "<cr_1@registry.example>", "List-Unsubscribe": "<http://localhost:8787/mail/unsubscribe?u=usr_1&k=x&t=y>" },
};

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

/** A real HTTP server standing in for the e-mail API: it records each request and answers `status`. */
async function startApi(status: number) {
  const requests: { headers: Record<string, string | string[] | undefined>; body: Record<string, unknown> }[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      requests.push({ headers: req.headers, body: JSON.parse(body) });
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(status < 300 ? { id: "re_123" } : { message: "domain not verified" }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  cleanups.push(() => server.close());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/emails`, requests };
}

describe("the HTTP e-mail API transport", () => {
  it("posts the mail in Resend's shape with the key as a bearer token, the Message-ID and the headers", async () => {
    const api = await startApi(200);
    const transport = createHttpMailTransport({ url: api.url, apiKey: "re_key", from: MAIL.from });
    expect(await transport.send(MAIL)).toContain("HTTP 200");
    const [req] = api.requests;
    expect(req!.headers.authorization).toBe("Bearer re_key");
    expect(req!.headers["idempotency-key"]).toBe(MAIL.messageId);
    expect(req!.body).toEqual({
      from: MAIL.from,
      to: [MAIL.to],
      subject: MAIL.subject,
      text: MAIL.text,
      html: MAIL.html,
      headers: { "Message-ID": MAIL.messageId, ...MAIL.headers },
    });
  });

  it("throws with the API's answer when the mail is not accepted, so the mailer retries", async () => {
    const api = await startApi(422);
    const transport = createHttpMailTransport({ url: api.url, apiKey: "re_key", from: MAIL.from });
    await expect(transport.send(MAIL)).rejects.toThrow(/HTTP 422: .*domain not verified/);
  });
});

describe("the file transport", () => {
  it("writes the mail as an .eml file a mail client opens, and logs its links", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mail-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const logged: Record<string, unknown>[] = [];
    const transport = createFileTransport(dir, MAIL.from, (_msg, fields) => logged.push(fields));
    await transport.send(MAIL);
    const [file] = readdirSync(dir);
    expect(file).toBe("mail_1@registry.example.eml");
    const parsed = await simpleParser(readFileSync(join(dir, file!)));
    expect(parsed.subject).toBe(MAIL.subject);
    expect(parsed.messageId).toBe(MAIL.messageId);
    expect(parsed.text).toContain("Hej Mette");
    expect(parsed.html).toContain('lang="da"');
    expect(logged[0]).toMatchObject({ to: MAIL.to, links: ["http://localhost:8787/console/decisions/dec_1"] });
  });
});
