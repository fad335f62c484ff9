import { describe, expect, it } from "vitest";
import { DECISION_STATES, DECISION_VERBS, type DecisionState, type DecisionVerb, next, statesAllowing } from "../../src/domain/decisions";

// Every state × verb of the decision lifecycle, allowed and refused (docs/rules.md, rules 5, 6 and 10).
const EXPECTED: Record<DecisionState, Record<DecisionVerb, DecisionState | "invalid_state" | "notice_only">> = {
  pending: { approve: "approved", object: "objected", withdraw: "withdrawn", deem: "deemed_approved" },
  noticed: { approve: "notice_only", object: "notice_only", withdraw: "withdrawn", deem: "invalid_state" },
  approved: { approve: "invalid_state", object: "invalid_state", withdraw: "invalid_state", deem: "invalid_state" },
  objected: { approve: "invalid_state", object: "invalid_state", withdraw: "invalid_state", deem: "invalid_state" },
  withdrawn: { approve: "invalid_state", object: "invalid_state", withdraw: "invalid_state", deem: "invalid_state" },
  deemed_approved: { approve: "invalid_state", object: "invalid_state", withdraw: "invalid_state", deem: "invalid_state" },
};

describe("the decision lifecycle table", () => {
  const rows = DECISION_STATES.flatMap((state) => DECISION_VERBS.map((verb) => [state, verb, EXPECTED[state][verb]] as const));
  it("covers every state and verb", () => expect(rows).toHaveLength(DECISION_STATES.length * DECISION_VERBS.length));

  it.each(rows)("%s + %s → %s", (state, verb, expected) => {
    const result = next(state, verb);
    if (expected === "invalid_state" || expected === "notice_only") expect(result).toEqual({ refused: expected });
    else expect(result).toEqual({ to: expected });
  });

  it("the SQL guards are the states the table allows", () => {
    expect(statesAllowing("approve")).toEqual(["pending"]);
    expect(statesAllowing("object")).toEqual(["pending"]);
    expect(statesAllowing("deem")).toEqual(["pending"]);
    expect(statesAllowing("withdraw")).toEqual(["pending", "noticed"]);
  });
});
