import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterEach, expect } from "vitest";

/** A mail as it arrived at the test SMTP server: parsed by mailparser, with its envelope. */
export interface ArrivedMail {
  to: string[];
  parsed: ParsedMail;
  /** the raw header block, as the recipient's client would read it */
  headers: Map<string, unknown>;
}

const servers: SMTPServer[] = [];
afterEach(async () => {
  while (servers.length) await new Promise<void>((resolve) => servers.pop()!.close(() => resolve()));
});

/**
 * A real SMTP server in the test process (smtp-server), reading what arrives with mailparser.
 * `refuse` makes it answer 451 to every recipient until set back: a mail server that is down.
 */
export async function startSmtpServer() {
  const mails: ArrivedMail[] = [];
  const state = { refuse: false };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (state.refuse) {
        const err = new Error("Try again later") as Error & { responseCode: number };
        err.responseCode = 451;
        return callback(err);
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), parsed, headers: parsed.headers });
          callback();
        })
        .catch(callback);
    },
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    state,
    /** the mails to one address, oldest first */
    to: (address: string) => mails.filter((m) => m.to.includes(address)),
  };
}

/** A link of a mail's plain text, found by its path. */
export function linkIn(mail: ArrivedMail, path: RegExp): URL {
  const found = (mail.parsed.text ?? "").match(new RegExp(`https?://\\S*${path.source}\\S*`));
  expect(found, `a link to ${path} in:\n${mail.parsed.text}`).not.toBeNull();
  return new URL(found![0]!);
}

/** A header as it arrived, unfolded: the raw line, not mailparser's reading of it. */
export function headerOf(mail: ArrivedMail, name: string): string {
  const line = mail.parsed.headerLines.find((h) => h.key === name.toLowerCase());
  return line
    ? line.line
        .slice(line.line.indexOf(":") + 1)
        .replace(/\r?\n\s+/g, " ")
        .trim()
    : "";
}
