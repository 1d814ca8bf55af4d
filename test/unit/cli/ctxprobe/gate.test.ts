import { describe, expect, it } from "vitest";
import { gateVerdict, headlineScore } from "../../../../src/cli/ctxprobe/gate";

const suite = (scores: Record<string, number | null>, type = "needle") => ({ index: 0, type, tokenizer: "cl100k_base", probes: 1, scored: 1, unscorable: 0, failed: 0, scores });
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
