// Built by test/production.test.ts into an artefact of its own and run without dev dependencies:
// the write thread starts from the bundle, finds the driver, and writes. Prints what it wrote.
import { openDatabase } from "../../db/connect";
import { threadTransactionOf } from "../../db/read-client";
import { writeThreadTransactions } from "../../db/write-thread";

const client = openDatabase(`file:${process.argv[2]}`);
await client.execute("PRAGMA journal_mode = WAL");
await client.execute("CREATE TABLE t (n INTEGER, s TEXT)");
const tx = await threadTransactionOf(client)!("write");
await tx.batch([{ bulk: { table: "t", columns: ['"n"', '"s"'], rows: [1, 2, 3].map((n) => [n, `rad ${n} på tråden`]) } }]);
await tx.commit();
const rows = (await client.execute("SELECT n, s FROM t ORDER BY n")).rows.map((r) => [r.n, r.s]);
console.log(JSON.stringify({ transactions: writeThreadTransactions(), rows }));
await client.close();
