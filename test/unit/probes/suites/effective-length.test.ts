import { describe, expect, it } from "vitest";
import { effectiveContextLength, lengthIntervals, type LengthSample } from "../../../../src/probes/suites/effective-length";

function grid(scoresByLength: Record<number, number[]>): LengthSample[] {
  return Object.entries(scoresByLength).flatMap(([length, scores]) => scores.map((score) => ({ contextLength: Number(length), score })));
}

describe("effective context length", () => {
  it("is the longest length when retrieval never degrades, with a tight interval", () => {
    const result = effectiveContextLength(grid({ 1000: [1, 1, 1], 64000: [1, 1, 1], 128000: [1, 1, 1] }));
    expect(result).toMatchObject({ length: 128000, low: 128000, high: 128000, threshold: 0.85, definition: "relative" });
  });

  it("stops before the first length that falls below 85 % of the shortest length's mean", () => {
    // A 4K-window model: perfect up to 4K, a third of the needles beyond.
    const result = effectiveContextLength(grid({ 1000: [1, 1, 1], 4000: [1, 1, 1], 16000: [1, 0, 0], 32000: [0, 0, 1] }));
    expect(result.length).toBe(4000);
    expect(result.low).toBeLessThanOrEqual(4000);
    expect(result.high).toBeGreaterThanOrEqual(4000);
  });

  it("requires every shorter length to pass: a dip ends it even if longer lengths recover", () => {
    const result = effectiveContextLength(grid({ 1000: [1, 1], 2000: [0, 0], 4000: [1, 1] }));
    expect(result.length).toBe(1000);
  });

  it("is relative to the model's own short-context score", () => {
    // 0.6 at 1K, 0.55 at 8K: 0.55 ≥ 0.85 × 0.6 = 0.51, so 8K passes although neither is near 1.
    const samples = grid({ 1000: Array.from({ length: 20 }, (_, i) => (i < 12 ? 1 : 0)), 8000: Array.from({ length: 20 }, (_, i) => (i < 11 ? 1 : 0)) });
    expect(effectiveContextLength(samples, { resamples: 0 }).length).toBe(8000);
  });

  it("offers RULER's absolute threshold", () => {
    const samples = grid({ 1000: [1, 1, 0, 1], 8000: [1, 1, 1, 0] });
    expect(effectiveContextLength(samples, { absoluteThreshold: 0.856, resamples: 0 })).toMatchObject({ length: null, definition: "absolute" });
    expect(effectiveContextLength(samples, { absoluteThreshold: 0.7, resamples: 0 }).length).toBe(8000);
  });

  it("is null when the shortest length already scores 0", () => {
    expect(effectiveContextLength(grid({ 1000: [0, 0], 2000: [1, 1] })).length).toBeNull();
  });

  it("gives the same interval for the same probes", () => {
    const samples = grid({ 1000: [1, 1, 1, 0], 2000: [1, 0, 1, 1], 4000: [0, 1, 0, 1] });
    expect(effectiveContextLength(samples)).toEqual(effectiveContextLength(samples));
  });

  it("puts intervals around per-length means", () => {
    const ci = lengthIntervals(grid({ 1000: [1, 1, 1, 1], 2000: [1, 0, 1, 0] }));
    expect(ci["1000"]).toEqual({ mean: 1, low: 1, high: 1 });
    expect(ci["2000"]!.mean).toBe(0.5);
    expect(ci["2000"]!.low).toBeLessThan(0.5);
    expect(ci["2000"]!.high).toBeGreaterThan(0.5);
  });
});
