// Cost and time before anything is sent. Cost comes from the model's prices; time from how this
// very endpoint performed in earlier runs (least squares: latency = a + b · prompt tokens + c ·
// completion tokens), never from a guess about hardware we cannot see.
import { latencySamples, type LatencySample } from "./store/probes";

export interface Prices {
  price_per_million_input?: number;
  price_per_million_output?: number;
  /** Hosted APIs bill prompt tokens served from their prefix cache at a discount. */
  price_per_million_cached_input?: number;
}

/** USD for a run's tokens; `cachedTokens` (part of `promptTokens`) at the cached-input price if one is set. */
export function costUsd(prices: Prices, promptTokens: number, completionTokens: number, cachedTokens = 0): number | null {
  if (prices.price_per_million_input === undefined && prices.price_per_million_output === undefined && prices.price_per_million_cached_input === undefined) return null;
  const input = prices.price_per_million_input ?? 0;
  const cached = Math.min(Math.max(0, cachedTokens), promptTokens);
  const usd = ((promptTokens - cached) * input + cached * (prices.price_per_million_cached_input ?? input) + completionTokens * (prices.price_per_million_output ?? 0)) / 1e6;
  return Math.round(usd * 1e6) / 1e6;
}

export interface LatencyModel {
  fixedMs: number;
  msPerToken: number;
  /** Per generated token; null when the history's replies were all one length, so the fit cannot tell it from the fixed cost. */
  msPerCompletionToken: number | null;
  /** The history's mean reply, in completion tokens: what a probe is expected to generate, up to its budget. */
  meanCompletionTokens: number;
  samples: number;
}

type Column = (s: LatencySample) => number;
const COLUMNS: readonly Column[] = [() => 1, (s) => s.tokens, (s) => s.completionTokens];

/** Least squares on the chosen columns (normal equations, Gaussian elimination); null when singular. */
function leastSquares(samples: readonly LatencySample[], columns: readonly Column[]): number[] | null {
  const k = columns.length;
  const a = columns.map((ci) => [...columns.map((cj) => samples.reduce((sum, s) => sum + ci(s) * cj(s), 0)), samples.reduce((sum, s) => sum + ci(s) * s.latencyMs, 0)]);
  for (let col = 0; col < k; col++) {
    const pivot = a.reduce((best, row, r) => (r >= col && Math.abs(row[col]!) > Math.abs(a[best]![col]!) ? r : best), col);
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const scale = Math.max(1e-300, ...a.map((row) => Math.abs(row[col]!)));
    if (Math.abs(a[col]![col]!) <= 1e-9 * scale) return null;
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const f = a[r]![col]! / a[col]![col]!;
      for (let c = col; c <= k; c++) a[r]![c]! -= f * a[col]![c]!;
    }
  }
  return a.map((row, r) => row[k]! / row[r]!);
}

/**
 * Fits latency = a + b·prompt tokens + c·completion tokens with a, b, c ≥ 0: the best of the
 * least-squares fits on each subset of the three terms whose coefficients are all non-negative
 * (a term left out is 0). Null with fewer than 3 samples.
 */
export function fitLatency(samples: readonly LatencySample[]): LatencyModel | null {
  const n = samples.length;
  if (n < 3) return null;
  const meanCompletionTokens = samples.reduce((sum, s) => sum + s.completionTokens, 0) / n;
  // Replies all of one length cannot be told from the fixed cost: the fit leaves that term out.
  const repliesVary = samples.some((s) => Math.abs(s.completionTokens - meanCompletionTokens) >= 1);
  let best: { coef: number[]; sse: number } = { coef: [0, 0, 0], sse: samples.reduce((sum, s) => sum + s.latencyMs ** 2, 0) };
  for (let mask = 1; mask < (repliesVary ? 8 : 4); mask++) {
    const chosen = [0, 1, 2].filter((i) => mask & (1 << i));
    const fit = leastSquares(samples, chosen.map((i) => COLUMNS[i]!));
    if (!fit || fit.some((c) => c < 0)) continue;
    const coef = [0, 0, 0];
    chosen.forEach((i, j) => (coef[i] = fit[j]!));
    const sse = samples.reduce((sum, s) => sum + (s.latencyMs - COLUMNS.reduce((p, col, i) => p + coef[i]! * col(s), 0)) ** 2, 0);
    if (sse < best.sse - 1e-9 * best.sse) best = { coef, sse };
  }
  return { fixedMs: best.coef[0]!, msPerToken: best.coef[1]!, msPerCompletionToken: repliesVary ? best.coef[2]! : null, meanCompletionTokens, samples: n };
}

const HISTORY_SAMPLES = 2000;

/** Latency samples of this endpoint and model from its most recent runs. */
export async function endpointLatencyModel(env: Env, baseUrl: string, model: string): Promise<LatencyModel | null> {
  return fitLatency(await latencySamples(env.DB, baseUrl, model, HISTORY_SAMPLES));
}

/**
 * Wall time of `probes` probes at a concurrency. Each suite's probes are expected to generate the
 * history's mean reply, up to their budget (`budgets`: probes and completion budget per suite).
 */
export function estimateWallSeconds(latency: LatencyModel, promptTokens: number, probes: number, concurrency: number, budgets: readonly { probes: number; max_completion_tokens: number }[] = []): number {
  const expectedCompletion = budgets.reduce((sum, b) => sum + b.probes * Math.min(b.max_completion_tokens / Math.max(1, b.probes), latency.meanCompletionTokens), 0);
  const totalMs = probes * latency.fixedMs + promptTokens * latency.msPerToken + expectedCompletion * (latency.msPerCompletionToken ?? 0);
  return Math.round((totalMs / Math.max(1, Math.min(concurrency, probes)) / 1000) * 10) / 10;
}

/** How time_s was reached, in a sentence. */
export function latencyBasis(latency: LatencyModel, concurrency: number): string {
  const fit = `${latency.samples} earlier probes of this endpoint: ${Math.round(latency.fixedMs)} ms + ${(latency.msPerToken * 1000).toFixed(3)} ms per 1K prompt tokens`;
  const replies = Math.round(latency.meanCompletionTokens);
  const perReply =
    latency.msPerCompletionToken === null
      ? `; their replies were all ${replies} tokens long, so the time per generated token is unknown and longer replies are not counted`
      : ` + ${latency.msPerCompletionToken.toFixed(2)} ms per completion token, replies of ${replies} tokens on average (at most each probe's max_tokens)`;
  return `${fit}${perReply}, at max_concurrency ${concurrency}`;
}
