// Writes openapi/openapi.json from the route definitions, and the typed client's types
// (openapi/client/src/schema.d.ts) from the same document; tests fail when either drifts.
import "../src/require-supported-node";
import { writeFileSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { generateOpenApiDocument, serialiseOpenApi } from "../src/openapi";
import { generateTypes } from "../openapi/client/generate";

const doc = generateOpenApiDocument();
const root = fileURLToPath(new URL("..", import.meta.url));
const targets = [
  { path: `${root}/openapi/openapi.json`, text: serialiseOpenApi(doc) },
  { path: `${root}/openapi/client/src/schema.d.ts`, text: await generateTypes(doc) },
];
for (const { path, text } of targets) {
  writeFileSync(path, text);
  console.log(`wrote ${relative(root, path)}`);
}
