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
  delivery: "msg",
  attempt: "atm",
  audit: "aud",
  request: "req",
  user: "usr",
  mail: "mail",
  mailAttempt: "mat",
  pageSubscription: "sub",
  question: "qst",
  upstreamSource: "ups",
  upstreamChange: "upc",
  changeRequestDraft: "crd",
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
 * ULID-shaped ids behind a prefix (`agr_01J…`): time-ordered by the injected clock, with
 * 80 random bits. Within one generator ids only grow (the random part is incremented when
 * the clock has not moved on), so a feed read "after id X" never skips a later event.
 */
export function createIdGenerator(now: () => Date, random: (bytes: Uint8Array<ArrayBuffer>) => Uint8Array): IdGenerator {
  let lastTime = -1;
  // the time part is encoded once per instant: a change over 1,000 agreements makes thousands of ids in one
  let time = "";
  const rand = new Uint8Array(16);
  return (kind) => {
    const t = now().getTime();
    if (t > lastTime) {
      lastTime = t;
      time = encodeTime(t);
      const bytes = random(new Uint8Array(16));
      for (let i = 0; i < 16; i++) rand[i] = bytes[i]! % 32;
    } else {
      // same (or earlier) instant: the next id is the previous one plus one
      let i = rand.length - 1;
      while (i >= 0 && rand[i] === 31) rand[i--] = 0;
      if (i >= 0) rand[i]! += 1;
    }
    let suffix = "";
    for (let i = 0; i < 16; i++) suffix += ALPHABET[rand[i]!];
    return `${ID_PREFIX[kind]}_${time}${suffix}`;
  };
}
/** True when the value looks like an id of the given kind. */
export function isId(kind: IdKind, value: string): boolean {
  return new RegExp(`^${ID_PREFIX[kind]}_[0-9A-Z]{26}$`).test(value);
}
