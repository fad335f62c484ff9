import { type ChildProcess, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { DEMO_KEYS } from "../src/bootstrap/demo";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const START_TIMEOUT_MS = 15_000;

interface Started {
  child: ChildProcess;
  base: string;
  output: () => string;
}

const children: ChildProcess[] = [];
const files: string[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) await stop(child);
  for (const f of files.splice(0)) for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(f + suffix, { force: true });
});

/** A port nobody listens on right now: the OS picks one, and we release it for the child. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

function tempDatabase(): string {
  const path = join(tmpdir(), `registry-node-entry-${crypto.randomUUID()}.db`);
  files.push(path);
  return path;
}

/** Starts `node --import tsx src/node.ts` and resolves once it logs "listening". */
async function start(dbPath: string, extraEnv: Record<string, string> = {}): Promise<Started> {
  const port = await freePort();
  const env: Record<string, string> = {};
  // a clean configuration: nothing of the test runner's own environment leaks into the service
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !["DEMO", "OPERATOR_API_KEY", "TEST_CLOCK", "LOG_LEVEL", "DATABASE_AUTH_TOKEN", "NODE_OPTIONS"].includes(k)) env[k] = v;
  }
  Object.assign(env, { DATABASE_URL: `file:${dbPath}`, HOST: "127.0.0.1", PORT: String(port) }, extraEnv);
  const child = spawn(process.execPath, ["--import", "tsx", "src/node.ts"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const listening = await new Promise<unknown>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" log line within ${START_TIMEOUT_MS} ms:\n${out}`)), START_TIMEOUT_MS);
    const check = () => {
      const line = out.split("\n").find((l) => l.includes('"msg":"listening"'));
      if (!line) return;
      clearTimeout(timer);
      resolve(JSON.parse(line));
    };
    child.stdout!.on("data", check);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the service exited (${code}) before listening:\n${out}`));
    });
  });
  expect(listening).toMatchObject({ level: "info", msg: "listening", url: `http://127.0.0.1:${port}`, database: `file:${dbPath}` });
  return { child, base: `http://127.0.0.1:${port}`, output: () => out };
}

/** SIGTERM, then wait for the exit; resolves with the exit code. */
function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill("SIGTERM");
  });
}

const OPERATOR_KEY_LINE = /Operator API key \(shown once, store it now\):\s*\n\s*(sk_live_[0-9A-Za-z]+)/;

async function api(base: string, key: string | null, method: string, path: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: { ...(key ? { Authorization: `Bearer ${key}` } : {}), ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  // biome-ignore lint: tests read arbitrary JSON
  return { status: res.status, body: (await res.json()) as any };
}

describe("the Node entry (npm start)", () => {
  it("prints an operator key on first start only; data survives a restart", async () => {
    const db = tempDatabase();
    const first = await start(db);
    const match = OPERATOR_KEY_LINE.exec(first.output());
    expect(match, first.output()).not.toBeNull();
    const operatorKey = match![1]!;
    expect(operatorKey).toMatch(/^sk_live_[0-9A-Za-z]{32}$/);

    expect(await api(first.base, null, "GET", "/healthz")).toEqual({ status: 200, body: { ok: true } });
    const org = await api(first.base, operatorKey, "POST", "/v1/organisations", {
      name: "Aarhus Kommune",
      registration: { scheme: "dk_cvr", number: "55133018" },
      address: { street: "Rådhuspladsen 2", postal_code: "8000", city: "Aarhus C", country: "DK" },
    });
    expect(org.status, JSON.stringify(org.body)).toBe(201);
    expect((await api(first.base, null, "GET", "/v1/organisations")).status).toBe(401);

    expect(await stop(first.child)).toBe(0);

    const second = await start(db);
    expect(second.output()).not.toMatch(/Operator API key/);
    expect(second.output()).not.toContain(operatorKey);
    const read = await api(second.base, operatorKey, "GET", `/v1/organisations/${org.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: org.body.id, name: "Aarhus Kommune" });
    const list = await api(second.base, operatorKey, "GET", "/v1/organisations");
    expect(list.body.data.map((o: { id: string }) => o.id)).toEqual([org.body.id]);
  });

  it("DEMO=1 seeds demo data whose four keys work", async () => {
    const demo = await start(tempDatabase(), { DEMO: "1" });
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
  });
});
