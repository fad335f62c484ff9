/** A mail as it leaves: rendered, addressed, with the headers that thread it and let it be unsubscribed from. */
export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** `<id@host>`: the same on every attempt, so a retried mail is recognisably the same one */
  messageId: string;
  headers: Record<string, string>;
}

/** Where mail goes: SMTP, `.eml` files, or an HTTP e-mail API (src/mail/*-transport.ts). */
export interface MailTransport {
  /** what the mails are sent from, e.g. `Subprocessor Registry <registry@kommune.example>` */
  from: string;
  /** resolves with the server's answer; throws when the mail was not accepted */
  send(mail: OutgoingMail): Promise<string>;
}
