// The Worker's static assets ([assets] in wrangler.toml): Swagger UI's files from the pinned
// swagger-ui-dist package, copied under build/worker-assets/docs/assets/ so /docs needs no CDN.
// `npm run build`, `npm run dev:worker` and the Worker tests call it before wrangler reads the config.
//   tsx scripts/worker-assets.ts
import "../src/require-supported-node";
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const WORKER_ASSETS_DIR = join(ROOT, "build/worker-assets");
const FILES = ["swagger-ui.css", "swagger-ui-bundle.js"] as const;

export function prepareWorkerAssets(): string {
  const from = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  const to = join(WORKER_ASSETS_DIR, "docs/assets");
  mkdirSync(to, { recursive: true });
  for (const file of FILES) copyFileSync(join(from, file), join(to, file));
  return WORKER_ASSETS_DIR;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) prepareWorkerAssets();
