// Writes openapi/openapi.json from the route definitions; a test fails when it drifts.
import "../src/require-supported-node";
import { writeFileSync } from "node:fs";
import { generateOpenApiDocument, serialiseOpenApi } from "../src/openapi";

const target = new URL("../openapi/openapi.json", import.meta.url);
writeFileSync(target, serialiseOpenApi(generateOpenApiDocument()));
console.log(`wrote ${target.pathname.split("/").slice(-2).join("/")}`);
