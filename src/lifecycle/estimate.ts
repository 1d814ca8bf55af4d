// Cost and time before anything is sent. Cost comes from the model's prices; time from how this
// very endpoint performed in earlier runs (a least-squares line latency = a + b · prompt tokens),
// never from a guess about hardware we cannot see.
import { latencySamples } from "./store/probes";

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
  samples: number;
}

/** Fits latency = a + b·tokens (a, b ≥ 0) to (tokens, latency) samples; null with fewer than 3. */
export function fitLatency(samples: { tokens: number; latencyMs: number }[]): LatencyModel | null {
  const n = samples.length;
  if (n < 3) return null;
  const meanT = samples.reduce((s, x) => s + x.tokens, 0) / n;
  const meanL = samples.reduce((s, x) => s + x.latencyMs, 0) / n;
  const sxx = samples.reduce((s, x) => s + (x.tokens - meanT) ** 2, 0);
  const sxy = samples.reduce((s, x) => s + (x.tokens - meanT) * (x.latencyMs - meanL), 0);
  let msPerToken = sxx > 0 ? Math.max(0, sxy / sxx) : 0;
  let fixedMs = meanL - msPerToken * meanT;
  if (fixedMs < 0) {
    // Through the origin instead: latency proportional to tokens.
    fixedMs = 0;
    const stt = samples.reduce((s, x) => s + x.tokens * x.tokens, 0);
    msPerToken = stt > 0 ? samples.reduce((s, x) => s + x.tokens * x.latencyMs, 0) / stt : 0;
  }
  return { fixedMs, msPerToken, samples: n };
}

const HISTORY_SAMPLES = 2000;

/** Latency samples of this endpoint and model from its most recent runs. */
export async function endpointLatencyModel(env: Env, baseUrl: string, model: string): Promise<LatencyModel | null> {
  return fitLatency(await latencySamples(env.DB, baseUrl, model, HISTORY_SAMPLES));
}

export function estimateWallSeconds(latency: LatencyModel, promptTokens: number, probes: number, concurrency: number): number {
  const totalMs = probes * latency.fixedMs + promptTokens * latency.msPerToken;
  return Math.round((totalMs / Math.max(1, Math.min(concurrency, probes)) / 1000) * 10) / 10;
}
