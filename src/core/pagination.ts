import { AppError } from "../domain/errors";

/** The cursor is opaque to clients: base64url of the last key seen. */
export function encodeCursor(key: string | number): string {
  return btoa(JSON.stringify({ k: key }))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replaceAll("=", "");
}

export function decodeCursor<K extends "string" | "number">(cursor: string | undefined, kind: K): (K extends "string" ? string : number) | undefined {
  if (cursor === undefined) return undefined;
  try {
    const k = JSON.parse(atob(cursor.replaceAll("-", "+").replaceAll("_", "/")))?.k;
    // a number key is a row's sequence: an integer SQLite can bind (1e309 parses as Infinity)
    if (kind === "number" ? Number.isSafeInteger(k) : typeof k === "string") return k;
  } catch {
    // fall through: any undecodable cursor is the same client error
  }
  throw new AppError("invalid_request", "The cursor is not one this API issued.", [
    { in: "query", pointer: "/cursor", rule: "cursor", detail: "Pass `next_cursor` from the previous page unchanged." },
  ]);
}

/** Cuts one extra row fetched past the limit into `has_more`. */
export function toPage<T, K extends string | number>(rows: T[], limit: number, keyOf: (row: T) => K) {
  const has_more = rows.length > limit;
  const data = has_more ? rows.slice(0, limit) : rows;
  const last = data.at(-1);
  return { object: "list" as const, data, has_more, next_cursor: has_more && last !== undefined ? encodeCursor(keyOf(last)) : null };
}
