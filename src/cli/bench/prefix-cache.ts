// prefix_cache — cached-token ratio of the paper grid in our dispatch order vs a random order and
// vs grouping by length, through a simulated cache the size of one GPU's.
import { loadBuiltinCorpus } from "../../probes/corpora";
import { buildNeedleProbe, PAPER_CONTEXT_LENGTHS, PAPER_DEPTH_PERCENTS, prepareNeedleProbes } from "../../probes/needle";
import { SUITES } from "../../probes/suites";
import { CACHE_CAPACITY_TOKENS, cachedShare } from "../../reference/prefix-cache";
import { encodeTokens } from "../../reference/tokens";
import { submitAndWait, type BenchService } from "./client";
import { round } from "./stats";

type Cell = { contextLength: number; depthPercent: number };

/** The paper grid in three orders: ours (the needle suite's plan), grouped by length, and a fixed shuffle. */
function gridOrders(corpus: { id: string; version: string }) {
  const recipe = { type: "needle" as const, index: 0, corpus: corpus.id, corpus_version: corpus.version, tokenizer: "cl100k_base" as const, api: "completions" as const, context_lengths: [...PAPER_CONTEXT_LENGTHS], depth_percents: [...PAPER_DEPTH_PERCENTS] };
  const ours: Cell[] = SUITES.needle.plan(recipe).map((p) => ({ contextLength: p.contextLength!, depthPercent: p.depthPercent! }));
  // Deepest first within each length: the order before ours.
  const byLength: Cell[] = PAPER_CONTEXT_LENGTHS.flatMap((contextLength) => [...PAPER_DEPTH_PERCENTS].reverse().map((depthPercent) => ({ contextLength, depthPercent })));
  const random = [...byLength];
  let seed = 42; // a fixed shuffle, so runs compare
  const next = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  for (let i = random.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [random[i], random[j]] = [random[j]!, random[i]!];
  }
  return { ours, byLength, random };
}

/**
 * Our order is measured through the service, against a reference model whose simulated prefix
 * cache holds CACHE_CAPACITY_TOKENS (two 128K prompts, as one GPU would) and reports cached
 * tokens. The same 400 prompts are then replayed one after another through fresh caches of the
 * same size in three orders: ours (no concurrency), grouped by length (deepest first within each,
 * the order before this one), and a fixed random shuffle; and at other cache sizes, to show how
 * each order depends on the cache.
 */
export async function prefixCache(service: BenchService) {
  const run = await submitAndWait(service, {
    model: { name: "cache", base_url: `${service.url}/reference/v1`, model: `extractive-128k+cache=${CACHE_CAPACITY_TOKENS}`, tokenizer: "cl100k_base", max_concurrency: 6, request_timeout_s: 120 },
    suites: [{ type: "needle", preset: "paper" }],
  });
  const usage = run.run.usage as { prompt_tokens: number; cached_tokens: number; cached_ratio: number };
  const corpus = await loadBuiltinCorpus("sotu");
  await prepareNeedleProbes("cl100k_base", corpus);
  const { ours, byLength, random } = gridOrders(corpus);
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
