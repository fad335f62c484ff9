/**
 * The real Worker build (src/worker.ts, bundled by wrangler from wrangler.toml) running in workerd, reaching
 * its database the way the edge reaches Turso: `@libsql/client/web` over HTTP (Hrana), here served by the
 * Node Hrana server on a temporary SQLite file. Requests go through the Worker's HTTP endpoint.
 */
import { createClient } from "@libsql/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callOverHttp, type TestContext } from "../helpers/app";
import { address, usAnnex } from "../helpers/factories";
import { type LocalWorker, type startMailApi, startWorkerOnFile } from "../helpers/worker";

const OPERATOR_KEY = "sk_live_worker_test_operator_0000";

describe("the Worker in workerd, database over Hrana/HTTP", { timeout: 30_000 }, () => {
  let fixture: Awaited<ReturnType<typeof startWorkerOnFile>> | undefined;
  let path: string;
  let worker: LocalWorker | undefined;
  let base: URL;
  let mailApi: Awaited<ReturnType<typeof startMailApi>> | undefined;

  /** a request to the Worker's HTTP endpoint (the workerd socket wrangler's dev server listens on) */
  let call: TestContext["call"];

  beforeAll(async () => {
    fixture = await startWorkerOnFile({ name: "worker-test", operatorKey: OPERATOR_KEY, vars: { PUBLIC_URL: "https://registry.example" } });
    ({ path, worker, mailApi, url: base } = fixture);
    call = callOverHttp(base);
  }, 120_000); // the first workerd start (and the esbuild bundle) can be slow on a cold machine

  afterAll(async () => {
    await fixture?.stop();
  });

  it("serves the health check and the API index through workerd", async () => {
    const health = await call(null, "GET", "/healthz");
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ ok: true });
    const index = await call(null, "GET", "/");
    expect(index.status).toBe(200);
    expect(index.body).toMatchObject({ openapi: "/openapi.json", docs: "/docs" });
    // the same Worker through wrangler's dispatch (no socket): same answer
    const dispatched = await worker!.fetch("http://localhost/healthz");
    expect(dispatched.status).toBe(200);
    expect(await dispatched.json()).toEqual({ ok: true });
  });

  it("serves /docs with Swagger UI's files from the Worker's static assets (no CDN)", async () => {
    const page = await worker!.fetch("http://localhost/docs");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('src="/docs/assets/swagger-ui-bundle.js"');
    for (const file of ["swagger-ui-bundle.js", "swagger-ui.css", "init.js"]) {
      const res = await worker!.fetch(`http://localhost/docs/assets/${file}`);
      expect(res.status, file).toBe(200);
      expect((await res.text()).length, file).toBeGreaterThan(file === "init.js" ? 50 : 100_000);
    }
  });

  it("answers an unknown route with a 404 problem+json", async () => {
    const res = await call(OPERATOR_KEY, "GET", "/nope/not-here");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.body).toMatchObject({ status: 404, code: "route_not_found" });
  });

  it("refuses a request without a key with a 401 problem+json", async () => {
    const res = await call(null, "GET", "/v1/organisations");
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.body).toMatchObject({ status: 401, code: "unauthenticated" });
  });

  it("runs organisations → keys → proposal → confirmation → annex, and the rows land in the SQLite file", async () => {
    const org = async (name: string, cvr: string) => {
      const created = await call(OPERATOR_KEY, "POST", "/v1/organisations", {
        name,
        registration: { scheme: "dk_cvr", number: cvr },
        address: address("DK", "København V"),
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const key = await call(OPERATOR_KEY, "POST", `/v1/organisations/${created.body.id}/api-keys`, { name: "worker test" });
      expect(key.status, JSON.stringify(key.body)).toBe(201);
      expect(key.body.secret).toMatch(/^sk_live_/);
      return { id: created.body.id as string, key: key.body.secret as string };
    };
    const processor = await org("Omsorgspartner ApS", "29184755");
    const controller = await org("Aarhus Kommune", "55133018");

    const proposed = await call(processor.key, "POST", "/v1/agreements", {
      controller_id: controller.id,
      title: "Databehandleraftale",
      authorisation: "general",
      third_country_transfers: "with_transfer_mechanism",
      notice_days: 30,
      annex: usAnnex(),
    });
    expect(proposed.status, JSON.stringify(proposed.body)).toBe(201);
    expect(proposed.body).toMatchObject({ status: "proposed", current_version: null });
    const agreementId: string = proposed.body.id;

    const confirmed = await call(controller.key, "POST", `/v1/agreements/${agreementId}/confirm`);
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body).toMatchObject({ status: "active", current_version: 1 });

    for (const who of [processor, controller]) {
      const annex = await call(who.key, "GET", `/v1/agreements/${agreementId}/annex`);
      expect(annex.status, JSON.stringify(annex.body)).toBe(200);
      expect(annex.body).toMatchObject({ object: "annex", agreement_id: agreementId, version: 1, third_country: true });
      const us = annex.body.sub_processors.find((s: { ref: string }) => s.ref === "uscloud");
      expect(us).toMatchObject({ classification: "third_country", country: "US", transfer_mechanism: { type: "sccs_2021_914", module: "module_3" } });
    }

    // What the Worker wrote over HTTP is really in the file, seen by a plain Node client.
    const file = createClient({ url: `file:${path}` });
    try {
      const orgs = await file.execute({ sql: "SELECT id FROM organisations WHERE id IN (?, ?)", args: [processor.id, controller.id] });
      expect(orgs.rows).toHaveLength(2);
      const keys = await file.execute("SELECT organisation_id, name FROM api_keys ORDER BY created_at");
      expect(keys.rows.map((r) => r.organisation_id)).toEqual(expect.arrayContaining([null, processor.id, controller.id]));
      expect(keys.rows.find((r) => r.organisation_id === null)?.name).toBe("operator (OPERATOR_API_KEY)");
      const agreement = await file.execute({ sql: "SELECT processor_id, controller_id, status, current_version FROM agreements WHERE id = ?", args: [agreementId] });
      expect(agreement.rows[0]).toMatchObject({ processor_id: processor.id, controller_id: controller.id, status: "active", current_version: 1 });
      const versions = await file.execute({ sql: "SELECT version, content FROM annex_versions WHERE agreement_id = ?", args: [agreementId] });
      expect(versions.rows).toHaveLength(1);
      expect(versions.rows[0]?.version).toBe(1);
      expect(String(versions.rows[0]?.content)).toContain("US Cloud Inc.");
    } finally {
      file.close();
    }
  });

  it("has no test clock without TEST_CLOCK: its routes do not exist and nothing is kept in the database", async () => {
    const res = await call(OPERATOR_KEY, "GET", "/v1/test-clock");
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: "route_not_found" });
    expect((await call(OPERATOR_KEY, "POST", "/v1/test-clock/advance", { days: 1 })).status).toBe(404);
    const file = createClient({ url: `file:${path}` });
    try {
      expect((await file.execute("SELECT count(*) AS n FROM test_clock")).rows[0]!.n).toBe(0);
    } finally {
      file.close();
    }
  });

  it("mails an invitation through the HTTP e-mail API after the response (waitUntil), with its link on PUBLIC_URL", async () => {
    const org = await call(OPERATOR_KEY, "POST", "/v1/organisations", { name: "Mail Kommune", registration: { scheme: "dk_cvr", number: "29189765" }, address: address() });
    expect(org.status, JSON.stringify(org.body)).toBe(201);
    const invited = await call(OPERATOR_KEY, "POST", `/v1/organisations/${org.body.id}/users`, { email: "dpo@mail-kommune.example", name: "Mette", role: "admin" });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    for (let i = 0; i < 100 && !mailApi!.received.length; i++) await new Promise((r) => setTimeout(r, 50));
    const [mail] = mailApi!.received;
    expect(mail?.authorization).toBe("Bearer re_worker_test");
    expect(mail?.body.to).toEqual(["dpo@mail-kommune.example"]);
    expect(mail?.body.subject).toContain("Mail Kommune");
    expect(mail?.body.text).toContain("https://registry.example/console/sign-in/link?token=");
    expect(mail?.body.headers["Message-ID"]).toMatch(/^<mail_[0-9A-Z]+@localhost>$/);
  });
});
