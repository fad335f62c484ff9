// Applies db/migrations to DATABASE_URL (a file, or Turso: libsql://… with DATABASE_AUTH_TOKEN).
// `npm start` does this by itself; the Worker does not, so run this before deploying.
import "../src/require-supported-node";
import { openDatabase } from "../db/connect";
import { migrateDatabase } from "../db/migrate";

const url = process.env.DATABASE_URL ?? "file:./data/registry.db";
const client = openDatabase(url, process.env.DATABASE_AUTH_TOKEN);
await migrateDatabase(client);
client.close();
console.log(`migrated ${url.replace(/\?.*$/, "")}`);
