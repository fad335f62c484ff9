import { z } from "zod";

const flag = z
  .enum(["1", "0", "true", "false", ""])
  .optional()
  .transform((v) => v === "1" || v === "true");

/** Configuration, from environment variables (Node) or bindings and secrets (Workers). */
export const EnvSchema = z.object({
  HOST: z.string().default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  DATABASE_URL: z.string().min(1).default("file:./data/registry.db"),
  DATABASE_AUTH_TOKEN: z.string().optional(),
  OPERATOR_API_KEY: z
    .string()
    .regex(/^sk_live_[0-9A-Za-z_]{16,}$/, "OPERATOR_API_KEY must look like sk_live_ followed by at least 16 letters, digits or _")
    .optional(),
  DEMO: flag,
  TEST_CLOCK: flag,
  LOG_LEVEL: z.enum(["info", "silent"]).default("info"),
  /** the service's public origin for links in e-mails (sign-in, notices); default http://HOST:PORT */
  PUBLIC_URL: z.url().optional(),
  /** how often the in-process scheduler runs (Node); Workers use the Cron Trigger */
  /** 1: webhook URLs may be plain http and loopback/private (tests, local development) */
  WEBHOOK_ALLOW_INSECURE: flag,
  /** with it, events are handed to Svix (hosted, or self-hosted at SVIX_SERVER_URL) */
  SVIX_API_KEY: z.string().min(1).optional(),
  SVIX_SERVER_URL: z.url().optional(),
  /** how long a relay holds a claimed delivery before another may take it over */
  WEBHOOK_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  /** requests per API key per minute */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  /** SMTP for e-mail (Node): smtp://user:password@host:587 or smtps://…:465 */
  SMTP_URL: z.url().optional(),
  /** an HTTP e-mail API taking Resend's JSON shape (the Worker's way to send), with its key */
  MAIL_API_URL: z.url().optional(),
  MAIL_API_KEY: z.string().min(1).optional(),
  /** the sender of every mail */
  MAIL_FROM: z.string().min(3).default("Subprocessor Registry <registry@localhost>"),
  /** with neither SMTP nor an API: mails are written here as .eml files and their links logged */
  MAIL_DIR: z.string().min(1).default("./data/mail"),
  /** the Ed25519 key that signs audit checkpoints (PKCS #8, PEM or base64); a Workers secret. Node without it: AUDIT_KEY_FILE */
  AUDIT_SIGNING_KEY: z.string().min(40).optional(),
  /** Node: where the signing key is kept when AUDIT_SIGNING_KEY is not set (generated on the first start), beside the database, never in it */
  AUDIT_KEY_FILE: z.string().min(1).default("./data/audit-signing-key.pem"),
  /** days an audit record keeps its personal data (client IP, the person's name and address) before it is erased */
  AUDIT_PERSONAL_DATA_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  /** the Worker's cron: at most this many decisions moved or applied per invocation; the rest continue at the next */
  SCHEDULER_BUDGET: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  SCHEDULER_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
});

export type Env = z.infer<typeof EnvSchema>;

/** Parses configuration; a bad value stops the start with every problem named. */
export function parseEnv(record: Record<string, unknown>): Env {
  const result = EnvSchema.safeParse(record);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return result.data;
}
