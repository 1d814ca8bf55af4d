// Whether the browser tests can run: locally a missing chromium skips them (and the run's summary
// says so, see test/reporters/quiet.ts); with CI set it is a failure, so CI never passes without them.
import { existsSync } from "node:fs";

export const DEFAULT_CHROMIUM_PATH = "/usr/bin/chromium";

export type BrowserCheck =
  | { kind: "run"; path: string }
  | { kind: "skip"; reason: string }
  | { kind: "fail"; reason: string };

/** CI=true (or any value but "", "0", "false") marks a CI run, as most CI services set it. */
export function isCi(env: NodeJS.ProcessEnv): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== "" && value !== "0" && value !== "false";
}

export function checkBrowser(env: NodeJS.ProcessEnv = process.env, exists: (path: string) => boolean = existsSync): BrowserCheck {
  const path = env.CHROMIUM_PATH || DEFAULT_CHROMIUM_PATH;
  if (exists(path)) return { kind: "run", path };
  const missing = `chromium not found at ${path} (set CHROMIUM_PATH, or apt-get install -y chromium)`;
  if (isCi(env)) return { kind: "fail", reason: `${missing}; CI=true requires the browser tests to run` };
  return { kind: "skip", reason: `${missing}; CI=true makes this a failure` };
}
