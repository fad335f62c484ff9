import { z } from "@hono/zod-openapi";
import { Timestamp } from "../../http/schemas";

export const AuditCheckpoint = z
  .object({
    object: z.literal("audit_checkpoint"),
    seq: z.number().int().openapi({ description: "The sequence number of the record it seals" }),
    hash: z.string().openapi({ description: "That record's hash: the end of the chain up to it" }),
    at: Timestamp,
    key_id: z.string().openapi({ description: "The signing key (GET /v1/audit/public-key)" }),
    signature: z.string().openapi({
      description: "Ed25519 signature, base64url, of the UTF-8 text `subprocessor-registry audit checkpoint v1\\nseq=<seq>\\nhash=<hash>\\nat=<at>\\n`",
    }),
  })
  .openapi("AuditCheckpoint");

export const AuditPublicKey = z
  .object({
    object: z.literal("audit_public_key"),
    key_id: z.string().openapi({ example: "3f2a9c0d1e4b5a68" }),
    jwk: z.object({ kty: z.literal("OKP"), crv: z.literal("Ed25519"), x: z.string() }).openapi({ description: "The public key as a JSON Web Key" }),
    pem: z.string().openapi({ description: "The same key as PEM (SubjectPublicKeyInfo)" }),
    signed_text: z.string().openapi({ description: "The shape of the text a checkpoint's signature covers" }),
  })
  .openapi("AuditPublicKey");
