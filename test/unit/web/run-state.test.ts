// What the run page says about a run's state: outcome counts, why nothing is scored, pace and
// ETA, the endpoint's throttle state; and the live stream's heatmap cells and their delta.
import { describe, expect, it } from "vitest";
import { CellDelta, pageCells } from "../../../src/web/live-cells";
import { noScoresText, outcomeCounts, paceText, runPace, throttleText } from "../../../src/web/run-state";
import type { SuiteRecipe } from "../../../src/probes/suites";

const counters = { total: 20, done: 14, failed: 2, unscorable: 1, truncated: 3, incomplete: 1 };

describe("the run's state in words", () => {
  it("counts probes by outcome; a finished run's unsettled ones were never called", () => {
    expect(outcomeCounts(counters, false)).toEqual({ scored: 7, truncated: 3, incomplete: 1, unscorable: 1, failed: 2, cancelled: 0 });
    expect(outcomeCounts(counters, true).cancelled).toBe(6);
  });

  it("says why nothing is scored", () => {
    const none = { failed: 0, unscorable: 0, truncated: 0, incomplete: 0 };
    expect(noScoresText({ status: "failed", error: "cannot reach http://x/v1/completions (connection refused)", counts: { ...none, failed: 3 } })).toBe(
      "The run failed before any probe was scored: cannot reach http://x/v1/completions (connection refused)",
    );
    expect(noScoresText({ status: "failed", error: null, counts: none })).toBe("The run failed before any probe was scored.");
    expect(noScoresText({ status: "cancelled", error: null, counts: none })).toBe("The run was cancelled before any probe was scored.");
    expect(noScoresText({ status: "succeeded", error: null, counts: { ...none, truncated: 4, unscorable: 1 } })).toBe("No probe could be scored: 1 unscorable, 4 truncated by the server.");
    expect(noScoresText({ status: "running", error: null, counts: none })).toBe("No probe is scored yet.");
  });

  it("measures the pace over the last minute once it has one, else since the start", () => {
    // 10 s after the start, 5 done: 30 per minute since the start; 15 left → 30 s.
    expect(runPace(20, [{ at: 10_000, done: 5 }], 0)).toEqual({ perMinute: 30, etaSeconds: 30 });
    // Over the stream's own samples: 12 probes in the last 60 s, though 1,000 s have passed since the start.
    const samples = [{ at: 900_000, done: 0 }, { at: 940_000, done: 8 }, { at: 1_000_000, done: 20 }];
    expect(runPace(32, samples, 0)).toEqual({ perMinute: 12, etaSeconds: 60 });
    expect(runPace(32, [{ at: 1_000, done: 0 }], 0).perMinute).toBeNull();
    expect(runPace(20, [{ at: 5_000, done: 20 }], 0).etaSeconds).toBe(0);
    expect(paceText({ perMinute: 12, etaSeconds: 61 })).toBe("Rate: 12 probes/min · ETA: about 1 min 01 s");
    expect(paceText({ perMinute: null, etaSeconds: null })).toBe("Rate: measuring… · ETA: not known yet");
  });

  it("words the endpoint's limiter, a pause included", () => {
    const now = Date.parse("2026-01-01T12:00:00Z");
    const limit = { endpoint: "http://x/v1#m", ceiling: 8, limit: 4, reduced: true, in_flight: 4, waiting: 3, paused_until: "2026-01-01T12:00:30Z", throttles: 2 };
    expect(throttleText(limit, now)).toBe(
      "Endpoint: 4 of 4 calls in flight · limit cut from 8 after a 429 · 3 waiting for a slot · paused until 12:00 UTC (30 s: the endpoint's Retry-After) · 2 throttled answers (429) so far",
    );
    expect(throttleText({ ...limit, reduced: false, waiting: 0, paused_until: null, throttles: 0 }, now)).toBe("Endpoint: 4 of 4 calls in flight");
  });
});

describe("live heatmap cells", () => {
  const needle = { type: "needle", index: 0, context_lengths: [1000, 2000], depth_percents: [0, 100] } as unknown as SuiteRecipe;
  const nonliteral = { type: "nonliteral", index: 1, kinds: ["literal", "one_hop"], pairs: 2, context_lengths: [1000], depth_percents: [50] } as unknown as SuiteRecipe;
  const probe = (idx: number, suiteIndex: number, length: number, depth: number, status: string, scores: Record<string, number> | null, item: number | null = null) =>
    ({ idx, suiteIndex, contextLength: length, depthPercent: depth, status, scores, item }) as never;

  it("draws needle cells on the page's metric and non-literal cells as the mean of their pairs", () => {
    const cells = pageCells(
      [needle, nonliteral],
      [probe(0, 0, 2000, 100, "scored", { contains: 1, paper: 0.5 }), probe(1, 0, 1000, 0, "failed", null), probe(2, 1, 1000, 50, "scored", { literal: 1 }, 0), probe(3, 1, 1000, 50, "scored", { literal: 0 }, 1), probe(4, 1, 1000, 50, "truncated", null, 2)],
      "contains",
    );
    expect(cells).toEqual([
      { heatmap: "heatmap-0", idx: 0, length: 2000, depth: 100, status: "scored", score: 1, fill: "#0cd79f", title: "2K tokens, depth 100 %: score 1.00" },
      { heatmap: "heatmap-0", idx: 1, length: 1000, depth: 0, status: "failed", score: null, fill: "url(#heatmap-0-hatch)", title: "1K tokens, depth 0 %: failed" },
      { heatmap: "heatmap-1-literal", idx: 2, length: 1000, depth: 50, status: "scored", score: 0.5, fill: "#ebb839", title: "1K tokens, depth 50 %: score 0.50 (mean of 2 probes)" },
      { heatmap: "heatmap-1-one_hop", idx: 4, length: 1000, depth: 50, status: "truncated", score: null, fill: "url(#heatmap-1-one_hop-hatch-cut)", title: "1K tokens, depth 50 %: truncated" },
    ]);
  });

  it("sends each cell once, and again only when its drawing changes", () => {
    const delta = new CellDelta();
    const first = pageCells([needle], [probe(0, 0, 2000, 100, "scored", { contains: 1 })], "contains");
    expect(delta.changed(first)).toHaveLength(1);
    const second = pageCells([needle], [probe(0, 0, 2000, 100, "scored", { contains: 1 }), probe(1, 0, 1000, 0, "scored", { contains: 0 })], "contains");
    expect(delta.changed(second).map((c) => c.idx)).toEqual([1]);
    expect(delta.changed(second)).toEqual([]);
  });
});
