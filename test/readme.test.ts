import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { type NodeService, ROOT, startNodeService, tempDatabase } from "./helpers/node-service";
import { runReadmeWalkThrough } from "./helpers/readme";

let service: NodeService | undefined;
let db: ReturnType<typeof tempDatabase> | undefined;
afterEach(async () => {
  await service?.stop();
  db?.remove();
});

describe("the README", () => {
  it("names the two commands", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    expect(readme).toContain("npm ci && npm start");
    expect(readme).toContain("npm ci && npm test");
    expect(readFileSync(new URL("../.ci/run", import.meta.url), "utf8")).toContain("npm ci && npm test");
  });

  it("its curl walk-through runs verbatim against the demo (npm run demo)", async () => {
    db = tempDatabase("readme");
    service = await startNodeService(db.path, { DEMO: "1", TEST_CLOCK: "1" });
    // the same walk-through, the same output, against the Worker in workerd: test/worker/test-mode.test.ts
    await runReadmeWalkThrough(service.base);
  });
});

describe("the README's webhook receiver", () => {
  it("verifies a delivery signed by the service and refuses a forged one", async () => {
    const { spawn } = await import("node:child_process");
    const { writeFileSync, rmSync } = await import("node:fs");
    const { freePort } = await import("./helpers/node-service");
    const { createEmbeddedSender } = await import("../src/webhooks/embedded-sender");
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const code = /```js\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf("## Webhooks")))![1]!;
    expect(code.split("\n").filter((l) => l.trim()).length).toBeLessThanOrEqual(12);
    // beside package.json, so that `standardwebhooks` resolves from node_modules
    const file = `${ROOT}/.readme-receiver-${crypto.randomUUID()}.mjs`;
    writeFileSync(file, code);
    const port = await freePort();
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const child = spawn(process.execPath, [file], { cwd: ROOT, env: { ...process.env, WEBHOOK_SECRET: secret, PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    try {
      const sender = createEmbeddedSender({ fetch, wallClock: () => new Date() });
      const event = { id: "evt_01TESTREADME00000000000000", type: "decision.objected", createdAt: new Date(), data: { decision: { state: "objected" } } };
      const payload = JSON.stringify({ type: event.type, timestamp: event.createdAt.toISOString(), data: event.data });
      const endpoint = { url: `http://127.0.0.1:${port}/` } as never;
      const send = (secrets: string[]) => sender.send({ delivery: {} as never, event: event as never, endpoint, payload, secrets });
      let signed = await send([secret]);
      for (let i = 0; i < 50 && signed.statusCode === null; i++) {
        await new Promise((r) => setTimeout(r, 100)); // the receiver is still starting
        signed = await send([secret]);
      }
      expect(signed.statusCode).toBe(204);
      expect(out).toContain("evt_01TESTREADME00000000000000 decision.objected");
      expect((await send(["whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"])).statusCode).toBe(400);
    } finally {
      child.kill();
      rmSync(file, { force: true });
    }
  });
});
