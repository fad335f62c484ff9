// The dependency direction of the code (README, "How it is built"): entries → http/web adapters →
// features → core/domain → db. Read from the source files' import statements, resolved to files.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

interface Import {
  from: string; // the importing file, relative to the root
  to: string; // a package name, or a file relative to the root (without extension)
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?(?:[^"';]*?\s+from\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function importsOf(file: string): Import[] {
  const text = readFileSync(file, "utf8");
  const from = relative(ROOT, file);
  const out: Import[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = (m[1] ?? m[2])!;
    const to = spec.startsWith(".") ? relative(ROOT, resolve(dirname(file), spec)).replace(/\.tsx?$/, "") : spec;
    out.push({ from, to });
  }
  return out;
}

const ALL = sourceFiles(join(ROOT, "src")).flatMap(importsOf);
const isPackage = (to: string, names: string[]) => names.some((n) => to === n || to.startsWith(`${n}/`));
const under = (to: string, ...dirs: string[]) => dirs.some((d) => to === d || to.startsWith(`${d}/`));
const violations = (filter: (i: Import) => boolean) => ALL.filter(filter).map((i) => `${i.from} → ${i.to}`);

const TRANSPORT = ["hono", "@hono"];
const isService = (file: string) => /^src\/features\/[^/]+\/[^/]+\.service\.ts$/.test(file);
/** The entries and the composition root: the only places that wire jobs and the relay. */
const WIRING = ["src/node.ts", "src/node-service.ts", "src/worker.ts", "src/build-deps.ts"];

describe("the dependency direction", () => {
  it("service verbs, core and domain know no transport: no hono, src/http or src/web", () => {
    expect(violations((i) => (isService(i.from) || under(i.from, "src/core", "src/domain")) && (isPackage(i.to, TRANSPORT) || under(i.to, "src/http", "src/web")))).toEqual([]);
  });

  it("the domain is pure: only itself and data libraries (zod, country names, time zones)", () => {
    expect(violations((i) => i.from.startsWith("src/domain/") && !under(i.to, "src/domain") && !isPackage(i.to, ["zod", "i18n-iso-countries", "@date-fns/tz"]))).toEqual([]);
  });

  it("core depends on domain, db and the dependency types only, never on a feature, a job or the relay", () => {
    expect(violations((i) => i.from.startsWith("src/core/") && under(i.to, "src/features", "src/jobs", "src/webhooks", "src/http", "src/web"))).toEqual([]);
  });

  it("nothing imports a job or the relay but the entries and the composition root", () => {
    const wiring = (i: Import) => WIRING.includes(i.from) || under(i.from, "src/jobs", "src/webhooks");
    expect(violations((i) => !wiring(i) && (under(i.to, "src/jobs") || ["src/webhooks/relay", "src/webhooks/create-relay"].includes(i.to)))).toEqual([]);
  });

  it("jobs and the relay call feature verbs (*.service.ts), never feature internals", () => {
    expect(violations((i) => under(i.from, "src/jobs", "src/webhooks") && i.from !== "src/webhooks/openapi.ts" && under(i.to, "src/features") && !/\.service$/.test(i.to))).toEqual(
      [],
    );
  });

  it("no type circle between the dependencies and the transport", () => {
    expect(violations((i) => i.from === "src/deps.ts" && (under(i.to, "src/http", "src/web", "src/features") || isPackage(i.to, TRANSPORT)))).toEqual([]);
  });

  it("the test reads imports at all (a check that finds nothing to check proves nothing)", () => {
    expect(ALL.length).toBeGreaterThan(300);
    expect(ALL.some((i) => i.from === "src/features/decisions/decisions.service.ts" && i.to === "src/core/actor")).toBe(true);
  });
});
