import { describe, expect, it } from "vitest";
import { unsupportedNode } from "../src/runtime";

const on = (day: string) => new Date(`${day}T12:00:00Z`);

describe("supported Node.js lines", () => {
  it.each([
    ["20.20.2", "2026-11-27", false],
    ["20.20.2", "2026-04-30", true], // its last supported day
    ["18.20.0", "2025-01-01", true],
    ["16.20.2", "2026-11-27", false], // older than the table: long ended
    ["22.12.0", "2026-11-27", true],
    ["22.22.0", "2027-05-01", false],
    ["v24.21.0", "2026-11-27", true],
    ["25.0.0", "2026-11-27", false], // odd lines end after six months
    ["26.1.0", "2026-11-27", true],
    ["30.0.0", "2026-11-27", true], // newer than the table
  ])("Node.js %s on %s: supported %s", (version, day, supported) => {
    const reason = unsupportedNode(version, on(day));
    if (supported) expect(reason).toBeUndefined();
    else expect(reason).toMatch(/past its end of life.*npm ci.*Node\.js 24/s);
  });

  it("the suite itself runs on a supported line (the one npm ci installed)", () => {
    expect(unsupportedNode(process.versions.node, new Date())).toBeUndefined();
  });
});
