import { z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { validationMessage } from "../../src/http/messages";
import { createTestContext } from "../helpers/app";

const messages = (schema: z.ZodType, input: unknown) => schema.safeParse(input).error?.issues.map((i) => i.message);

describe("validation messages are in the API's words, naming the field and what is expected", () => {
  it("through the app: a missing and a mistyped field of a request body", async () => {
    const t = await createTestContext({ file: false });
    const res = await t.call(t.operatorKey, "POST", "/v1/organisations", { name: 7, kind: "vendor", extra: true });
    expect(res.status).toBe(422);
    const details = Object.fromEntries(res.body.errors.map((e: { pointer: string; detail: string }) => [e.pointer, e.detail]));
    expect(details["/name"]).toBe("`name` must be a string, not a number.");
    expect(details["/extra"]).toBe('"extra" is not a field of this object.');
  });

  it("each of zod's own checks", () => {
    const Body = z.strictObject({
      name: z.string().min(1),
      notice_days: z.number().int().min(1).max(365),
      email: z.email(),
      authorisation: z.enum(["general", "specific"]),
      annex: z.object({ sub_processors: z.array(z.object({ country: z.string().regex(/^[A-Z]{2}$/), since: z.iso.datetime() })).min(1) }),
      url: z.url(),
      object: z.literal("agreement"),
    });
    expect(
      messages(Body, {
        notice_days: 1.5,
        email: "dpo",
        authorisation: "sometimes",
        annex: { sub_processors: [{ country: "dk", since: "yesterday" }] },
        url: "here",
        object: "decision",
      }),
    ).toEqual([
      "`name` is required.",
      "`notice_days` must be a whole number, not 1.5.",
      "`email` must be an e-mail address, such as dpo@kommune.example.",
      '`authorisation` must be one of "general", "specific".',
      "`annex.sub_processors[0].country` must match the pattern /^[A-Z]{2}$/.",
      "`annex.sub_processors[0].since` must be a date and time in ISO 8601 with a zone, such as 2026-03-01T09:00:00Z.",
      "`url` must be an absolute URL, such as https://example.com/path.",
      '`object` must be "agreement".',
    ]);
    expect(messages(Body.shape.name, "")).toEqual(["The value must not be empty."]);
    expect(messages(z.object({ n: z.number().int().min(1).max(365) }), { n: 366 })).toEqual(["`n` must be at most 365."]);
    expect(messages(z.object({ list: z.array(z.string()).max(2) }), { list: ["a", "b", "c"] })).toEqual(["`list` must have at most 2 items."]);
    expect(messages(z.object({ s: z.string().max(3) }), { s: "abcd" })).toEqual(["`s` must be at most 3 characters long."]);
    expect(messages(z.object({ n: z.number().positive() }), { n: 0 })).toEqual(["`n` must be more than 0."]);
  });

  it("a schema's own message is kept", () => {
    const Slug = z.object({ slug: z.string().refine((s) => s === "ok", { message: "3 to 63 lower-case letters." }) });
    expect(messages(Slug, { slug: "NO" })).toEqual(["3 to 63 lower-case letters."]);
    expect(validationMessage({ code: "custom", path: ["x"], message: "Ours.", input: 1 } as never)).toBeUndefined();
  });
});
