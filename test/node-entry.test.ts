import { request as httpRequest } from "node:http";
import { existsSync } from "node:fs";
import { Agent, request as undiciRequest } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { DEMO_KEYS, DEMO_PEOPLE } from "../src/bootstrap/demo";
import { type NodeService, startNodeService, tempDatabase } from "./helpers/node-service";

const services: NodeService[] = [];
const databases: ReturnType<typeof tempDatabase>[] = [];
const track = (db: ReturnType<typeof tempDatabase>) => {
  databases.push(db);
  return db;
};

afterEach(async () => {
  for (const s of services.splice(0)) await s.stop();
  for (const db of databases.splice(0)) db.remove();
});

async function start(dbPath: string, env: Record<string, string> = {}) {
  const service = await startNodeService(dbPath, env);
  services.push(service);
  return service;
}

const OPERATOR_KEY_LINE = /Operator API key \(shown once, store it now\):\s*\n\s*(sk_live_[0-9A-Za-z]+)/;

async function api(base: string, key: string | null, method: string, path: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: { ...(key ? { Authorization: `Bearer ${key}` } : {}), ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe("the Node entry (npm start)", () => {
  it("prints an operator key on first start only; data survives a restart", async () => {
    const db = track(tempDatabase("node-entry"));
    const first = await start(db.path);
    const match = OPERATOR_KEY_LINE.exec(first.output());
    expect(match, first.output()).not.toBeNull();
    const operatorKey = match![1]!;
    expect(operatorKey).toMatch(/^sk_live_[0-9A-Za-z]{32}$/);

    expect(await api(first.base, null, "GET", "/healthz")).toEqual({ status: 200, body: { ok: true } });
    // the runtime the project carries (node_modules/.bin/node), whatever Node ran npm
    expect(first.output()).toMatch(new RegExp(`"msg":"listening".*"node":"${process.version}"`));
    expect(Number(process.versions.node.split(".")[0])).toBeGreaterThanOrEqual(22);
    // the API reference's files come from the pinned swagger-ui-dist package
    for (const [file, type] of [
      ["swagger-ui-bundle.js", "text/javascript"],
      ["swagger-ui.css", "text/css"],
    ]) {
      const res = await fetch(`${first.base}/docs/assets/${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers.get("content-type")).toContain(type);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    }
    const org = await api(first.base, operatorKey, "POST", "/v1/organisations", {
      name: "Aarhus Kommune",
      registration: { scheme: "dk_cvr", number: "55133018" },
      address: { street: "Rådhuspladsen 2", postal_code: "8000", city: "Aarhus C", country: "DK" },
    });
    expect(org.status, JSON.stringify(org.body)).toBe(201);
    expect((await api(first.base, null, "GET", "/v1/organisations")).status).toBe(401);

    expect(await first.stop()).toBe(0);

    const second = await start(db.path);
    expect(second.output()).not.toMatch(/Operator API key/);
    expect(second.output()).not.toContain(operatorKey);
    const read = await api(second.base, operatorKey, "GET", `/v1/organisations/${org.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: org.body.id, name: "Aarhus Kommune" });
    const list = await api(second.base, operatorKey, "GET", "/v1/organisations");
    expect(list.body.data.map((o: { id: string }) => o.id)).toEqual([org.body.id]);
  });

  it("DEMO=1 seeds demo data whose four keys work", async () => {
    const demo = await start(track(tempDatabase("node-entry")).path, { DEMO: "1" });
    expect(demo.output()).toContain("Demo data seeded");
    expect(demo.output()).not.toMatch(/Operator API key \(shown once/);

    const processor = await api(demo.base, DEMO_KEYS.processor, "GET", "/v1/agreements");
    expect(processor.status).toBe(200);
    expect(processor.body.data).toHaveLength(4);
    expect(processor.body.data.every((a: { role: string; status: string }) => a.role === "processor" && a.status === "active")).toBe(true);

    for (const key of [DEMO_KEYS.controllerA, DEMO_KEYS.controllerB]) {
      const controller = await api(demo.base, key, "GET", "/v1/agreements");
      expect(controller.status).toBe(200);
      expect(controller.body.data).toHaveLength(2);
      expect(controller.body.data.every((a: { role: string }) => a.role === "controller")).toBe(true);
    }

    const orgs = await api(demo.base, DEMO_KEYS.operator, "GET", "/v1/organisations");
    expect(orgs.status).toBe(200);
    expect(orgs.body.data).toHaveLength(3);

    // something to decide at once: a general and a specific authorisation, and a conflict with an instruction
    const inboxA = await api(demo.base, DEMO_KEYS.controllerA, "GET", "/v1/decisions?state=pending");
    expect(inboxA.body.data.map((d: { authorisation: string }) => d.authorisation).sort()).toEqual(["general", "specific"]);
    const inboxB = await api(demo.base, DEMO_KEYS.controllerB, "GET", "/v1/decisions?state=pending");
    expect(inboxB.body.data.map((d: { instruction_conflict: boolean }) => d.instruction_conflict).sort()).toEqual([false, true]);
    expect((await fetch(`${demo.base}/public/omsorgspartner`)).status).toBe(200);
    expect(demo.output()).toMatch(/Decision console: http:\/\/\S+:\d+\/console/);
    expect(demo.output()).toContain(DEMO_KEYS.controllerA);
    // the demo DPO signs in without a mail server: the link is in the log, the mail in MAIL_DIR
    expect(demo.output()).toContain(DEMO_PEOPLE.dpoA.email);
    expect(demo.output()).toContain(DEMO_PEOPLE.processorAdmin.email);
    const asked = await fetch(`${demo.base}/console/sign-in`, { method: "POST", headers: { Origin: demo.base }, body: new URLSearchParams({ email: DEMO_PEOPLE.dpoA.email }) });
    expect(asked.status).toBe(200);
    let link: string | undefined;
    for (let i = 0; i < 100 && !link; i++) {
      await new Promise((r) => setTimeout(r, 50));
      link = demo
        .output()
        .split("\n")
        // the sign-in mail (in Danish, the organisation's language), not the invitation or the notices
        .filter((l) => l.includes('"mail written"') && l.includes(DEMO_PEOPLE.dpoA.email) && l.includes("login-link"))
        .flatMap((l) => JSON.parse(l).links as string[])
        .at(-1);
    }
    expect(link).toMatch(new RegExp(`^${demo.base}/console/sign-in/link\\?token=`));
    const token = new URL(link!).searchParams.get("token")!;
    const used = await fetch(`${demo.base}/console/sign-in/link`, { method: "POST", headers: { Origin: demo.base }, body: new URLSearchParams({ token }), redirect: "manual" });
    expect(used.status).toBe(303);
    const cookie = used.headers.get("set-cookie")!.split(";")[0]!;
    expect(await (await fetch(`${demo.base}/console`, { headers: { Cookie: cookie } })).text()).toContain(DEMO_PEOPLE.dpoA.name);
  });

  it("answers a body over the limit with 413 and closes that connection cleanly: a keep-alive client's next request is not lost", async () => {
    const db = track(tempDatabase("node-entry"));
    const operatorKey = "sk_live_keepalive_test_operator_00";
    const service = await start(db.path, { OPERATOR_API_KEY: operatorKey });
    const agent = new Agent({ keepAliveTimeout: 10_000, pipelining: 0, connections: 1 });
    try {
      const headers = { Authorization: `Bearer ${operatorKey}`, "Content-Type": "application/json" };
      for (let round = 0; round < 3; round++) {
        const big = await undiciRequest(`${service.base}/v1/organisations`, { method: "POST", headers, body: JSON.stringify({ name: "x".repeat(600 * 1024) }), dispatcher: agent });
        expect(big.statusCode).toBe(413);
        expect(big.headers.connection).toBe("close");
        expect(((await big.body.json()) as { code: string }).code).toBe("payload_too_large");
        // the next request on the same client goes through, on a new connection
        const next = await undiciRequest(`${service.base}/v1/organisations`, { headers, dispatcher: agent });
        expect(next.statusCode).toBe(200);
        await next.body.dump();
      }
    } finally {
      await agent.close();
    }
  });

  it("stops cleanly on SIGTERM: a request in flight answered, the database closed, no -wal or -shm file left", async () => {
    const db = track(tempDatabase("node-entry"));
    const operatorKey = "sk_live_shutdown_test_operator_000";
    const service = await start(db.path, { OPERATOR_API_KEY: operatorKey });
    expect((await api(service.base, operatorKey, "GET", "/v1/organisations")).status).toBe(200);
    expect(existsSync(`${db.path}-wal`)).toBe(true);
    // a request under way when the signal comes: its body is half sent
    const body = JSON.stringify({
      name: "Halfway A/S",
      registration: { scheme: "dk_cvr", number: "10150817" },
      address: { street: "Vej 1", postal_code: "2750", city: "Ballerup", country: "DK" },
    });
    const inFlight = new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${service.base}/v1/organisations`, {
        method: "POST",
        headers: { Authorization: `Bearer ${operatorKey}`, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) },
      });
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on("error", reject);
      req.write(body.slice(0, 20));
      setTimeout(() => req.end(body.slice(20)), 300);
    });
    await new Promise((r) => setTimeout(r, 100));
    const code = await service.stop();
    expect(await inFlight).toBe(201);
    expect(code).toBe(0);
    expect(service.output()).toContain('"msg":"stopped","within_grace":true');
    expect(existsSync(`${db.path}-wal`), service.output()).toBe(false);
    expect(existsSync(`${db.path}-shm`)).toBe(false);
  });
});
