// `npm run bench`: measures what ctxprobe promises about speed and writes bench/results.json.
//   prompt_build — p50 time to build a 128K-token needle prompt, fast path vs the paper's naive path
//   dispatch     — a run against an endpoint with fixed latency and concurrency K: efficiency = ideal / wall
//   throughput   — the paper's 400-probe grid through the local queue against an instant endpoint
//   prefix_cache — cached-token ratio of the paper grid in our dispatch order vs a random order and
//                  vs grouping by length, through a simulated cache the size of one GPU's
//   overhead     — per-probe service time excluding the endpoint (instant endpoint, concurrency 1)
//   boundary_cache — a 128K-token haystack: tokenizing it cold vs loading its boundary-cache entry
//   sse_parse    — one 2 / 4 / 8 MB server-sent event in 16 KiB chunks: the linear parser vs the old reader
// Figures are medians of one run on this machine; it is shared and noisy, so compare ratios.
// `--only dispatch,overhead` measures only the named sections (the others keep their figures in
// bench/results.json); `--repeat N` runs the dispatch measurement N times (default 3) and reports
// the median (the first run also pays the fresh isolate's cold start: tokenizer load, first D1/DO use).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { loadBuiltinCorpus } from "../probes/corpora";
import { buildNeedleProbe, FINAL_CONTEXT_LENGTH_BUFFER, NEEDLE, PAPER_CONTEXT_LENGTHS, PAPER_DEPTH_PERCENTS, prepareNeedleProbes } from "../probes/needle";
import { CACHE_CAPACITY_TOKENS, cachedShare } from "../reference/prefix-cache";
import { SUITES } from "../probes/suites";
import { encodeTokens } from "../reference/tokens";
import { naiveBuildNeedleHaystack } from "../probes/needle/naive";
import { loadTokenizer } from "../probes/tokenizers";
import { clearLoadedHaystacks, decodeHaystack, encodeHaystack, loadHaystack, type BoundaryStore } from "../probes/needle/boundary-cache";
import { tokenizeHaystack } from "../probes/needle/haystack";
import type { TokenizerName } from "../probes/types";
import { startLocalService } from "./local-service";
import { authHeaders } from "./run-audit";
import { startBenchEndpoint, type BenchEndpoint } from "./bench-endpoint";
import { readEventStream } from "../lifecycle/endpoint/client";

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

async function promptBuild(tokenizerName: TokenizerName, contextTokens: number, fastRuns: number, naiveRuns: number) {
  const corpus = loadBuiltinCorpus("sotu");
  const tokenizer = await loadTokenizer(tokenizerName);
  const coldStart = performance.now();
  await prepareNeedleProbes(tokenizerName, corpus);
  const coldTokenizeMs = performance.now() - coldStart;
  const depths = Array.from({ length: fastRuns }, (_, i) => Math.round((100 * i) / Math.max(1, fastRuns - 1)));
  const fast = depths.map((depthPercent) => {
    const start = performance.now();
    const probe = buildNeedleProbe({ tokenizer: tokenizerName, contextLength: contextTokens, depthPercent, api: "completions" }, corpus);
    // Reading a character flattens the string, as sending it would: count that too.
    if (probe.prompt.api === "completions") probe.prompt.prompt.charCodeAt(probe.prompt.prompt.length >> 1);
    return performance.now() - start;
  });
  const naive = Array.from({ length: naiveRuns }, (_, i) => {
    const start = performance.now();
    naiveBuildNeedleHaystack(tokenizer, corpus.text, { contextLength: contextTokens, depthPercent: (25 * (i + 1)) % 100, needle: NEEDLE, bufferTokens: FINAL_CONTEXT_LENGTH_BUFFER });
    return performance.now() - start;
  });
  const ms = median(fast);
  const naiveMs = median(naive);
  return { tokenizer: tokenizerName, context_tokens: contextTokens, ms_p50: round(ms, 3), naive_ms_p50: round(naiveMs, 1), speedup: round(naiveMs / ms, 1), cold_tokenize_ms: round(coldTokenizeMs, 0) };
}

/**
 * The boundary cache (src/probes/needle/boundary-cache.ts) for a 128K-token haystack: a cold
 * isolate tokenizing the corpus prefix vs one loading the cached entry. The store here is a
 * directory of files (R2 in the Worker adds its own round trip, typically a few ms in-region);
 * load_ms is read + decode, as loadHaystack does it.
 */
async function boundaryCache(tokenizerName: TokenizerName, contextTokens: number, runs: number) {
  const corpus = loadBuiltinCorpus("sotu");
  const tokenizer = await loadTokenizer(tokenizerName);
  // The prefix holding exactly `contextTokens` tokens (found once, untimed).
  const whole = tokenizeHaystack(tokenizer, corpus);
  const textLength = whole.charStart[contextTokens]!;
  if (textLength < 0) throw new Error("the 128K boundary falls inside a character");
  const prefix = { ...corpus, text: corpus.text.slice(0, textLength) };
  const dir = mkdtempSync(join(tmpdir(), "ctxprobe-boundaries-"));
  const store: BoundaryStore = {
    get: async (key) => (existsSync(join(dir, encodeURIComponent(key))) ? new Uint8Array(readFileSync(join(dir, encodeURIComponent(key)))) : null),
    put: async (key, bytes) => writeFileSync(join(dir, encodeURIComponent(key)), bytes),
  };
  try {
    const cold: number[] = [];
    const warm: number[] = [];
    let bytes = 0;
    for (let i = 0; i < runs; i++) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      clearLoadedHaystacks();
      let start = performance.now();
      const first = await loadHaystack({ tokenizer: tokenizerName, corpus, textLength, store, tokenize: () => tokenizeHaystack(tokenizer, prefix) });
      cold.push(performance.now() - start);
      if (first.source !== "tokenized") throw new Error("expected a cold tokenization");
      bytes = encodeHaystack(first.haystack).length;
      clearLoadedHaystacks(); // a fresh isolate
      start = performance.now();
      const second = await loadHaystack({ tokenizer: tokenizerName, corpus, textLength, store, tokenize: () => { throw new Error("should load from the cache"); } });
      warm.push(performance.now() - start);
      if (second.source !== "store" || second.haystack.ids.length !== contextTokens) throw new Error("expected a cache load of the same haystack");
    }
    // Decode alone (no file read), for the record.
    const entry = encodeHaystack(whole.ids.length === contextTokens ? whole : tokenizeHaystack(tokenizer, prefix));
    const decodeMs = median(
      Array.from({ length: 5 }, () => {
        const decodeStart = performance.now();
        decodeHaystack(entry, { tokenizer: tokenizerName, corpus, textLength });
        return performance.now() - decodeStart;
      }),
    );
    const coldMs = median(cold);
    const loadMs = median(warm);
    return {
      tokenizer: tokenizerName,
      context_tokens: contextTokens,
      characters: textLength,
      entry_bytes: bytes,
      bytes_per_token: round(bytes / contextTokens, 2),
      cold_tokenize_ms: round(coldMs, 1),
      load_from_cache_ms: round(loadMs, 1),
      decode_only_ms: round(decodeMs, 1),
      speedup: round(coldMs / loadMs, 1),
      runs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The event-stream reader before the linear parser, kept here only to compare: it appended each
 * chunk to one string and searched it from the start for "\n\n", so one big event is quadratic.
 */
async function oldReadEventStream(body: ReadableStream<Uint8Array>): Promise<string> {
  let text = "";
  let buffer = "";
  let done = false;
  const decoder = new TextDecoder();
  const reader = body.getReader();
  const handleEvent = (event: string) => {
    for (const line of event.split("\n")) {
      if (!line.startsWith("data:")) continue;
      const data = line.slice(5).trim();
      if (data === "[DONE]") return void (done = true);
      text += (JSON.parse(data) as { choices: { text: string }[] }).choices[0]!.text;
    }
  };
  for (;;) {
    const { value, done: ended } = await reader.read();
    if (ended) break;
    buffer += decoder.decode(value, { stream: true }).replaceAll("\r\n", "\n");
    let boundary: number;
    while ((boundary = buffer.indexOf("\n\n")) >= 0 && !done) {
      handleEvent(buffer.slice(0, boundary));
      buffer = buffer.slice(boundary + 2);
    }
    if (done) break;
  }
  return text;
}

/** One event of `megabytes` MB (then [DONE]) in 16 KiB chunks: each reader's median time, and the 8 MB / 2 MB ratio. */
async function sseParse(sizesMb = [2, 4, 8], runs = 5, oldRuns = 3) {
  const chunkBytes = 16 * 1024;
  const streamOf = (bytes: Uint8Array) => {
    let at = 0;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= bytes.length) return controller.close();
        controller.enqueue(bytes.subarray(at, (at += chunkBytes)));
      },
    });
  };
  const time = async (read: () => Promise<unknown>, n: number) => {
    const ms: number[] = [];
    for (let i = 0; i < n; i++) {
      const start = performance.now();
      await read();
      ms.push(performance.now() - start);
    }
    return median(ms);
  };
  const rows: { mb: number; new_ms_p50: number; old_ms_p50: number }[] = [];
  for (const mb of sizesMb) {
    const bytes = new TextEncoder().encode(`data: {"choices":[{"text":"${"a".repeat(mb * 1_000_000)}"}]}\n\ndata: [DONE]\n\n`);
    const newMs = await time(async () => {
      const outcome = await readEventStream(streamOf(bytes), Date.now(), bytes.length);
      if (outcome.kind !== "ok") throw new Error(`sse_parse: ${JSON.stringify(outcome)}`);
    }, runs);
    const oldMs = await time(() => oldReadEventStream(streamOf(bytes)), oldRuns);
    rows.push({ mb, new_ms_p50: round(newMs, 1), old_ms_p50: round(oldMs, 0) });
  }
  const ratio = (key: "new_ms_p50" | "old_ms_p50") => round(rows[rows.length - 1]![key] / rows[0]![key], 1);
  return { chunk_bytes: chunkBytes, rows, new_ratio_8_2: ratio("new_ms_p50"), old_ratio_8_2: ratio("old_ms_p50"), note: "linear: the ratio stays near 4; quadratic: near 16" };
}

/** The local service's admin token, once it is started: submissions need a token. */
let serviceToken: string | undefined;

async function submitAndWait(base: string, body: unknown, pollMs = 100): Promise<{ id: string; wallS: number; run: Record<string, any> }> {
  const started = performance.now();
  // An Idempotency-Key makes it safe to resend the POST when an idle keep-alive connection was
  // closed by the server under us (fetch does not retry POSTs itself).
  const init = { method: "POST", headers: { "content-type": "application/json", "idempotency-key": crypto.randomUUID(), ...authHeaders(serviceToken) }, body: JSON.stringify(body) };
  const res = await fetch(`${base}/v1/runs`, init).catch(() => fetch(`${base}/v1/runs`, init));
  if (res.status !== 202) throw new Error(`submission failed: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  for (;;) {
    const run = (await (await fetch(`${base}/v1/runs/${id}`, { headers: authHeaders(serviceToken) })).json()) as Record<string, any>;
    if (["succeeded", "failed", "cancelled"].includes(run.status)) return { id, wallS: (performance.now() - started) / 1000, run };
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

function model(endpoint: BenchEndpoint, name: string, concurrency: number) {
  return { name, base_url: endpoint.url, model: name, tokenizer: "cl100k_base", context_window: 131072, max_concurrency: concurrency, request_timeout_s: 60 };
}

/**
 * Our order is measured through the service, against a reference model whose simulated prefix
 * cache holds CACHE_CAPACITY_TOKENS (two 128K prompts, as one GPU would) and reports cached
 * tokens. The same 400 prompts are then replayed one after another through fresh caches of the
 * same size in three orders: ours (no concurrency), grouped by length (deepest first within each,
 * the order before this one), and a fixed random shuffle; and at other cache sizes, to show how
 * each order depends on the cache.
 */
async function prefixCache(base: string) {
  const run = await submitAndWait(base, {
    model: { name: "cache", base_url: `${base}/reference/v1`, model: `extractive-128k+cache=${CACHE_CAPACITY_TOKENS}`, tokenizer: "cl100k_base", max_concurrency: 6, request_timeout_s: 120 },
    suites: [{ type: "needle", preset: "paper" }],
  });
  const usage = run.run.usage as { prompt_tokens: number; cached_tokens: number; cached_ratio: number };
  const corpus = loadBuiltinCorpus("sotu");
  await prepareNeedleProbes("cl100k_base", corpus);
  type Cell = { contextLength: number; depthPercent: number };
  const recipe = { type: "needle" as const, index: 0, corpus: corpus.id, corpus_version: corpus.version, tokenizer: "cl100k_base" as const, api: "completions" as const, context_lengths: [...PAPER_CONTEXT_LENGTHS], depth_percents: [...PAPER_DEPTH_PERCENTS] };
  const ours: Cell[] = SUITES.needle.plan(recipe).map((p) => ({ contextLength: p.contextLength!, depthPercent: p.depthPercent! }));
  const byLength: Cell[] = PAPER_CONTEXT_LENGTHS.flatMap((contextLength) => [...PAPER_DEPTH_PERCENTS].reverse().map((depthPercent) => ({ contextLength, depthPercent })));
  const random = [...byLength];
  let seed = 42; // a fixed shuffle, so runs compare
  const next = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  for (let i = random.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [random[i], random[j]] = [random[j]!, random[i]!];
  }
  const prompts = new Map<string, number[]>();
  for (const cell of ours) {
    const built = buildNeedleProbe({ tokenizer: "cl100k_base", api: "completions", ...cell }, corpus);
    prompts.set(`${cell.contextLength}/${cell.depthPercent}`, encodeTokens(built.prompt.api === "completions" ? built.prompt.prompt : ""));
  }
  const replay = (order: readonly Cell[], capacityTokens: number) =>
    round(cachedShare(order.map((cell) => prompts.get(`${cell.contextLength}/${cell.depthPercent}`)!), capacityTokens), 4);
  return {
    probes: 400,
    cache_capacity_tokens: CACHE_CAPACITY_TOKENS,
    prompt_tokens: usage.prompt_tokens,
    cached_tokens: usage.cached_tokens,
    cached_ratio: usage.cached_ratio,
    naive_cached_ratio: replay(random, CACHE_CAPACITY_TOKENS),
    by_length_cached_ratio: replay(byLength, CACHE_CAPACITY_TOKENS),
    replay_cached_ratio: replay(ours, CACHE_CAPACITY_TOKENS),
    by_capacity: [131_072, CACHE_CAPACITY_TOKENS, 1 << 20].map((capacity) => ({
      cache_tokens: capacity,
      ours: replay(ours, capacity),
      by_length: replay(byLength, capacity),
      random: replay(random, capacity),
    })),
    wall_s: round(run.wallS),
  };
}

const SECTIONS = ["prompt_build", "dispatch", "throughput", "prefix_cache", "overhead", "boundary_cache", "sse_parse"] as const;
/** Sections that need the local service (the others run in this process). */
const SERVICE_SECTIONS = ["dispatch", "throughput", "prefix_cache", "overhead"];

function benchArgs(argv: string[]): { only: Set<string>; repeat: number } {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const only = new Set((value("--only") ?? SECTIONS.join(",")).split(",").map((s) => s.trim()));
  for (const name of only) if (!(SECTIONS as readonly string[]).includes(name)) throw new Error(`--only: unknown section ${name} (one of ${SECTIONS.join(", ")})`);
  const repeat = Math.max(1, Math.floor(Number(value("--repeat") ?? 3)) || 1);
  return { only, repeat };
}

async function main() {
  const { only, repeat } = benchArgs(process.argv.slice(2));
  // A partial run keeps the other sections' last figures.
  const previous = only.size < SECTIONS.length && existsSync("bench/results.json") ? (JSON.parse(readFileSync("bench/results.json", "utf8")) as Record<string, unknown>) : {};
  const results: Record<string, unknown> = { ...previous, machine: { node: process.version, date: new Date().toISOString() } };
  if (only.has("prompt_build")) {
    console.error("prompt_build: tokenizing the corpus and timing 128K-token builds (llama2's naive path takes seconds per probe)…");
    results.prompt_build = [await promptBuild("cl100k_base", 128_000, 21, 5), await promptBuild("llama2", 128_000, 21, 3)];
  }
  if (only.has("boundary_cache")) {
    console.error("boundary_cache: a 128K-token haystack, cold tokenization vs a boundary-cache load…");
    results.boundary_cache = [await boundaryCache("cl100k_base", 128_000, 5), await boundaryCache("llama2", 128_000, 3)];
  }
  if (only.has("sse_parse")) {
    console.error("sse_parse: one 2 / 4 / 8 MB event through the linear parser and the old reader…");
    results.sse_parse = await sseParse();
  }
  if (SERVICE_SECTIONS.some((s) => only.has(s))) await serviceSections(only, repeat, results);

  mkdirSync("bench", { recursive: true });
  writeFileSync("bench/results.json", JSON.stringify(results, null, 2) + "\n");
  if (results.prompt_build) console.table((results.prompt_build as Record<string, unknown>[]).map((r) => ({ ...r })));
  if (results.boundary_cache) console.table((results.boundary_cache as Record<string, unknown>[]).map((r) => ({ ...r })));
  if (results.sse_parse) console.table((results.sse_parse as { rows: object[] }).rows.map((r) => ({ ...r })));
  if (SERVICE_SECTIONS.some((s) => results[s] !== undefined)) {
    console.table({ dispatch: results.dispatch, throughput: results.throughput, prefix_cache: results.prefix_cache, overhead: results.overhead } as Record<string, object>);
    const byCapacity = (results.prefix_cache as { by_capacity?: object[] } | undefined)?.by_capacity;
    if (byCapacity) console.table(byCapacity.map((row) => ({ ...row }))); // cached ratio per order and cache size
  }
  console.log(JSON.stringify(results));
}

async function serviceSections(only: Set<string>, repeat: number, results: Record<string, unknown>) {
  const stateDir = mkdtempSync(join(tmpdir(), "ctxprobe-bench-"));
  const port = 8700 + Math.floor(Math.random() * 90);
  console.error(`starting the local service on port ${port}…`);
  const service = await startLocalService({ port, persistTo: stateDir, output: "ignore" });
  serviceToken = service.adminToken;
  const latencyMs = 300;
  const slow = await startBenchEndpoint(latencyMs);
  const instant = await startBenchEndpoint(0);
  try {
    const K = 6;
    if (only.has("dispatch")) {
      const probes = 60;
      console.error(`dispatch: ${probes} probes, endpoint latency ${latencyMs} ms, concurrency ${K}, ${repeat} run(s)…`);
      const grid = { type: "needle", context_lengths: [1000, 2000, 3000, 4000, 5000, 6000], depth_percents: [0, 11, 22, 33, 44, 56, 67, 78, 89, 100] };
      const walls: number[] = [];
      // Polled every 20 ms: the 100 ms default would add ~50 ms of our own latency to a 3 s figure.
      for (let i = 0; i < repeat; i++) walls.push((await submitAndWait(service.url, { model: model(slow, "slow", K), suites: [grid] }, 20)).wallS);
      const wallS = median(walls);
      const idealS = Math.ceil(probes / K) * (latencyMs / 1000);
      results.dispatch = {
        probes,
        endpoint_latency_ms: latencyMs,
        concurrency: K,
        wall_s: round(wallS),
        ideal_s: round(idealS),
        efficiency: round(idealS / wallS),
        max_in_flight_seen: slow.maxInFlight,
        runs: repeat,
        walls_s: walls.map((w) => round(w)),
      };
    }

    if (only.has("throughput")) {
      console.error("throughput: the paper's 40 × 10 grid (400 probes, 1K–128K tokens) against an instant endpoint…");
      const paperRun = { model: model(instant, "instant", K), suites: [{ type: "needle", preset: "paper" }] };
      const plan = (await (await fetch(`${service.url}/v1/runs?dry_run=true`, { method: "POST", headers: { "content-type": "application/json", ...authHeaders(serviceToken) }, body: JSON.stringify(paperRun) })).json()) as { prompt_tokens: number };
      const paper = await submitAndWait(service.url, paperRun);
      const promptTokens = plan.prompt_tokens;
      results.throughput = { probes: 400, wall_s: round(paper.wallS), probes_per_s: round(400 / paper.wallS), prompt_tokens: promptTokens, prompt_tokens_per_s: Math.round(promptTokens / paper.wallS) };
    }

    if (only.has("prefix_cache")) {
      console.error("prefix_cache: the paper grid against the reference model (simulated prefix cache), our order vs a random order…");
      results.prefix_cache = await prefixCache(service.url);
    }

    if (only.has("overhead")) {
      console.error("overhead: 40 probes, concurrency 1, instant endpoint…");
      instant.arrivals.length = 0;
      const lengths = [1000, 4256, 10769, 20538, 33564, 49846, 66128, 85667, 105205, 128000];
      await submitAndWait(service.url, { model: model(instant, "instant-serial", 1), suites: [{ type: "needle", context_lengths: lengths, depth_percents: [0, 33, 67, 100] }] });
      const gaps = instant.arrivals.slice(1).map((t, i) => t - instant.arrivals[i]!);
      results.overhead = { probes: 40, ms_per_probe_p50: round(median(gaps), 1), note: "time between consecutive calls at concurrency 1 with an instant endpoint: build, call, score, settle, claim the next probe and the local queue hand-off" };
    }
  } finally {
    await slow.close();
    await instant.close();
    service.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
