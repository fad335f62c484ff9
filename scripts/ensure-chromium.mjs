// Run before `npm test`: the browser tests drive Debian's Chromium (playwright-core downloads
// no browser). Installs it with apt when it is missing and this machine allows it (root, apt);
// otherwise says so, and the browser tests report themselves skipped with the reason.
import { execSync } from "node:child_process";
import { existsSync } from "node:fs";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (existsSync(CHROMIUM)) process.exit(0);
const root = typeof process.getuid === "function" && process.getuid() === 0;
const apt = (() => {
  try {
    execSync("command -v apt-get", { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
if (!root || !apt) {
  console.warn(`Chromium is not at ${CHROMIUM} and cannot be installed here (needs root and apt-get): the browser tests will be skipped.`);
  process.exit(0);
}
console.log("Installing Debian's chromium for the browser tests …");
execSync("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium", { stdio: "inherit" });
