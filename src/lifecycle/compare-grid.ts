// The grid part of a comparison, pure: the lengths and depths every run tested, each run's heatmap
// on them, and each run's difference from the base run per cell and per length, tested against
// probe-level noise (../probes/suites/difference.ts), plus effective lengths on the common lengths.
import type { CompareGrid, DifferenceCell, EffectiveLengthComparison, LengthDifference } from "../contract/compare";
import type { GridRecipe } from "../probes/suites/aggregate";
import { effectiveContextLength, effectiveLengthGap, type LengthSample } from "../probes/suites/effective-length";
import { benjaminiHochberg, differenceTest, NOISE_ALPHA } from "../probes/suites/difference";
import type { SettledProbe, SuiteAggregate } from "../probes/suites/suite";

export interface GridRun {
  runId: string;
  recipe: GridRecipe;
  probes: SettledProbe[];
}

/** Scores of a run's probes by `${depth}:${length}`: its scored probes of the suite that have `metric`. */
export type CellValues = Map<string, number[]>;

const key = (depth: number, length: number) => `${depth}:${length}`;
const intersect = (lists: number[][]) => lists[0]!.filter((x) => lists.every((l) => l.includes(x))).sort((a, b) => a - b);
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
const mean = (xs: number[]) => (xs.length ? round4(xs.reduce((a, b) => a + b, 0) / xs.length) : null);

export function commonAxes(recipes: GridRecipe[]): { lengths: number[]; depths: number[] } {
  return { lengths: intersect(recipes.map((r) => r.context_lengths)), depths: intersect(recipes.map((r) => r.depth_percents)) };
}

export function cellValues(recipe: GridRecipe, probes: SettledProbe[], metric: string): CellValues {
  const cells: CellValues = new Map();
  for (const p of probes) {
    const value = p.scores?.[metric];
    if (p.suiteIndex !== recipe.index || p.status !== "scored" || typeof value !== "number" || p.contextLength === null || p.depthPercent === null) continue;
    const k = key(p.depthPercent, p.contextLength);
    cells.set(k, [...(cells.get(k) ?? []), value]);
  }
  return cells;
}

/** A's and B's scores compared: means, the difference, and the test's p (q filled in later). */
function compared(a: number[], b: number[]) {
  const [ma, mb] = [mean(a), mean(b)];
  const tested = differenceTest(a, b);
  return {
    a: ma,
    b: mb,
    difference: ma === null || mb === null ? null : round4(mb - ma),
    n_a: a.length,
    n_b: b.length,
    test: tested?.test ?? null,
    p_value: tested?.p ?? null,
    q_value: null as number | null,
    beyond_noise: false,
  };
}

/** Fills q-values (Benjamini–Hochberg over these) and marks those below α. */
function adjusted<T extends { p_value: number | null; q_value: number | null; beyond_noise: boolean }>(items: T[]): T[] {
  const qs = benjaminiHochberg(items.map((i) => i.p_value));
  return items.map((item, i) => ({ ...item, q_value: qs[i]!, beyond_noise: qs[i] !== null && qs[i]! < NOISE_ALPHA }));
}

/** B − A on the common cells (rows depths, columns lengths), q-values over the map. */
export function differenceCells(a: CellValues, b: CellValues, lengths: number[], depths: number[]): DifferenceCell[][] {
  const flat = adjusted(depths.flatMap((d) => lengths.map((l) => ({ ...compared(a.get(key(d, l)) ?? [], b.get(key(d, l)) ?? []), context_length: l, depth_percent: d }))));
  return depths.map((_, row) => flat.slice(row * lengths.length, (row + 1) * lengths.length));
}

const atLength = (cells: CellValues, length: number, depths: number[]) => depths.flatMap((d) => cells.get(key(d, length)) ?? []);

/** B − A per common length, every common depth pooled, q-values over the lengths. */
export function lengthDifferences(a: CellValues, b: CellValues, lengths: number[], depths: number[]): LengthDifference[] {
  return adjusted(lengths.map((l) => ({ ...compared(atLength(a, l, depths), atLength(b, l, depths)), context_length: l })));
}

/** The grid of a comparison; the first run is the base every other is compared with. */
export function compareGrid(runs: GridRun[], metric: string): CompareGrid {
  const { lengths, depths } = commonAxes(runs.map((r) => r.recipe));
  const values = runs.map((r) => cellValues(r.recipe, r.probes, metric));
  const [base, baseValues] = [runs[0]!, values[0]!];
  return {
    suite_type: base.recipe.type,
    metric,
    context_lengths: lengths,
    depth_percents: depths,
    not_shared: runs.map((r) => ({ run_id: r.runId, context_lengths: r.recipe.context_lengths.filter((l) => !lengths.includes(l)), depth_percents: r.recipe.depth_percents.filter((d) => !depths.includes(d)) })),
    heatmaps: runs.map((r, i) => ({
      run_id: r.runId,
      suite: r.recipe.index,
      scores: depths.map((d) => lengths.map((l) => mean(values[i]!.get(key(d, l)) ?? []))),
      counts: depths.map((d) => lengths.map((l) => values[i]!.get(key(d, l))?.length ?? 0)),
      by_length: lengths.map((l) => mean(atLength(values[i]!, l, depths))),
    })),
    differences: runs.slice(1).map((r, i) => ({
      run_id: r.runId,
      against: base.runId,
      cells: differenceCells(baseValues, values[i + 1]!, lengths, depths),
      by_length: lengthDifferences(baseValues, values[i + 1]!, lengths, depths),
    })),
  };
}

/** `contains` samples of a needle run's probes in the common cells, for effective lengths. */
function containsSamples(run: GridRun, lengths: number[], depths: number[]): LengthSample[] {
  const cells = cellValues(run.recipe, run.probes, "contains");
  return lengths.flatMap((l) => depths.flatMap((d) => (cells.get(key(d, l)) ?? []).map((score) => ({ contextLength: l, score }))));
}

/** B − A in effective length on these samples (B passing no length counts as 0, and so does A). */
function lengthGap(a: LengthSample[], b: LengthSample[], bPasses: boolean): EffectiveLengthComparison["difference"] {
  if (bPasses) {
    const gap = effectiveLengthGap(b, a);
    return { length: gap.length, low: gap.low, high: gap.high };
  }
  const gap = effectiveLengthGap(a, b); // A − B with B at 0: negated, its interval swaps ends
  const neg = (x: number | null) => (x === null ? null : -x);
  return gap.length === null ? null : { length: neg(gap.length), low: neg(gap.high), high: neg(gap.low) };
}

/** Needle runs' effective lengths as they report them, on the common lengths, and each one's difference from the base's there. */
export function compareEffectiveLengths(runs: GridRun[], results: (SuiteAggregate | undefined)[]): EffectiveLengthComparison[] {
  const { lengths, depths } = commonAxes(runs.map((r) => r.recipe));
  const samples = runs.map((r) => containsSamples(r, lengths, depths));
  const commons = samples.map((s) => (s.length ? effectiveContextLength(s) : null));
  return runs.map((r, i) => {
    const reported = results[i]?.effective_context_length;
    const common = commons[i];
    return {
      run_id: r.runId,
      length: reported?.length ?? null,
      low: reported?.low ?? null,
      high: reported?.high ?? null,
      common: common ? { length: common.length, low: common.low, high: common.high } : null,
      difference: i > 0 && samples[0]!.length && samples[i]!.length ? lengthGap(samples[0]!, samples[i]!, common?.length != null) : null,
    };
  });
}
