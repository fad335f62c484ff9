// One change request covering N agreements, submitted through the real app (validation,
// decisions, events, outbox, audit), beside the least the database must do for it, raw, in an
// identical copy of the database: one transaction that reads those N annexes (one statement)
// and inserts exactly the rows the request wrote (request, decisions, events, audit records,
// deliveries) as set-based bulk statements, one INSERT … SELECT FROM json_each per table.
import type { InStatement } from "@libsql/client";
import { createApp } from "../../src/app";
import { figure, timeMs } from "./figure";
import { maxRowids, writtenSinceAsJson } from "./rows";
import { iterationDatabase, openProduct, PROCESSOR_KEY, seedAgreements, tempPath } from "./seed";

const addSubProcessor = (n: number) => ({
  op: "add_sub_processor",
  sub_processor: {
    ref: `backup-${n}`,
    legal_name: `Backup ${n} AB`,
    registration: { scheme: "se_orgnr", number: "556677-8899" },
    address: { street: "Kista Allévägen 5", postal_code: "164 55", city: "Kista", country: "SE" },
    description: "Encrypted off-site backup",
    locations: ["backup-stockholm"],
  },
});

export async function benchFanOut({ agreements, iterations }: { agreements: number; iterations: number }) {
  const template = tempPath(`fan-out-${agreements}`);
  const seed = await openProduct(template.path);
  const { processorId } = await seedAgreements(seed.client, seed.deps, agreements);
  await seed.client.execute("PRAGMA wal_checkpoint(TRUNCATE)");
  seed.client.close();

  let run = 0;
  const db = iterationDatabase(template.path, "fan-out");
  let written: { statements: InStatement[]; rows: number } = { statements: [], rows: 0 };
  // the annex in force of every agreement the request covers: what the product reads to plan the change
  const readAnnexes: InStatement = {
    sql: "SELECT a.*, v.* FROM agreements a JOIN annex_versions v ON v.agreement_id = a.id AND v.version = a.current_version WHERE a.processor_id = ? AND a.status = 'active'",
    args: [processorId],
  };
  let app: ReturnType<typeof createApp>;
  let before = new Map<string, number>();
  let answer = "";
  try {
    const ms = await timeMs(
      [
        {
          name: "product",
          before: async () => {
            const product = await db.openProduct();
            app = createApp(product.deps);
            before = await maxRowids(product.client);
          },
          run: async () => {
            const res = await app!.request("/v1/change-requests", {
              method: "POST",
              headers: { authorization: `Bearer ${PROCESSOR_KEY}`, "content-type": "application/json" },
              body: JSON.stringify({ agreements: "all", operations: [addSubProcessor(++run)], reason: "A second backup site" }),
            });
            // the answer is read whole, as a client receives it; parsing it is the client's work, checked after the timing
            answer = await res.text();
            if (res.status !== 201) throw new Error(`fan-out: ${res.status} ${answer}`);
          },
          after: async () => {
            const body = JSON.parse(answer) as { decisions: unknown[] };
            if (body.decisions.length !== agreements) throw new Error(`fan-out: ${body.decisions.length} decisions for ${agreements} agreements`);
            written = await writtenSinceAsJson(db.product.client, before);
            await db.close();
          },
        },
        {
          name: "raw bulk",
          before: async () => void (await db.openRaw()),
          run: async () => {
            // one batch is one transaction: the read and every insert
            const [annexes] = await db.raw.batch([readAnnexes, ...written.statements], "write");
            if (annexes!.rows.length !== agreements) throw new Error(`fan-out baseline: read ${annexes!.rows.length} annexes of ${agreements}`);
          },
          after: db.close,
        },
      ],
      iterations,
      // one untimed iteration of each first: the first request meets code V8 has not optimised yet
      1,
    );
    return {
      figure: figure(ms.product!.mean, ms["raw bulk"]!.mean, "ms", { ratio: "<=", limit: 1.5 }, 1, ms.product),
      rows: written.rows,
      statements: written.statements.length,
    };
  } finally {
    await db.close();
    template.remove();
  }
}
