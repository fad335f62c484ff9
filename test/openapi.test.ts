import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generateOpenApiDocument, serialiseOpenApi } from "../src/openapi";
import { createTestContext } from "./helpers/app";

describe("OpenAPI document", () => {
  it("the committed openapi/openapi.json is what the routes generate (run `npm run openapi`)", () => {
    const committed = readFileSync(new URL("../openapi/openapi.json", import.meta.url), "utf8");
    expect(committed).toBe(serialiseOpenApi(generateOpenApiDocument()));
  });

  it("is served at /openapi.json as OpenAPI 3.1 with docs at /docs", async () => {
    const t = await createTestContext();
    const doc = await t.call(null, "GET", "/openapi.json");
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe("3.1.0");
    expect(doc.body).toEqual(JSON.parse(serialiseOpenApi(generateOpenApiDocument())));
    const docs = await t.call(null, "GET", "/docs");
    expect(docs.status).toBe(200);
    expect(String(docs.body)).toContain("/openapi.json");
  });

  it("every operation declares its problem+json error responses and an operationId", () => {
    const doc = generateOpenApiDocument();
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      for (const [method, op] of Object.entries(item as Record<string, { operationId?: string; responses: Record<string, { content?: object }> }>)) {
        expect(op.operationId, `${method} ${path}`).toBeTruthy();
        expect(Object.keys(op.content ?? op.responses).some((s) => s.startsWith("4")), `${method} ${path}`).toBe(true);
        expect(op.responses["401"]?.content, `${method} ${path} 401`).toHaveProperty(["application/problem+json"]);
      }
    }
  });
});
