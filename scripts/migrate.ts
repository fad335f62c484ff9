// Applies db/migrations to DATABASE_URL (a file, or Turso: libsql://… with DATABASE_AUTH_TOKEN).
// `npm start` does this by itself; the Worker does not, so run this before deploying.
import "../src/require-supported-node";
import { openDatabase } from "../db/connect";
import { migrateDatabase } from "../db/migrate";
import { buildDeps } from "../src/build-deps";
import { parseEnv } from "../src/env";
import { recountNoticeEnds } from "../src/features/decisions/recount";

const url = process.env.DATABASE_URL ?? "file:./data/registry.db";
const client = openDatabase(url, process.env.DATABASE_AUTH_TOKEN);
await migrateDatabase(client);
// notices counted before they ran to 24:00 local time on their last day are counted again (docs/rules.md, rule 4)
const recounted = await recountNoticeEnds(buildDeps(parseEnv({ ...process.env, DATABASE_URL: url, LOG_LEVEL: "silent" }), { client }));
client.close();
console.log(`migrated ${url.replace(/\?.*$/, "")}${recounted ? `; ${recounted} pending notices counted to 24:00 on their last day` : ""}`);
