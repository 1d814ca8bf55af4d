// `npm run soak`: a 400-probe needle run against the fault-injecting reference model at ~30 %
// faults, once routed inside the Worker and once over HTTP, and a check that every probe settled
// exactly once. Prints a JSON summary; exits 1 on any violation.
//   --faults=0.3   total fault rate (see src/reference/faults.ts for the mix)
//   --timeout=2    request_timeout_s of the runs (each hang costs this much; answers take ~50 ms)
//   --concurrency=64   max_concurrency of each run
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { startLocalService } from "./local-service";
import { allProbes, auditRun, spread, submitRun, waitForRun, type Audit, type Client } from "./run-audit";
import { freePort, option } from "./service-args";

/** wrangler.toml: max_retries = 8, so a probe has at most 9 attempts before the dead-letter queue. */
export const MAX_ATTEMPTS = 9;

export interface SoakOptions {
  faults: number;
  timeoutS: number;
  concurrency: number;
  lengths: number[];
  depths: number[];
  /** "internal": base_url is the service's own origin; "http": another origin, so calls go over HTTP. */
  routes: ("internal" | "http")[];
  /** Seeded fault draws (reproducible per prompt and attempt); each route gets seed + its index. */
  seed?: number;
  /** Give up on a run after this long. */
  deadlineMs: number;
  log?: (line: string) => void;
}

export interface SoakResult {
  route: "internal" | "http";
  model: string;
  wall_s: number;
  audit: Audit;
}

type RunShape = Pick<SoakOptions, "faults" | "timeoutS" | "concurrency" | "lengths" | "depths" | "seed">;

export function soakRunBody(client: Client, port: number, route: "internal" | "http", o: RunShape) {
  // localhost is another origin than the service's 127.0.0.1, so those calls leave the Worker.
  const base_url = route === "internal" ? `${client.base}/reference/v1` : `http://localhost:${port}/reference/v1`;
  return {
    model: {
      name: `soak-${route}`,
      base_url,
      model: `extractive-128k+faults=${o.faults}${o.seed === undefined ? "" : `,seed=${o.seed + (route === "http" ? 1 : 0)}`}`,
      tokenizer: "cl100k_base",
      context_window: 131072,
      max_concurrency: o.concurrency,
      request_timeout_s: o.timeoutS,
    },
    suites: [{ type: "needle", context_lengths: o.lengths, depth_percents: o.depths }],
    public: false,
  };
}

/** Runs the soak against a running service; both routes at once (they share the local queue). */
export async function soak(client: Client, port: number, o: SoakOptions): Promise<SoakResult[]> {
  const total = o.lengths.length * o.depths.length;
  return Promise.all(
    o.routes.map(async (route) => {
      const started = Date.now();
      const body = soakRunBody(client, port, route, o);
      const id = await submitRun(client, body);
      let lastLog = 0;
      const run = await waitForRun(client, id, {
        timeoutMs: o.deadlineMs,
        onPoll: (r) => {
          if (Date.now() - lastLog < 10_000) return;
          lastLog = Date.now();
          o.log?.(`${route}: ${r.progress.done}/${r.progress.total} settled after ${Math.round((Date.now() - started) / 1000)} s`);
        },
      });
      const wall = (Date.now() - started) / 1000;
      return { route, model: body.model.model, wall_s: Math.round(wall * 10) / 10, audit: auditRun(run, await allProbes(client, id), { total, maxAttempts: MAX_ATTEMPTS }) };
    }),
  );
}

async function main(): Promise<void> {
  const options: SoakOptions = {
    faults: Number(option("faults", "0.3")),
    timeoutS: Number(option("timeout", "2")),
    concurrency: Number(option("concurrency", "64")),
    lengths: spread(2000, 8000, 20),
    depths: spread(0, 100, 20),
    routes: ["internal", "http"],
    deadlineMs: 10 * 60_000,
    log: (line) => process.stderr.write(`${line}\n`),
  };
  const stateDir = mkdtempSync(join(tmpdir(), "ctxprobe-soak-"));
  const port = Number(process.env.PORT ?? (await freePort()));
  const token = crypto.randomUUID();
  const service = await startLocalService({ port, persistTo: stateDir, output: process.env.SOAK_VERBOSE ? "inherit" : "ignore", vars: { ADMIN_TOKEN: token } });
  const started = Date.now();
  try {
    const results = await soak({ base: service.url, token }, port, options);
    const violations = results.flatMap((r) => r.audit.violations.map((v) => `${r.route}: ${v}`));
    const summary = {
      fault_rate: options.faults,
      request_timeout_s: options.timeoutS,
      max_concurrency: options.concurrency,
      probes_per_run: options.lengths.length * options.depths.length,
      wall_s: Math.round((Date.now() - started) / 100) / 10,
      runs: results,
      ok: violations.length === 0,
    };
    console.log(JSON.stringify(summary, null, 2));
    if (violations.length) {
      console.error(`soak failed:\n  ${violations.join("\n  ")}`);
      process.exitCode = 1;
    }
  } finally {
    service.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
