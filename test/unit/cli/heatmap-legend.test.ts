// The text heatmap says which metric it shades and where each shade begins.
import { describe, expect, it } from "vitest";
import { shadeLegend, textHeatmap } from "../../../src/cli/render";
import { runReport } from "../../../src/cli/ctxprobe/report";

describe("the text heatmap's legend", () => {
  it("names the metric and the thresholds between shades", () => {
    expect(shadeLegend("contains")).toBe("contains score (0–1): ' ' < 0.125 ≤ ░ < 0.375 ≤ ▒ < 0.625 ≤ ▓ < 0.875 ≤ █   · not scored");
    expect(shadeLegend()).toMatch(/^score \(0–1\): /);
  });

  it("shades each cell by those thresholds", () => {
    const scores = [[0.124, 0.125, 0.374, 0.375, 0.624, 0.625, 0.874, 0.875]];
    const text = textHeatmap({ metric: "paper", context_lengths: [1, 2, 3, 4, 5, 6, 7, 8], depth_percents: [50], scores });
    const lines = text.split("\n");
    expect(lines[1]).toBe("  50% │    ░░░ ░░░ ▒▒▒ ▒▒▒ ▓▓▓ ▓▓▓ ███│");
    expect(lines.at(-1)).toBe(`       ${shadeLegend("paper")}`);
  });

  it("is printed under `ctxprobe runs show`'s heatmap with the metric named", () => {
    const run = {
      id: "run_1", status: "succeeded", created_at: "2026-01-01T00:00:00Z", finished_at: null, error: null, warnings: [], suites: [],
      model: { name: "m", model: "m", api: "completions", tokenizer: "cl100k_base" },
      progress: { done: 1, total: 1, failed: 0, unscorable: 0, truncated: 0, incomplete: 0 }, usage: { prompt_tokens: 1, completion_tokens: 1 },
    };
    const heatmap = { run_id: "run_1", suite: 0, metric: "contains", context_lengths: [1000], depth_percents: [0], scores: [[1]], counts: [[1]], intervals: [[null]] };
    const report = runReport(run as never, heatmap as never, "http://x");
    expect(report).toContain("heatmap of suite 0, metric contains:");
    expect(report).toContain(`         ${shadeLegend("contains")}`);
  });
});
