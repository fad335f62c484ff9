import type { Context } from "hono";
import { html } from "hono/html";
import type { DocsAssetSource } from "../deps";

/**
 * The API reference at /docs: Swagger UI from the pinned `swagger-ui-dist` package, served by this
 * service itself (no CDN), so it renders offline and behind a strict egress policy. The Node entry
 * reads the files from the package; the Worker has them as static assets (`npm run build` copies them).
 */
export const DOCS_ASSETS = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "init.js": "text/javascript; charset=utf-8",
} as const;

export type DocsAssetName = keyof typeof DOCS_ASSETS;

export const isDocsAsset = (name: string): name is DocsAssetName => Object.hasOwn(DOCS_ASSETS, name);

// a file, not an inline script: the page works under a Content-Security-Policy without 'unsafe-inline'
const INIT_JS = `window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
});
`;

export function docsPage(c: Context) {
  return c.html(
    html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Subprocessor Registry API reference</title>
    <link rel="stylesheet" href="/docs/assets/swagger-ui.css" />
  </head>
  <body>
    <main id="swagger-ui"></main>
    <script src="/docs/assets/swagger-ui-bundle.js"></script>
    <script src="/docs/assets/init.js"></script>
  </body>
</html>`,
  );
}

export async function docsAsset(_c: Context, source: DocsAssetSource | undefined, name: string): Promise<Response | undefined> {
  if (!isDocsAsset(name)) return undefined;
  const body = name === "init.js" ? INIT_JS : await source?.(name);
  if (body == null) return undefined;
  return new Response(body, {
    headers: { "content-type": DOCS_ASSETS[name], "cache-control": "public, max-age=86400", "x-content-type-options": "nosniff" },
  });
}
