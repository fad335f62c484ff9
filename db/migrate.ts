import type { Client } from "@libsql/client";
import { migrate } from "drizzle-orm/libsql/migrator";
import { fileURLToPath } from "node:url";
import { createDb } from "./client";

export const MIGRATIONS_FOLDER = fileURLToPath(new URL("./migrations", import.meta.url));

/** Applies the drizzle migrations in db/migrations (Node only: it reads them from disk). */
export async function migrateDatabase(client: Client): Promise<void> {
  await migrate(createDb(client), { migrationsFolder: MIGRATIONS_FOLDER });
}
