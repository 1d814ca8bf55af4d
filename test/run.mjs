// `npm test`: the generated Worker types checked first (the type-check reads them), then vitest in the
// foreground with the type-check and the production bundle check beside it. Those two run at the
// lowest CPU priority, so they take the cores the tests leave idle (the worker and e2e projects wait
// on queues, timers and services a fifth of the time) instead of delaying them; their output is kept
// and printed after vitest's, in full when they fail. Exits non-zero if any step failed.
import { spawn, spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function checkGeneratedTypes() {
  const result = spawnSync(npm, ["run", "--silent", "types:check"], { stdio: "inherit" });
  if (result.status !== 0) {
    console.error("worker-configuration.d.ts is stale: run `npm run types` and commit it.");
    process.exit(result.status ?? 1);
  }
}

/** A check run beside the tests under `nice`, its output collected. */
function besideTests(label, script) {
  const started = performance.now();
  const child = spawn("nice", ["-n", "19", npm, "run", "--silent", script], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  return new Promise((resolve) => {
    child.on("error", (error) => resolve({ label, ok: false, seconds: 0, output: String(error) }));
    child.on("close", (code) => resolve({ label, ok: code === 0, seconds: (performance.now() - started) / 1000, output }));
  });
}

function runVitest(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["node_modules/vitest/vitest.mjs", "run", ...args], { stdio: "inherit" });
    child.on("close", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

checkGeneratedTypes();
const checks = [besideTests("type-check (tsc --noEmit)", "typecheck"), besideTests("bundle check (wrangler deploy --dry-run)", "build:check")];
const vitestCode = await runVitest(process.argv.slice(2));
let failed = vitestCode !== 0;
for (const check of await Promise.all(checks)) {
  if (!check.ok) {
    failed = true;
    console.error(`\n${check.label} failed:\n${check.output.trimEnd()}`);
  } else console.log(`${check.label}: passed (${check.seconds.toFixed(1)} s, beside the tests)`);
}
process.exit(failed ? 1 : 0);
