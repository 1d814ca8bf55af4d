// isolate_memory — the peak JS heap of the Worker's one isolate while it builds 128K-token needle
// prompts and 128K-window book QA prompts in every tokenizer in turn and serves the reference model.
//
// The production bundle (`wrangler deploy --dry-run`) runs under a fresh wrangler dev (its own state
// folder) with an inspector port; the heap is read with the DevTools protocol's
// Runtime.getHeapUsage every 100 ms. Locally workerd runs the fetch and queue handlers and both
// Durable Object classes (Sweeper, EndpointLimiter) in one isolate: workerd's inspector lists one
// target for the Worker ("core:user:ctxprobe", the one wrangler's inspector proxy forwards to); its
// other targets are miniflare's D1/R2/Queue simulators. The inspector answers between JS tasks, so
// during a long synchronous build samples wait (`max_sample_gap_ms`): the true peak may be higher.
// The load goes through the public API only: one run per tokenizer against this service's own
// /reference/v1 (calls stay inside the Worker), each with a needle probe at 131072 tokens and the
// first built-in book QA question at the default 128000-token window. Its consumer builds both
// prompts (tokenizing the haystack corpus and the whole book in that tokenizer, cold: the state
// folder is new) and the reference model tokenizes each prompt again in cl100k_base to answer it.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { freePort } from "../service-args";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { TOKENIZER_NAMES } from "../../probes/tokenizers";
import { applyMigrations, localSecretVars, waitForService } from "../local-service";
import { authHeaders } from "../run-audit";
import type { BenchService } from "./client";
import { inspectorTargets, maxGapMs, openInspector, sampleHeap, type HeapSample, type HeapUsage, type Inspector } from "./inspector";
import { round } from "./stats";

const TARGET_PEAK_MB = 96;
const MIB = 1024 * 1024;
const SAMPLE_MS = 100;
const RUN_DEADLINE_MS = 30 * 60_000;


/**
 * As startLocalService, but on a bundle built once into the state folder (`--no-bundle`), so edits
 * to src/ during the measurement cannot make wrangler rebuild and swap the isolate, and with
 * `--inspector-port` (startLocalService's options have no room for other flags).
 */
async function startServiceWithInspector(stateDir: string) {
  const wrangler = "node_modules/wrangler/bin/wrangler.js";
  const bundleDir = join(stateDir, "bundle");
  execFileSync(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", bundleDir], { stdio: "ignore", env: { ...process.env, CI: "true" } });
  const [port, inspectorPort] = [await freePort(), await freePort()];
  applyMigrations(stateDir);
  const vars: Record<string, string> = { ALLOW_LOOPBACK_ENDPOINTS: "true", ...localSecretVars(stateDir) };
  const args = [wrangler, "dev", join(bundleDir, "index.js"), "--config", "wrangler.toml", "--no-bundle", "--port", String(port), "--ip", "127.0.0.1"];
  args.push("--inspector-port", String(inspectorPort), "--show-interactive-dev-session=false", "--persist-to", stateDir);
  args.push(...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]));
  const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "ignore"] });
  const service: BenchService = { url: `http://127.0.0.1:${port}`, token: vars.ADMIN_TOKEN };
  try {
    await waitForService(service.url, 90_000, child);
  } catch (error) {
    child.kill("SIGTERM");
    throw error;
  }
  return { service, inspectorPort, stop: () => child.kill("SIGTERM") };
}

function runBody(service: BenchService, tokenizer: string) {
  return {
    model: { name: `memory-${tokenizer}`, base_url: `${service.url}/reference/v1`, model: "extractive-128k", tokenizer, context_window: 131072, max_concurrency: 2, request_timeout_s: 600 },
    suites: [
      { type: "needle", context_lengths: [131072], depth_percents: [50] },
      { type: "bookqa", limit: 1 },
    ],
    public: false,
  };
}

const mb = (bytes: number) => round(bytes / MIB, 1);

function peaks(samples: readonly HeapSample[]) {
  const max = (pick: (s: HeapSample) => number) => samples.reduce((m, s) => Math.max(m, pick(s)), 0);
  return {
    peak_mb: mb(max((s) => s.usedSize)),
    peak_total_mb: mb(max((s) => s.totalSize)),
    peak_used_plus_backing_store_mb: mb(max((s) => s.usedSize + (s.backingStorageSize ?? 0))),
    samples: samples.length,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Heap in use after a full collection: what stays resident, garbage aside. */
async function retainedMb(inspector: Inspector, service: BenchService): Promise<number> {
  const collected = inspector.send("HeapProfiler.collectGarbage");
  // V8 collects in a task on the isolate's thread; should an idle isolate not run it, a request wakes it.
  if (await Promise.race([collected.then(() => false), sleep(10_000).then(() => true)])) {
    await fetch(`${service.url}/reference/v1/models`); // the cheapest route
    await collected;
  }
  return mb((await inspector.send<HeapUsage>("Runtime.getHeapUsage")).usedSize);
}

/**
 * Submits a run and polls it until it settles. A status read made while the isolate builds a
 * prompt (seconds, in the SentencePiece ports) has been seen to wait until the next request comes,
 * so each read has its own timeout and is retried; the run's own timestamps give its duration.
 */
async function runToEnd(service: BenchService, body: unknown) {
  const headers = { "content-type": "application/json", ...authHeaders(service.token) };
  const started = performance.now();
  const res = await fetch(`${service.url}/v1/runs`, { method: "POST", headers, body: JSON.stringify(body) });
  if (res.status !== 202) throw new Error(`submission failed: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  while (performance.now() - started < RUN_DEADLINE_MS) {
    const read = await fetch(`${service.url}/v1/runs/${id}`, { headers, signal: AbortSignal.timeout(15_000) }).catch(() => null);
    const run = read?.ok ? ((await read.json()) as Record<string, any>) : null;
    if (run && ["succeeded", "failed", "cancelled"].includes(run.status)) {
      return { run, runS: (Date.parse(run.finished_at) - Date.parse(run.created_at)) / 1000, pollS: (performance.now() - started) / 1000 };
    }
    await sleep(250);
  }
  throw new Error(`run ${id} did not settle within ${RUN_DEADLINE_MS / 60_000} minutes`);
}

// Diagnostics, off by default: with ISOLATE_MEMORY_PROFILE_DIR set, each tokenizer's run is recorded
// by V8's sampling heap profiler (every allocation sampled, garbage included: what the peak is made
// of, by function; open <tokenizer>.heapprofile in DevTools' Memory tab) and a heap snapshot is
// taken after its collection (<tokenizer>.heapsnapshot: what stays). Both slow the run a little.
const PROFILE_DIR = process.env.ISOLATE_MEMORY_PROFILE_DIR;

async function startAllocationProfile(inspector: Inspector): Promise<void> {
  if (!PROFILE_DIR) return;
  await inspector.send("HeapProfiler.enable");
  await inspector.send("HeapProfiler.startSampling", { samplingInterval: 16_384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
}

async function saveProfiles(inspector: Inspector, tokenizer: string): Promise<void> {
  if (!PROFILE_DIR) return;
  mkdirSync(PROFILE_DIR, { recursive: true });
  const { profile } = await inspector.send<{ profile: unknown }>("HeapProfiler.stopSampling");
  writeFileSync(join(PROFILE_DIR, `${tokenizer}.heapprofile`), JSON.stringify(profile));
  const chunks: string[] = [];
  inspector.on("HeapProfiler.addHeapSnapshotChunk", (params: { chunk: string }) => chunks.push(params.chunk));
  await inspector.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
  writeFileSync(join(PROFILE_DIR, `${tokenizer}.heapsnapshot`), chunks.join(""));
}

async function loadEveryTokenizer(service: BenchService, inspector: Inspector) {
  const idleRetained = await retainedMb(inspector, service);
  const sampler = sampleHeap(inspector, SAMPLE_MS);
  const runs = [];
  for (const tokenizer of TOKENIZER_NAMES) {
    console.error(`isolate_memory: ${tokenizer}: a 131072-token needle probe and a 128K-window book QA probe…`);
    sampler.setPhase(tokenizer);
    await startAllocationProfile(inspector);
    const { run, runS, pollS } = await runToEnd(service, runBody(service, tokenizer));
    sampler.setPhase(`${tokenizer} (collected)`);
    const retained = await retainedMb(inspector, service);
    await saveProfiles(inspector, tokenizer);
    runs.push({ tokenizer, status: run.status as string, progress: run.progress as Record<string, number>, run_s: round(runS, 1), settled_seen_after_s: round(pollS, 1), retained_after_gc_mb: retained });
  }
  const samples = await sampler.stop();
  return { idleRetained, runs, samples };
}

export async function isolateMemory() {
  const stateDir = mkdtempSync(join(tmpdir(), "ctxprobe-bench-memory-"));
  console.error("isolate_memory: starting a fresh local service with an inspector port…");
  const local = await startServiceWithInspector(stateDir);
  let inspector: Inspector | undefined;
  try {
    const targets = await inspectorTargets(local.inspectorPort);
    if (targets.length !== 1) throw new Error(`expected one inspector target (the Worker), found ${targets.length}`);
    inspector = await openInspector(targets[0]!);
    const { idleRetained, runs, samples } = await loadEveryTokenizer(local.service, inspector);
    const overall = peaks(samples);
    return {
      measure: "Runtime.getHeapUsage via the workerd inspector",
      target: `${targets[0]!.title} (wrangler's inspector proxy: the Worker's one isolate, Durable Objects included)`,
      ...overall,
      target_peak_mb: TARGET_PEAK_MB,
      meets_target: overall.peak_mb <= TARGET_PEAK_MB,
      idle_after_gc_mb: idleRetained,
      sample_interval_ms: SAMPLE_MS,
      max_sample_gap_ms: Math.round(maxGapMs(samples)),
      per_tokenizer: runs.map((run) => ({ ...run, ...peaks(samples.filter((s) => s.phase === run.tokenizer)) })),
      note:
        "peak_mb is V8's used heap (max usedSize); peak_total_mb the heap V8 had reserved; peak_used_plus_backing_store_mb adds ArrayBuffer " +
        "backing stores (token id arrays). retained_after_gc_mb is the heap after a forced full collection once that tokenizer's run settled.",
    };
  } finally {
    inspector?.close();
    local.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}
