import { base64url } from "./crypto";
/**
 * The key that seals the audit trail (docs/rules.md, rule 8, "Checkpoints"): an Ed25519 key the
 * database never holds. A checkpoint — a sequence number, the hash of the record there, and a
 * time — is signed with it, and anyone with the published public key can check the signature
 * offline, so whoever can write to the database cannot forge or move a checkpoint.
 */
const ED25519 = { name: "Ed25519" } as const;

export interface PublicKeyInfo {
  /** the first 16 hex digits of the SHA-256 of the raw public key: names the key in every checkpoint */
  key_id: string;
  /** the public key as a JSON Web Key */
  jwk: { kty: "OKP"; crv: "Ed25519"; x: string };
  /** the same key as PEM (SubjectPublicKeyInfo), for openssl and node:crypto */
  pem: string;
}

export interface AuditSigner {
  publicKey(): Promise<PublicKeyInfo>;
  /** the Ed25519 signature of the text's UTF-8 bytes, base64url */
  sign(text: string): Promise<string>;
}

export interface Checkpoint {
  seq: number;
  hash: string;
  at: string;
}

/** What a checkpoint's signature covers, byte for byte: a few lines anyone can rebuild. */
export const checkpointText = (c: Checkpoint) => `subprocessor-registry audit checkpoint v1\nseq=${c.seq}\nhash=${c.hash}\nat=${c.at}\n`;

const fromB64 = (text: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(text.replaceAll("-", "+").replaceAll("_", "/").replace(/\s+/g, "")), (c) => c.charCodeAt(0));
const pem = (label: string, der: ArrayBuffer) =>
  `-----BEGIN ${label}-----\n${(btoa(String.fromCharCode(...new Uint8Array(der))).match(/.{1,64}/g) ?? []).join("\n")}\n-----END ${label}-----\n`;

/** The DER bytes of a PKCS #8 private key given as PEM or as base64 (the form a Workers secret takes). */
function pkcs8Of(secret: string): Uint8Array<ArrayBuffer> {
  const body = secret.includes("-----BEGIN") ? secret.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, "") : secret;
  return fromB64(body.trim());
}

async function keyIdOf(x: string) {
  const digest = await crypto.subtle.digest("SHA-256", fromB64(x));
  return [...new Uint8Array(digest).slice(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A signer from AUDIT_SIGNING_KEY (PEM or base64 PKCS #8). A key that is not Ed25519 fails when first used, naming the setting. */
export function createAuditSigner(secret: string): AuditSigner {
  const keys = (async () => {
    let privateKey: CryptoKey;
    try {
      privateKey = await crypto.subtle.importKey("pkcs8", pkcs8Of(secret) as Uint8Array<ArrayBuffer>, ED25519, true, ["sign"]);
    } catch (err) {
      throw new Error(`AUDIT_SIGNING_KEY is not an Ed25519 private key in PKCS #8 (PEM or base64): ${err instanceof Error ? err.message : String(err)}`);
    }
    const { x } = (await crypto.subtle.exportKey("jwk", privateKey)) as { x: string };
    const publicKey = await crypto.subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", x }, ED25519, true, ["verify"]);
    const info: PublicKeyInfo = { key_id: await keyIdOf(x), jwk: { kty: "OKP", crv: "Ed25519", x }, pem: pem("PUBLIC KEY", await crypto.subtle.exportKey("spki", publicKey)) };
    return { privateKey, info };
  })();
  return {
    publicKey: async () => (await keys).info,
    sign: async (text) => base64url(await crypto.subtle.sign(ED25519, (await keys).privateKey, new TextEncoder().encode(text))),
  };
}

/** A new signing key, as PEM: what the embedded default writes beside (never inside) the database. */
export async function generateAuditSigningKey(): Promise<string> {
  const pair = (await crypto.subtle.generateKey(ED25519, true, ["sign", "verify"])) as CryptoKeyPair;
  return pem("PRIVATE KEY", await crypto.subtle.exportKey("pkcs8", pair.privateKey));
}

/** Whether `signature` is the key's signature of the checkpoint. */
export async function checkpointSigned(jwk: PublicKeyInfo["jwk"], c: Checkpoint, signature: string): Promise<boolean> {
  try {
    const key = await crypto.subtle.importKey("jwk", jwk, ED25519, false, ["verify"]);
    return await crypto.subtle.verify(ED25519, key, fromB64(signature), new TextEncoder().encode(checkpointText(c)));
  } catch {
    return false;
  }
}
