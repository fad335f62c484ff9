import type { z } from "zod";
import { EXAMPLE_IDS, EXAMPLE_TIMES, listExample } from "../examples";
import type { AuditCheckpoint, AuditPublicKey } from "./audit.schemas";
import type { AuditRecord, Verification } from "./index";

const aarhusKeyTiedToMette = {
  type: "organisation",
  organisation_id: EXAMPLE_IDS.aarhus,
  key_id: EXAMPLE_IDS.metteKey,
  key_prefix: "sk_live_AO4A",
  user: { id: EXAMPLE_IDS.mette, name: "Mette Hansen", email: "mette.hansen@aarhus.example" },
} as const;

const ofTheAgreement = { agreement_id: EXAMPLE_IDS.agreement, processor_id: EXAMPLE_IDS.nordcare, controller_id: EXAMPLE_IDS.aarhus };

/** The approval of the story and the annex version it made, one request, two records. */
const approvalRecord: z.output<typeof AuditRecord> = {
  object: "audit_record",
  id: EXAMPLE_IDS.approvalRecord,
  seq: 13,
  at: EXAMPLE_TIMES.approved,
  actor: { ...aarhusKeyTiedToMette, user: { ...aarhusKeyTiedToMette.user } },
  action: "decision.approved",
  resource: { type: "decision", id: EXAMPLE_IDS.decision },
  ...ofTheAgreement,
  request_id: EXAMPLE_IDS.approvalRequest,
  client_ip: "192.0.2.41",
  outcome: "succeeded",
  detail: { rows: { [`decision:${EXAMPLE_IDS.decision}`]: "6ec44385d24ad651c343f8718bf7af2d9ed64635d590a1416ce374e51548a4fb" } },
  personal_digest: "054abb2d754da50574db63c071de512011487ad5bc32e81ddf88c62214776c2d",
  prev_hash: "5e4da8f12d0b418b93e2b249aa691b7decb217bd4fc3d0c2c05edc797856579f",
  hash: "babc85b6c15fef5d74a0d95a1732a8b4c9c4017f811f6f977891023da13eb3e3",
};

const versionRecord: z.output<typeof AuditRecord> = {
  ...approvalRecord,
  id: EXAMPLE_IDS.versionRecord,
  seq: 14,
  actor: { ...aarhusKeyTiedToMette, user: { ...aarhusKeyTiedToMette.user } },
  action: "annex.version_created",
  detail: {
    rows: {
      [`decision:${EXAMPLE_IDS.decision}`]: "05d4dac57ea315aa40190bcc7e1c2feeb433a13d982659c1be732ee5f3eff7d7",
      [`annex_version:${EXAMPLE_IDS.agreement}:2`]: "623c4569f5620925204448c6e562e27696df931a9c70fabed603ba6ebeedaea9",
    },
  },
  personal_digest: "6d272d5041c53a242abeb5efd4a4a4dc6e8e78148bff17a2fefc130e3627fda6",
  prev_hash: approvalRecord.hash,
  hash: "4467e691efaa93af8d943a0161083096d9b0d868b96ff345534dd30a37ec29d2",
};

export const auditRecordListExample = listExample([versionRecord, approvalRecord]);

export const verificationExample: z.output<typeof Verification> = {
  object: "audit_verification",
  valid: true,
  records_checked: 6,
  from_seq: 15,
  checkpoints_checked: 1,
  first_broken: null,
};

/** The scheduler's hourly checkpoint after the approval, sealing record 14; its signature holds under the key below. */
export const checkpointExample: z.output<typeof AuditCheckpoint> = {
  object: "audit_checkpoint",
  seq: 14,
  hash: versionRecord.hash,
  at: "2026-11-20T11:00:00.000Z",
  key_id: "f8eb3ad25fbb82d9",
  signature: "CWnAkjyOJXaPtQZykx-6_WlZSlbmXI5-bHjx8tYhwdS4hXPRs0xE06h1uk9EZ-mSlYZsNnKi0ckqSNMppWaHBw",
};

export const publicKeyExample: z.output<typeof AuditPublicKey> = {
  object: "audit_public_key",
  key_id: "f8eb3ad25fbb82d9",
  jwk: { kty: "OKP", crv: "Ed25519", x: "mbj2b9DoV-OmuKXcU1uRr3WNOdkD8xc0g3OtpM_RY-E" },
  pem: "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAmbj2b9DoV+OmuKXcU1uRr3WNOdkD8xc0g3OtpM/RY+E=\n-----END PUBLIC KEY-----\n",
  signed_text: "subprocessor-registry audit checkpoint v1\nseq=0\nhash=<hash>\nat=<at>\n",
};

/** Two lines of an export: a record of the caller's, then only the link of another organisation's. */
export const exportExample = [
  JSON.stringify(versionRecord),
  JSON.stringify({
    object: "audit_link",
    seq: 15,
    prev_hash: versionRecord.hash,
    hash: "9d1f0c7be2a34e5f8a6b7c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b",
  }),
  "",
].join("\n");
