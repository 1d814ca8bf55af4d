// The suite table of a comparison, pure: for every suite type all runs have (the first suite of the
// type in each), each metric's value per run with a 95 % interval, and its delta from the base run
// with the delta's interval. Metrics that are means of probe scores get intervals from the probes
// (grid suites on the cells every run tested); the others (Loss@L, macro accuracy) are shown as the
// runs report them, without an interval.
import type { SuiteComparison } from "../contract/compare";
import { isGridRecipe, type GridRecipe } from "../probes/suites/aggregate";
import { differenceInterval, meanInterval, type ValueInterval } from "../probes/suites/difference";
import { SUITES, type SuiteRecipe } from "../probes/suites";
import type { SettledProbe, SuiteAggregate } from "../probes/suites/suite";
import { commonAxes } from "./compare-grid";

export interface SuiteRun {
  runId: string;
  recipes: SuiteRecipe[];
  results: SuiteAggregate[];
  probes: SettledProbe[];
}

/** The probe score a suite metric is the mean of (×100), or null when it is not a plain mean. */
function probeMetric(type: string, metric: string): string | null {
  if (type === "needle" || type === "nonliteral" || type === "bookqa") return metric;
  if (type === "mmlu" && metric === "micro") return "acc";
  return null;
}

const round = (x: number, places: number) => Math.round(x * 10 ** places) / 10 ** places;
const scaled = (i: ValueInterval | null) => (i ? { value: round(100 * i.value, 2), low: round(100 * i.low, 2), high: round(100 * i.high, 2) } : null);

/** The first suite of `type` in every run, or null when some run has none. */
function suitesOfType(runs: SuiteRun[], type: string): SuiteRecipe[] | null {
  const found = runs.map((r) => [...r.recipes].sort((a, b) => a.index - b.index).find((s) => s.type === type));
  return found.every((s) => s !== undefined) ? (found as SuiteRecipe[]) : null;
}

/** A probe's cell is inside the common axes (always, for suites without a grid). */
function inCommonCells(recipes: SuiteRecipe[]): (p: SettledProbe) => boolean {
  if (!recipes.every(isGridRecipe)) return () => true;
  const { lengths, depths } = commonAxes(recipes as GridRecipe[]);
  return (p) => p.contextLength !== null && p.depthPercent !== null && lengths.includes(p.contextLength) && depths.includes(p.depthPercent);
}

function probeValues(run: SuiteRun, recipe: SuiteRecipe, key: string, keep: (p: SettledProbe) => boolean): number[] {
  return run.probes.flatMap((p) => (p.suiteIndex === recipe.index && p.status === "scored" && typeof p.scores?.[key] === "number" && keep(p) ? [p.scores[key]] : []));
}

function metricRow(runs: SuiteRun[], recipes: SuiteRecipe[], type: string, metric: string): SuiteComparison {
  const key = probeMetric(type, metric);
  const grid = recipes.every(isGridRecipe);
  const unit = type === "loss" ? "nats" : "score";
  const reported = runs.map((r, i) => r.results.find((s) => s.index === recipes[i]!.index)?.scores[metric] ?? null);
  if (key === null) {
    return {
      suite_type: type,
      metric,
      unit,
      common_cells: false,
      values: runs.map((r, i) => ({ run_id: r.runId, value: reported[i]!, low: null, high: null, n: null })),
      deltas: runs.slice(1).map((r, i) => ({ run_id: r.runId, delta: reported[i + 1] === null || reported[0] === null ? null : round(reported[i + 1]! - reported[0]!, 4), low: null, high: null, beyond_noise: null })),
    };
  }
  const keep = inCommonCells(recipes);
  const values = runs.map((r, i) => probeValues(r, recipes[i]!, key, keep));
  return {
    suite_type: type,
    metric,
    unit,
    common_cells: grid,
    values: runs.map((r, i) => {
      const interval = scaled(meanInterval(values[i]!));
      return { run_id: r.runId, value: interval?.value ?? null, low: interval?.low ?? null, high: interval?.high ?? null, n: values[i]!.length };
    }),
    deltas: runs.slice(1).map((r, i) => {
      const interval = scaled(differenceInterval(values[0]!, values[i + 1]!));
      return { run_id: r.runId, delta: interval?.value ?? null, low: interval?.low ?? null, high: interval?.high ?? null, beyond_noise: interval ? interval.low > 0 || interval.high < 0 : null };
    }),
  };
}

/** One row per (suite type, metric) all runs have a value for; the first run is the base. */
export function compareSuites(runs: SuiteRun[]): SuiteComparison[] {
  return Object.values(SUITES).flatMap((suite) => {
    const recipes = suitesOfType(runs, suite.type);
    if (!recipes) return [];
    return suite.metrics.map((metric) => metricRow(runs, recipes, suite.type, metric)).filter((row) => row.values.some((v) => v.value !== null));
  });
}
