// What a Worker does after answering a write, in waitUntil: deliver every delivery itself (the
// embedded relay) or hand each event to Svix, which delivers (Svix mode). The receivers answer
// slowly, as real ones may (up to the 15 s delivery timeout); Svix is the fake of the tests.
import { createServer } from "node:http";
import { eventsWithAudit } from "../../src/core/events";
import { commit } from "../../src/core/writer";
import { createEmbeddedSender } from "../../src/webhooks/embedded-sender";
import { drainOutbox, type RelayDeps } from "../../src/webhooks/relay";
import { createSvixSender } from "../../src/webhooks/svix-sender";
import { startFakeSvix } from "../../test/helpers/fake-svix";
import { round } from "./figure";
import { openProduct, seedAgreements, tempPath } from "./seed";

const SVIX_KEY = "testsk_bench_handoff";

export async function benchHandoff({ events, receiverMs, concurrency }: { events: number; receiverMs: number; concurrency: number }) {
  const receiver = createServer((req, res) => {
    req.resume().on("end", () => setTimeout(() => res.writeHead(204).end(), receiverMs));
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const address = receiver.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/hook`;
  const svix = await startFakeSvix({ token: SVIX_KEY });
  const db = tempPath("handoff");
  const { client, deps } = await openProduct(db.path);
  try {
    const seeded = await seedAgreements(client, deps, 1, url);
    const data = { endpoint_id: seeded.endpointId, message: "ping" };
    const relayOf = (sender: RelayDeps["sender"]): RelayDeps => ({ ...deps, sender, wallClock: deps.clock, leaseMs: 60_000, concurrency, owner: "bench" });
    /** a write of `events` events, its deliveries planned as the given mode plans them; then the time to drain them */
    const afterWrite = async (mode: "embedded" | "svix", sender: RelayDeps["sender"]) => {
      const write = { ...deps, webhooks: { ...deps.webhooks, mode } };
      await commit(
        write,
        eventsWithAudit(
          write,
          Array.from({ length: events }, () => ({ type: "webhook_endpoint.ping" as const, organisationId: seeded.processorId, data })),
        ),
      );
      const started = performance.now();
      const sent = await drainOutbox(relayOf(sender));
      if (sent !== events) throw new Error(`${mode}: ${sent} of ${events} handed over`);
      return round(performance.now() - started, 0);
    };
    const embeddedMs = await afterWrite("embedded", createEmbeddedSender({ fetch, wallClock: () => new Date() }));
    const svixMs = await afterWrite("svix", createSvixSender({ apiKey: SVIX_KEY, serverUrl: svix.url }));
    return { events, receiverMs, concurrency, embeddedMs, svixMs };
  } finally {
    receiver.close();
    await svix.close();
    client.close();
    db.remove();
  }
}
