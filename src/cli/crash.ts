// `npm run test:crash`: kill the local service (wrangler and workerd, SIGKILL) twice in the middle of
// a run, restart it on the same state, and check that the run completes with no probe lost or
// counted twice. Local queues forget their messages on restart, so the run only finishes if the
// sweeper (Durable Object alarm, armed by the first request after start-up) re-dispatches from D1.
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { startLocalService, type LocalService } from "./local-service";
import { allProbes, auditRun, getJson, spread, submitRun, waitForRun, type Audit, type Client } from "./run-audit";
import { freePort } from "./service-args";

export interface CrashOptions {
  lengths: number[];
  depths: number[];
  /** Added to every answer of the reference model, so the run lasts long enough to be killed. */
  latencyMs: number;
  /** Kill when this fraction of the probes has settled, once per entry. */
  killAt: number[];
  concurrency: number;
  /** request_timeout_s: leases expire the lease margin after it, and only then are lost probes re-sent. */
  timeoutS: number;
  /** The service's LEASE_MARGIN_SECONDS (default: wrangler.toml's 30 s, production's). */
  leaseMarginS?: number;
  sweepIntervalS: number;
  deadlineMs: number;
  log?: (line: string) => void;
}

export interface CrashResult {
  wall_s: number;
  kills: { at_done: number; down_s: number; resumed_after_s: number }[];
  audit: Audit;
  ok: boolean;
}

/** One service instance in its own process group, so a kill takes workerd down with wrangler. */
async function boot(port: number, stateDir: string, o: CrashOptions, token: string): Promise<LocalService> {
  return startLocalService({
    port,
    persistTo: stateDir,
    output: process.env.CRASH_VERBOSE ? "inherit" : "ignore",
    vars: { SWEEP_INTERVAL_SECONDS: String(o.sweepIntervalS), ADMIN_TOKEN: token, ...(o.leaseMarginS === undefined ? {} : { LEASE_MARGIN_SECONDS: String(o.leaseMarginS) }) },
    detached: true,
    // Its own inspector port: the e2e suite runs it beside another file's service.
    inspectorPort: await freePort(),
  });
}

/** SIGKILL to wrangler's whole process group: workerd dies with it, as in a real crash. */
function killGroupNow(service: LocalService): void {
  try {
    process.kill(-service.process.pid!, "SIGKILL");
  } catch {
    service.process.kill("SIGKILL"); // the group is gone already
  }
}

async function killGroup(service: LocalService): Promise<void> {
  const child = service.process;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  killGroupNow(service);
  await exited;
}

export async function crashScenario(o: CrashOptions): Promise<CrashResult> {
  const stateDir = mkdtempSync(join(tmpdir(), "ctxprobe-crash-"));
  const port = await freePort();
  const token = crypto.randomUUID();
  const total = o.lengths.length * o.depths.length;
  let service = await boot(port, stateDir, o, token);
  // The service runs in its own process group, so Ctrl-C does not reach it: take it down ourselves.
  const onSignal = () => {
    killGroupNow(service);
    process.exit(130);
  };
  process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
  const client: Client = { base: service.url, token };
  const started = Date.now();
  const kills: CrashResult["kills"] = [];
  try {
    const id = await submitRun(client, {
      model: {
        name: "crash-test",
        base_url: `${service.url}/reference/v1`,
        model: `extractive-128k+latency=${o.latencyMs}`,
        tokenizer: "cl100k_base",
        max_concurrency: o.concurrency,
        request_timeout_s: o.timeoutS,
      },
      suites: [{ type: "needle", context_lengths: o.lengths, depth_percents: o.depths }],
      public: false,
    });
    for (const fraction of o.killAt) {
      const before = await waitForRun(client, id, { timeoutMs: o.deadlineMs, until: (r) => r.progress.done >= Math.ceil(fraction * total) });
      if (before.status !== "running") throw new Error(`the run was ${before.status} before the kill at ${fraction}: make it longer`);
      const killedAt = Date.now();
      await killGroup(service);
      o.log?.(`killed the service at ${before.progress.done}/${total}`);
      service = await boot(port, stateDir, o, token);
      const down = (Date.now() - killedAt) / 1000;
      const doneAtKill = (await getJson(client, `/v1/runs/${id}`)).progress.done as number;
      const resumed = await waitForRun(client, id, { timeoutMs: o.deadlineMs, until: (r) => r.progress.done > doneAtKill });
      const resumedAfter = (Date.now() - killedAt) / 1000;
      o.log?.(`restarted in ${down.toFixed(1)} s; progress resumed ${resumedAfter.toFixed(1)} s after the kill (${resumed.progress.done}/${total})`);
      kills.push({ at_done: before.progress.done, down_s: Math.round(down * 10) / 10, resumed_after_s: Math.round(resumedAfter * 10) / 10 });
    }
    const run = await waitForRun(client, id, { timeoutMs: o.deadlineMs });
    // Each kill may cut one attempt of the probes in flight: at most one extra attempt per kill.
    const audit = auditRun(run, await allProbes(client, id), { total, maxAttempts: 1 + o.killAt.length });
    if (audit.failed) audit.violations.push(`${audit.failed} probes failed against a fault-free model`);
    return { wall_s: Math.round((Date.now() - started) / 100) / 10, kills, audit, ok: audit.violations.length === 0 };
  } finally {
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
    await killGroup(service);
    rmSync(stateDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const result = await crashScenario({
    lengths: spread(2000, 4000, 10),
    depths: spread(0, 100, 20),
    latencyMs: 800,
    killAt: [0.3, 0.65],
    concurrency: 6,
    timeoutS: 5,
    sweepIntervalS: 3,
    deadlineMs: 5 * 60_000,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  console.log(JSON.stringify(result, null, 2));
  if (!result.ok) {
    console.error(`crash test failed:\n  ${result.audit.violations.join("\n  ")}`);
    process.exitCode = 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
