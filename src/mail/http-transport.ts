import type { MailTransport, OutgoingMail } from "./transport";

/**
 * An HTTP e-mail API (the Worker has no SMTP): one JSON POST per mail, in the shape Resend's
 * `POST /emails` takes (from, to, subject, text, html, headers), with the API key as a bearer
 * token. Any service with that shape works, e.g. Resend at https://api.resend.com/emails.
 */
export function createHttpMailTransport(opts: { url: string; apiKey: string; from: string; fetch?: typeof fetch }): MailTransport {
  const send = opts.fetch ?? fetch;
  return {
    from: opts.from,
    async send(mail: OutgoingMail) {
      const res = await send(opts.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${opts.apiKey}`, "idempotency-key": mail.messageId },
        body: JSON.stringify({
          from: mail.from,
          to: [mail.to],
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          headers: { "Message-ID": mail.messageId, ...mail.headers },
        }),
        signal: AbortSignal.timeout(15_000),
      });
      const body = (await res.text()).slice(0, 500);
      if (!res.ok) throw new Error(`HTTP ${res.status}: ${body}`);
      return `HTTP ${res.status}: ${body}`;
    },
  };
}
