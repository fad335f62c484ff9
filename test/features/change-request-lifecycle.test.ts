import { describe, it } from "vitest";
import { createTestContext } from "../helpers/app";
import { changeRequestLifecycle } from "../helpers/lifecycle";

// The scenario speaks HTTP only (the test clock moves through its route): the same one runs against
// the Worker in workerd, test/worker/test-mode.test.ts.
describe("the life of a change request, over HTTP with the test clock", () => {
  it("one change, four agreements, two controllers: objection, deemed approval, overdue, instruction conflict", async () => {
    await changeRequestLifecycle(await createTestContext());
  });
});
