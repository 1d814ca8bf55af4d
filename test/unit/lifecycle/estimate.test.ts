import { describe, expect, it } from "vitest";
import { costUsd, estimateWallSeconds, fitLatency } from "../../../src/lifecycle/estimate";

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
    const samples = [1000, 10_000, 50_000, 100_000].map((tokens) => ({ tokens, latencyMs: 200 + tokens * 0.05 }));
    const model = fitLatency(samples)!;
    expect(model.fixedMs).toBeCloseTo(200, 6);
    expect(model.msPerToken).toBeCloseTo(0.05, 9);
    // 10 probes of 50K tokens: 10 × (200 + 2500) ms over 5 lanes = 5.4 s.
    expect(estimateWallSeconds(model, 500_000, 10, 5)).toBe(5.4);
    expect(fitLatency(samples.slice(0, 2))).toBeNull();
  });

  it("never fits a negative fixed cost", () => {
    const model = fitLatency([{ tokens: 1000, latencyMs: 10 }, { tokens: 2000, latencyMs: 100 }, { tokens: 3000, latencyMs: 200 }])!;
    expect(model.fixedMs).toBe(0);
    expect(model.msPerToken).toBeGreaterThan(0);
  });
});
