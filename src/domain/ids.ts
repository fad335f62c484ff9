/** Prefixes of the public ids; the prefix tells a reader what an id names. */
export const ID_PREFIX = {
  organisation: "org",
  apiKey: "key",
  agreement: "agr",
  location: "loc",
  subProcessor: "sp",
  changeRequest: "cr",
  decision: "dec",
  event: "evt",
  webhookEndpoint: "ep",
  attempt: "atm",
  request: "req",
} as const;

export type IdKind = keyof typeof ID_PREFIX;
export type IdGenerator = (kind: IdKind) => string;

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; // Crockford base32: ids sort by time

function encodeTime(ms: number): string {
  let out = "";
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[ms % 32] + out;
    ms = Math.floor(ms / 32);
  }
  return out;
}

/**
 * ULID-shaped ids behind a prefix (`agr_01J…`): time-ordered by the injected clock,
 * with 80 random bits, so lists sorted by id are sorted by creation.
 */
export function createIdGenerator(now: () => Date, random: (bytes: Uint8Array) => Uint8Array): IdGenerator {
  return (kind) => {
    const bytes = random(new Uint8Array(16));
    let rand = "";
    for (const b of bytes) rand += ALPHABET[b % 32];
    return `${ID_PREFIX[kind]}_${encodeTime(now().getTime())}${rand}`;
  };
}

/** True when the value looks like an id of the given kind. */
export function isId(kind: IdKind, value: string): boolean {
  return new RegExp(`^${ID_PREFIX[kind]}_[0-9A-Z]{26}$`).test(value);
}
