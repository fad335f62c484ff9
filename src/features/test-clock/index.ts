import { createRoute, z } from "@hono/zod-openapi";
import { AppError } from "../../domain/errors";
import { requireOperator } from "../../core/actor";
import { createRouter, errorResponses, jsonBody, jsonContent } from "../../http/router";
import { DateTimeInput, Timestamp } from "../../http/schemas";
import { commit } from "../../core/writer";
import { ctxOf } from "../../http/context";

// Test mode only (TEST_CLOCK=1): like Stripe's test clocks, the operator moves the service's
// clock and the scheduler runs at every instant that falls due on the way.

const tags = ["Test clock"];
const security = [{ bearer: [] }];

const TestClock = z
  .object({
    object: z.literal("test_clock"),
    now: Timestamp,
    ran: z.object({ deemed_approved: z.number(), overdue: z.number(), reminders: z.number(), applied: z.number(), failed: z.number() }).optional(),
  })
  .openapi("TestClock");

const AdvanceBody = z
  .strictObject({
    days: z.number().int().min(0).max(3650).optional(),
    seconds: z.number().int().min(0).max(315_360_000).optional(),
    to: DateTimeInput.optional().openapi({ description: "An absolute instant, not before the clock's now" }),
  })
  .openapi("AdvanceTestClock", { description: "Either `to`, or `days` and/or `seconds`" });

export const getTestClock = createRoute({
  method: "get",
  path: "/v1/test-clock",
  operationId: "getTestClock",
  summary: "The service's clock (test mode only)",
  description: "Test mode only (TEST_CLOCK=1), operator key only; without test mode, 404 `route_not_found`. The instant the service takes as now.",
  "x-test-mode-only": true,
  tags,
  security,
  responses: { 200: jsonContent(TestClock, "The clock", { object: "test_clock", now: "2026-11-22T10:00:00.000Z" }), ...errorResponses(403, 404) },
});

export const advanceTestClock = createRoute({
  method: "post",
  path: "/v1/test-clock/advance",
  operationId: "advanceTestClock",
  summary: "Move the clock forward and run the scheduler (test mode only)",
  description:
    "Test mode only (TEST_CLOCK=1), operator key only; without test mode, 404 `route_not_found`. Moves the clock forward by `days` and/or `seconds`, or to the instant `to`, and runs the scheduler at every instant that falls due on the way (deemed approvals, overdue decisions, reminders, changes put in force).",
  "x-test-mode-only": true,
  tags,
  security,
  request: { body: jsonBody(AdvanceBody, undefined, { days: 11 }) },
  responses: {
    200: jsonContent(TestClock, "The clock and what the scheduler did", {
      object: "test_clock",
      now: "2026-12-03T10:00:00.000Z",
      ran: { deemed_approved: 0, overdue: 1, reminders: 2, applied: 0, failed: 0 },
    }),
    ...errorResponses(403, 404, 415, 422),
  },
});

export const testClockRouter = createRouter()
  .openapi(getTestClock, (c) => {
    requireOperator(c.get("actor"));
    return c.json({ object: "test_clock" as const, now: c.get("deps").clock.now().toISOString() }, 200);
  })
  .openapi(advanceTestClock, async (c) => {
    requireOperator(c.get("actor"));
    const deps = c.get("deps");
    const { clock, advance } = deps.testClock!;
    const body = c.req.valid("json");
    const now = clock.now();
    if ((body.to === undefined) === (body.days === undefined && body.seconds === undefined))
      throw new AppError("validation_failed", "Give either `to`, or `days` and/or `seconds`.", [{ in: "json", pointer: "", rule: "one_of", detail: "to | days, seconds" }]);
    const to = body.to ? new Date(body.to) : new Date(now.getTime() + ((body.days ?? 0) * 86_400 + (body.seconds ?? 0)) * 1000);
    if (to < now)
      throw new AppError("validation_failed", "A test clock only moves forward.", [
        { in: "json", pointer: "/to", rule: "not_in_past", detail: `The clock is at ${now.toISOString()}.` },
      ]);
    const ran = await advance(to);
    await commit(ctxOf(c), { audit: [{ action: "test_clock.advance", resourceType: "test_clock", resourceId: to.toISOString() }] });
    return c.json({ object: "test_clock" as const, now: clock.now().toISOString(), ran }, 200);
  });
