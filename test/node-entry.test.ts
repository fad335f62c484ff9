import { afterEach, describe, expect, it } from "vitest";
import { DEMO_KEYS } from "../src/bootstrap/demo";
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
  });
});
