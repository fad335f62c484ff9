import { lt, sql } from "drizzle-orm";
import { schema } from "../../db/client";
import type { Deps } from "../deps";
import { sha256Hex } from "./crypto";
import type { Query } from "./writer";

const r = schema.signInRequests;
/** A day is far longer than any window: older counts only take room. */
const KEEP_MS = 86_400_000;

/** One thing counted: a subject ("email:<address>", "ip:<address>") and how many requests it may make in the window. */
export interface RequestLimit {
  subject: string;
  max: number;
}

/**
 * Counts a request that sends a link by mail (sign-in, a page subscription's confirmation) against
 * each of its subjects, stored only as hashes (docs/rules.md, "People and sign-in"). `limited`: one
 * subject has had its `max` requests in the window already. The request is counted either way; the
 * caller commits `writes` with whatever else it writes, so a request refused for another reason
 * leaves no count behind.
 */
export async function countRequest(deps: Pick<Deps, "db">, now: Date, windowMs: number, limits: RequestLimit[]): Promise<{ limited: boolean; writes: Query[] }> {
  const since = now.getTime() - windowMs;
  const hashed = limits.map((l) => ({ subject: sha256Hex(l.subject), max: l.max }));
  const counts = await Promise.all(
    hashed.map(({ subject }) => deps.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM sign_in_requests WHERE subject = ${subject} AND at > ${since}`)),
  );
  const limited = hashed.some((l, i) => Number(counts[i]?.n ?? 0) >= l.max);
  const writes: Query[] = [];
  if (hashed.length) writes.push(deps.db.insert(r).values(hashed.map(({ subject }) => ({ subject, at: now }))));
  writes.push(deps.db.delete(r).where(lt(r.at, new Date(now.getTime() - KEEP_MS))));
  return { limited, writes };
}
