import { z } from "@hono/zod-openapi";
import { Timestamp } from "../../http/schemas";

export const SLUG_PATTERN = /^[a-z0-9-]{3,63}$/;

export const Slug = z
  .string()
  .refine((s) => SLUG_PATTERN.test(s), { message: "3 to 63 lower-case letters (a-z), digits and hyphens.", params: { rule: "slug" } })
  .openapi({ description: "The page's address: /public/{slug}. Unique across organisations", example: "nordcare-systems" });

const PageAgreements = z
  .union([z.literal("all"), z.array(z.string()).min(1).max(10_000)])
  .openapi({ description: '"all" of the processor\'s active agreements (also those activated later), or a list of ids of its own active agreements' });

export const UpdatePublicPageBody = z
  .strictObject({
    enabled: z.boolean().optional().openapi({ description: "Publish the page (required when the page is first set up). A disabled page answers 404 like an unknown one" }),
    slug: Slug.optional().openapi({ description: "Required when the page is first set up" }),
    agreements: PageAgreements.optional().openapi({ description: "Whose sub-processors and changes the page shows; required when the page is first set up" }),
    show_own_locations: z
      .boolean()
      .optional()
      .openapi({ description: "Show the addresses of the processor's own processing locations. Default false: never unless the processor chooses" }),
  })
  .openapi("UpdatePublicPage", { description: "Fields left out keep their current value" });

export const PublicPage = z
  .object({
    object: z.literal("public_page"),
    organisation_id: z.string(),
    enabled: z.boolean(),
    slug: z.string(),
    agreements: PageAgreements,
    show_own_locations: z.boolean(),
    url: z.string().openapi({ description: "The HTML page, open to anyone while enabled", example: "/public/nordcare-systems" }),
    feeds: z.object({
      atom: z.string().openapi({ example: "/public/nordcare-systems/feed.atom" }),
      json: z.string().openapi({ example: "/public/nordcare-systems/feed.json" }),
    }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("PublicPage", {
    description:
      "A processor's opt-in public sub-processor page: its current sub-processors, upcoming changes and a changelog, with Atom and JSON feeds. Never shows a controller, an agreement, a decision or an objection.",
  });
