import { and, eq, isNull } from "drizzle-orm";
import { schema, type Db } from "../../db/client";
import type { Clock } from "../deps";
import type { IdGenerator } from "../domain/ids";
import { generateSecret, hashSecret } from "../core/crypto";
import { insertApiKey } from "../features/organisations/organisations.service";

/**
 * Makes sure the operator can get in: a configured OPERATOR_API_KEY is registered (once);
 * otherwise, on a database without any operator key, one is created and returned to be printed once.
 */
export async function ensureOperatorKey(db: Db, deps: { clock: Clock; newId: IdGenerator }, configured?: string): Promise<{ secret: string } | null> {
  const k = schema.apiKeys;
  if (configured) {
    const hash = await hashSecret(configured);
    const exists = await db.query.apiKeys.findFirst({ where: eq(k.secretHash, hash) });
    if (!exists) await insertApiKey(db, { id: deps.newId("apiKey"), organisationId: null, name: "operator (OPERATOR_API_KEY)", secret: configured, now: deps.clock.now() });
    return null;
  }
  const any = await db.query.apiKeys.findFirst({ where: and(isNull(k.organisationId), isNull(k.revokedAt)) });
  if (any) return null;
  const secret = generateSecret();
  await insertApiKey(db, { id: deps.newId("apiKey"), organisationId: null, name: "operator (first start)", secret, now: deps.clock.now() });
  return { secret };
}
