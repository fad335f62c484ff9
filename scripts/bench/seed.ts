// The data every benchmark starts from, on a temporary libSQL file: one processor with its
// agreements (each with a municipality of its own), its webhook endpoint, and an API key.
// The first agreement goes through the product's own services; the rest are copies of its
// rows made with raw inserts, so 10,000 agreements take seconds, not minutes.
import { type Client, createClient, type InValue } from "@libsql/client";
import { copyFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../db/connect";
import { migrateDatabase } from "../../db/migrate";
import { DEMO_BASELINE } from "../../src/bootstrap/demo";
import { buildDeps } from "../../src/build-deps";
import type { Deps } from "../../src/deps";
import { parseEnv } from "../../src/env";
import { createAgreement } from "../../src/features/agreements/agreements.service";
import type { Ctx } from "../../src/core/context";
import { createOrganisation, insertApiKey } from "../../src/features/organisations/organisations.service";
import { jsonInserts } from "./rows";

export const PROCESSOR_KEY = "sk_live_bench_processor_00000000";

/** A new processing location: each controller's decision is needed (a correction would be a notice, with nothing to decide or sweep). */
export const ADD_BACKUP_SITE = {
  op: "add_location",
  location: {
    ref: "backup-site",
    label: "Backup site",
    address: { street: "Adelgade 44", postal_code: "8660", city: "Skanderborg", country: "DK" },
    activities: ["backup"],
  },
} as const;
export const WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/** A database file in the temporary directory and the way to remove it with its WAL files. */
export function tempPath(name: string) {
  const path = join(tmpdir(), `registry-bench-${name}-${crypto.randomUUID()}.db`);
  return { path, remove: () => removeDatabase(path) };
}

export const removeDatabase = (path: string) => {
  for (const s of ["", "-wal", "-shm", "-journal"]) rmSync(path + s, { force: true });
};

/** The product's dependencies over a database file, opened as the service opens it. */
export async function openProduct(path: string, overrides: Partial<Deps> = {}) {
  const client = openDatabase(`file:${path}`);
  await client.execute("PRAGMA journal_mode = WAL");
  await migrateDatabase(client);
  const deps: Deps = { ...buildDeps(parseEnv({ LOG_LEVEL: "silent", WEBHOOK_ALLOW_INSECURE: "1", RATE_LIMIT_PER_MINUTE: "1000000" }), { client }), ...overrides };
  return { client, deps };
}

/** A raw libSQL connection, the baselines' side: no lock, no ORM, the same journal mode. */
export async function openRaw(path: string): Promise<Client> {
  const client = createClient({ url: `file:${path}` });
  await client.execute("PRAGMA journal_mode = WAL");
  return client;
}

/** Copies a closed database file, so that every measured run starts from the same state. */
export function copyDatabase(from: string, name: string) {
  const to = tempPath(name);
  copyFileSync(from, to.path);
  return to;
}

/**
 * One measured iteration's database: a fresh copy of the template, opened as the product opens
 * it or raw, and removed after the iteration; every iteration starts from the same state.
 */
export function iterationDatabase(template: string, name: string) {
  let copy: ReturnType<typeof copyDatabase> | null = null;
  let product: Awaited<ReturnType<typeof openProduct>> | null = null;
  let raw: Client | null = null;
  return {
    openProduct: async () => {
      copy = copyDatabase(template, `${name}-run`);
      product = await openProduct(copy.path);
      return product;
    },
    openRaw: async () => {
      copy = copyDatabase(template, `${name}-raw`);
      raw = await openRaw(copy.path);
      return raw;
    },
    get product() {
      return product!;
    },
    get raw() {
      return raw!;
    },
    close: async () => {
      // the write thread closes its connection on its own time: wait, so that no closing spills into the next iteration
      await product?.client.close();
      raw?.close();
      copy?.remove();
      product = raw = copy = null;
    },
  };
}

export interface Seeded {
  processorId: string;
  agreementIds: string[];
  endpointId: string;
}

/** Inserts copies of one row, with the columns in each variant replaced. */
export async function cloneRows(client: Client, table: string, template: Record<string, InValue>, variants: Record<string, InValue>[]) {
  const columns = Object.keys(template);
  const rows = variants.map((v) => columns.map((c) => (c in v ? v[c]! : template[c]!)));
  for (const statement of jsonInserts(table, columns, rows)) await client.execute(statement);
}

async function rowOf(client: Client, table: string, where: string, args: InValue[]): Promise<Record<string, InValue>> {
  const rs = await client.execute({ sql: `SELECT * FROM ${table} WHERE ${where}`, args });
  const row = rs.rows[0];
  if (!row) throw new Error(`no ${table} row where ${where}`);
  return Object.fromEntries(rs.columns.map((c) => [c, row[c] as InValue]));
}

/**
 * One processor (with `PROCESSOR_KEY` and a webhook endpoint at `webhookUrl` receiving every
 * event) and `agreements` active general agreements with the demo baseline annex, each with
 * its own controller.
 */
export async function seedAgreements(client: Client, deps: Deps, agreements: number, webhookUrl = "http://127.0.0.1:9/hook"): Promise<Seeded> {
  const operator: Ctx = { ...deps, actor: { kind: "operator", keyId: "bench", keyPrefix: "bench" } };
  const address = { street: "Rådhuspladsen 2", postal_code: "8000", city: "Aarhus C", country: "DK" } as const;
  const processor = await createOrganisation({ ctx: operator, input: { name: "Omsorgspartner ApS", registration: { scheme: "dk_cvr", number: "12345674" }, address } });
  await insertApiKey(deps.db, { id: deps.newId("apiKey"), organisationId: processor.id, name: "bench", secret: PROCESSOR_KEY, now: new Date() });
  const controller = await createOrganisation({ ctx: operator, input: { name: "Kommune 0", registration: { scheme: "dk_cvr", number: "55133018" }, address } });
  const first = await createAgreement({
    ctx: operator,
    input: {
      processor_id: processor.id,
      controller_id: controller.id,
      title: "Databehandleraftale",
      authorisation: "general",
      third_country_transfers: "with_transfer_mechanism",
      notice_days: 30,
      annex: DEMO_BASELINE,
    },
  });

  const orgTemplate = await rowOf(client, "organisations", "id = ?", [controller.id]);
  const agreementTemplate = await rowOf(client, "agreements", "id = ?", [first.id]);
  const versionTemplate = await rowOf(client, "annex_versions", "agreement_id = ?", [first.id]);
  const copies = Array.from({ length: agreements - 1 }, (_, i) => ({ org: deps.newId("organisation"), agreement: deps.newId("agreement"), n: i + 1 }));
  await cloneRows(
    client,
    "organisations",
    orgTemplate,
    copies.map((c) => ({ id: c.org, name: `Kommune ${c.n}` })),
  );
  await cloneRows(
    client,
    "agreements",
    agreementTemplate,
    copies.map((c) => ({ id: c.agreement, controller_id: c.org })),
  );
  // each agreement's annex has entries of its own, as annexes made through the API do: the same
  // entries under other ids, so that no benchmark runs on texts that are the same byte for byte
  const entryIds = [...new Set(String(versionTemplate.content).match(/\b(?:loc|sp)_[0-9A-Z]{26}\b/g) ?? [])];
  await cloneRows(
    client,
    "annex_versions",
    versionTemplate,
    copies.map((c) => {
      const own = entryIds.map((id) => deps.newId(id.startsWith("loc_") ? "location" : "subProcessor"));
      const withOwnIds = (text: InValue) => entryIds.reduce((out, id, i) => out.replaceAll(id, own[i]!), String(text));
      return {
        agreement_id: c.agreement,
        content: withOwnIds(versionTemplate.content!),
        classification: versionTemplate.classification === null ? null : withOwnIds(versionTemplate.classification!),
      };
    }),
  );

  const endpointId = deps.newId("webhookEndpoint");
  const now = Date.now();
  await client.execute({
    sql: "INSERT INTO webhook_endpoints (id, organisation_id, url, enabled, secret, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?, ?)",
    args: [endpointId, processor.id, webhookUrl, WEBHOOK_SECRET, now, now],
  });
  return { processorId: processor.id, agreementIds: [first.id, ...copies.map((c) => c.agreement)], endpointId };
}
