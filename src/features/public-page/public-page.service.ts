import type { z } from "zod";
import { and, eq, inArray, ne, or } from "drizzle-orm";
import { schema, type Db } from "../../../db/client";
import type { Clock } from "../../deps";
import { AppError, type FieldError, notFound, validationFailed } from "../../domain/errors";
import { requireOrganisation } from "../../core/actor";
import { commit } from "../../core/writer";
import type { Ctx } from "../../core/context";
import type { AnnexContent } from "../../domain/annex";
import { derivePublicView, versionsToRead } from "./public-page.view";
import { SLUG_PATTERN, type UpdatePublicPageBody } from "./public-page.schemas";

type PageRow = typeof schema.publicPages.$inferSelect;
const p = schema.publicPages;
const a = schema.agreements;
const d = schema.decisions;

export const publicPath = (slug: string) => `/public/${slug}`;

export const presentPublicPage = (row: PageRow) => ({
  object: "public_page" as const,
  organisation_id: row.organisationId,
  enabled: row.enabled,
  slug: row.slug,
  agreements: row.agreements,
  show_own_locations: row.showOwnLocations,
  url: publicPath(row.slug),
  feeds: { atom: `${publicPath(row.slug)}/feed.atom`, json: `${publicPath(row.slug)}/feed.json` },
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

export async function getOwnPublicPage({ ctx }: { ctx: Ctx }) {
  const org = requireOrganisation(ctx.actor);
  const row = await ctx.db.query.publicPages.findFirst({ where: eq(p.organisationId, org) });
  if (!row) throw new AppError("not_found", "This organisation has no public page; set one up with PATCH.");
  return presentPublicPage(row);
}

const slugTaken = (slug: string) =>
  new AppError("conflict", `The slug "${slug}" is taken by another organisation; choose another.`, [
    { in: "json", pointer: "/slug", rule: "unique", detail: "Another organisation's public page has this slug." },
  ]);

/** A unique-constraint failure of the slug (a concurrent claim), however the driver wraps it. */
function isSlugConflict(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) if (/UNIQUE constraint failed: public_pages\.slug/.test(e.message)) return true;
  return false;
}

/**
 * The processor sets up or changes its page. The first write needs enabled, slug and
 * agreements; later ones change what they send. Listed agreements must be its own active
 * ones (a foreign agreement reads exactly like a missing one). Written with its audit record.
 */
export async function updateOwnPublicPage({ ctx, input }: { ctx: Ctx; input: z.infer<typeof UpdatePublicPageBody> }) {
  const org = requireOrganisation(ctx.actor);
  const existing = await ctx.db.query.publicPages.findFirst({ where: eq(p.organisationId, org) });
  const errors: FieldError[] = [];
  if (!existing)
    for (const field of ["enabled", "slug", "agreements"] as const)
      if (input[field] === undefined) errors.push({ pointer: `/${field}`, rule: "required", detail: `Setting up a public page needs "${field}".` });

  if (Array.isArray(input.agreements)) {
    const listed = input.agreements;
    const rows = await ctx.db
      .select({ id: a.id })
      .from(a)
      .where(and(eq(a.processorId, org), eq(a.status, "active"), inArray(a.id, [...new Set(listed)])));
    const found = new Set(rows.map((r) => r.id));
    const seen = new Set<string>();
    listed.forEach((id, i) => {
      if (seen.has(id)) errors.push({ pointer: `/agreements/${i}`, rule: "unique", detail: `Agreement ${id} is listed twice.` });
      else if (!found.has(id)) errors.push({ pointer: `/agreements/${i}`, rule: "active_agreement", detail: "Not an active agreement of this processor." });
      seen.add(id);
    });
  }
  if (errors.length) throw validationFailed(errors, "The public page setting breaks a rule; nothing was changed.");

  const slug = input.slug ?? existing!.slug;
  // the schema checked the pattern; this guards the invariant for any other caller
  if (!SLUG_PATTERN.test(slug)) throw validationFailed([{ pointer: "/slug", rule: "slug", detail: "3 to 63 lower-case letters, digits and hyphens." }]);
  if (slug !== existing?.slug && (await ctx.db.query.publicPages.findFirst({ where: and(eq(p.slug, slug), ne(p.organisationId, org)) }))) throw slugTaken(slug);

  const now = ctx.clock.now();
  const values = {
    organisationId: org,
    slug,
    enabled: input.enabled ?? existing!.enabled,
    agreements: input.agreements ?? existing!.agreements,
    showOwnLocations: input.show_own_locations ?? existing?.showOwnLocations ?? false,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  try {
    await commit(ctx, {
      writes: [
        ctx.db
          .insert(p)
          .values(values)
          .onConflictDoUpdate({
            target: p.organisationId,
            set: { slug: values.slug, enabled: values.enabled, agreements: values.agreements, showOwnLocations: values.showOwnLocations, updatedAt: now },
          }),
      ],
      audit: [{ action: "public_page.update", resourceType: "public_page", resourceId: slug }],
    });
    return presentPublicPage(values);
  } catch (err) {
    if (isSlugConflict(err)) throw slugTaken(slug);
    throw err;
  }
}

/**
 * Everything the public page and its feeds show, read for an enabled slug. An unknown slug,
 * a disabled page and a malformed slug are the same 404. Only the processor's own active
 * agreements that the page lists are read, and never a controller, a reason or a comment.
 */
export async function loadPublicView({ db, clock, slug }: { db: Db; clock: Clock; slug: string }) {
  const page = SLUG_PATTERN.test(slug) ? await db.query.publicPages.findFirst({ where: and(eq(p.slug, slug), eq(p.enabled, true)) }) : undefined;
  const organisation = page ? await db.query.organisations.findFirst({ where: eq(schema.organisations.id, page.organisationId) }) : undefined;
  if (!page || !organisation) throw notFound("public page");

  const covered = db
    .select({ id: a.id })
    .from(a)
    .where(and(eq(a.processorId, page.organisationId), eq(a.status, "active"), page.agreements === "all" ? undefined : inArray(a.id, page.agreements)));
  const listedDecisions = and(eq(d.processorId, page.organisationId), inArray(d.agreementId, covered));
  const cr = schema.changeRequests;
  const v = schema.annexVersions;
  const [agreements, versions, decisions, requests] = await Promise.all([
    db.select({ id: a.id, activatedAt: a.activatedAt }).from(a).where(inArray(a.id, covered)),
    db
      .select({ agreementId: v.agreementId, version: v.version, effectiveAt: v.effectiveAt, changeRequestId: v.changeRequestId, createdAt: v.createdAt })
      .from(v)
      .where(inArray(v.agreementId, covered)),
    db
      .select({ changeRequestId: d.changeRequestId, state: d.state, application: d.application, noticeEndsAt: d.noticeEndsAt, decidedAt: d.decidedAt, effectiveAt: d.effectiveAt })
      .from(d)
      .where(listedDecisions),
    // the processor's reason is free text written to its controllers: it is never read here
    db
      .select({ id: cr.id, operations: cr.operations, effectiveDate: cr.effectiveDate, submittedAt: cr.submittedAt })
      .from(cr)
      .where(inArray(cr.id, db.selectDistinct({ id: d.changeRequestId }).from(d).where(listedDecisions))),
  ]);
  const now = clock.now();
  const contents = new Map<string, AnnexContent>();
  const wanted = versionsToRead(versions, now);
  for (let i = 0; i < wanted.length; i += 200) {
    const rows = await db
      .select({ agreementId: v.agreementId, version: v.version, content: v.content })
      .from(v)
      .where(or(...wanted.slice(i, i + 200).map((w) => and(eq(v.agreementId, w.agreementId), eq(v.version, w.version)))));
    for (const r of rows) contents.set(`${r.agreementId}@${r.version}`, r.content);
  }
  return derivePublicView({
    page: { slug: page.slug, showOwnLocations: page.showOwnLocations, updatedAt: page.updatedAt },
    organisation: { name: organisation.name },
    agreements,
    versions: versions.map((x) => ({ ...x, content: contents.get(`${x.agreementId}@${x.version}`) })),
    decisions,
    requests,
    now,
  });
}
