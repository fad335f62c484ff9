import { createRoute, z } from "@hono/zod-openapi";
import { stream } from "hono/streaming";
import { listOf, PageQuery } from "../../http/pagination";
import { createRouter, errorResponses, jsonContent, publicErrorResponses, REQUEST_ID_HEADER } from "../../http/router";
import { PersonRef, Timestamp } from "../../http/schemas";
import { ctxOf } from "../../http/context";
import { AppError } from "../../domain/errors";
import { exportAudit, listAudit, verifyAudit } from "./audit.service";
import { AuditCheckpoint, AuditPublicKey } from "./audit.schemas";
import { auditPublicKey, issueCheckpoint, listCheckpoints, presentCheckpoint } from "./checkpoints.service";
import { listExample } from "../examples";
import { auditRecordListExample, checkpointExample, exportExample, publicKeyExample, verificationExample } from "./audit.examples";

const tags = ["Audit"];
const security = [{ bearer: [] }];

export const AuditRecord = z
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
    processor_id: z.string().nullable().openapi({ description: "The agreement's processor: part of the hashed content" }),
    controller_id: z.string().nullable().openapi({ description: "The agreement's controller: part of the hashed content" }),
    request_id: z.string().nullable(),
    client_ip: z.string().nullable(),
    outcome: z.string(),
    detail: z.record(z.string(), z.unknown()).nullable().openapi({ description: "What else the record proves, e.g. to whom a notice was sent (`notice.sent`)" }),
    personal_digest: z.string().nullable().openapi({
      description:
        "The salted digest of the record's personal data (client_ip, actor.user's name and address), which the hash covers in its place: retention erases the data, the chain still verifies. Null on records written before.",
    }),
    prev_hash: z.string(),
    hash: z.string().openapi({ description: "SHA-256 over the record's content and prev_hash" }),
  })
  .openapi("AuditRecord");

export const Verification = z
  .object({
    object: z.literal("audit_verification"),
    valid: z.boolean(),
    records_checked: z.number().int().openapi({ description: "How many of the records the caller may read were recomputed" }),
    from_seq: z.number().int().openapi({ description: "The first record recomputed: the one after the newest checkpoint that holds, or 1 with full=true" }),
    checkpoints_checked: z.number().int().openapi({ description: "Signed checkpoints whose signature and sealed record held" }),
    first_broken: z.object({ seq: z.number().int().nullable(), id: z.string().nullable(), reason: z.string() }).nullable(),
  })
  .openapi("AuditVerification");

export const listAuditRecords = createRoute({
  method: "get",
  path: "/v1/audit",
  operationId: "listAuditRecords",
  summary: "Audit records the caller may read: those of its agreements and of its own keys (the operator: all)",
  description:
    "Any key (`read` scope suffices). An organisation reads the records of the agreements it is party to and of everything it did itself (through its keys or its people); the operator key reads every record. Newest first, by `seq`; filter by `agreement_id` and `action` (e.g. `annex.read`: who read an annex, when, through which key).",
  tags,
  security,
  request: { query: PageQuery.extend({ agreement_id: z.string().optional(), action: z.string().max(100).optional() }) },
  responses: { 200: jsonContent(listOf(AuditRecord, "AuditRecordList"), "Records, newest first", auditRecordListExample), ...errorResponses() },
});

export const verifyAuditChain = createRoute({
  method: "get",
  path: "/v1/audit/verify",
  operationId: "verifyAuditChain",
  summary: "Check the audit trail: the append-only triggers, the signed checkpoints, and the hash chain from the newest checkpoint (or all of it)",
  description:
    "Any key (`read` scope suffices), the operator's or an organisation's. The whole chain is checked, but an organisation learns the seq and id of a broken record only if it may read that record, and `records_checked` counts only those. `valid: false` is still a 200: `first_broken` says where and why.",
  tags,
  security,
  request: {
    query: z.object({
      full: z.enum(["true", "false"]).optional().openapi({ description: "true: recompute the whole chain, not only from the newest checkpoint that holds" }),
    }),
  },
  responses: { 200: jsonContent(Verification, "The verification", verificationExample), ...errorResponses() },
});

export const exportAuditRecords = createRoute({
  method: "get",
  path: "/v1/audit/export",
  operationId: "exportAuditRecords",
  summary: "The trail as the caller may prove it, oldest first, as JSON Lines: its records in full, and only the link (seq, prev_hash, hash) of each record of others",
  description:
    "Any key (`read` scope suffices); the operator key gets every record in full. Streamed as a download (`audit.jsonl`); the links let anyone check the chain end to end offline against a signed checkpoint and the public key (scripts/verify-audit-export.mjs), without seeing anything of another party.",
  tags,
  security,
  responses: {
    200: {
      headers: REQUEST_ID_HEADER,
      description: "One AuditRecord or audit_link a line; check it offline with scripts/verify-audit-export.mjs",
      content: { "application/x-ndjson": { schema: z.string(), example: exportExample } },
    },
    ...errorResponses(),
  },
});

export const getAuditPublicKey = createRoute({
  method: "get",
  path: "/v1/audit/public-key",
  operationId: "getAuditPublicKey",
  summary: "The public key that checks audit checkpoints offline",
  description:
    "Public: no API key. Checkpoints are signed with a key the database never holds; with this public key anyone can check a checkpoint they kept, and an export against it, without trusting whoever runs the database.",
  tags,
  security: [],
  responses: { 200: jsonContent(AuditPublicKey, "The public key", publicKeyExample), ...publicErrorResponses({ 404: "This deployment has no audit signing key" }) },
});

export const listAuditCheckpoints = createRoute({
  method: "get",
  path: "/v1/audit/checkpoints",
  operationId: "listAuditCheckpoints",
  summary: "Signed checkpoints of the audit trail, newest first",
  description:
    "Any key (`read` scope suffices), the operator's or an organisation's: a checkpoint says nothing but a sequence number, a hash and a time, so every caller may read them all. Keep them: each can be checked offline with GET /v1/audit/public-key, and an export against it.",
  tags,
  security,
  request: { query: PageQuery },
  responses: { 200: jsonContent(listOf(AuditCheckpoint, "AuditCheckpointList"), "Checkpoints", listExample([checkpointExample])), ...errorResponses() },
});

export const createAuditCheckpoint = createRoute({
  method: "post",
  path: "/v1/audit/checkpoints",
  operationId: "createAuditCheckpoint",
  summary: "Seal the audit trail's end now with a signed checkpoint (or get the one that already seals it)",
  description:
    "Any key with `write` scope, the operator's or an organisation's (the scheduler also seals the trail every hour). When nothing was appended since the last checkpoint, that one is returned; 404 while the trail is empty, 409 when the deployment has no signing key. Every organisation with records since the previous checkpoint gets it as an `audit.checkpoint` event and webhook.",
  tags,
  security,
  responses: { 200: jsonContent(AuditCheckpoint, "The checkpoint sealing the trail's end", checkpointExample), ...errorResponses(404, 409) },
});

/** The routes anyone may call without an API key (src/app.ts skips authentication for them). */
export const auditPublicRoutes = [getAuditPublicKey];

export const auditRouter = createRouter()
  .openapi(getAuditPublicKey, async (c) => c.json(await auditPublicKey(c.get("deps")), 200))
  .openapi(listAuditCheckpoints, async (c) => c.json(await listCheckpoints({ ctx: ctxOf(c), ...c.req.valid("query") }), 200))
  .openapi(createAuditCheckpoint, async (c) => {
    const row = await issueCheckpoint(c.get("deps"));
    if (!row) throw new AppError("not_found", "The audit trail is empty: there is nothing to seal.");
    return c.json(presentCheckpoint(row), 200);
  })
  .openapi(listAuditRecords, async (c) => c.json(await listAudit({ ctx: ctxOf(c), ...c.req.valid("query") }), 200))
  .openapi(verifyAuditChain, async (c) =>
    c.json(await verifyAudit({ db: c.get("deps").db, actor: c.get("actor"), auditSigner: c.get("deps").auditSigner, full: c.req.valid("query").full === "true" }), 200),
  )
  .openapi(exportAuditRecords, (c) => {
    const ctx = ctxOf(c);
    c.header("Content-Type", "application/x-ndjson; charset=utf-8");
    c.header("Content-Disposition", 'attachment; filename="audit.jsonl"');
    return stream(c, async (s) => {
      for await (const line of exportAudit(ctx)) await s.write(line);
    }) as never;
  });
