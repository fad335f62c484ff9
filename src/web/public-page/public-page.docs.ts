import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { ProblemSchema, REQUEST_ID_HEADER } from "../../http/router";

// The OpenAPI description of the open routes under /public (index.ts): they answer HTML and feeds,
// need no key, and are served by plain handlers, so only their description is registered here.

const tags = ["Public pages and feeds"];
const security: { [name: string]: string[] }[] = [];

const Slug = z.string().openapi({ description: "The page's address, as the processor set it", example: "nordcare-systems" });
const LangQuery = z.enum(["da", "sv", "en"]).optional().openapi({ description: "The language; the page otherwise follows Accept-Language, the feeds English" });

type Header = { description: string; schema: { type: "string" | "integer" } };
const header = (description: string): Header => ({ description, schema: { type: "string" } });
const VALIDATORS = {
  ...REQUEST_ID_HEADER,
  ETag: header("A strong validator of this representation (per language)"),
  "Last-Modified": header("When the page last changed, to the second"),
  "Cache-Control": header("`public, max-age=60`"),
  "Content-Language": header("da, sv or en"),
};
const CONDITIONAL = z.object({
  "if-none-match": z.string().optional().openapi({ description: "An ETag from an earlier answer: 304 while it is current" }),
  "if-modified-since": z.string().optional().openapi({ description: "An HTTP date: 304 when nothing changed since" }),
});

const html = (description: string, headers: Record<string, Header> = REQUEST_ID_HEADER) => ({
  description,
  headers,
  content: { "text/html": { schema: z.string().openapi({ example: "<!doctype html>…" }) } },
});
const notModified = { description: "The copy the client holds is current (no body)", headers: VALIDATORS };
const noPage = {
  description: "No page by this address, or the processor has not published it",
  headers: REQUEST_ID_HEADER,
  content: { "application/problem+json": { schema: ProblemSchema } },
};

const JsonFeedItem = z
  .object({
    id: z.string().openapi({ example: "urn:subprocessor-registry:nordcare-systems:cr_01JD3Q6W8Y0X1K2M3N4P5Q6R7S:upcoming" }),
    url: z.string(),
    title: z.string(),
    content_html: z.string(),
    content_text: z.string(),
    date_modified: z.string(),
    tags: z.array(z.string()),
  })
  .passthrough();

const JsonFeed = z
  .object({
    version: z.literal("https://jsonfeed.org/version/1.1"),
    title: z.string().openapi({ example: "NordCare Systems ApS: sub-processors" }),
    home_page_url: z.string(),
    feed_url: z.string(),
    language: z.string().openapi({ example: "en" }),
    items: z.array(JsonFeedItem),
  })
  .passthrough()
  .openapi("PublicJsonFeed", { description: "JSON Feed 1.1; each item also carries the change in structured form" });

const FormBody = (schema: z.ZodType) => ({ required: true, content: { "application/x-www-form-urlencoded": { schema } } });

const ROUTES = [
  createRoute({
    method: "get",
    path: "/public/{slug}",
    operationId: "getPublicPage",
    summary: "A processor's public sub-processor page (HTML)",
    description:
      "Open to anyone, no key. The sub-processors and locations of the agreements the processor chose to publish, the upcoming changes with their dates and the changes applied, with a form to subscribe by e-mail. Revalidate with If-None-Match or If-Modified-Since.",
    tags,
    security,
    request: { params: z.object({ slug: Slug }), query: z.object({ lang: LangQuery }), headers: CONDITIONAL },
    responses: { 200: html("The page", { ...VALIDATORS, Vary: header("Accept-Language") }), 304: notModified, 404: noPage },
  }),
  createRoute({
    method: "get",
    path: "/public/{slug}/feed.atom",
    operationId: "getPublicAtomFeed",
    summary: "The page's changes as an Atom feed",
    description: "Open to anyone, no key, readable from any origin (CORS). Atom 1.0 of the upcoming and applied changes, newest first, in English unless `lang` says otherwise.",
    tags,
    security,
    request: { params: z.object({ slug: Slug }), query: z.object({ lang: LangQuery }), headers: CONDITIONAL },
    responses: {
      200: {
        description: "The Atom feed",
        headers: VALIDATORS,
        content: {
          "application/atom+xml": { schema: z.string().openapi({ example: '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">…</feed>' }) },
        },
      },
      304: notModified,
      404: noPage,
    },
  }),
  createRoute({
    method: "get",
    path: "/public/{slug}/feed.json",
    operationId: "getPublicJsonFeed",
    summary: "The page's changes as a JSON Feed",
    description: "Open to anyone, no key, readable from any origin (CORS). JSON Feed 1.1 of the same entries as the Atom feed.",
    tags,
    security,
    request: { params: z.object({ slug: Slug }), query: z.object({ lang: LangQuery }), headers: CONDITIONAL },
    responses: { 200: { description: "The JSON Feed", headers: VALIDATORS, content: { "application/feed+json": { schema: JsonFeed } } }, 304: notModified, 404: noPage },
  }),
  createRoute({
    method: "post",
    path: "/public/{slug}/subscribe",
    operationId: "subscribeToPublicPage",
    summary: "Subscribe to a public page by e-mail (the page's form)",
    description:
      "The page's own form posts here (a post from another site is refused, 403). Sends a confirmation link valid for 7 days; the answer is the same whether or not the address was already subscribed.",
    tags,
    security,
    request: {
      params: z.object({ slug: Slug }),
      body: FormBody(z.object({ email: z.string().openapi({ example: "citizen@example.dk" }), lang: LangQuery })),
    },
    responses: {
      200: html("A confirmation link is on its way"),
      403: html("The form was posted from another site"),
      404: noPage,
      422: html("Not an e-mail address: the form again, nothing written"),
      429: html("Too many links asked for this address or from this client", { ...REQUEST_ID_HEADER, "Retry-After": header("Seconds to wait") }),
    },
  }),
  createRoute({
    method: "get",
    path: "/public/{slug}/subscription/confirm",
    operationId: "showSubscriptionConfirmation",
    summary: "The confirmation link: a page with one button",
    description: "Opening the link confirms nothing (mail scanners follow links); the button posts the token back.",
    tags,
    security,
    request: { params: z.object({ slug: Slug }), query: z.object({ token: z.string().openapi({ description: "The link's single-use token" }) }) },
    responses: { 200: html("Whose subscription, and the button"), 410: html("The link was used or has expired") },
  }),
  createRoute({
    method: "post",
    path: "/public/{slug}/subscription/confirm",
    operationId: "confirmSubscription",
    summary: "Confirm a subscription (the confirmation page's button)",
    description: "Uses the link, once.",
    tags,
    security,
    request: { params: z.object({ slug: Slug }), body: FormBody(z.object({ token: z.string(), lang: LangQuery })) },
    responses: { 200: html("Subscribed"), 403: html("Posted from another site"), 410: html("The link was used or has expired") },
  }),
  ...(["get", "post"] as const).map((method) =>
    createRoute({
      method,
      path: "/public/{slug}/unsubscribe",
      operationId: method === "get" ? "showUnsubscribe" : "unsubscribe",
      summary: method === "get" ? "The unsubscribe link: a page with one button" : "Unsubscribe (the button, or a mail client's one-click List-Unsubscribe)",
      description:
        method === "get"
          ? "Every digest carries this link; opening it changes nothing."
          : "RFC 8058 one-click: a mail client posts `List-Unsubscribe=One-Click` to the link in the `List-Unsubscribe` header.",
      tags,
      security,
      request: {
        params: z.object({ slug: Slug }),
        query: z.object({ s: z.string().openapi({ description: "The subscription" }), t: z.string().openapi({ description: "Its secret" }) }),
      },
      responses: { 200: html(method === "get" ? "The button" : "Unsubscribed"), 404: html("Not a link of this service") },
    }),
  ),
];

/** Adds the /public routes to the document. */
export function registerPublicPageDocs(registry: OpenAPIHono["openAPIRegistry"]) {
  for (const route of ROUTES) registry.registerPath(route);
}
