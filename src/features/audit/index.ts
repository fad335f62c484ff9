import { createRoute, z } from "@hono/zod-openapi";
import { stream } from "hono/streaming";
import { listOf, PageQuery } from "../../http/pagination";
import { createRouter, errorResponses, jsonContent } from "../../http/router";
import { PersonRef, Timestamp } from "../../http/schemas";
import { ctxOf } from "../../http/context";
import { exportAudit, listAudit, verifyAudit } from "./audit.service";

const tags = ["Audit"];
const security = [{ bearer: [] }];

const AuditRecord = z
  .object({
    object: z.literal("audit_record"),
    id: z.string().openapi({ example: "aud_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C" }),
    seq: z.number().int().openapi({ description: "Position in the chain" }),
    at: Timestamp,
    actor: z.object({
      type: z.enum(["operator", "organisation", "system"]),
      organisation_id: z.string().nullable(),
      key_id: z.string().nullable(),
      key_prefix: z.string().nullable().openapi({ description: "Never the secret" }),
      user: PersonRef.nullable().openapi({ description: "The person acting: signed in to the console, or through a key tied to them" }),
    }),
    action: z.string().openapi({ example: "annex.read" }),
    resource: z.object({ type: z.string(), id: z.string() }),
    agreement_id: z.string().nullable(),
    request_id: z.string().nullable(),
    client_ip: z.string().nullable(),
    outcome: z.string(),
    detail: z.record(z.string(), z.unknown()).nullable().openapi({ description: "What else the record proves, e.g. to whom a notice was sent (`notice.sent`)" }),
    prev_hash: z.string(),
    hash: z.string().openapi({ description: "SHA-256 over the record's content and prev_hash" }),
  })
  .openapi("AuditRecord");

const Verification = z
  .object({
    object: z.literal("audit_verification"),
    valid: z.boolean(),
    records_checked: z.number().int().openapi({ description: "How many of the records the caller may read were checked (the whole chain is)" }),
    first_broken: z.object({ seq: z.number().int().nullable(), id: z.string().nullable(), reason: z.string() }).nullable(),
  })
  .openapi("AuditVerification");

export const listAuditRecords = createRoute({
  method: "get",
  path: "/v1/audit",
  operationId: "listAuditRecords",
  summary: "Audit records the caller may read: those of its agreements and of its own keys (the operator: all)",
  tags,
  security,
  request: { query: PageQuery.extend({ agreement_id: z.string().optional(), action: z.string().max(100).optional() }) },
  responses: { 200: jsonContent(listOf(AuditRecord, "AuditRecordList"), "Records, newest first"), ...errorResponses() },
});

export const verifyAuditChain = createRoute({
  method: "get",
  path: "/v1/audit/verify",
  operationId: "verifyAuditChain",
  summary: "Recompute the whole hash chain and report the first broken link",
  tags,
  security,
  responses: { 200: jsonContent(Verification, "The verification"), ...errorResponses() },
});

export const exportAuditRecords = createRoute({
  method: "get",
  path: "/v1/audit/export",
  operationId: "exportAuditRecords",
  summary: "Every record the caller may read, oldest first, as JSON Lines",
  tags,
  security,
  responses: { 200: { description: "One AuditRecord a line", content: { "application/x-ndjson": { schema: z.string() } } }, ...errorResponses() },
});

export const auditRouter = createRouter()
  .openapi(listAuditRecords, async (c) => c.json(await listAudit({ ctx: ctxOf(c), ...c.req.valid("query") }), 200))
  .openapi(verifyAuditChain, async (c) => c.json(await verifyAudit({ db: c.get("deps").db, actor: c.get("actor") }), 200))
  .openapi(exportAuditRecords, (c) => {
    const ctx = ctxOf(c);
    c.header("Content-Type", "application/x-ndjson; charset=utf-8");
    c.header("Content-Disposition", 'attachment; filename="audit.jsonl"');
    return stream(c, async (s) => {
      for await (const line of exportAudit(ctx)) await s.write(line);
    }) as never;
  });
