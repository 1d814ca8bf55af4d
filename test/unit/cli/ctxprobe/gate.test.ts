import { describe, expect, it } from "vitest";
import { gateVerdict, headlineScore, literalGap, longestLoss } from "../../../../src/cli/ctxprobe/gate";

const suite = (scores: Record<string, number | null>, type = "needle") => ({ index: 0, type, tokenizer: "cl100k_base", probes: 1, scored: 1, unscorable: 0, failed: 0, truncated: 0, incomplete: 0, scores });
const run = (scores: Record<string, number | null>, status: "succeeded" | "failed" | "cancelled" = "succeeded") => ({
  status,
  error: status === "failed" ? "every probe failed" : null,
  suites: [suite(scores), suite({ paper: 0, contains: 0 })],
});

describe("--fail-under gate", () => {
  it("reads the headline score from the first suite", () => {
    expect(headlineScore(run({ paper: 91.67, contains: 100 }), "paper")).toBe(91.67);
    expect(headlineScore(run({ paper: 91.67, contains: 100 }), "contains")).toBe(100);
    expect(headlineScore(run({ paper: null }), "paper")).toBeNull();
    expect(headlineScore({ suites: [] }, "paper")).toBeNull();
  });

  it("passes at or above the threshold and fails below it", () => {
    expect(gateVerdict(run({ paper: 91.67 }), "paper", 90)).toEqual({ pass: true, message: "PASS: headline needle paper 91.67 ≥ 90" });
    expect(gateVerdict(run({ paper: 90 }), "paper", 90).pass).toBe(true);
    expect(gateVerdict(run({ paper: 89.99 }), "paper", 90)).toEqual({ pass: false, message: "FAIL: headline needle paper 89.99 is below --fail-under 90" });
    expect(gateVerdict(run({ paper: 91.67, contains: 75 }), "contains", 90).pass).toBe(false);
  });

  it("fails when there is no score to compare", () => {
    expect(gateVerdict(run({ paper: null }), "paper", 50)).toMatchObject({ pass: false, message: expect.stringContaining("no headline needle paper score") });
  });

  it("fails a run that did not succeed, with or without a threshold", () => {
    expect(gateVerdict(run({ paper: 91.67 }, "failed"), "paper", 10)).toEqual({ pass: false, message: "FAIL: the run ended failed (every probe failed)" });
    expect(gateVerdict(run({ paper: 91.67 }, "cancelled"), "paper", undefined).pass).toBe(false);
    expect(gateVerdict(run({ paper: 10 }), "paper", undefined)).toEqual({ pass: true, message: "" });
  });
});

describe("a run whose lengths are not what they claim", () => {
  const warned = (code: "truncated" | "token_mismatch" | "incomplete") => ({ ...run({ paper: 95 }), warnings: [{ code, count: 3, message: "…" }] });

  it("fails the gate with a threshold unless --allow-mismatch", () => {
    expect(gateVerdict(warned("truncated"), "paper", 90)).toEqual({
      pass: false,
      message: "PASS: headline needle paper 95.00 ≥ 90\nFAIL: the run's lengths are not what they claim (truncated); see the warnings above, or pass --allow-mismatch",
    });
    expect(gateVerdict(warned("token_mismatch"), "paper", 90).pass).toBe(false);
    expect(gateVerdict(warned("token_mismatch"), "paper", 90, { allowMismatch: true }).pass).toBe(true);
  });

  it("leaves a run without a threshold, and warnings that do not touch lengths, alone", () => {
    expect(gateVerdict(warned("truncated"), "paper", undefined).pass).toBe(true);
    expect(gateVerdict(warned("incomplete"), "paper", 90).pass).toBe(true);
  });
});

describe("--metric SUITE.METRIC and --max-gap", () => {
  const gap = (length: number | null) => ({ relative: { length, low: length, high: length, definition: "relative" as const, resamples: 1000 } });
  const nonliteral = (literal_gap: ReturnType<typeof gap> | null, scores: Record<string, number | null> = { nonliteral: 12.5, literal: 95 }) => ({
    ...suite(scores, "nonliteral"),
    nonliteral: { literal_gap } as never,
  });
  const withGap = (g: ReturnType<typeof gap> | null) => ({ status: "succeeded" as const, error: null, suites: [suite({ paper: 91.67 }), nonliteral(g)] });

  it("reads a named suite's metric", () => {
    expect(headlineScore(withGap(gap(16000)), "nonliteral.literal")).toBe(95);
    expect(headlineScore(withGap(gap(16000)), "nonliteral.nonliteral")).toBe(12.5);
    expect(headlineScore(withGap(gap(16000)), "bookqa.f1")).toBeNull();
    expect(gateVerdict(withGap(gap(16000)), "nonliteral.nonliteral", 50)).toEqual({ pass: false, message: "FAIL: headline nonliteral nonliteral 12.50 is below --fail-under 50" });
  });

  it("passes a gap at or under --max-gap, fails one above it or a run without one, and combines with --fail-under", () => {
    expect(literalGap(withGap(gap(16000)))).toBe(16000);
    expect(gateVerdict(withGap(gap(16000)), "paper", undefined, { maxGap: 16000 })).toEqual({ pass: true, message: "PASS: literal gap 16000 tokens ≤ 16000" });
    expect(gateVerdict(withGap(gap(16000)), "paper", undefined, { maxGap: 8000 })).toEqual({ pass: false, message: "FAIL: literal gap 16000 tokens is above --max-gap 8000" });
    expect(gateVerdict(withGap(null), "paper", undefined, { maxGap: 8000 }).message).toMatch(/no literal gap to compare/);
    expect(gateVerdict(run({ paper: 91.67 }), "paper", undefined, { maxGap: 8000 }).pass).toBe(false);
    const both = gateVerdict(withGap(gap(0)), "paper", 95, { maxGap: 8000 });
    expect(both).toEqual({ pass: false, message: "FAIL: headline needle paper 91.67 is below --fail-under 95\nPASS: literal gap 0 tokens ≤ 8000" });
  });
});

describe("--max-loss", () => {
  const cell = (loss: number) => ({ loss, low: null, high: null, perplexity: Math.exp(loss), documents: 1 });
  const withLoss = (lossAt: Record<string, number>) => ({
    status: "succeeded" as const,
    error: null,
    suites: [{ ...suite({ loss: 2 }, "loss"), loss: { domains: ["sotu"], documents: 1, by_domain: {}, position_curve: {}, loss_at: Object.fromEntries(Object.entries(lossAt).map(([l, v]) => [l, cell(v)])) } }],
  });

  it("compares Loss@L at the run's longest length", () => {
    expect(longestLoss(withLoss({ "1000": 3.1, "128000": 2.05 }))).toEqual({ length: 128000, loss: 2.05 });
    expect(gateVerdict(withLoss({ "1000": 3.1, "128000": 2.05 }), "paper", undefined, { maxLoss: 2.1 })).toEqual({ pass: true, message: "PASS: Loss@128000 2.0500 nats ≤ 2.1" });
    expect(gateVerdict(withLoss({ "1000": 3.1, "128000": 2.25 }), "paper", undefined, { maxLoss: 2.1 })).toEqual({ pass: false, message: "FAIL: Loss@128000 2.2500 nats is above --max-loss 2.1" });
    expect(gateVerdict(withLoss({}), "paper", undefined, { maxLoss: 2.1 }).message).toMatch(/no Loss@L to compare/);
  });
});

describe("--min-mmlu", () => {
  const withMmlu = (micro: number | null) => ({ status: "succeeded" as const, error: null, suites: [suite({ paper: 91.67 }), suite({ micro, macro: micro }, "mmlu")] });

  it("compares the mmlu suite's micro accuracy", () => {
    expect(gateVerdict(withMmlu(44.5), "paper", undefined, { minMmlu: 40 })).toEqual({ pass: true, message: "PASS: multiple-choice accuracy 44.50 ≥ 40" });
    expect(gateVerdict(withMmlu(38), "paper", undefined, { minMmlu: 40 })).toEqual({ pass: false, message: "FAIL: multiple-choice accuracy 38.00 is below --min-mmlu 40" });
    expect(gateVerdict(withMmlu(null), "paper", undefined, { minMmlu: 40 }).message).toMatch(/no multiple-choice accuracy/);
    expect(headlineScore(withMmlu(44.5), "mmlu.macro")).toBe(44.5);
  });
});
