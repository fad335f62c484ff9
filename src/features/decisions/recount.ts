import { and, eq, sql } from "drizzle-orm";
import { schema } from "../../../db/client";
import { SCHEDULER } from "../../core/actor";
import { commit, guarded, type WriterDeps } from "../../core/writer";
import { noticeEndsAt } from "../../domain/decisions";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Pending decisions whose notice was counted in whole days of 24 hours from the submission (rule
 * 1, before notices ran to 24:00 local time on their last day: docs/rules.md, rule 4) are counted
 * again, in their controller's time zone. A notice only ever gets longer: the later of the two
 * ends. Each moved decision is recorded in the audit trail; one change for all, idempotent (a
 * recounted decision has rule 2). Runs after the migrations (the Node service, `npm run db:migrate`).
 */
export async function recountNoticeEnds(deps: WriterDeps): Promise<number> {
  const d = schema.decisions;
  const o = schema.organisations;
  const rows = await deps.db
    .select({
      id: d.id,
      createdAt: d.createdAt,
      noticeEndsAt: d.noticeEndsAt,
      timeZone: o.timeZone,
      agreementId: d.agreementId,
      processorId: d.processorId,
      controllerId: d.controllerId,
    })
    .from(d)
    .innerJoin(o, eq(o.id, d.controllerId))
    .where(and(eq(d.noticeRule, 1), eq(d.state, "pending")));
  if (!rows.length) return 0;
  const moved = rows.map((r) => {
    const days = Math.round((r.noticeEndsAt.getTime() - r.createdAt.getTime()) / DAY_MS);
    const counted = noticeEndsAt(r.createdAt, days, r.timeZone);
    return { ...r, end: new Date(Math.max(counted.getTime(), r.noticeEndsAt.getTime())) };
  });
  await commit(
    { ...deps, actor: SCHEDULER },
    {
      writes: moved.map((r) =>
        guarded(
          "decision.notice_rule",
          deps.db
            .update(d)
            .set({ noticeEndsAt: r.end, noticeRule: 2 })
            .where(and(eq(d.id, r.id), eq(d.noticeRule, 1), sql`${d.state} = 'pending'`)),
        ),
      ),
      audit: moved.map((r) => ({
        action: "decision.notice_recounted",
        resourceType: "decision",
        resourceId: r.id,
        agreement: { id: r.agreementId, processorId: r.processorId, controllerId: r.controllerId },
      })),
    },
  );
  return moved.length;
}
