// One change request covering N agreements, submitted through the real app (validation,
// decisions, events, outbox, audit), beside one raw libSQL batch inserting exactly the rows
// that request wrote, into an identical copy of the database.
import type { InStatement } from "@libsql/client";
import { createApp } from "../../src/app";
import { figure, timeMs } from "./figure";
import { maxRowids, writtenSince } from "./rows";
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
  await seedAgreements(seed.client, seed.deps, agreements);
  await seed.client.execute("PRAGMA wal_checkpoint(TRUNCATE)");
  seed.client.close();

  let run = 0;
  const db = iterationDatabase(template.path, "fan-out");
  let rows: InStatement[] = [];
  let app: ReturnType<typeof createApp>;
  let before = new Map<string, number>();
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
            if (res.status !== 201) throw new Error(`fan-out: ${res.status} ${await res.text()}`);
            const body = (await res.json()) as { decisions: unknown[] };
            if (body.decisions.length !== agreements) throw new Error(`fan-out: ${body.decisions.length} decisions for ${agreements} agreements`);
          },
          after: async () => {
            rows = await writtenSince(db.product.client, before);
            await db.close();
          },
        },
        {
          name: "raw batch",
          before: async () => void (await db.openRaw()),
          run: () => db.raw.batch(rows, "write"),
          after: db.close,
        },
      ],
      iterations,
    );
    return { figure: figure(ms.product!.mean, ms["raw batch"]!.mean, "ms", { ratio: "<=", limit: 3 }, 1, ms.product), rows: rows.length };
  } finally {
    await db.close();
    template.remove();
  }
}
