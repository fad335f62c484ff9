import { readFileSync } from "node:fs";
import { Webhook } from "standardwebhooks";
import { describe, expect, expectTypeOf, it } from "vitest";
import { generateTypes } from "../openapi/client/generate";
import {
  createRegistryClient,
  newIdempotencyKey,
  type Problem,
  type RegistryClient,
  type RequestBody,
  type Schema,
  verifyWebhook,
  type WebhookEvent,
  WebhookVerificationError,
  type webhooks,
} from "../openapi/client/src/index";
import { generateOpenApiDocument } from "../src/openapi";
import { createEmbeddedSender } from "../src/webhooks/embedded-sender";
import { createTestContext, DAY, type TestContext } from "./helpers/app";
import { nextCvr } from "./helpers/factories";
import { testRelay } from "./helpers/relay";

const BASE = "http://registry.test";
/** A client of the real app, in process: every call goes through its routes, middleware and validation. */
const clientFor = (t: TestContext, apiKey: string): RegistryClient => createRegistryClient({ baseUrl: BASE, apiKey, fetch: async (request) => t.app.request(request) });

const address = { street: "Finlandsgade 25", postal_code: "8200", city: "Aarhus N", country: "DK" } as const;
const annex: RequestBody<"createAgreement">["annex"] = {
  locations: [{ ref: "dc-aarhus", label: "Primary data centre", address, activities: ["hosting", "backup"] }],
  sub_processors: [
    {
      ref: "jutland-hosting",
      legal_name: "Jutland Hosting A/S",
      registration: { scheme: "dk_cvr", number: "34567891" },
      address,
      description: "Hosting and backup of the care records",
      locations: ["dc-aarhus"],
    },
  ],
};
const kista = { street: "Kista Allévägen 5", postal_code: "164 55", city: "Kista", country: "SE" } as const;
const addKistaBackup: RequestBody<"submitChangeRequest">["operations"] = [
  { op: "add_location", location: { ref: "backup-kista", label: "Backup site", activities: ["backup"], address: kista } },
  {
    op: "add_sub_processor",
    sub_processor: {
      ref: "kista-backup",
      legal_name: "Kista Backup AB",
      registration: { scheme: "se_orgnr", number: "556123-4567" },
      address: kista,
      description: "Encrypted off-site backup",
      locations: ["backup-kista"],
      parent: "jutland-hosting",
    },
  },
];

/** Every event an organisation's feed holds, oldest first, page by page. */
async function allEvents(client: RegistryClient) {
  const events: Schema<"Event">[] = [];
  let cursor: string | undefined;
  do {
    const { data, error } = await client.GET("/v1/events", { params: { query: { order: "asc", limit: 100, ...(cursor ? { cursor } : {}) } } });
    if (error) throw new Error(error.detail);
    events.push(...data.data);
    cursor = data.next_cursor ?? undefined;
  } while (cursor);
  return events;
}

/** Deliveries as a receiver gets them: the embedded relay signs them, this fetch keeps them. */
function captureDeliveries(t: TestContext) {
  const received: { url: string; headers: Headers; body: string }[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    received.push({ url: String(input), headers: new Headers(init?.headers), body: String(init?.body) });
    return new Response(null, { status: 204 });
  };
  const relay = testRelay(t, { sender: createEmbeddedSender({ fetch: fetch as typeof globalThis.fetch, wallClock: () => new Date() }) });
  return { received, drain: relay.drain };
}

describe("the typed client (openapi/client) against the real app", () => {
  it("drives the whole change procedure: organisations, agreements, a change, objection, approval, deemed approval, versions, events, webhooks", async () => {
    const t = await createTestContext();
    const operator = clientFor(t, t.operatorKey);

    // the operator creates the processor and the controller, and an API key for each
    const createOrg = async (name: string, city: string) => {
      const org = await operator.POST("/v1/organisations", {
        body: { name, registration: { scheme: "dk_cvr", number: nextCvr() }, address: { street: "Rådhuspladsen 1", postal_code: "8000", city, country: "DK" } },
      });
      expect(org.response.status, JSON.stringify(org.error)).toBe(201);
      const id = org.data!.id;
      const key = await operator.POST("/v1/organisations/{organisation_id}/api-keys", {
        params: { path: { organisation_id: id } },
        body: { name: "client test" },
      });
      expect(key.response.status, JSON.stringify(key.error)).toBe(201);
      return { id, name: org.data!.name, client: clientFor(t, key.data!.secret) };
    };
    const proc = await createOrg("Omsorgsdata ApS", "Aarhus C");
    const ctrl = await createOrg("Skanderborg Kommune", "Skanderborg");

    // the controller subscribes an endpoint: every event about its agreements is delivered, signed
    const endpoint = await ctrl.client.POST("/v1/webhook-endpoints", {
      body: { url: "http://case.skanderborg.test/hooks/registry" },
    });
    expect(endpoint.response.status, JSON.stringify(endpoint.error)).toBe(201);
    const secret = endpoint.data!.secret;
    expect(secret).toMatch(/^whsec_/);

    // the processor proposes three agreements (general authorisation, 30 days' notice by default); the controller confirms each
    const agreements: string[] = [];
    for (const ref of ["SK-1", "SK-2", "SK-3"]) {
      const proposed = await proc.client.POST("/v1/agreements", {
        body: {
          controller_id: ctrl.id,
          title: `Databehandleraftale ${ref}`,
          controller_reference: ref,
          authorisation: "general",
          third_country_transfers: "with_transfer_mechanism",
          annex,
        },
      });
      expect(proposed.response.status, JSON.stringify(proposed.error)).toBe(201);
      expect(proposed.data!.status).toBe("proposed");
      const confirmed = await ctrl.client.POST("/v1/agreements/{agreement_id}/confirm", { params: { path: { agreement_id: proposed.data!.id } } });
      expect(confirmed.error).toBeUndefined();
      expect(confirmed.data!.status).toBe("active");
      agreements.push(confirmed.data!.id);
    }
    const [objectedAgr, approvedAgr, silentAgr] = agreements as [string, string, string];
    const annexOf = async (agreement_id: string) => {
      const { data, error } = await ctrl.client.GET("/v1/agreements/{agreement_id}/annex", { params: { path: { agreement_id } } });
      if (error) throw new Error(error.detail);
      return data;
    };
    expect((await annexOf(objectedAgr)).version).toBe(1);

    // the processor submits a change to all its agreements, with an Idempotency-Key: a retry replays the first answer
    const idempotencyKey = newIdempotencyKey();
    const change: RequestBody<"submitChangeRequest"> = { agreements: "all", reason: "A second, off-site backup copy", operations: addKistaBackup };
    const submit = (body: RequestBody<"submitChangeRequest">) => proc.client.POST("/v1/change-requests", { params: { header: { "idempotency-key": idempotencyKey } }, body });
    const submitted = await submit(change);
    expect(submitted.response.status, JSON.stringify(submitted.error)).toBe(201);
    const cr = submitted.data!;
    expect(cr.status).toBe("pending");
    expect(cr.decisions.map((d) => d.agreement.id).sort()).toEqual([...agreements].sort());
    const retried = await submit(change);
    expect(retried.data?.id).toBe(cr.id);
    // the same key with another body is refused, as a typed problem
    const reused = await submit({ ...change, reason: "Something else" });
    expect(reused.response.status).toBe(422);
    expectTypeOf(reused.error!).toEqualTypeOf<Problem>();
    expect(reused.error?.code).toBe("idempotency_key_reused");

    // the controller's inbox: one pending decision per agreement, each with its notice end
    const inbox = await ctrl.client.GET("/v1/decisions", { params: { query: { state: "pending" } } });
    expect(inbox.data!.data.map((d) => d.id).sort()).toEqual(cr.decisions.map((d) => d.id).sort());
    const decisionOf = (agreement_id: string) => inbox.data!.data.find((d) => d.agreement.id === agreement_id)!;
    for (const d of inbox.data!.data) {
      expect(d.state).toBe("pending");
      expect(d.introduces_third_country).toBe(false);
      expect(Date.parse(d.notice_ends_at!)).toBeGreaterThan(t.clock.now().getTime() + 29 * DAY);
    }

    // errors come back typed: the processor may not decide, and an objection needs a reason
    const byProcessor = await proc.client.POST("/v1/decisions/{decision_id}/approve", { params: { path: { decision_id: decisionOf(approvedAgr).id } }, body: {} });
    expect(byProcessor.data).toBeUndefined();
    expect(byProcessor.response.status).toBe(403);
    expect(byProcessor.error?.code).toBe("forbidden");
    const noReason = await ctrl.client.POST("/v1/decisions/{decision_id}/object", {
      params: { path: { decision_id: decisionOf(objectedAgr).id } },
      body: { reason: "" },
    });
    expect(noReason.response.status).toBe(422);
    expect(noReason.error).toMatchObject({ code: "validation_failed", status: 422 } satisfies Partial<Problem>);
    expect(noReason.error!.errors?.map((e) => e.pointer)).toContain("/reason");
    const noKey = await clientFor(t, "sk_live_not_a_key_0000000000000000").GET("/v1/decisions");
    expect(noKey.response.status).toBe(401);
    expect(noKey.error?.code).toBe("unauthenticated");

    // the controller objects on the first, approves the second, stays silent on the third
    const objected = await ctrl.client.POST("/v1/decisions/{decision_id}/object", {
      params: { path: { decision_id: decisionOf(objectedAgr).id } },
      body: { reason: "The backup site is not in our risk assessment." },
    });
    expect(objected.error).toBeUndefined();
    expect(objected.data).toMatchObject({ state: "objected", objection_reason: "The backup site is not in our risk assessment." });
    const approved = await ctrl.client.POST("/v1/decisions/{decision_id}/approve", {
      params: { path: { decision_id: decisionOf(approvedAgr).id } },
      body: { comment: "Approved after the DPIA." },
    });
    expect(approved.error).toBeUndefined();
    expect(approved.data).toMatchObject({ state: "approved", comment: "Approved after the DPIA.", application: { state: "applied", version: 2 } });
    // deciding twice is a conflict
    const again = await ctrl.client.POST("/v1/decisions/{decision_id}/approve", { params: { path: { decision_id: decisionOf(approvedAgr).id } }, body: {} });
    expect(again.response.status).toBe(409);
    expect(again.error?.code).toBe("invalid_state");

    // the operator moves the test clock past the notice's end; silence under a general authorisation is approval
    const advanced = await operator.POST("/v1/test-clock/advance", { body: { days: 31 } });
    expect(advanced.error).toBeUndefined();
    expect(advanced.data!.ran).toMatchObject({ deemed_approved: 1 });
    const after = await proc.client.GET("/v1/change-requests/{change_request_id}", { params: { path: { change_request_id: cr.id } } });
    const stateOf = (agreement_id: string) => after.data!.decisions.find((d) => d.agreement.id === agreement_id)!;
    expect(stateOf(objectedAgr).state).toBe("objected");
    expect(stateOf(approvedAgr).state).toBe("approved");
    expect(stateOf(silentAgr)).toMatchObject({ state: "deemed_approved", application: { state: "applied", version: 2 } });

    // the annexes: version 2 where the change was approved or deemed approved, version 1 where it was objected to
    expect((await annexOf(objectedAgr)).version).toBe(1);
    for (const agr of [approvedAgr, silentAgr]) {
      const current = await annexOf(agr);
      expect(current.version).toBe(2);
      expect(current.change_request_id).toBe(cr.id);
      expect(current.sub_processors.map((s) => s.ref).sort()).toEqual(["jutland-hosting", "kista-backup"]);
    }
    const diff = await ctrl.client.GET("/v1/agreements/{agreement_id}/annex/diff", { params: { path: { agreement_id: silentAgr }, query: { from: 1, to: 2 } } });
    expect(diff.data!.sub_processors.added.map((s) => s.ref)).toEqual(["kista-backup"]);
    expect(diff.data!.locations.added.map((l) => l.ref)).toEqual(["backup-kista"]);

    // both parties' feeds hold every step, and the same events
    const events = await allEvents(ctrl.client);
    expect((await allEvents(proc.client)).map((e) => e.id)).toEqual(events.map((e) => e.id));
    const typesFor = (agreement_id: string) => events.filter((e) => e.agreement_id === agreement_id).map((e) => e.type);
    expect(typesFor(objectedAgr)).toEqual(["agreement.proposed", "agreement.confirmed", "change_request.submitted", "decision.objected"]);
    expect(typesFor(approvedAgr)).toEqual(["agreement.proposed", "agreement.confirmed", "change_request.submitted", "decision.approved", "annex.version_created"]);
    expect(typesFor(silentAgr).slice(0, 3)).toEqual(["agreement.proposed", "agreement.confirmed", "change_request.submitted"]);
    expect(typesFor(silentAgr).slice(-2)).toEqual(["decision.deemed_approved", "annex.version_created"]);

    // the controller's endpoint receives them all, signed by the service; verifyWebhook checks and types each one
    const deliveries = captureDeliveries(t);
    await deliveries.drain();
    expect(deliveries.received.map((r) => r.headers.get("webhook-id")).sort()).toEqual(events.map((e) => e.id).sort());
    for (const delivery of deliveries.received) {
      expect(delivery.url).toBe("http://case.skanderborg.test/hooks/registry");
      const event = verifyWebhook(secret, delivery.body, delivery.headers);
      const fromFeed = events.find((e) => e.id === delivery.headers.get("webhook-id"))!;
      expect(event.type).toBe(fromFeed.type);
      expect(event.data).toEqual(fromFeed.data);
      if (event.type === "decision.objected") {
        // narrowed by `type`: the objection's own fields are typed
        expect(event.data.decision.objection_reason).toBe("The backup site is not in our risk assessment.");
        expect(event.data.decision.agreement.id).toBe(objectedAgr);
      }
    }
    expect(deliveries.received.filter((r) => verifyWebhook(secret, r.body, r.headers).type === "decision.objected")).toHaveLength(1);

    // a forged or altered delivery is refused
    const [first] = deliveries.received;
    const forged = new Headers(first!.headers);
    forged.set("webhook-signature", `v1,${btoa("not the signature, not even close")}`);
    expect(() => verifyWebhook(secret, first!.body, forged)).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(secret, first!.body.replace(/}$/, ',"forged":true}'), first!.headers)).toThrow(WebhookVerificationError);
    const otherSecret = `whsec_${btoa("another endpoint's secret, 32 b")}`;
    expect(() => verifyWebhook(otherSecret, first!.body, first!.headers)).toThrow(WebhookVerificationError);
  });

  it("verifyWebhook takes Node-style headers, refuses stale timestamps, and types events by their `type`", () => {
    const secret = `whsec_${btoa("a test secret of thirty-two byte")}`;
    const body = JSON.stringify({
      type: "webhook_endpoint.ping",
      timestamp: new Date().toISOString(),
      data: { endpoint_id: "ep_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C" },
    });
    const signer = new Webhook(secret);
    const sign = (at: Date) => ({ "webhook-id": "evt_1", "webhook-timestamp": String(Math.floor(at.getTime() / 1000)), "webhook-signature": signer.sign("evt_1", at, body) });
    // header names in any case, as an IncomingMessage or a framework may hand them over
    const headers = Object.fromEntries(Object.entries(sign(new Date())).map(([k, v]) => [k.toUpperCase(), v]));
    expect(verifyWebhook(secret, body, headers).type).toBe("webhook_endpoint.ping");
    expect(() => verifyWebhook(secret, body, sign(new Date(Date.now() - 10 * 60_000)))).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(secret, body, { "webhook-id": "evt_1" })).toThrow(WebhookVerificationError);

    // the union covers exactly the document's webhooks, each discriminated by its own `type`
    expectTypeOf<WebhookEvent["type"]>().toEqualTypeOf<keyof webhooks>();
    expectTypeOf<WebhookEvent<"decision.objected">["type"]>().toEqualTypeOf<"decision.objected">();
    expectTypeOf<Extract<WebhookEvent, { type: "annex.version_created" }>>().toEqualTypeOf<Schema<"AnnexVersionCreatedWebhook">>();
  });

  it("the committed openapi/client/src/schema.d.ts is what openapi-typescript generates from the routes (run `npm run openapi`)", async () => {
    const committed = readFileSync(new URL("../openapi/client/src/schema.d.ts", import.meta.url), "utf8");
    const generated = await generateTypes(generateOpenApiDocument());
    expect(committed, "openapi/client/src/schema.d.ts is out of date: run `npm run openapi`").toBe(generated);
  });
});
