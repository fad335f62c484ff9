import { describe, expect, it } from "vitest";
import { generateOpenApiDocument } from "../../src/openapi";
import { createTestContext, type TestContext, type TestResponse } from "../helpers/app";
import { addBackupOp, baselineAnnex, createActiveAgreement, createOrg, firstKeyId, type TestOrg } from "../helpers/factories";
import { COUNTED_TABLES, snapshotCounts } from "../helpers/db-snapshot";
import { insertUpstreamChange, insertUpstreamSource } from "../helpers/upstream";

/** The victim's real resources; the same shape filled with random ids of the right prefix stands for "missing". */
interface ResourceIds {
  organisation_id: string;
  key_id: string;
  /** an active agreement the victim is controller of, with annex version 1 */
  agreement_id: string;
  /** a proposed agreement awaiting the victim's confirmation */
  proposed_agreement_id: string;
  version: number;
  /** a change request of the partner covering the victim's agreement, its decision and first event */
  change_request_id: string;
  decision_id: string;
  event_id: string;
  /** the victim's webhook endpoint */
  endpoint_id: string;
  /** a person of the victim's */
  user_id: string;
  /** the victim's upstream source, change and draft (docs/rules.md, rule 14): the partner, processor of its agreement, is its sub-processor */
  upstream_source_id: string;
  upstream_change_id: string;
  draft_id: string;
}

interface World {
  t: TestContext;
  victim: TestOrg;
  partner: TestOrg;
  foreign: TestOrg;
  /** the foreign organisation's own agreement (it is processor, the partner controller) */
  foreignAgreementId: string;
  real: ResourceIds;
  missing: ResourceIds;
}

/** More keys of the victim: read-only, revoked by the operator, and expired (the clock is moved past it). */
interface VictimKeys {
  read: string;
  revoked: string;
  expired: string;
}

type ForeignExpectation =
  /** the resource is someone else's: answered exactly as a missing one */
  | 404
  /** an operator-only route */
  | 403
  /** a route without a foreign resource in its path: the check proves nothing of the victim leaks */
  | ((res: TestResponse, w: World) => void);

interface IsolationRow {
  /** the request; path parameters come from `ids` (the victim's, or random ones) */
  request: (ids: ResourceIds, w: World) => { path: string; body?: unknown };
  /** what the victim organisation itself gets: proves the ids in the path are real */
  owner: number;
  /** what the operator key gets: 403 on organisation-scoped routes */
  operator: number;
  /** what a key of an unrelated organisation gets */
  foreign: ForeignExpectation;
  /** the foreign call legitimately creates something of its own (nothing of the victim's) */
  foreignCreatesOwn?: true;
  /** open to anyone without a key (public reference data): the same answer with or without one */
  public?: true;
}

const addBackup = addBackupOp("backup");

/** A list the foreign organisation may read: it must not hold anything of the victim. */
const listWithoutVictim = (res: TestResponse, w: World) => {
  expect(res.status).toBe(200);
  expect(res.body.object).toBe("list");
  const text = JSON.stringify(res.body);
  for (const id of [w.real.agreement_id, w.real.change_request_id, w.real.decision_id, w.real.event_id, w.real.endpoint_id, w.victim.id]) expect(text).not.toContain(id);
};

/** An upstream list the foreign organisation may read: its own only, none of the victim's sources, changes or drafts. */
const upstreamListWithoutVictim = (res: TestResponse, w: World) => {
  listWithoutVictim(res, w);
  expect(res.body.data).toEqual([]);
  const text = JSON.stringify(res.body);
  for (const id of [w.real.upstream_source_id, w.real.upstream_change_id, w.real.draft_id]) expect(text).not.toContain(id);
};

/** The records of a JSON Lines export (the test client parses a single line as JSON by itself). */
const exportedRecords = (res: TestResponse): Record<string, unknown>[] => {
  if (res.body === null || res.body === "") return [];
  if (typeof res.body !== "string") return [res.body];
  return res.body
    .split("\n")
    .filter((line: string) => line !== "")
    .map((line: string) => JSON.parse(line));
};

/** Audit records the foreign organisation may read: its own key's, or about its own agreement; none of the victim. */
const auditRecordsWithoutVictim = (records: Record<string, unknown>[], w: World) => {
  for (const r of records as { agreement_id: string | null; actor: { organisation_id: string | null } }[]) {
    if (r.agreement_id === null) expect(r.actor.organisation_id, JSON.stringify(r)).toBe(w.foreign.id);
    else expect(r.agreement_id, JSON.stringify(r)).toBe(w.foreignAgreementId);
  }
  const text = JSON.stringify(records);
  for (const id of [
    w.real.agreement_id,
    w.real.proposed_agreement_id,
    w.real.change_request_id,
    w.real.decision_id,
    w.real.event_id,
    w.real.endpoint_id,
    w.real.key_id,
    w.victim.id,
  ])
    expect(text).not.toContain(id);
};

/**
 * One row per operation of the OpenAPI document, keyed "METHOD /path" exactly as in the
 * document. A new route fails the coverage test below until it has a row here.
 */
const ISOLATION_MATRIX: Record<string, IsolationRow> = {
  "POST /v1/organisations": {
    request: () => ({ path: "/v1/organisations", body: { name: "New Kommune", registration: { scheme: "dk_cvr", number: "29189730" }, address: address() } }),
    owner: 403,
    operator: 201,
    foreign: 403,
  },
  "GET /v1/organisations": { request: () => ({ path: "/v1/organisations" }), owner: 403, operator: 200, foreign: 403 },
  "GET /v1/organisations/me": {
    request: () => ({ path: "/v1/organisations/me" }),
    owner: 200,
    operator: 403,
    foreign: (res, w) => {
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(w.foreign.id);
    },
  },
  "GET /v1/organisations/{organisation_id}": { request: (ids) => ({ path: `/v1/organisations/${ids.organisation_id}` }), owner: 200, operator: 200, foreign: 404 },
  "POST /v1/organisations/{organisation_id}/api-keys": {
    request: (ids) => ({ path: `/v1/organisations/${ids.organisation_id}/api-keys`, body: { name: "stolen" } }),
    owner: 403,
    operator: 201,
    foreign: 403,
  },
  "GET /v1/organisations/{organisation_id}/api-keys": {
    request: (ids) => ({ path: `/v1/organisations/${ids.organisation_id}/api-keys` }),
    owner: 403,
    operator: 200,
    foreign: 403,
  },
  "DELETE /v1/organisations/{organisation_id}/api-keys/{key_id}": {
    request: (ids) => ({ path: `/v1/organisations/${ids.organisation_id}/api-keys/${ids.key_id}` }),
    owner: 403,
    operator: 200,
    foreign: 403,
  },
  "POST /v1/users": {
    request: () => ({ path: "/v1/users", body: { email: `p${crypto.randomUUID().slice(0, 8)}@invited.example`, role: "viewer" } }),
    owner: 201,
    operator: 403,
    foreign: (res, w) => {
      expect(res.status).toBe(201);
      expect(res.body.organisation_id).toBe(w.foreign.id);
    },
    foreignCreatesOwn: true,
  },
  "POST /v1/organisations/{organisation_id}/users": {
    request: (ids) => ({ path: `/v1/organisations/${ids.organisation_id}/users`, body: { email: `p${crypto.randomUUID().slice(0, 8)}@invited.example`, role: "admin" } }),
    owner: 403,
    operator: 201,
    foreign: 403,
  },
  "GET /v1/users": {
    request: () => ({ path: "/v1/users?limit=100" }),
    owner: 200,
    operator: 403,
    foreign: (res, w) => {
      expect(res.status).toBe(200);
      for (const u of res.body.data) expect(u.organisation_id).toBe(w.foreign.id);
      expect(JSON.stringify(res.body)).not.toContain(w.real.user_id);
    },
  },
  "GET /v1/users/{user_id}": { request: (ids) => ({ path: `/v1/users/${ids.user_id}` }), owner: 200, operator: 403, foreign: 404 },
  "PATCH /v1/users/{user_id}": { request: (ids) => ({ path: `/v1/users/${ids.user_id}`, body: { name: "Renamed" } }), owner: 200, operator: 403, foreign: 404 },
  // the victim has no single sign-on: whoever asks gets 404 for their own (none), never the victim's
  "GET /v1/sso-connection": {
    request: () => ({ path: "/v1/sso-connection" }),
    owner: 404,
    operator: 403,
    foreign: (res, w) => {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe("not_found");
      expect(JSON.stringify(res.body)).not.toContain(w.victim.id);
    },
  },
  // no OpenID provider answers here: the PUT is refused at /issuer for anyone, and keeps nothing
  "PUT /v1/sso-connection": {
    request: () => ({
      path: "/v1/sso-connection",
      body: { issuer: "http://127.0.0.1:1", client_id: "registry", client_secret: "secret", email_domain: "victim.example" },
    }),
    owner: 422,
    operator: 403,
    foreign: (res) => {
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ pointer: "/issuer", rule: "openid_discovery" })]);
    },
  },
  "DELETE /v1/sso-connection": {
    request: () => ({ path: "/v1/sso-connection" }),
    owner: 404,
    operator: 403,
    foreign: (res) => {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe("not_found");
    },
  },
  "GET /v1/api-keys": {
    request: () => ({ path: "/v1/api-keys?limit=100" }),
    owner: 200,
    operator: 403,
    foreign: (res, w) => {
      expect(res.status).toBe(200);
      expect(res.body.object).toBe("list");
      expect(res.body.data.length).toBeGreaterThan(0);
      for (const k of res.body.data) expect(k.organisation_id).toBe(w.foreign.id);
    },
  },
  "DELETE /v1/api-keys/{key_id}": { request: (ids) => ({ path: `/v1/api-keys/${ids.key_id}` }), owner: 200, operator: 403, foreign: 404 },
  "GET /v1/audit": {
    request: () => ({ path: "/v1/audit?limit=100" }),
    owner: 200,
    operator: 200,
    foreign: (res, w) => {
      expect(res.status).toBe(200);
      expect(res.body.object).toBe("list");
      expect(res.body.has_more).toBe(false);
      // it sees its own usage and its own agreement's records...
      expect(res.body.data.length).toBeGreaterThan(0);
      // ...and nothing of the victim's
      auditRecordsWithoutVictim(res.body.data, w);
    },
  },
  "GET /v1/agreements/{agreement_id}/annex/document": {
    request: (ids) => ({ path: `/v1/agreements/${ids.agreement_id}/annex/document?format=md&lang=da` }),
    owner: 200,
    operator: 403,
    foreign: 404,
  },
  // the victim is a controller: it has no public page of its own (404), and never sees another's settings
  "GET /v1/organisations/me/public-page": {
    request: () => ({ path: "/v1/organisations/me/public-page" }),
    owner: 404,
    operator: 403,
    foreign: (res) => {
      expect(res.status).toBe(404);
    },
  },
  "PATCH /v1/organisations/me/public-page": {
    // the foreign organisation tries to publish the victim's agreement on its own page
    request: (ids) => ({ path: "/v1/organisations/me/public-page", body: { enabled: true, slug: "stolen-page", agreements: [ids.agreement_id] } }),
    owner: 422,
    operator: 403,
    foreign: (res) => {
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ pointer: "/agreements/0", rule: "active_agreement" })]);
    },
  },
  "GET /v1/audit/verify": {
    request: () => ({ path: "/v1/audit/verify" }),
    owner: 200,
    operator: 200,
    foreign: (res) => {
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ object: "audit_verification", valid: true, first_broken: null });
    },
  },
  "GET /v1/audit/export": {
    request: () => ({ path: "/v1/audit/export" }),
    owner: 200,
    operator: 200,
    foreign: (res, w) => {
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
      const lines = exportedRecords(res);
      // others' records are there only as links in the chain: a sequence number and two hashes
      const links = lines.filter((l) => l.object === "audit_link");
      for (const l of links) expect(Object.keys(l).sort()).toEqual(["hash", "object", "prev_hash", "seq"]);
      const records = lines.filter((l) => l.object === "audit_record");
      expect(records.length).toBeGreaterThan(0);
      auditRecordsWithoutVictim(records, w);
    },
  },
  "POST /v1/agreements": {
    // the foreign organisation tries to propose in the victim's name
    request: (ids, w) => ({ path: "/v1/agreements", body: { ...agreementBody(w.partner.id), processor_id: ids.organisation_id } }),
    owner: 201,
    operator: 201,
    foreign: (res) => {
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ pointer: "/processor_id", rule: "own_organisation" })]);
    },
  },
  "GET /v1/agreements": {
    request: () => ({ path: "/v1/agreements?limit=100" }),
    owner: 200,
    operator: 403,
    foreign: (res, w) => {
      expect(res.status).toBe(200);
      const ids = res.body.data.map((a: { id: string }) => a.id);
      expect(ids).toHaveLength(1);
      expect(ids).not.toContain(w.real.agreement_id);
      expect(ids).not.toContain(w.real.proposed_agreement_id);
      expect(JSON.stringify(res.body)).not.toContain(w.victim.id);
    },
  },
  "GET /v1/agreements/{agreement_id}": { request: (ids) => ({ path: `/v1/agreements/${ids.agreement_id}` }), owner: 200, operator: 403, foreign: 404 },
  "POST /v1/agreements/{agreement_id}/confirm": { request: (ids) => ({ path: `/v1/agreements/${ids.proposed_agreement_id}/confirm` }), owner: 200, operator: 403, foreign: 404 },
  "POST /v1/agreements/{agreement_id}/decline": {
    request: (ids) => ({ path: `/v1/agreements/${ids.proposed_agreement_id}/decline`, body: { reason: "Not ours" } }),
    owner: 200,
    operator: 403,
    foreign: 404,
  },
  "POST /v1/agreements/{agreement_id}/amendments": {
    request: (ids) => ({ path: `/v1/agreements/${ids.agreement_id}/amendments`, body: { notice_days: 45, reason: "Longer notice" } }),
    owner: 201,
    operator: 403,
    foreign: 404,
  },
  "GET /v1/agreements/{agreement_id}/terms": { request: (ids) => ({ path: `/v1/agreements/${ids.agreement_id}/terms` }), owner: 200, operator: 403, foreign: 404 },
  "GET /v1/event-types": { request: () => ({ path: "/v1/event-types" }), owner: 200, operator: 200, foreign: (res) => expect(res.status).toBe(200), public: true },
  "GET /v1/audit/public-key": { request: () => ({ path: "/v1/audit/public-key" }), owner: 200, operator: 200, foreign: (res) => expect(res.status).toBe(200), public: true },
  // checkpoints say only a sequence number, a hash and a time: every caller reads them all
  "GET /v1/audit/checkpoints": { request: () => ({ path: "/v1/audit/checkpoints" }), owner: 200, operator: 200, foreign: (res) => expect(res.status).toBe(200) },
  "POST /v1/audit/checkpoints": {
    request: () => ({ path: "/v1/audit/checkpoints" }),
    owner: 200,
    operator: 200,
    foreign: (res, w) => {
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).not.toContain(w.victim.id);
    },
    foreignCreatesOwn: true,
  },
  "GET /v1/countries": { request: () => ({ path: "/v1/countries" }), owner: 200, operator: 200, foreign: (res) => expect(res.status).toBe(200), public: true },
  "GET /v1/countries/{code}": { request: () => ({ path: "/v1/countries/GB" }), owner: 200, operator: 200, foreign: (res) => expect(res.status).toBe(200), public: true },
  "GET /v1/agreements/{agreement_id}/annex": { request: (ids) => ({ path: `/v1/agreements/${ids.agreement_id}/annex` }), owner: 200, operator: 403, foreign: 404 },
  "GET /v1/agreements/{agreement_id}/annex/versions": {
    request: (ids) => ({ path: `/v1/agreements/${ids.agreement_id}/annex/versions` }),
    owner: 200,
    operator: 403,
    foreign: 404,
  },
  "GET /v1/agreements/{agreement_id}/annex/diff": {
    request: (ids) => ({ path: `/v1/agreements/${ids.agreement_id}/annex/diff?from=${ids.version}` }),
    owner: 200,
    operator: 403,
    foreign: 404,
  },
  "GET /v1/agreements/{agreement_id}/annex/versions/{version}": {
    request: (ids) => ({ path: `/v1/agreements/${ids.agreement_id}/annex/versions/${ids.version}` }),
    owner: 200,
    operator: 403,
    foreign: 404,
  },
  "POST /v1/change-requests": {
    // the foreign organisation tries to change the victim's agreement
    request: (ids) => ({ path: "/v1/change-requests", body: { agreements: [ids.agreement_id], operations: [addBackup], reason: "r" } }),
    // the victim is controller only: it has no agreement of its own to change
    owner: 422,
    operator: 403,
    foreign: (res) => {
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ pointer: "/agreements/0", rule: "active_agreement" })]);
    },
  },
  "GET /v1/change-requests": { request: () => ({ path: "/v1/change-requests" }), owner: 200, operator: 403, foreign: listWithoutVictim },
  "GET /v1/change-requests/{change_request_id}": { request: (ids) => ({ path: `/v1/change-requests/${ids.change_request_id}` }), owner: 200, operator: 403, foreign: 404 },
  "POST /v1/change-requests/{change_request_id}/withdraw": {
    request: (ids) => ({ path: `/v1/change-requests/${ids.change_request_id}/withdraw` }),
    owner: 403, // only the processor withdraws
    operator: 403,
    foreign: 404,
  },
  "GET /v1/decisions": { request: () => ({ path: "/v1/decisions" }), owner: 200, operator: 403, foreign: listWithoutVictim },
  "GET /v1/decisions/{decision_id}": { request: (ids) => ({ path: `/v1/decisions/${ids.decision_id}` }), owner: 200, operator: 403, foreign: 404 },
  "POST /v1/decisions/{decision_id}/approve": { request: (ids) => ({ path: `/v1/decisions/${ids.decision_id}/approve`, body: {} }), owner: 200, operator: 403, foreign: 404 },
  "POST /v1/decisions/{decision_id}/object": {
    request: (ids) => ({ path: `/v1/decisions/${ids.decision_id}/object`, body: { reason: "Not acceptable" } }),
    owner: 200,
    operator: 403,
    foreign: 404,
  },
  "POST /v1/decisions/{decision_id}/withdraw": {
    request: (ids) => ({ path: `/v1/decisions/${ids.decision_id}/withdraw` }),
    owner: 403, // only the processor withdraws
    operator: 403,
    foreign: 404,
  },
  // only the processor answers an objection: the victim is the decision's controller, so it gets 403 before its
  // decision's state is looked at (the world's decision is pending, which would answer the processor 409)
  "POST /v1/decisions/{decision_id}/objection-response": {
    request: (ids) => ({ path: `/v1/decisions/${ids.decision_id}/objection-response`, body: { response: "keep_current_arrangement", note: "We keep the annex as it is." } }),
    owner: 403,
    operator: 403,
    foreign: 404,
  },
  // the controller asks (docs/rules.md, rule 13): the victim is the decision's controller
  "POST /v1/decisions/{decision_id}/questions": {
    request: (ids) => ({ path: `/v1/decisions/${ids.decision_id}/questions`, body: { question: "Who can reach the backups?" } }),
    owner: 201,
    operator: 403,
    foreign: 404,
  },
  // only the processor answers: the victim, the controller, gets 403 before the question is looked for
  "POST /v1/decisions/{decision_id}/questions/{question_id}/answer": {
    request: (ids) => ({ path: `/v1/decisions/${ids.decision_id}/questions/qst_01ZZZZZZZZZZZZZZZZZZZZZZZZ/answer`, body: { answer: "Nobody outside the EU." } }),
    owner: 403,
    operator: 403,
    foreign: 404,
  },
  // the victim records where its sub-processor's changes come from (docs/rules.md, rule 14); the foreign organisation
  // names the victim's agreement as its upstream one: it is not the foreign one's as controller
  "POST /v1/upstream-sources": {
    request: (ids) => ({ path: "/v1/upstream-sources", body: { sub_processor_ref: "nordhost", kind: "register", upstream_agreement_id: ids.agreement_id } }),
    // the victim is controller only: no annex of its own has the sub-processor
    owner: 422,
    operator: 403,
    foreign: (res) => {
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ pointer: "/upstream_agreement_id", rule: "own_agreement_as_controller" })]);
    },
  },
  "GET /v1/upstream-sources": { request: () => ({ path: "/v1/upstream-sources" }), owner: 200, operator: 403, foreign: upstreamListWithoutVictim },
  "GET /v1/upstream-sources/{upstream_source_id}": {
    request: (ids) => ({ path: `/v1/upstream-sources/${ids.upstream_source_id}` }),
    owner: 200,
    operator: 403,
    foreign: 404,
  },
  "DELETE /v1/upstream-sources/{upstream_source_id}": {
    request: (ids) => ({ path: `/v1/upstream-sources/${ids.upstream_source_id}` }),
    owner: 200,
    operator: 403,
    foreign: 404,
  },
  "GET /v1/upstream-changes": { request: () => ({ path: "/v1/upstream-changes" }), owner: 200, operator: 403, foreign: upstreamListWithoutVictim },
  "GET /v1/upstream-changes/{upstream_change_id}": {
    request: (ids) => ({ path: `/v1/upstream-changes/${ids.upstream_change_id}` }),
    owner: 200,
    operator: 403,
    foreign: 404,
  },
  // the victim objects upstream: to the partner's decision, on which it is the controller
  "POST /v1/upstream-changes/{upstream_change_id}/object": {
    request: (ids) => ({ path: `/v1/upstream-changes/${ids.upstream_change_id}/object`, body: { reason: "Not acceptable" } }),
    owner: 200,
    operator: 403,
    foreign: 404,
  },
  // its draft was never submitted: no controller has approved
  "POST /v1/upstream-changes/{upstream_change_id}/approve": {
    request: (ids) => ({ path: `/v1/upstream-changes/${ids.upstream_change_id}/approve`, body: {} }),
    owner: 409,
    operator: 403,
    foreign: 404,
  },
  "GET /v1/change-request-drafts": { request: () => ({ path: "/v1/change-request-drafts" }), owner: 200, operator: 403, foreign: upstreamListWithoutVictim },
  "GET /v1/change-request-drafts/{draft_id}": { request: (ids) => ({ path: `/v1/change-request-drafts/${ids.draft_id}` }), owner: 200, operator: 403, foreign: 404 },
  "PATCH /v1/change-request-drafts/{draft_id}": {
    request: (ids) => ({ path: `/v1/change-request-drafts/${ids.draft_id}`, body: { reason: "Rewritten" } }),
    owner: 200,
    operator: 403,
    foreign: 404,
  },
  // the victim's draft covers no agreement of its own: the submission is refused
  "POST /v1/change-request-drafts/{draft_id}/submit": {
    request: (ids) => ({ path: `/v1/change-request-drafts/${ids.draft_id}/submit` }),
    owner: 422,
    operator: 403,
    foreign: 404,
  },
  "POST /v1/change-request-drafts/{draft_id}/discard": {
    request: (ids) => ({ path: `/v1/change-request-drafts/${ids.draft_id}/discard` }),
    owner: 200,
    operator: 403,
    foreign: 404,
  },
  "GET /v1/events": { request: () => ({ path: "/v1/events" }), owner: 200, operator: 403, foreign: listWithoutVictim },
  "GET /v1/events/{event_id}": { request: (ids) => ({ path: `/v1/events/${ids.event_id}` }), owner: 200, operator: 403, foreign: 404 },
  "GET /v1/events/{event_id}/attempts": { request: (ids) => ({ path: `/v1/events/${ids.event_id}/attempts` }), owner: 200, operator: 403, foreign: 404 },
  "POST /v1/events/{event_id}/resend": {
    request: (ids) => ({ path: `/v1/events/${ids.event_id}/resend`, body: { endpoint_id: ids.endpoint_id } }),
    owner: 202,
    operator: 403,
    foreign: 404,
  },
  "POST /v1/webhook-endpoints": {
    request: () => ({ path: "/v1/webhook-endpoints", body: { url: "https://hooks.example.com/mine" } }),
    owner: 201,
    operator: 403,
    foreignCreatesOwn: true,
    // an organisation only ever subscribes its own endpoint
    foreign: (res, w) => {
      expect(res.status).toBe(201);
      expect(res.body.id).not.toBe(w.real.endpoint_id);
    },
  },
  "GET /v1/webhook-endpoints": { request: () => ({ path: "/v1/webhook-endpoints" }), owner: 200, operator: 403, foreign: listWithoutVictim },
  // the world delivers webhooks itself: no Svix portal for anyone (test/webhooks/svix-mode.test.ts gives one in Svix mode)
  "POST /v1/webhook-endpoints/portal": {
    request: () => ({ path: "/v1/webhook-endpoints/portal" }),
    owner: 409,
    operator: 403,
    foreign: (res) => {
      expect(res.status).toBe(409);
      expect(res.body.code).toBe("invalid_state");
    },
  },
  // test mode (the world runs in it): the operator's alone
  "GET /v1/test-clock": { request: () => ({ path: "/v1/test-clock" }), owner: 403, operator: 200, foreign: 403 },
  "POST /v1/test-clock/advance": { request: () => ({ path: "/v1/test-clock/advance", body: { seconds: 1 } }), owner: 403, operator: 200, foreign: 403 },
  "GET /v1/webhook-endpoints/{endpoint_id}": { request: (ids) => ({ path: `/v1/webhook-endpoints/${ids.endpoint_id}` }), owner: 200, operator: 403, foreign: 404 },
  "PATCH /v1/webhook-endpoints/{endpoint_id}": {
    request: (ids) => ({ path: `/v1/webhook-endpoints/${ids.endpoint_id}`, body: { url: "https://attacker.example.com/steal" } }),
    owner: 200,
    operator: 403,
    foreign: 404,
  },
  "DELETE /v1/webhook-endpoints/{endpoint_id}": { request: (ids) => ({ path: `/v1/webhook-endpoints/${ids.endpoint_id}` }), owner: 200, operator: 403, foreign: 404 },
  "POST /v1/webhook-endpoints/{endpoint_id}/rotate-secret": {
    request: (ids) => ({ path: `/v1/webhook-endpoints/${ids.endpoint_id}/rotate-secret` }),
    owner: 200,
    operator: 403,
    foreign: 404,
  },
  "POST /v1/webhook-endpoints/{endpoint_id}/ping": { request: (ids) => ({ path: `/v1/webhook-endpoints/${ids.endpoint_id}/ping` }), owner: 202, operator: 403, foreign: 404 },
  "GET /v1/webhook-endpoints/{endpoint_id}/attempts": {
    request: (ids) => ({ path: `/v1/webhook-endpoints/${ids.endpoint_id}/attempts` }),
    owner: 200,
    operator: 403,
    foreign: 404,
  },
};

function address() {
  return { street: "Rådhuspladsen 1", postal_code: "1550", city: "København V", country: "DK" };
}

function agreementBody(controllerId: string) {
  return { controller_id: controllerId, title: "DPA", authorisation: "general", third_country_transfers: "with_transfer_mechanism", annex: baselineAnnex() };
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const randomId = (prefix: string) => `${prefix}_${Array.from(crypto.getRandomValues(new Uint8Array(26)), (b) => CROCKFORD[b % 32]).join("")}`;

async function world(): Promise<World> {
  const t = await createTestContext();
  const victim = await createOrg(t, "Victim Kommune");
  const partner = await createOrg(t, "Partner ApS");
  const foreign = await createOrg(t, "Foreign Kommune");
  const active = await createActiveAgreement(t, partner, victim);
  const proposed = await t.call(partner.key, "POST", "/v1/agreements", agreementBody(victim.id));
  expect(proposed.status).toBe(201);
  // the foreign organisation has an agreement of its own, so it has something to see
  const foreignAgreement = await createActiveAgreement(t, foreign, partner);
  const endpoint = await t.call(victim.key, "POST", "/v1/webhook-endpoints", { url: "https://hooks.example.com/victim" });
  expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
  const cr = await t.call(partner.key, "POST", "/v1/change-requests", { agreements: "all", operations: [addBackup], reason: "A second backup" });
  expect(cr.status, JSON.stringify(cr.body)).toBe(201);
  const event = await t.call(victim.key, "GET", "/v1/events?limit=1");
  const person = await t.call(victim.key, "POST", "/v1/users", { email: "dpo@victim.example", role: "admin" });
  expect(person.status, JSON.stringify(person.body)).toBe(201);
  // the partner's change, received by the victim as an upstream change: the victim is the controller of its decision
  const sourceId = await insertUpstreamSource(t, { processorId: victim.id, upstreamAgreementId: active.id });
  const upstream = await insertUpstreamChange(t, {
    processorId: victim.id,
    sourceId,
    upstreamDecisionId: cr.body.decisions[0].id,
    deadlineAt: new Date(cr.body.decisions[0].notice_ends_at),
    agreements: [],
    operations: [addBackup],
  });
  return {
    t,
    victim,
    partner,
    foreign,
    foreignAgreementId: foreignAgreement.id,
    real: {
      organisation_id: victim.id,
      key_id: await firstKeyId(t, victim.id),
      agreement_id: active.id,
      proposed_agreement_id: proposed.body.id,
      version: 1,
      change_request_id: cr.body.id,
      decision_id: cr.body.decisions[0].id,
      event_id: event.body.data[0].id,
      endpoint_id: endpoint.body.id,
      user_id: person.body.id,
      upstream_source_id: sourceId,
      upstream_change_id: upstream.changeId,
      draft_id: upstream.draftId,
    },
    missing: {
      organisation_id: randomId("org"),
      key_id: randomId("key"),
      agreement_id: randomId("agr"),
      proposed_agreement_id: randomId("agr"),
      version: 1,
      change_request_id: randomId("cr"),
      decision_id: randomId("dec"),
      event_id: randomId("evt"),
      endpoint_id: randomId("ep"),
      user_id: randomId("usr"),
      upstream_source_id: randomId("ups"),
      upstream_change_id: randomId("upc"),
      draft_id: randomId("crd"),
    },
  };
}

/** Issues the victim's read-only, revoked and expired keys through the operator's routes; moves the clock 61 s. */
async function victimKeys(w: World): Promise<VictimKeys> {
  const issue = async (body: Record<string, unknown>) => {
    const res = await w.t.call(w.t.operatorKey, "POST", `/v1/organisations/${w.victim.id}/api-keys`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; secret: string };
  };
  const read = await issue({ name: "read only", scope: "read" });
  const revoked = await issue({ name: "revoked" });
  const revoke = await w.t.call(w.t.operatorKey, "DELETE", `/v1/organisations/${w.victim.id}/api-keys/${revoked.id}`);
  expect(revoke.status, JSON.stringify(revoke.body)).toBe(200);
  const expired = await issue({ name: "expired", expires_at: new Date(w.t.clock.now().getTime() + 60_000).toISOString() });
  w.t.clock.advance(61_000);
  return { read: read.secret, revoked: revoked.secret, expired: expired.secret };
}

const METHODS = ["get", "post", "put", "patch", "delete"] as const;
/** Every "METHOD /path" of the OpenAPI document; a document that cannot be generated fails a named test below. */
const { OPERATIONS, documentError } = (() => {
  try {
    const paths = generateOpenApiDocument().paths ?? {};
    // the open pages and feeds under /public take no key: what they show is tested in test/features/public-page.test.ts
    const operations = Object.entries(paths)
      .filter(([path]) => path.startsWith("/v1/"))
      .flatMap(([path, item]) => METHODS.filter((m) => (item as Record<string, unknown>)[m]).map((m) => `${m.toUpperCase()} ${path}`));
    return { OPERATIONS: operations, documentError: null };
  } catch (error) {
    return { OPERATIONS: [] as string[], documentError: error instanceof Error ? error.message : JSON.stringify(error) };
  }
})();

const send = (w: World, key: string | null, operation: string, ids: ResourceIds) => {
  const { path, body } = ISOLATION_MATRIX[operation]!.request(ids, w);
  return w.t.call(key, operation.split(" ")[0]!, path, body);
};

/** Every row of the counted tables: catches an update (a revoked key, a confirmed agreement) that counts alone would miss. */
async function dumpTables(t: TestContext) {
  const dump: Record<string, unknown[]> = {};
  for (const table of COUNTED_TABLES) dump[table] = (await t.client.execute(`SELECT * FROM ${table} ORDER BY rowid`)).rows.map((r) => ({ ...r }));
  return dump;
}

/** The counted tables and everything else a request may write: the audit trail, idempotency claims, attempts. */
const STATE_TABLES = [...COUNTED_TABLES, "audit_records", "idempotency_keys", "delivery_attempts"] as const;

/** Every row of every table that holds state: a refused key must change nothing at all (not even a key's last use). */
async function dumpState(t: TestContext) {
  const dump: Record<string, unknown[]> = {};
  for (const table of STATE_TABLES) dump[table] = (await t.client.execute(`SELECT * FROM ${table} ORDER BY rowid`)).rows.map((r) => ({ ...r }));
  return dump;
}

/** The problem without the parts that differ per request. */
const comparable = ({ instance: _i, request_id: _r, ...rest }: Record<string, unknown>) => rest;

describe("the isolation matrix covers the API", () => {
  it("the OpenAPI document has operations", () => {
    expect(documentError).toBeNull();
    expect(OPERATIONS.length).toBeGreaterThanOrEqual(16);
  });

  it.each(OPERATIONS)("%s has a row in ISOLATION_MATRIX", (operation) => {
    expect(ISOLATION_MATRIX, `add a row for "${operation}" to ISOLATION_MATRIX in test/security/isolation.test.ts`).toHaveProperty([operation]);
  });

  it("every row names an operation of the document", () => {
    expect(documentError).toBeNull();
    expect(Object.keys(ISOLATION_MATRIX).filter((k) => !OPERATIONS.includes(k))).toEqual([]);
  });
});

describe.each(Object.keys(ISOLATION_MATRIX))("%s", (operation) => {
  const row = ISOLATION_MATRIX[operation]!;
  const hasPathParams = operation.includes("{");

  it(row.public ? "without a key: answered (public), nothing changes" : "without a key: 401, nothing changes", async () => {
    const w = await world();
    const before = await snapshotCounts(w.t);
    const res = await send(w, null, operation, w.real);
    if (row.public) expect(res.status).toBe(row.owner);
    else {
      expect(res.status).toBe(401);
      expect(res.body.code).toBe("unauthenticated");
    }
    expect(await snapshotCounts(w.t)).toEqual(before);
  });

  it(`an unrelated organisation: ${typeof row.foreign === "number" ? row.foreign : "nothing of the victim"}${hasPathParams && typeof row.foreign === "number" ? ", exactly as for a missing id" : ""}; nothing changes`, async () => {
    const w = await world();
    const before = await snapshotCounts(w.t);
    const rowsBefore = await dumpTables(w.t);
    const res = await send(w, w.foreign.key, operation, w.real);
    if (typeof row.foreign === "number") {
      expect(res.status, JSON.stringify(res.body)).toBe(row.foreign);
      expect(res.body.code).toBe(row.foreign === 404 ? "not_found" : "forbidden");
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      if (hasPathParams) {
        const missing = await send(w, w.foreign.key, operation, w.missing);
        expect(missing.status).toBe(res.status);
        expect(comparable(missing.body)).toEqual(comparable(res.body));
      }
    } else {
      row.foreign(res, w);
    }
    // nothing but the echoed request path may name the victim's resources
    const leaked = JSON.stringify(typeof res.body === "object" && res.body ? comparable(res.body) : res.body);
    for (const id of [w.real.agreement_id, w.real.proposed_agreement_id, w.real.key_id, w.victim.id]) expect(leaked).not.toContain(id);
    if (!row.foreignCreatesOwn) {
      expect(await snapshotCounts(w.t)).toEqual(before);
      expect(await dumpTables(w.t)).toEqual(rowsBefore);
    }
  });

  it(`the victim itself: ${row.owner}; the operator: ${row.operator}`, async () => {
    const w = await world();
    const owner = await send(w, w.victim.key, operation, w.real);
    expect(owner.status, JSON.stringify(owner.body)).toBe(row.owner);
    if (row.owner === 403) expect(owner.body.code).toBe("forbidden");
    const operator = await send(w, w.t.operatorKey, operation, w.real);
    expect(operator.status, JSON.stringify(operator.body)).toBe(row.operator);
    if (row.operator === 403) expect(operator.body.code).toBe("forbidden");
  });
});

describe("keys of the victim that may not write, or may no longer do anything", () => {
  describe.each(Object.keys(ISOLATION_MATRIX))("%s", (operation) => {
    const row = ISOLATION_MATRIX[operation]!;
    const isRead = operation.startsWith("GET ");

    it(isRead ? `a read-only key of the victim: ${row.owner}, as the victim's write key` : "a read-only key of the victim: 403 forbidden; nothing changes", async () => {
      const w = await world();
      const keys = await victimKeys(w);
      const before = await dumpState(w.t);
      const res = await send(w, keys.read, operation, w.real);
      if (isRead) {
        expect(res.status, JSON.stringify(res.body)).toBe(row.owner);
        if (row.owner === 403) expect(res.body.code).toBe("forbidden");
        return;
      }
      expect(res.status, JSON.stringify(res.body)).toBe(403);
      expect(res.body.code).toBe("forbidden");
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(await dumpState(w.t)).toEqual(before);
    });
  });

  // Pure 401 checks change nothing, so one world serves every operation; each failure names its operation.
  it.each(["revoked", "expired"] as const)("a %s key of the victim: 401 unauthenticated on every operation; nothing changes", async (kind) => {
    const w = await world();
    const keys = await victimKeys(w);
    for (const operation of Object.keys(ISOLATION_MATRIX).filter((o) => !ISOLATION_MATRIX[o]!.public)) {
      const before = await dumpState(w.t);
      const res = await send(w, keys[kind], operation, w.real);
      expect.soft(res.status, `${operation}: ${JSON.stringify(res.body)}`).toBe(401);
      expect.soft(res.body?.code, operation).toBe("unauthenticated");
      expect.soft(res.headers.get("content-type"), operation).toMatch(/^application\/problem\+json/);
      expect.soft(await dumpState(w.t), operation).toEqual(before);
    }
    // the victim's own write key still works in the same world: the 401s were the key's, not the world's
    expect((await w.t.call(w.victim.key, "GET", "/v1/organisations/me")).status).toBe(200);
  });
});
