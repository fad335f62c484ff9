// Deliveries per second through the embedded relay to a loopback receiver, beside a raw loop of
// signed fetch: the same body, signed anew for each request (Standard Webhooks, as the relay
// signs), posted to the same receiver at the same concurrency. Goal: at least 0.8 of it.
import { createServer } from "node:http";
import { eventsWithAudit } from "../../src/core/events";
import { commit } from "../../src/core/writer";
import { createEmbeddedSender, signHeaders } from "../../src/webhooks/embedded-sender";
import { drainOutbox, type RelayDeps } from "../../src/webhooks/relay";
import { figure, timeMs } from "./figure";
import { openProduct, seedAgreements, tempPath, WEBHOOK_SECRET } from "./seed";

export async function benchDeliveries({ events, concurrency, iterations }: { events: number; concurrency: number; iterations: number }) {
  // acknowledges at once: the limit is HTTP on this machine
  const receiver = createServer((req, res) => {
    req.resume().on("end", () => res.writeHead(204).end());
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const address = receiver.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/hook`;

  const db = tempPath("deliveries");
  const { client, deps } = await openProduct(db.path);
  try {
    const seeded = await seedAgreements(client, deps, 1, url);
    const relay: RelayDeps = {
      ...deps,
      sender: createEmbeddedSender({ fetch, wallClock: () => new Date() }),
      wallClock: deps.clock,
      leaseMs: 60_000,
      concurrency,
      owner: "bench",
    };
    const data = { endpoint_id: seeded.endpointId, message: "ping" };
    const queue = () =>
      commit(
        deps,
        eventsWithAudit(
          deps,
          Array.from({ length: events }, () => ({ type: "webhook_endpoint.ping" as const, organisationId: seeded.processorId, data })),
        ),
      );

    const rawFetchLoop = async () => {
      const payload = JSON.stringify({ type: "webhook_endpoint.ping", timestamp: new Date().toISOString(), data });
      let left = events;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (left-- > 0) {
            const res = await fetch(url, {
              method: "POST",
              headers: { "content-type": "application/json", ...signHeaders("evt_x", new Date(), payload, [WEBHOOK_SECRET]) },
              body: payload,
            });
            await res.arrayBuffer();
          }
        }),
      );
    };
    const relayRun = async () => {
      const delivered = await drainOutbox(relay);
      if (delivered !== events) throw new Error(`delivered ${delivered} of ${events}`);
    };
    const ms = await timeMs(
      [
        { name: "raw", run: rawFetchLoop },
        { name: "relay", run: relayRun, before: async () => void (await queue()) },
      ],
      iterations,
      1,
    );
    const perSecond = (m: number) => events / (m / 1000);
    const timed = ms.relay!;
    // a rate: the slowest repetition is the lowest
    const spread = { min: perSecond(timed.max), median: perSecond(timed.median), max: perSecond(timed.min) };
    return figure(perSecond(timed.mean), perSecond(ms.raw!.mean), "deliveries/s", { ratio: ">=", limit: 0.8 }, 0, spread);
  } finally {
    receiver.close();
    client.close();
    db.remove();
  }
}
