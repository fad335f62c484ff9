import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const START_TIMEOUT_MS = 15_000;

/** The real Node service (`src/node.ts`, compiled) as a child process, as `npm start` runs it. */
export interface NodeService {
  child: ChildProcess;
  base: string;
  port: number;
  output: () => string;
  /** SIGTERM and wait; resolves with the exit code */
  stop: () => Promise<number | null>;
  /** SIGKILL: a crash, nothing is flushed or closed */
  kill: () => Promise<void>;
}

/** A port nobody listens on right now: the OS picks one, and we release it for the child. */
export function freePort(): Promise<number> {
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

/** A temporary database file path, and a function that removes it with its WAL files. */
export function tempDatabase(name = "service"): { path: string; remove: () => void } {
  const path = join(tmpdir(), `registry-${name}-${crypto.randomUUID()}.db`);
  return {
    path,
    remove: () => {
      for (const s of ["", "-wal", "-shm", "-journal", "-mail"]) rmSync(path + s, { force: true, recursive: true });
    },
  };
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;
const waitExit = (child: ChildProcess) => new Promise<number | null>((resolve) => (exited(child) ? resolve(child.exitCode) : child.once("exit", (code) => resolve(code))));

let built: Promise<{ entry: string; flags: string[] }> | undefined;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === "EPERM";
  }
};

/**
 * The service compiled and started as `npm start` does it (scripts/build-node.ts, then plain
 * Node with the start script's flags): built once per test worker, in a folder of its own.
 */
function compiledService() {
  built ??= (async () => {
    const { buildNode, startFlags } = await import("../../scripts/build-node");
    const dir = `build/test-${process.pid}`;
    mkdirSync(join(ROOT, "build"), { recursive: true });
    // the builds of earlier test workers that are gone (a worker may be stopped without an exit event)
    for (const old of readdirSync(join(ROOT, "build"), { withFileTypes: true }).filter((e) => e.isDirectory() && /^test-\d+$/.test(e.name)))
      if (!alive(Number(old.name.slice(5)))) rmSync(join(ROOT, "build", old.name), { recursive: true, force: true });
    process.once("exit", () => rmSync(join(ROOT, dir), { recursive: true, force: true }));
    const entry = await buildNode("src/node.ts", `${dir}/node.mjs`);
    return { entry, flags: startFlags() };
  })();
  return built;
}

/** Starts the service (as `npm start` runs it) on a database file and resolves once it logs "listening". */
export async function startNodeService(dbPath: string, extraEnv: Record<string, string> = {}, port?: number): Promise<NodeService> {
  port ??= await freePort();
  const env: Record<string, string> = {};
  // a clean configuration: nothing of the test runner's own environment leaks into the service
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !["DEMO", "OPERATOR_API_KEY", "TEST_CLOCK", "LOG_LEVEL", "DATABASE_AUTH_TOKEN", "NODE_OPTIONS"].includes(k)) env[k] = v;
  }
  // mails as .eml files beside the database, not in the working tree
  Object.assign(env, { DATABASE_URL: `file:${dbPath}`, HOST: "127.0.0.1", PORT: String(port), MAIL_DIR: `${dbPath}-mail` }, extraEnv);
  const { entry, flags } = await compiledService();
  const child = spawn(process.execPath, [...flags, entry], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" log line within ${START_TIMEOUT_MS} ms:\n${out}`)), START_TIMEOUT_MS);
    const check = () => {
      if (!out.includes('"msg":"listening"')) return;
      clearTimeout(timer);
      resolve();
    };
    child.stdout!.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the service exited (${code}) before listening:\n${out}`));
    });
  });
  return {
    child,
    base: `http://127.0.0.1:${port}`,
    port,
    output: () => out,
    stop: async () => {
      if (!exited(child)) child.kill("SIGTERM");
      return waitExit(child);
    },
    kill: async () => {
      if (!exited(child)) child.kill("SIGKILL");
      await waitExit(child);
    },
  };
}
