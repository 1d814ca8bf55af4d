import { describe, expect, it } from "vitest";
import { gridHeatmap, type GridRecipe } from "../../../../src/probes/suites/aggregate";
import { wilsonInterval } from "../../../../src/probes/suites/proportion";
import type { SettledProbe } from "../../../../src/probes/suites/suite";

const recipe = { index: 1, type: "nonliteral", context_lengths: [1000, 4000], depth_percents: [0, 100] } as unknown as GridRecipe;
const probe = (contextLength: number, depthPercent: number, scores: Record<string, number>, over: Partial<SettledProbe> = {}): SettledProbe => ({
  suiteIndex: 1,
  status: "scored",
  contextLength,
  depthPercent,
  item: 0,
  scores,
  ...over,
});

describe("Wilson score interval", () => {
  it("matches the textbook values and stays inside [0, 1]", () => {
    expect(wilsonInterval(5, 10)).toEqual({ low: 0.2366, high: 0.7634 });
    expect(wilsonInterval(0, 6)).toEqual({ low: 0, high: 0.3903 });
    expect(wilsonInterval(6, 6)).toEqual({ low: 0.6097, high: 1 });
  });
});

describe("grid heatmap", () => {
  it("gives each cell its mean, its count and, for 0/1 scores, its interval; other suites' and unscored probes are left out", () => {
    const probes = [
      probe(1000, 0, { literal: 1 }),
      probe(1000, 0, { literal: 0 }),
      probe(4000, 100, { literal: 1 }),
      probe(4000, 100, { one_hop: 0 }),
      probe(1000, 100, { literal: 0 }, { suiteIndex: 0 }),
      probe(1000, 100, { literal: 1 }, { status: "failed" }),
    ];
    expect(gridHeatmap(recipe, probes, "literal")).toEqual({
      context_lengths: [1000, 4000],
      depth_percents: [0, 100],
      scores: [
        [0.5, null],
        [null, 1],
      ],
      counts: [
        [2, 0],
        [0, 1],
      ],
      intervals: [
        [wilsonInterval(1, 2), null],
        [null, wilsonInterval(1, 1)],
      ],
    });
  });

  it("has no interval for a graded metric", () => {
    const heatmap = gridHeatmap(recipe, [probe(1000, 0, { paper: 0.9167 }), probe(1000, 0, { paper: 1 })], "paper");
    expect(heatmap.scores[0]![0]).toBeCloseTo(0.95835, 12);
    expect(heatmap.intervals[0]![0]).toBeNull();
  });
});
