import { createServer, type Server } from "node:http";
import { Webhook as StandardWebhook } from "standardwebhooks";
import { Webhook as SvixWebhook } from "svix";

/** Which of the two libraries verify a delivery's signature with one secret: Standard Webhooks' and Svix's. */
export function verifyWith(secret: string, body: string, headers: Record<string, string>): { standard: boolean; svix: boolean } {
  let standard = false;
  let svix = false;
  try {
    new StandardWebhook(secret.replace(/^whsec_/, "")).verify(body, headers);
    standard = true;
  } catch {}
  try {
    new SvixWebhook(secret).verify(body, {
      "svix-id": headers["webhook-id"]!,
      "svix-timestamp": headers["webhook-timestamp"]!,
      "svix-signature": headers["webhook-signature"]!,
    });
    svix = true;
  } catch {}
  return { standard, svix };
}

/** Whether a delivery verifies with one of the secrets under both libraries. */
export function verifiedByBoth(secrets: string[], body: string, headers: Record<string, string>): boolean {
  let standard = false;
  let svix = false;
  for (const secret of secrets) {
    const verified = verifyWith(secret, body, headers);
    standard ||= verified.standard;
    svix ||= verified.svix;
  }
  return standard && svix;
}

export interface Received {
  id: string;
  type: string;
  timestamp: string;
  data: any;
  headers: Record<string, string>;
  /** the signature checked out with both libraries, unmodified */
  verified: boolean;
  verifiedWith: string[];
}

export interface Receiver {
  url: string;
  received: Received[];
  /** what the next requests answer: a status, or a function deciding per request */
  respond: (status: number | ((n: number) => number)) => void;
  /** the secrets the receiver accepts (replace after a rotation) */
  secrets: string[];
  close: () => Promise<void>;
  /** waits until `n` deliveries have arrived (verified or not) */
  waitFor: (n: number, timeoutMs?: number) => Promise<Received[]>;
}

/**
 * A real HTTP server that verifies every delivery with the unmodified `standardwebhooks` and
 * `svix` libraries, as a customer's receiver would, and answers with the status it is told.
 */
export async function startReceiver(secrets: string[] = []): Promise<Receiver> {
  const received: Received[] = [];
  let decide: (n: number) => number = () => 200;
  let count = 0;
  const receiver = {
    url: "",
    received,
    secrets,
    respond: (status: number | ((n: number) => number)) => {
      decide = typeof status === "number" ? () => status : status;
    },
  } as Receiver;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      const verifiedWith: string[] = [];
      for (const secret of receiver.secrets) {
        const { standard, svix } = verifyWith(secret, body, headers);
        if (standard) verifiedWith.push(`standardwebhooks:${secret}`);
        if (svix) verifiedWith.push(`svix:${secret}`);
      }
      let parsed: { type?: string; timestamp?: string; data?: unknown } = {};
      try {
        parsed = JSON.parse(body);
      } catch {}
      received.push({
        id: headers["webhook-id"] ?? "",
        type: parsed.type ?? "",
        timestamp: parsed.timestamp ?? "",
        data: parsed.data,
        headers,
        verified: verifiedWith.some((v) => v.startsWith("standardwebhooks")) && verifiedWith.some((v) => v.startsWith("svix")),
        verifiedWith,
      });
      res.statusCode = decide(++count);
      res.end(res.statusCode < 300 ? "ok" : `failing with ${res.statusCode}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  receiver.url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/hooks`;
  receiver.close = () => new Promise((resolve) => server.close(() => resolve()));
  receiver.waitFor = async (n, timeoutMs = 10_000) => {
    const until = Date.now() + timeoutMs;
    while (received.length < n) {
      if (Date.now() > until) throw new Error(`expected ${n} deliveries, got ${received.length}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return received;
  };
  return receiver;
}
