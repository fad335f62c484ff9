/**
 * `value` as JSON in ASCII: every character beyond it written as a `\u` escape (RFC 8259,
 * section 7), which every JSON parser reads back as the same text. For a large answer, made while
 * its change is being written: a client then decodes the bytes without UTF-8's slow path (Node's
 * decoder took 11.3 ms for 1.4 MB of JSON with a few letters such as "é", 0.1 ms for the same in
 * ASCII; `npm run bench`, fan-out).
 */
export const asciiJson = (value: unknown): string => JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
