// Failed and empty states say what happened: a failed run's needle section names the error instead
// of "none (95 % interval none – none) … at least 0.0", and a chart without values says so.
import { describe, expect, it } from "vitest";
import { LineChart } from "../../../src/web/charts";
import { NeedleSection } from "../../../src/web/needle-section";
import type { SuiteResult } from "../../../src/contract/run";

const recipe = { type: "needle", index: 0, corpus: "pg19", tokenizer: "cl100k_base", context_lengths: [1000, 4000], depth_percents: [0, 100] } as never;
const suite = (over: Partial<SuiteResult>): SuiteResult => ({
  index: 0, type: "needle", tokenizer: "cl100k_base", context_lengths: [1000, 4000], probes: 4, scored: 0, unscorable: 0, failed: 4, truncated: 0, incomplete: 0,
  scores: { paper: null, contains: null }, effective_context_length: { length: null, low: null, high: null, threshold: 0, definition: "relative", metric: "contains", resamples: 1000 },
  ...over,
});
const html = (node: unknown) => String(node);

describe("empty and failed states", () => {
  it("a failed run's needle section says it failed, and why, without a meaningless effective length", () => {
    const page = html(NeedleSection({ runId: "run_1", recipe, suite: suite({}), probes: [], metric: "paper", state: { status: "failed", error: "cannot reach http://gpu:8000/v1/completions (connection refused)" } }));
    expect(page).toContain("The run failed before any probe was scored: cannot reach http://gpu:8000/v1/completions (connection refused)");
    expect(page).not.toContain("interval none");
    expect(page).not.toContain("at least 0.0");
    expect(page).not.toContain("No probe is scored yet");
  });

  it("a length that scores 0 at the shortest length says none passes, without an interval of nones", () => {
    const page = html(NeedleSection({ runId: "run_1", recipe, suite: suite({ scored: 4, failed: 0, scores: { paper: 0, contains: 0 }, by_length: { "1000": { paper: 0 }, "4000": { paper: 0 } } }), probes: [], metric: "paper", state: { status: "succeeded", error: null } }));
    expect(page).toContain("Effective context length: none.");
    expect(page).toContain("is 0 even at the shortest tested length (1K tokens)");
    expect(page).not.toContain("interval none");
  });

  it("a chart with no value says so instead of drawing empty axes", () => {
    const chart = html(LineChart({ id: "c", title: "Mean paper score by context length", desc: "", xTitle: "x", points: [{ x: 1000, label: "1K", y: null }], xScale: "log2", empty: "No probe is scored yet." }));
    expect(chart).toContain("No probe is scored yet.");
    expect(chart).not.toContain("<svg");
  });
});
