/**
 * Which Node.js lines this service runs on. A register of personal-data processors must not run on a
 * runtime that no longer gets security fixes, so the entry, the tests and the scripts refuse one.
 * End-of-life dates from the Node.js release schedule; a line newer than the table is taken as supported.
 */
const END_OF_LIFE: Record<number, string> = {
  18: "2025-04-30",
  19: "2023-06-01",
  20: "2026-04-30",
  21: "2024-06-01",
  22: "2027-04-30",
  23: "2025-06-01",
  24: "2028-04-30",
  25: "2026-06-01",
  26: "2029-04-30",
};

/** The oldest line in the table; anything older is long past its end of life. */
const OLDEST_KNOWN = 18;

export const HOW_TO_GET_A_SUPPORTED_NODE =
  "`npm ci` installs Node.js 24 LTS into node_modules (linux-x64, linux-arm64, macOS, Windows x64) and every `npm run` command uses it: " +
  "start the service with `npm start` and the tests with `npm test`, not with a `node` of your own. " +
  "On another platform install Node.js 24 LTS (https://nodejs.org or your package manager).";

/** Why `version` (e.g. "20.20.2") may not run this service on `today`, or undefined when it may. */
export function unsupportedNode(version: string, today: Date): string | undefined {
  const major = Number.parseInt(version.replace(/^v/, ""), 10);
  if (!Number.isInteger(major)) return `Cannot read the Node.js version "${version}".`;
  const eol = END_OF_LIFE[major];
  const ended = major < OLDEST_KNOWN || (eol !== undefined && today.toISOString().slice(0, 10) > eol);
  if (!ended) return undefined;
  return `Node.js ${version.replace(/^v/, "")} is past its end of life${eol ? ` (${eol})` : ""} and gets no security fixes; this service runs on a supported line (22, 24 or 26). ${HOW_TO_GET_A_SUPPORTED_NODE}`;
}

/** Ends the process with the reason when this Node.js is not a supported line (entries and scripts only). */
export function requireSupportedNode(today = new Date()): void {
  const reason = unsupportedNode(process.versions.node, today);
  if (reason) {
    console.error(reason);
    process.exit(1);
  }
}
