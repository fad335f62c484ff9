// Compiles the Node service to one ES module, as `npm start` runs it: plain Node, without a
// TypeScript loader in the process (tsx keeps a loader thread alive: about 60 MB more RSS).
// Dependencies stay in node_modules, but for JSON data (country names), which is bundled:
// Node wants an import attribute on JSON that esbuild drops from external imports.
//   tsx scripts/build-node.ts [entry] [outfile]
import "../src/require-supported-node";
import { build } from "esbuild";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BUNDLED = new Set(["i18n-iso-countries"]);
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
const external = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })
  .filter((name) => !BUNDLED.has(name))
  .flatMap((name) => [name, `${name}/*`]);

export async function buildNode(entry = "src/node.ts", outfile = "build/node.mjs") {
  await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "esm",
    external,
    sourcemap: true,
    jsx: "automatic",
    jsxImportSource: "hono/jsx",
    logLevel: "warning",
  });
  // V8 keeps a script's source as one string, of one byte a character only if every character is
  // Latin-1: a dash in one comment (esbuild escapes strings, not comments) made the whole bundle two
  // bytes a character, about 1.8 MB more heap for as long as the service runs. Each such character
  // becomes "?", one for one in UTF-16 units, so the source map's columns still hold.
  const code = readFileSync(resolve(ROOT, outfile), "utf8");
  const ascii = code.replace(/[\u0080-\u{10ffff}]/gu, (c) => "?".repeat(c.length));
  if (ascii !== code) writeFileSync(resolve(ROOT, outfile), ascii);
  // the migrations are read from disk next to the code (db/migrate.ts)
  cpSync(join(ROOT, "db/migrations"), resolve(ROOT, dirname(outfile), "migrations"), { recursive: true });
  return outfile;
}

/** The Node flags `npm start` (through `start:built`) runs the compiled service with, read from package.json: whatever starts it elsewhere (tests, benchmark) uses the same. */
export function startFlags(): string[] {
  const start = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts["start:built"]!;
  const match = /\bnode ((?:--\S+ )*)build\/node\.mjs/.exec(start);
  if (!match) throw new Error(`cannot read the Node flags from the start script: ${start}`);
  return match[1]!.trim().split(/\s+/).filter(Boolean);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildNode(process.argv[2], process.argv[3]);
