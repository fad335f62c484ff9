import type { z } from "zod";
import { EXAMPLE_IDS } from "../examples";
import type { PublicPage, UpdatePublicPageBody } from "./public-page.schemas";

/** The first call, which sets the page up: every one of the processor's active agreements, its own addresses kept out. */
export const updatePublicPageExample: z.input<typeof UpdatePublicPageBody> = { enabled: true, slug: "nordcare-systems", agreements: "all", show_own_locations: false };

export const publicPageExample: z.output<typeof PublicPage> = {
  object: "public_page",
  organisation_id: EXAMPLE_IDS.nordcare,
  enabled: true,
  slug: "nordcare-systems",
  agreements: "all",
  show_own_locations: false,
  url: "/public/nordcare-systems",
  feeds: { atom: "/public/nordcare-systems/feed.atom", json: "/public/nordcare-systems/feed.json" },
  created_at: "2026-11-24T08:00:00.000Z",
  updated_at: "2026-11-24T08:00:00.000Z",
};
