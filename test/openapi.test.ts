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
    const t = await createTestContext({ testMode: false });
    const doc = await t.call(null, "GET", "/openapi.json");
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe("3.1.0");
    expect(doc.body).toEqual(JSON.parse(serialiseOpenApi(generateOpenApiDocument())));
    const docs = await t.call(null, "GET", "/docs");
    expect(docs.status).toBe(200);
    // Swagger UI from this service's own files: no CDN, nothing fetched from another origin
    const page = String(docs.body);
    expect(page).toContain('src="/docs/assets/swagger-ui-bundle.js"');
    expect(page).toContain('href="/docs/assets/swagger-ui.css"');
    expect(page).not.toMatch(/(src|href)="(https?:)?\/\//);
    const init = await t.call(null, "GET", "/docs/assets/init.js");
    expect(init.status).toBe(200);
    expect(String(init.body)).toContain('url: "/openapi.json"');
    expect((await t.call(null, "GET", "/docs/assets/index.html")).status).toBe(404);
  });

  it("every operation declares its problem+json error responses and an operationId", () => {
    const doc = generateOpenApiDocument();
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      for (const [method, op] of Object.entries(item as Record<string, { operationId?: string; responses: Record<string, { content?: object }> }>)) {
        expect(op.operationId, `${method} ${path}`).toBeTruthy();
        // the open HTML pages and feeds under /public take no key and answer their own 4xx pages
        if (path.startsWith("/public/")) continue;
        expect(
          Object.keys(op.responses).some((s) => s.startsWith("4")),
          `${method} ${path}`,
        ).toBe(true);
        expect(op.responses["401"]?.content, `${method} ${path} 401`).toHaveProperty(["application/problem+json"]);
      }
    }
  });

  it("every operation has a description, and every JSON request body and 2xx JSON answer an example", () => {
    type Schema = {
      $ref?: string;
      example?: unknown;
      examples?: unknown[];
      const?: unknown;
      enum?: unknown[];
      type?: string | string[];
      properties?: Record<string, Schema>;
      required?: string[];
      items?: Schema;
      allOf?: Schema[];
      anyOf?: Schema[];
      oneOf?: Schema[];
    };
    type Media = { schema?: Schema; example?: unknown; examples?: Record<string, unknown> };
    type Operation = { description?: string; requestBody?: { content?: Record<string, Media> }; responses: Record<string, { content?: Record<string, Media> }> };
    const doc = generateOpenApiDocument() as unknown as { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };
    // an example follows from a schema when it has one, or names its values, or each required property's does
    const derivable = (s: Schema | undefined, refs: string[] = []): boolean => {
      if (!s) return false;
      if (s.example !== undefined || s.examples?.length || s.const !== undefined || s.enum?.length) return true;
      if (s.$ref) return !refs.includes(s.$ref) && derivable(doc.components.schemas[s.$ref.split("/").pop()!], [...refs, s.$ref]);
      if (s.allOf) return s.allOf.every((m) => derivable(m, refs));
      if (s.anyOf ?? s.oneOf) return (s.anyOf ?? s.oneOf)!.some((m) => derivable(m, refs));
      if (s.type === "array") return derivable(s.items, refs);
      if (s.type === "object" || s.properties) return (s.required ?? []).every((p) => derivable(s.properties?.[p], refs));
      // no type: any value (z.unknown()), or only a description beside a $ref
      return s.type === undefined;
    };
    const exemplified = (m: Media | undefined) => m === undefined || m.example !== undefined || Object.keys(m.examples ?? {}).length > 0 || derivable(m.schema);
    const missing: string[] = [];
    for (const [path, item] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(item).filter(([m]) => ["get", "post", "put", "patch", "delete"].includes(m))) {
        const name = `${method.toUpperCase()} ${path}`;
        if (!op.description?.trim()) missing.push(`${name}: description`);
        if (!exemplified(op.requestBody?.content?.["application/json"])) missing.push(`${name}: request body example`);
        for (const [status, response] of Object.entries(op.responses))
          if (status.startsWith("2") && !exemplified(response.content?.["application/json"])) missing.push(`${name}: ${status} example`);
      }
    expect(missing).toEqual([]);
  });

  it("every example of a route is valid by the route's own schema, as the service parses it (check digits, patterns, enums)", async () => {
    const t = await createTestContext({ file: false });
    type Media = { schema?: { safeParse?: (v: unknown) => { success: boolean; error?: { message: string } } }; example?: unknown };
    type Route = { method: string; path: string; request?: { body?: { content?: Record<string, Media> } }; responses: Record<string, { content?: Record<string, Media> }> };
    let checked = 0;
    for (const definition of t.app.openAPIRegistry.definitions) {
      if (definition.type !== "route") continue;
      const route = definition.route as unknown as Route;
      const media: [string, Media | undefined][] = [
        ["request body", route.request?.body?.content?.["application/json"]],
        ...Object.entries(route.responses).map(([status, r]): [string, Media | undefined] => [status, r.content?.["application/json"]]),
      ];
      for (const [where, m] of media) {
        if (m?.example === undefined || !m.schema?.safeParse) continue;
        const parsed = m.schema.safeParse(m.example);
        expect(parsed.success, `${route.method.toUpperCase()} ${route.path} ${where}: ${parsed.error?.message}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(60);
  });
});

describe("the test clock exists only in test mode", () => {
  it("without TEST_CLOCK its routes are unknown routes (404), described in the document as test mode only", async () => {
    const t = await createTestContext({ testMode: false });
    for (const [method, path] of [
      ["GET", "/v1/test-clock"],
      ["POST", "/v1/test-clock/advance"],
    ] as const) {
      const res = await t.call(t.operatorKey, method, path, method === "POST" ? { days: 1 } : undefined);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe("route_not_found");
    }
    // the committed document still describes them, marked, so a generated client can drive the clock in test mode
    const paths = generateOpenApiDocument().paths as Record<string, Record<string, Record<string, unknown>>>;
    const advance = paths["/v1/test-clock/advance"]!.post!;
    expect(advance["x-test-mode-only"]).toBe(true);
    expect(advance.description).toMatch(/^Test mode only/);
  });

  it("in test mode the operator reads and advances it; an organisation may not", async () => {
    const t = await createTestContext();
    const before = await t.call(t.operatorKey, "GET", "/v1/test-clock");
    expect(before.body.now).toBe(t.clock.now().toISOString());
    const moved = await t.call(t.operatorKey, "POST", "/v1/test-clock/advance", { days: 2, seconds: 30 });
    expect(moved.status).toBe(200);
    expect(new Date(moved.body.now).getTime() - new Date(before.body.now).getTime()).toBe(2 * 86_400_000 + 30_000);
    const back = await t.call(t.operatorKey, "POST", "/v1/test-clock/advance", { to: before.body.now });
    expect(back.status).toBe(422);
    const org = await t.call(t.operatorKey, "POST", "/v1/organisations", {
      name: "X",
      registration: { scheme: "dk_cvr", number: "12345674" },
      address: { street: "A 1", postal_code: "1000", city: "K", country: "DK" },
    });
    const key = await t.call(t.operatorKey, "POST", `/v1/organisations/${org.body.id}/api-keys`, { name: "k" });
    expect((await t.call(key.body.secret, "POST", "/v1/test-clock/advance", { days: 1 })).status).toBe(403);
  });
});

describe("what every operation declares, and the service does", () => {
  type Operation = { security?: unknown[]; requestBody?: { required?: boolean }; responses: Record<string, { headers?: Record<string, unknown> }> };
  const operations = () =>
    Object.entries(generateOpenApiDocument().paths ?? {}).flatMap(([path, item]) =>
      Object.entries(item as Record<string, Operation>)
        .filter(([m]) => ["get", "post", "put", "patch", "delete"].includes(m))
        .map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
    );

  it("X-Request-Id on every response; 429 with Retry-After and RateLimit-* on every keyed operation; 413 wherever a body is taken; WWW-Authenticate on 401", () => {
    for (const { name, op } of operations().filter((o) => o.name.includes(" /v1/"))) {
      for (const [status, response] of Object.entries(op.responses)) expect(Object.keys(response.headers ?? {}), `${name} ${status}`).toContain("X-Request-Id");
      const keyed = (op.security ?? []).length > 0;
      if (keyed)
        expect(Object.keys(op.responses[429]?.headers ?? {}), name).toEqual(expect.arrayContaining(["Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"]));
      else expect(op.responses[429], name).toBeUndefined();
      if (op.requestBody) expect(op.responses[413], name).toBeDefined();
      expect(Object.keys(op.responses[401]?.headers ?? {}), name).toContain("WWW-Authenticate");
    }
    const schemas = generateOpenApiDocument().components!.schemas as Record<string, { properties: Record<string, { enum?: string[] }> }>;
    const problem = schemas.Problem!;
    expect(problem.properties.code!.enum).toEqual(expect.arrayContaining(["validation_failed", "rate_limited", "idempotency_key_reused"]));
  });

  it("names its servers, its licence and contact, and describes every tag its operations use", () => {
    const doc = generateOpenApiDocument() as {
      servers?: { url: string }[];
      info: { license?: { name: string }; contact?: object };
      tags?: { name: string; description?: string }[];
    };
    expect(doc.servers?.map((s) => s.url)).toContain("http://127.0.0.1:8787");
    expect(doc.info.license?.name).toBeTruthy();
    expect(doc.info.contact).toBeDefined();
    const described = new Map((doc.tags ?? []).map((t) => [t.name, t.description]));
    for (const { name, op } of operations()) for (const tag of (op as { tags?: string[] }).tags ?? []) expect(described.get(tag), `${name}: tag ${tag}`).toBeTruthy();
  });

  it("every keyed POST takes an Idempotency-Key, declares its two refusals, and Idempotent-Replayed on every answer that can be replayed; a replay carries it", async () => {
    const posts = operations().filter((o) => o.name.startsWith("POST /v1/") && (o.op.security ?? []).length > 0);
    expect(posts.length).toBeGreaterThan(15);
    for (const { name, op } of posts) {
      const params = (op as { parameters?: { in: string; name: string }[] }).parameters ?? [];
      expect(
        params.some((p) => p.in === "header" && p.name === "idempotency-key"),
        name,
      ).toBe(true);
      expect(op.responses[409], name).toBeDefined();
      expect(op.responses[422], name).toBeDefined();
      // a 5xx is never kept, so never replayed
      for (const [status, response] of Object.entries(op.responses))
        if (Number(status) < 500) expect(Object.keys(response.headers ?? {}), `${name} ${status}`).toContain("Idempotent-Replayed");
    }
    const t = await createTestContext();
    const { baselineAnnex, createOrg } = await import("./helpers/factories");
    const processor = await createOrg(t, "Omsorgspartner ApS");
    const controller = await createOrg(t, "Aarhus Kommune");
    const proposed = await t.call(processor.key, "POST", "/v1/agreements", {
      controller_id: controller.id,
      title: "Databehandleraftale",
      authorisation: "general",
      third_country_transfers: "with_transfer_mechanism",
      annex: baselineAnnex(),
    });
    expect(proposed.status, JSON.stringify(proposed.body)).toBe(201);
    const confirm = () => t.call(controller.key, "POST", `/v1/agreements/${proposed.body.id}/confirm`, undefined, { "Idempotency-Key": "confirm-once" });
    const first = await confirm();
    const again = await confirm();
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
  });

  it("an approval may be sent without a body, as declared; a 401 names its scheme", async () => {
    const t = await createTestContext();
    const { createActiveAgreement, createOrg, addBackupOp } = await import("./helpers/factories");
    const processor = await createOrg(t, "Omsorgspartner ApS");
    const controller = await createOrg(t, "Aarhus Kommune");
    const agreement = await createActiveAgreement(t, processor, controller);
    const cr = await t.call(processor.key, "POST", "/v1/change-requests", { agreements: [agreement.id], operations: [addBackupOp("b")], reason: "Backup" });
    const approve = operations().find((o) => o.name === "POST /v1/decisions/{decision_id}/approve")!;
    expect(approve.op.requestBody?.required).toBe(false);
    const res = await t.app.request(`/v1/decisions/${cr.body.decisions[0].id}/approve`, { method: "POST", headers: { Authorization: `Bearer ${controller.key}` } });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as { state: string }).state).toBe("approved");
    const anonymous = await t.app.request("/v1/agreements");
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toBe('Bearer realm="subprocessor-registry"');
  });
});
