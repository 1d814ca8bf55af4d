// `npm run load`: drives the local service with autocannon on loopback — leaderboard reads, run
// status reads and dry-run submissions of the paper's grid — and reports requests/s and p50/p99
// latency. Writes bench/load.json.
//   --duration=10      seconds per scenario
//   --connections=10   concurrent connections per scenario
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalService } from "./local-service";
import { authHeaders, submitRun, waitForRun, type Client } from "./run-audit";
import { freePort, option } from "./service-args";

// The part of autocannon's API used here (it ships no types).
interface Histogram {
  average: number;
  p50: number;
  p99: number;
}
interface AutocannonResult {
  requests: Histogram & { total: number };
  latency: Histogram & { max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}
type Autocannon = (options: {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  duration: number;
}) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

interface Scenario {
  name: string;
  path: string;
  method?: "GET" | "POST";
  body?: unknown;
}

export interface LoadFigure {
  scenario: string;
  requests: number;
  requests_per_s: number;
  latency_ms: { p50: number; p99: number; max: number };
  non_2xx: number;
  errors: number;
  status_codes: Record<string, number>;
}

/** A small finished run, so the leaderboard has a row and the status read a real run. */
async function seedRun(client: Client): Promise<string> {
  const id = await submitRun(client, {
    model: { name: "load-seed", base_url: `${client.base}/reference/v1`, model: "extractive-128k", max_concurrency: 4 },
    suites: [{ type: "needle", context_lengths: [1000, 2000], depth_percents: [0, 50, 100] }],
    public: true,
  });
  const run = await waitForRun(client, id, { timeoutMs: 120_000 });
  if (run.status !== "succeeded") throw new Error(`the seed run ended ${run.status}`);
  return id;
}

async function measure(client: Client, scenario: Scenario, connections: number, duration: number): Promise<LoadFigure> {
  const result = await autocannon({
    url: `${client.base}${scenario.path}`,
    method: scenario.method ?? "GET",
    headers: { ...authHeaders(client.token), ...(scenario.body ? { "content-type": "application/json" } : {}) },
    body: scenario.body ? JSON.stringify(scenario.body) : undefined,
    connections,
    duration,
  });
  return {
    scenario: scenario.name,
    requests: result.requests.total,
    requests_per_s: Math.round(result.requests.average * 10) / 10,
    latency_ms: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    non_2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    status_codes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count])),
  };
}

async function main(): Promise<void> {
  const duration = Number(option("duration", "10"));
  const connections = Number(option("connections", "10"));
  const stateDir = mkdtempSync(join(tmpdir(), "ctxprobe-load-"));
  const token = crypto.randomUUID();
  const service = await startLocalService({ port: await freePort(), persistTo: stateDir, output: "ignore", vars: { ADMIN_TOKEN: token } });
  const client: Client = { base: service.url, token };
  try {
    const runId = await seedRun(client);
    const scenarios: Scenario[] = [
      { name: "GET /v1/leaderboard", path: "/v1/leaderboard" },
      { name: "GET /v1/runs/{id}", path: `/v1/runs/${runId}` },
      {
        name: "POST /v1/runs?dry_run=true (paper preset, 400 probes)",
        path: "/v1/runs?dry_run=true",
        method: "POST",
        body: {
          model: { name: "load-dry-run", base_url: `${service.url}/reference/v1`, model: "extractive-128k", tokenizer: "cl100k_base", context_window: 131072 },
          suites: [{ type: "needle", preset: "paper" }],
        },
      },
    ];
    const figures: LoadFigure[] = [];
    for (const scenario of scenarios) {
      process.stderr.write(`${scenario.name}: ${connections} connections for ${duration} s…\n`);
      figures.push(await measure(client, scenario, connections, duration));
    }
    const report = { measured_at: new Date().toISOString(), node: process.version, connections, duration_s: duration, figures };
    mkdirSync("bench", { recursive: true });
    writeFileSync("bench/load.json", `${JSON.stringify(report, null, 2)}\n`);
    console.log(JSON.stringify(report, null, 2));
    const bad = figures.filter((f) => f.non_2xx || f.errors);
    if (bad.length) {
      console.error(`non-2xx answers or errors in: ${bad.map((f) => f.scenario).join("; ")}`);
      process.exitCode = 1;
    }
  } finally {
    service.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
