import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { ROOT } from "./node-service";

/** The shell blocks of one README section, in order. */
export function shellBlocks(readme: string, heading: string): string[] {
  const start = readme.indexOf(`## ${heading}`);
  const end = readme.indexOf("\n## ", start + 3);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/**
 * Runs the README's "A walk-through with curl" verbatim (bash, curl, node) against a service at `base`
 * whose operator key is the demo's (the walk-through's OP) and which runs in test mode, checks that it
 * succeeds and prints what the README says it prints, and returns its stdout. The same for the Node demo
 * and for the Worker in workerd.
 *
 * Asynchronous on purpose: the Worker's database (the Hrana server) and wrangler's dev proxy live in the
 * test's own process, and a synchronous child would stop them from answering.
 */
export async function runReadmeWalkThrough(base: string): Promise<string> {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const script = ["set -euo pipefail", ...shellBlocks(readme, "A walk-through with curl")].join("\n");
  const child = spawn("bash", ["-c", script], { cwd: ROOT, env: { ...process.env, BASE: base }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const status = await new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  clearTimeout(timer);
  expect(status, `${stdout}\n${stderr}`).toBe(0);
  expect(stdout).toContain("Helpdesk Inc.: United States of America, third_country");
  expect(stdout).toContain("third_country: true");
  expect(stdout).toContain("deemed_approved, applied as version 2");
  expect(stdout).toContain("now: version 2");
  expect(stdout).toMatch(/as of .*: version 1/);
  expect(stdout).toContain("Kista Backup AB");
  expect(stdout).toContain("annex.version_created");
  // a removal is a notice; the controller amends its instruction; a conflicting approval needs the amendment
  expect(stdout).toContain("notice: noticed, applied as version 3");
  expect(stdout).toContain("409 notice_only");
  expect(stdout).toMatch(/terms version 2, in force /);
  expect(stdout).toContain("v2: prohibited, in force true");
  expect(stdout).toContain("introduces third country: true, instruction conflict: true");
  expect(stdout).toContain("409 instruction_conflict");
  expect(stdout).toContain("approved, applied as version 4");
  expect(stdout).toContain("instruction: with_transfer_mechanism, terms version 3");
  return stdout;
}
