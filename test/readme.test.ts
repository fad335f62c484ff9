import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { type NodeService, ROOT, startNodeService, tempDatabase } from "./helpers/node-service";

/** The shell blocks of one README section, in order. */
export function shellBlocks(readme: string, heading: string): string[] {
  const start = readme.indexOf(`## ${heading}`);
  const end = readme.indexOf("\n## ", start + 3);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

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
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const script = ["set -euo pipefail", ...shellBlocks(readme, "A walk-through with curl")].join("\n");
    const run = spawnSync("bash", ["-c", script], { cwd: ROOT, env: { ...process.env, BASE: service.base }, encoding: "utf8", timeout: 60_000 });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain("Helpdesk Inc.: United States of America, third_country");
    expect(run.stdout).toContain("third_country: true");
    expect(run.stdout).toContain("deemed_approved, applied as version 2");
    expect(run.stdout).toContain("now: version 2");
    expect(run.stdout).toMatch(/as of .*: version 1/);
    expect(run.stdout).toContain("Kista Backup AB");
    expect(run.stdout).toContain("annex.version_created");
  });
});
