#!/usr/bin/env node
// Checks an audit export against signed checkpoints, offline, with nothing but Node's standard
// library: `node scripts/verify-audit-export.mjs <export.jsonl> <checkpoints.json> <public-key.json|.pem>`
//
// - export.jsonl: GET /v1/audit/export (your records in full, others' only as links)
// - checkpoints.json: the checkpoints you kept (the `checkpoint` of each audit.checkpoint event),
//   as a JSON array, or GET /v1/audit/checkpoints (its `data`)
// - the public key: GET /v1/audit/public-key (the whole answer, its `jwk`, or its `pem`)
//
// It recomputes the hash of each of your records, follows the chain through everyone's links, and
// checks that each checkpoint is signed by the key and that the export has, at the checkpoint's
// sequence number, the hash it sealed. Exit code 0: everything holds; 1: it names what does not.
// The rules: docs/rules.md, rule 8 ("Checkpoints").
import { createHash, createPublicKey, verify } from "node:crypto";
import { readFileSync } from "node:fs";

const GENESIS = "0".repeat(64);

/** The hashed content of a record, in the service's fixed order (src/core/audit-trail.ts). */
export function recordContent(r) {
  const user = r.actor.user?.id ?? null;
  const detail = r.detail === null || r.detail === undefined ? null : JSON.stringify(r.detail);
  const digest = r.personal_digest ?? null;
  // the personal data is covered by its digest (it may have been erased); older records hash it as it is
  const clientIp = digest !== null ? null : r.client_ip;
  const tail = digest !== null ? [user, detail, digest] : user !== null || detail !== null ? [user, detail] : [];
  return JSON.stringify([
    r.prev_hash,
    r.id,
    Date.parse(r.at),
    r.actor.type,
    r.actor.organisation_id,
    r.actor.key_id,
    r.actor.key_prefix,
    r.action,
    r.resource.type,
    r.resource.id,
    r.agreement_id,
    r.processor_id,
    r.controller_id,
    r.request_id,
    clientIp,
    r.outcome,
    ...tail,
  ]);
}

export const checkpointText = (c) => `subprocessor-registry audit checkpoint v1\nseq=${c.seq}\nhash=${c.hash}\nat=${c.at}\n`;

function publicKeyOf(text) {
  if (text.trim().startsWith("-----BEGIN")) return createPublicKey(text);
  const parsed = JSON.parse(text);
  const jwk = parsed.jwk ?? parsed;
  if (parsed.pem) return createPublicKey(parsed.pem);
  return createPublicKey({ key: jwk, format: "jwk" });
}

/** Every problem found, in order; empty when the export holds against every checkpoint. */
export function verifyExport(lines, checkpoints, publicKey) {
  const problems = [];
  const bySeq = new Map();
  let prev = GENESIS;
  let expected = 1;
  for (const line of lines) {
    if (line.seq !== expected) problems.push(`seq ${expected}–${line.seq - 1} are missing from the export`);
    if (line.prev_hash !== prev) problems.push(`seq ${line.seq}: its prev_hash is not the hash of the record before it`);
    if (line.object === "audit_record") {
      const hash = createHash("sha256").update(recordContent(line), "utf8").digest("hex");
      if (hash !== line.hash) problems.push(`seq ${line.seq} (${line.id}): its content does not match its hash (the record was changed)`);
    }
    bySeq.set(line.seq, line.hash);
    prev = line.hash;
    expected = line.seq + 1;
  }
  const last = expected - 1;
  for (const c of [...checkpoints].sort((a, b) => a.seq - b.seq)) {
    const signed = verify(null, Buffer.from(checkpointText(c), "utf8"), publicKey, Buffer.from(c.signature, "base64url"));
    if (!signed) problems.push(`checkpoint ${c.seq}: the signature does not hold (not signed by this key, or altered)`);
    else if (c.seq > last) problems.push(`checkpoint ${c.seq}: the export ends at seq ${last}, before what the checkpoint sealed (records were removed)`);
    else if (bySeq.get(c.seq) !== c.hash) problems.push(`checkpoint ${c.seq}: the export has another hash there (the trail was rewritten up to it)`);
  }
  return problems;
}

const main = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (main) {
  const [exportPath, checkpointsPath, keyPath] = process.argv.slice(2);
  if (!exportPath || !checkpointsPath || !keyPath) {
    console.error("usage: node scripts/verify-audit-export.mjs <export.jsonl> <checkpoints.json> <public-key.json|.pem>");
    process.exit(2);
  }
  const lines = readFileSync(exportPath, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l));
  const parsed = JSON.parse(readFileSync(checkpointsPath, "utf8"));
  const checkpoints = Array.isArray(parsed) ? parsed : (parsed.data ?? [parsed]);
  const problems = verifyExport(lines, checkpoints, publicKeyOf(readFileSync(keyPath, "utf8")));
  if (problems.length) {
    for (const p of problems) console.log(`FAIL ${p}`);
    process.exit(1);
  }
  console.log(`OK ${lines.length} records and links, ${checkpoints.length} checkpoint(s): the export holds.`);
}
