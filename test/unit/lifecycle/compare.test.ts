// The difference and noise computations of a comparison: the tests and intervals (checked against
// published or scipy values), and the grid's difference cells, lengths and effective lengths.
import { describe, expect, it } from "vitest";
import { benjaminiHochberg, differenceInterval, differenceTest, fisherExact, meanInterval, permutationTest } from "../../../src/probes/suites/difference";
import { commonAxes, compareEffectiveLengths, compareGrid, type GridRun } from "../../../src/lifecycle/compare-grid";
import { compareSuites } from "../../../src/lifecycle/compare-suites";
import { parseRunIds } from "../../../src/lifecycle/compare";
import { DomainError } from "../../../src/common/errors";
import type { NeedleRecipe } from "../../../src/probes/suites/needle";
import type { SettledProbe } from "../../../src/probes/suites/suite";

const ones = (k: number, n: number) => Array.from({ length: n }, (_, i) => (i < k ? 1 : 0));

describe("the noise tests", () => {
  it("Fisher's exact test matches scipy.stats.fisher_exact", () => {
    expect(fisherExact(3, 10, 8, 10)).toBeCloseTo(0.06977851869492736, 12);
    expect(fisherExact(2, 10, 9, 12)).toBeCloseTo(0.029973122852379817, 12);
    expect(fisherExact(0, 5, 5, 5)).toBeCloseTo(2 / 252, 12);
    expect(fisherExact(1, 1, 0, 1)).toBe(1); // one probe each: never beyond noise
  });

  it("the permutation test counts the splits at least as extreme as the observed one", () => {
    // 20 ways to split six values into three and three; the observed split and its mirror are the extremes.
    expect(permutationTest([0.1, 0.2, 0.3], [0.7, 0.8, 0.9])).toBeCloseTo(2 / 20, 12);
    expect(permutationTest([0.5], [0.9])).toBe(1);
    expect(permutationTest([0.2, 0.4, 0.6], [0.2, 0.4, 0.6])).toBe(1);
    // Too many splits to enumerate: a seeded Monte Carlo estimate, at least 1 / 10001.
    const low = Array.from({ length: 15 }, (_, i) => 0.1 + i / 100);
    const high = low.map((x) => x + 0.5);
    expect(permutationTest(low, high)).toBeCloseTo(1 / 10_001, 8);
    expect(permutationTest(low, high)).toBe(permutationTest(low, high));
  });

  it("picks Fisher's test for 0/1 scores and the permutation test for graded ones", () => {
    expect(differenceTest(ones(0, 5), ones(5, 5))).toEqual({ p: fisherExact(0, 5, 5, 5), test: "fisher" });
    expect(differenceTest([0, 0.9167], [0.9167, 0.9167])!.test).toBe("permutation");
    expect(differenceTest([], [1])).toBeNull();
  });

  it("Benjamini–Hochberg q-values, with untested entries left out", () => {
    const q = benjaminiHochberg([0.01, 0.04, null, 0.03, 0.5]);
    expect(q[0]).toBeCloseTo(0.04, 12);
    expect(q[1]).toBeCloseTo(0.04 * (4 / 3), 12);
    expect(q[2]).toBeNull();
    expect(q[3]).toBeCloseTo(0.04 * (4 / 3), 12); // monotone: not above the next larger p's q
    expect(q[4]).toBeCloseTo(0.5, 12);
  });

  it("Newcombe's hybrid interval reproduces his worked example (56/70 − 48/80)", () => {
    const d = differenceInterval(ones(48, 80), ones(56, 70))!;
    expect(d.value).toBeCloseTo(0.2, 12);
    expect(d.low).toBeCloseTo(0.0524, 3);
    expect(d.high).toBeCloseTo(0.3339, 3);
    expect(meanInterval(ones(56, 70))).toEqual({ value: 0.8, low: 0.6918, high: 0.877 }); // Wilson, as computed in Python
  });

  it("bootstraps graded scores, reproducibly, around the observed difference", () => {
    const a = [0.2, 0.3, 0.25, 0.35, 0.3, 0.2];
    const b = a.map((x) => x + 0.4);
    const d = differenceInterval(a, b)!;
    expect(d.value).toBeCloseTo(0.4, 12);
    expect(d.low).toBeGreaterThan(0.3);
    expect(d.high).toBeLessThan(0.5);
    expect(differenceInterval(a, b)).toEqual(d);
  });
});

const recipe = (index: number, lengths: number[], depths: number[]): NeedleRecipe => ({
  type: "needle",
  index,
  corpus: "sotu",
  corpus_version: "1",
  tokenizer: "cl100k_base",
  api: "completions",
  context_lengths: lengths,
  depth_percents: depths,
});

/** A run answering a needle probe right where `answers(length, depth)`, one probe per cell. */
function needleRun(runId: string, r: NeedleRecipe, answers: (length: number, depth: number) => boolean): GridRun {
  const probes: SettledProbe[] = r.context_lengths.flatMap((l) =>
    r.depth_percents.map((d) => {
      const hit = answers(l, d) ? 1 : 0;
      return { suiteIndex: r.index, status: "scored" as const, contextLength: l, depthPercent: d, item: null, scores: { paper: hit * 0.9167, rouge1: hit, contains: hit } };
    }),
  );
  return { runId, recipe: r, probes };
}

const DEPTHS = [0, 25, 50, 75, 100];

describe("the grid difference", () => {
  // A finds the needle everywhere; B loses it at 4K (the "hole") and tested no 8K, but 16K A did not.
  const a = needleRun("A", recipe(0, [1000, 2000, 4000, 8000], DEPTHS), () => true);
  const b = needleRun("B", recipe(0, [1000, 2000, 4000, 16000], DEPTHS), (l) => l !== 4000);

  it("compares the common cells and names what is not shared", () => {
    const grid = compareGrid([a, b], "contains");
    expect(grid.context_lengths).toEqual([1000, 2000, 4000]);
    expect(grid.depth_percents).toEqual(DEPTHS);
    expect(grid.not_shared).toEqual([
      { run_id: "A", context_lengths: [8000], depth_percents: [] },
      { run_id: "B", context_lengths: [16000], depth_percents: [] },
    ]);
    expect(grid.heatmaps[1]!.scores.map((row) => row)).toEqual(DEPTHS.map(() => [1, 1, 0]));
    expect(grid.heatmaps[1]!.by_length).toEqual([1, 1, 0]);
  });

  it("gives B − A per cell, never beyond noise with one probe each, and per length beyond it", () => {
    const [diff] = compareGrid([a, b], "contains").differences;
    expect(diff!.against).toBe("A");
    expect(diff!.cells.map((row) => row.map((c) => c.difference))).toEqual(DEPTHS.map(() => [0, 0, -1]));
    const hole = diff!.cells[2]![2]!;
    expect(hole).toMatchObject({ context_length: 4000, depth_percent: 50, a: 1, b: 0, n_a: 1, n_b: 1, test: "fisher", p_value: 1, beyond_noise: false });
    expect(diff!.by_length.map((l) => [l.context_length, l.difference, l.beyond_noise])).toEqual([
      [1000, 0, false],
      [2000, 0, false],
      [4000, -1, true],
    ]);
    // 0/5 against 5/5 is p = 2/252; three lengths tested, so q = 3 × 2/252 (the others are p = 1).
    expect(diff!.by_length[2]!.p_value).toBeCloseTo(2 / 252, 12);
    expect(diff!.by_length[2]!.q_value).toBeCloseTo(3 * (2 / 252), 12);
  });

  it("tests graded metrics by permutation", () => {
    const [diff] = compareGrid([a, b], "paper").differences;
    expect(diff!.by_length[2]).toMatchObject({ a: 0.9167, b: 0, difference: -0.9167, test: "permutation", beyond_noise: true });
  });

  it("marks cells that hold enough probes (a non-literal cell of several pairs)", () => {
    const many = (runId: string, score: number): GridRun => ({
      runId,
      recipe: recipe(0, [1000], [50]),
      probes: Array.from({ length: 6 }, () => ({ suiteIndex: 0, status: "scored" as const, contextLength: 1000, depthPercent: 50, item: null, scores: { contains: score } })),
    });
    const cell = compareGrid([many("A", 1), many("B", 0)], "contains").differences[0]!.cells[0]![0]!;
    expect(cell).toMatchObject({ n_a: 6, n_b: 6, difference: -1, beyond_noise: true });
    expect(cell.p_value).toBeCloseTo(2 / 924, 12); // C(12, 6) = 924 tables, two as extreme
  });

  it("puts effective lengths side by side: reported, on the common lengths, and B − A there", () => {
    const rows = compareEffectiveLengths([a, b], [undefined, undefined]);
    expect(rows[0]!.common!.length).toBe(4000);
    expect(rows[1]!.common!.length).toBe(2000);
    expect(rows[0]!.difference).toBeNull();
    expect(rows[1]!.difference!.length).toBe(-2000);
    expect(rows[1]!.difference!.high!).toBeLessThanOrEqual(0);
  });

  it("counts a run that passes no length as 0", () => {
    const none = needleRun("C", recipe(0, [1000, 2000, 4000], DEPTHS), () => false);
    const rows = compareEffectiveLengths([a, none], [undefined, undefined]);
    expect(rows[1]!.common!.length).toBeNull();
    expect(rows[1]!.difference).toEqual({ length: -4000, low: -4000, high: -4000 });
  });

  it("finds the axes every grid shares", () => {
    expect(commonAxes([recipe(0, [1, 2, 3], [0, 50]), recipe(1, [3, 2], [50, 100])])).toEqual({ lengths: [2, 3], depths: [50] });
  });
});

describe("the suite table", () => {
  it("compares each metric with an interval and a delta against the base", () => {
    const a = needleRun("A", recipe(0, [1000, 2000], DEPTHS), () => true);
    const b = needleRun("B", recipe(0, [1000, 2000], DEPTHS), (l) => l === 1000);
    const rows = compareSuites([a, b].map((r) => ({ runId: r.runId, recipes: [r.recipe], results: [], probes: r.probes })));
    const contains = rows.find((r) => r.metric === "contains")!;
    expect(contains).toMatchObject({ suite_type: "needle", unit: "score", common_cells: true });
    expect(contains.values.map((v) => [v.value, v.n])).toEqual([
      [100, 10],
      [50, 10],
    ]);
    expect(contains.deltas[0]).toMatchObject({ run_id: "B", delta: -50, beyond_noise: true });
    expect(contains.deltas[0]!.low).toBeLessThan(contains.deltas[0]!.high!);
  });
});

describe("the runs asked for", () => {
  const refusal = (asked: string | undefined) => {
    try {
      parseRunIds(asked);
    } catch (error) {
      return error as DomainError;
    }
    throw new Error("accepted");
  };

  it("takes 2 to 6 distinct comma-separated ids and refuses the rest naming runs", () => {
    expect(parseRunIds(" a, b ,c")).toEqual(["a", "b", "c"]);
    for (const bad of [undefined, "", "a", "a,a", "a,b,c,d,e,f,g"]) {
      const error = refusal(bad);
      expect(error.kind, bad).toBe("invalid");
      expect(error.details.fields![0]).toMatchObject({ pointer: "/runs", in: "query" });
    }
  });
});
