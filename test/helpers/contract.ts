import { Ajv2020 } from "ajv/dist/2020.js";
import { expect } from "vitest";
import { generateOpenApiDocument } from "../../src/openapi";
import type { App } from "../../src/app";

type Operation = { responses: Record<string, { content?: Record<string, { schema?: object }> }> };

const doc = generateOpenApiDocument() as unknown as { paths: Record<string, Record<string, Operation>>; components: object };
const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema({ $id: "doc", components: doc.components });
ajv.addFormat("email", true);
ajv.addFormat("uri", true);
ajv.addFormat("date-time", true);
ajv.addFormat("date", true);

const templates = Object.keys(doc.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`),
}));

/** The response conforms to the document: the operation is described, its status declared, its media type and (for JSON) its body. */
export async function expectConforms(method: string, url: string, res: Response) {
  const path = new URL(url, "http://x").pathname;
  const found = templates.find((t) => t.pattern.test(path));
  expect(found, `${method} ${path} is not in the document`).toBeDefined();
  const op = doc.paths[found!.template]![method.toLowerCase()];
  expect(op, `${method} ${found!.template} is not in the document`).toBeDefined();
  const declared = op!.responses[String(res.status)];
  expect(declared, `${method} ${found!.template} answered ${res.status}, which it does not declare`).toBeDefined();
  const type = res.headers.get("content-type")?.split(";")[0]?.trim();
  if (res.status === 304 || !type) return expect(declared!.content, `${method} ${found!.template} ${res.status} has no body`).toBeUndefined();
  const media = declared!.content?.[type];
  expect(media, `${method} ${found!.template} ${res.status} answered ${type}, declared ${Object.keys(declared!.content ?? {})}`).toBeDefined();
  if (/json$/.test(type) && media?.schema) {
    const schema = JSON.parse(JSON.stringify(media.schema).replaceAll('"#/components/', '"doc#/components/'));
    const validate = ajv.compile(schema);
    const body = await res.clone().json();
    expect(validate(body), `${method} ${found!.template} ${res.status}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  }
}

/** Every answer of the app to a path under `prefix` is checked against the document as it passes. */
export function checkAnswersAgainstDocument(app: App, prefix: string) {
  const request = app.request.bind(app);
  app.request = (async (input: string | Request | URL, init?: RequestInit, ...rest: unknown[]) => {
    const res = await (request as (...a: unknown[]) => Promise<Response>)(input, init, ...rest);
    const url = input instanceof Request ? input.url : String(input);
    const method = input instanceof Request ? input.method : (init?.method ?? "GET");
    if (new URL(url, "http://x").pathname.startsWith(prefix)) await expectConforms(method, url, res);
    return res;
  }) as App["request"];
  return app;
}
