import type { z } from "zod";
import { changeRequestExample } from "../change-requests/change-requests.examples";
import { changeOperationsExample } from "../decisions/decisions.examples";
import { EXAMPLE_IDS, EXAMPLE_TIMES, listExample } from "../examples";
import type { ApproveUpstreamBody, ChangeRequestDraft, CreateUpstreamSourceBody, ObjectUpstreamBody, UpdateDraftBody, UpstreamChange, UpstreamSource } from "./upstream.schemas";

/**
 * The story's upstream side (docs/rules.md, rule 14): Hetzner, NordCare's hosting sub-processor,
 * keeps its own annex in this register, in an agreement where NordCare is the controller. In
 * October it announces a new backup sub-processor of its own; NordCare passes it on to Aarhus.
 */
const UPSTREAM = {
  source: "ups_01M3VNBWG02NBGTDH4WJ73HZAM",
  feedSource: "ups_01M3VNBWG02NBGTDH4WJ73HZAN",
  agreement: "agr_01M1F6X0S0Y3H6C1ZT5H0DQ9A4",
  change: "upc_01M5Z1J4R0T3KX7W2N9B8QF6DE",
  decision: "dec_01M5Z1J4R0T3KX7W2N9B8QF6DF",
  draft: "crd_01M5Z1J4R0T3KX7W2N9B8QF6DG",
  sourceCreated: "2026-10-01T12:30:00.000Z",
  announced: "2026-10-28T08:00:00.000Z",
  received: "2026-10-28T08:00:00.000Z",
  deadline: "2026-12-10T23:00:00.000Z",
  noticeEndBy: "2026-12-05T23:00:00.000Z",
  objected: "2026-12-03T09:00:00.000Z",
} as const;

export const createUpstreamSourceExample: z.input<typeof CreateUpstreamSourceBody> = {
  sub_processor_ref: "hetzner",
  kind: "register",
  upstream_agreement_id: UPSTREAM.agreement,
  margin_days: 5,
};

export const upstreamSourceExample: z.output<typeof UpstreamSource> = {
  object: "upstream_source",
  id: UPSTREAM.source,
  sub_processor_ref: "hetzner",
  kind: "register",
  upstream_agreement_id: UPSTREAM.agreement,
  feed_url: null,
  default_window_days: 30,
  margin_days: 5,
  next_poll_at: null,
  last_polled_at: null,
  last_poll_error: null,
  created_at: UPSTREAM.sourceCreated,
  removed_at: null,
};

export const feedSourceExample: z.output<typeof UpstreamSource> = {
  ...upstreamSourceExample,
  id: UPSTREAM.feedSource,
  kind: "feed",
  upstream_agreement_id: null,
  feed_url: "https://www.hetzner.example/subprocessors/feed.json",
  next_poll_at: "2026-11-22T10:00:00.000Z",
  last_polled_at: "2026-11-22T09:00:00.000Z",
};

export const removedSourceExample: z.output<typeof UpstreamSource> = { ...upstreamSourceExample, removed_at: EXAMPLE_TIMES.now };

export const sourceListExample = listExample([upstreamSourceExample, feedSourceExample]);

const pendingControllers = {
  change_request_id: EXAMPLE_IDS.changeRequest,
  deadline_at: UPSTREAM.deadline,
  decisions: [
    {
      decision_id: EXAMPLE_IDS.decision,
      agreement: { id: EXAMPLE_IDS.agreement, title: "Databehandleraftale – omsorgssystem til hjemmeplejen" },
      controller: { id: EXAMPLE_IDS.aarhus, name: "Aarhus Kommune" },
      state: "pending" as const,
      notice_ends_at: EXAMPLE_TIMES.noticeEnds,
      objection_ground: null,
      objection_reason: null,
      objection_shared_upstream: false,
    },
  ],
  counts: { pending: 1, approved: 0, objected: 0, withdrawn: 0, deemed_approved: 0, noticed: 0 },
  all_approved: false,
};

export const upstreamChangeExample: z.output<typeof UpstreamChange> = {
  object: "upstream_change",
  id: UPSTREAM.change,
  source: { id: UPSTREAM.source, kind: "register", sub_processor_ref: "hetzner" },
  title: "Hetzner Online GmbH: a new backup sub-processor",
  summary: "Adds Microsoft Ireland Operations Limited (Dublin, IE) for off-site backup.",
  link: null,
  announced_at: UPSTREAM.announced,
  deadline_at: UPSTREAM.deadline,
  received_at: UPSTREAM.received,
  state: "open",
  upstream_decision_id: UPSTREAM.decision,
  response: null,
  draft: { id: UPSTREAM.draft, state: "submitted", change_request_id: EXAMPLE_IDS.changeRequest },
  controllers: pendingControllers,
};

export const upstreamChangeListExample = listExample([upstreamChangeExample]);

export const objectUpstreamExample: z.input<typeof ObjectUpstreamBody> = {
  reason: "Our controllers do not accept a backup copy outside the agreed sites.",
  ground: "security",
};

const composedReason =
  "Our controllers do not accept a backup copy outside the agreed sites.\n\nObjections of our controllers:\n- Aarhus Kommune (security): The backup site has not been audited under Bilag 3.";

export const objectedUpstreamChangeExample: z.output<typeof UpstreamChange> = {
  ...upstreamChangeExample,
  state: "objected",
  response: { responded_at: UPSTREAM.objected, responded_by: null, reason: composedReason },
  controllers: {
    ...pendingControllers,
    decisions: [
      {
        ...pendingControllers.decisions[0]!,
        state: "objected",
        objection_ground: "security",
        objection_reason: "The backup site has not been audited under Bilag 3.",
        objection_shared_upstream: true,
      },
    ],
    counts: { ...pendingControllers.counts, pending: 0, objected: 1 },
  },
};

export const approveUpstreamExample: z.input<typeof ApproveUpstreamBody> = { comment: "Every controller has approved." };

export const approvedUpstreamChangeExample: z.output<typeof UpstreamChange> = {
  ...upstreamChangeExample,
  state: "approved",
  response: { responded_at: UPSTREAM.objected, responded_by: null, reason: null },
  controllers: {
    ...pendingControllers,
    decisions: [{ ...pendingControllers.decisions[0]!, state: "approved" }],
    counts: { ...pendingControllers.counts, pending: 0, approved: 1 },
    all_approved: true,
  },
};

export const draftExample: z.output<typeof ChangeRequestDraft> = {
  object: "change_request_draft",
  id: UPSTREAM.draft,
  upstream_change_id: UPSTREAM.change,
  state: "draft",
  operations: changeOperationsExample,
  reason: "Hetzner Online GmbH, our hosting sub-processor, adds Microsoft Ireland Operations Limited for off-site backup.",
  effective_date: null,
  agreements: [
    {
      agreement_id: EXAMPLE_IDS.agreement,
      title: "Databehandleraftale – omsorgssystem til hjemmeplejen",
      notice_days: 30,
      notice_ends_at: EXAMPLE_TIMES.noticeEnds,
      fits: true,
    },
  ],
  notice_end_by: UPSTREAM.noticeEndBy,
  warnings: [],
  change_request_id: null,
  created_at: UPSTREAM.received,
  updated_at: UPSTREAM.received,
};

export const draftListExample = listExample([draftExample]);

export const updateDraftExample: z.input<typeof UpdateDraftBody> = {
  reason: "Hetzner Online GmbH, our hosting sub-processor, adds Microsoft Ireland Operations Limited (Dublin) for off-site backup of the care system.",
};

export const updatedDraftExample: z.output<typeof ChangeRequestDraft> = { ...draftExample, reason: updateDraftExample.reason!, updated_at: EXAMPLE_TIMES.now };

export const discardedDraftExample: z.output<typeof ChangeRequestDraft> = { ...draftExample, state: "discarded", updated_at: EXAMPLE_TIMES.now };

export const submittedFromDraftExample = { ...changeRequestExample, upstream_change_id: UPSTREAM.change };
