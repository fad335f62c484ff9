import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Transporter } from "nodemailer";
import type { MailTransport, OutgoingMail } from "./transport";

const message = (mail: OutgoingMail) => ({
  from: mail.from,
  to: mail.to,
  subject: mail.subject,
  text: mail.text,
  html: mail.html,
  messageId: mail.messageId,
  headers: mail.headers,
});

/** SMTP through nodemailer (Node): `smtp://user:password@host:587` or `smtps://…:465`. */
export function createSmtpTransport(url: string, from: string): MailTransport & { close(): void } {
  let transport: Promise<Transporter> | undefined;
  return {
    from,
    async send(mail) {
      transport ??= loadTransport(url);
      const info = await (await transport).sendMail(message(mail));
      return info.response ?? "";
    },
    close: () => void transport?.then((t) => t.close()),
  };
}

/** nodemailer, loaded with the first mail: a service that sends none never holds it in memory. */
const loadTransport = async (options: Parameters<typeof import("nodemailer").createTransport>[0]): Promise<Transporter> => (await import("nodemailer")).createTransport(options);

/**
 * No mail server (the embedded default): each mail is written as an `.eml` file under `dir`,
 * composed by nodemailer exactly as SMTP would carry it, and its links are logged, so a sign-in
 * works offline (`npm run demo`).
 */
export function createFileTransport(dir: string, from: string, log: (msg: string, fields: Record<string, unknown>) => void): MailTransport {
  let transport: Promise<Transporter> | undefined;
  return {
    from,
    async send(mail) {
      transport ??= loadTransport({ streamTransport: true, buffer: true, newline: "unix" });
      const info = await (await transport).sendMail(message(mail));
      await mkdir(dir, { recursive: true });
      const file = join(dir, `${mail.messageId.replace(/[<>]/g, "").replace(/[^A-Za-z0-9_.@-]/g, "_")}.eml`);
      await writeFile(file, info.message as Buffer);
      const links = [...new Set(mail.text.match(/https?:\/\/\S+\/console\/\S+/g) ?? [])];
      log("mail written", { to: mail.to, subject: mail.subject, file, links });
      return `written to ${file}`;
    },
  };
}
