import { describe, expect, it } from "vitest";
import { costUsd, estimateWallSeconds, fitLatency, latencyBasis } from "../../../src/lifecycle/estimate";

describe("estimates", () => {
  it("prices tokens per million, or says nothing without prices", () => {
    expect(costUsd({ price_per_million_input: 2, price_per_million_output: 8 }, 1_000_000, 10_000)).toBe(2.08);
    expect(costUsd({ price_per_million_input: 0.5 }, 2_000_000, 5)).toBe(1);
    expect(costUsd({}, 1_000_000, 1)).toBeNull();
    // Cached prompt tokens at the cached-input price; without one, at the input price.
    expect(costUsd({ price_per_million_input: 2, price_per_million_cached_input: 0.5, price_per_million_output: 8 }, 1_000_000, 10_000, 600_000)).toBe(1.18);
    expect(costUsd({ price_per_million_input: 2 }, 1_000_000, 0, 600_000)).toBe(2);
    expect(costUsd({ price_per_million_cached_input: 1 }, 1_000_000, 0, 2_000_000)).toBe(1); // cached never above prompt
  });

  it("fits latency = a + b·tokens and predicts wall time at a concurrency", () => {
    const samples = [1000, 10_000, 50_000, 100_000].map((tokens) => ({ tokens, completionTokens: 20, latencyMs: 200 + tokens * 0.05 }));
    const model = fitLatency(samples)!;
    expect(model.fixedMs).toBeCloseTo(200, 6);
    expect(model.msPerToken).toBeCloseTo(0.05, 9);
    // Every reply was 20 tokens: the time per generated token cannot be told from the fixed cost.
    expect(model.msPerCompletionToken).toBeNull();
    expect(model.meanCompletionTokens).toBe(20);
    // 10 probes of 50K tokens: 10 × (200 + 2500) ms over 5 lanes = 5.4 s.
    expect(estimateWallSeconds(model, 500_000, 10, 5)).toBe(5.4);
    expect(latencyBasis(model, 5)).toContain("replies were all 20 tokens long, so the time per generated token is unknown");
    expect(fitLatency(samples.slice(0, 2))).toBeNull();
  });

  it("fits the time per completion token where replies vary, and expects each probe's reply up to its budget", () => {
    // 300 ms + 0.02 ms per prompt token + 25 ms per generated token (decode), replies of 10–2,000 tokens.
    const samples = [
      [1000, 10], [8000, 400], [16_000, 40], [32_000, 2000], [64_000, 150], [100_000, 900], [4000, 1200],
    ].map(([tokens, completionTokens]) => ({ tokens: tokens!, completionTokens: completionTokens!, latencyMs: 300 + tokens! * 0.02 + completionTokens! * 25 }));
    const model = fitLatency(samples)!;
    expect(model.fixedMs).toBeCloseTo(300, 4);
    expect(model.msPerToken).toBeCloseTo(0.02, 8);
    expect(model.msPerCompletionToken).toBeCloseTo(25, 6);
    const mean = samples.reduce((sum, s) => sum + s.completionTokens, 0) / samples.length; // ~671
    expect(model.meanCompletionTokens).toBeCloseTo(mean, 9);
    // 4 needle probes with a 50-token budget (50 each) and 2 reasoning probes with 8,192 (the mean each), one lane.
    const budgets = [{ probes: 4, max_completion_tokens: 200 }, { probes: 2, max_completion_tokens: 16_384 }];
    const expectedMs = 6 * 300 + 60_000 * 0.02 + (4 * 50 + 2 * mean) * 25;
    expect(estimateWallSeconds(model, 60_000, 6, 1, budgets)).toBe(Math.round(expectedMs / 100) / 10);
    expect(latencyBasis(model, 1)).toContain("25.00 ms per completion token");
  });

  it("never fits a negative coefficient", () => {
    const model = fitLatency([{ tokens: 1000, completionTokens: 0, latencyMs: 10 }, { tokens: 2000, completionTokens: 0, latencyMs: 100 }, { tokens: 3000, completionTokens: 0, latencyMs: 200 }])!;
    expect(model.fixedMs).toBe(0);
    expect(model.msPerToken).toBeGreaterThan(0);
    // Longer replies that came back faster (noise) give no negative time per generated token.
    const noisy = fitLatency([1, 2, 3, 4].map((i) => ({ tokens: 1000 * i, completionTokens: 100 * (5 - i), latencyMs: 100 * i })))!;
    expect(noisy.msPerCompletionToken).toBe(0);
    expect(noisy.msPerToken).toBeGreaterThan(0);
  });
});
