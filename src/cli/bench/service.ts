// Sections measured through the local service (wrangler dev) against the bench's own endpoints:
//   dispatch   — a run against an endpoint with fixed latency and concurrency K: efficiency = ideal / wall
//   throughput — the paper's 400-probe grid through the local queue against an instant endpoint
//   overhead   — per-probe service time excluding the endpoint (instant endpoint, concurrency 1)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBenchEndpoint, type BenchEndpoint } from "../bench-endpoint";
import { startLocalService } from "../local-service";
import { authHeaders } from "../run-audit";
import { benchModel, submitAndWait, type BenchService } from "./client";
import { median, round } from "./stats";

/** What the service sections share: the service and two endpoints, one slow and one instant. */
export interface ServiceBench {
  service: BenchService;
  slow: BenchEndpoint;
  instant: BenchEndpoint;
  /** How many times dispatch is measured (its median is reported). */
  repeat: number;
}

const CONCURRENCY = 6;
const SLOW_LATENCY_MS = 300;

/** Starts a fresh local service and the endpoints, runs `work`, then stops them all. */
export async function withServiceBench<T>(repeat: number, work: (bench: ServiceBench) => Promise<T>): Promise<T> {
  const stateDir = mkdtempSync(join(tmpdir(), "ctxprobe-bench-"));
  const port = 8700 + Math.floor(Math.random() * 90);
  console.error(`starting the local service on port ${port}…`);
  const local = await startLocalService({ port, persistTo: stateDir, output: "ignore" });
  const slow = await startBenchEndpoint(SLOW_LATENCY_MS);
  const instant = await startBenchEndpoint(0);
  try {
    return await work({ service: { url: local.url, token: local.adminToken }, slow, instant, repeat });
  } finally {
    await slow.close();
    await instant.close();
    local.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

export async function dispatch({ service, slow, repeat }: ServiceBench) {
  const probes = 60;
  console.error(`dispatch: ${probes} probes, endpoint latency ${SLOW_LATENCY_MS} ms, concurrency ${CONCURRENCY}, ${repeat} run(s)…`);
  const grid = { type: "needle", context_lengths: [1000, 2000, 3000, 4000, 5000, 6000], depth_percents: [0, 11, 22, 33, 44, 56, 67, 78, 89, 100] };
  const walls: number[] = [];
  // Polled every 20 ms: the 100 ms default would add ~50 ms of our own latency to a 3 s figure.
  for (let i = 0; i < repeat; i++) walls.push((await submitAndWait(service, { model: benchModel(slow, "slow", CONCURRENCY), suites: [grid] }, 20)).wallS);
  const wallS = median(walls);
  const idealS = Math.ceil(probes / CONCURRENCY) * (SLOW_LATENCY_MS / 1000);
  return {
    probes,
    endpoint_latency_ms: SLOW_LATENCY_MS,
    concurrency: CONCURRENCY,
    wall_s: round(wallS),
    ideal_s: round(idealS),
    efficiency: round(idealS / wallS),
    max_in_flight_seen: slow.maxInFlight,
    runs: repeat,
    walls_s: walls.map((w) => round(w)),
  };
}

export async function throughput({ service, instant }: ServiceBench) {
  console.error("throughput: the paper's 40 × 10 grid (400 probes, 1K–128K tokens) against an instant endpoint…");
  const paperRun = { model: benchModel(instant, "instant", CONCURRENCY), suites: [{ type: "needle", preset: "paper" }] };
  const dryRun = await fetch(`${service.url}/v1/runs?dry_run=true`, { method: "POST", headers: { "content-type": "application/json", ...authHeaders(service.token) }, body: JSON.stringify(paperRun) });
  const plan = (await dryRun.json()) as { prompt_tokens: number };
  const paper = await submitAndWait(service, paperRun);
  const promptTokens = plan.prompt_tokens;
  return { probes: 400, wall_s: round(paper.wallS), probes_per_s: round(400 / paper.wallS), prompt_tokens: promptTokens, prompt_tokens_per_s: Math.round(promptTokens / paper.wallS) };
}

export async function overhead({ service, instant }: ServiceBench) {
  console.error("overhead: 40 probes, concurrency 1, instant endpoint…");
  instant.arrivals.length = 0;
  const lengths = [1000, 4256, 10769, 20538, 33564, 49846, 66128, 85667, 105205, 128000];
  await submitAndWait(service, { model: benchModel(instant, "instant-serial", 1), suites: [{ type: "needle", context_lengths: lengths, depth_percents: [0, 33, 67, 100] }] });
  const gaps = instant.arrivals.slice(1).map((t, i) => t - instant.arrivals[i]!);
  return { probes: 40, ms_per_probe_p50: round(median(gaps), 1), note: "time between consecutive calls at concurrency 1 with an instant endpoint: build, call, score, settle, claim the next probe and the local queue hand-off" };
}
