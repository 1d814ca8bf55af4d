// Run aggregates from settled probes: per suite, the counts, the metric means (0–100) and the
// suite's own figures (grids per length and depth, book QA its dataset), and the needle heatmap.
import { means } from "./means";
import { wilsonInterval } from "./proportion";
import { suiteOf, type SuiteRecipe } from "./index";
import type { NeedleRecipe } from "./needle";
import type { NonliteralRecipe } from "./nonliteral";

/** The suites laid out on a (length, depth) grid. */
export type GridRecipe = NeedleRecipe | NonliteralRecipe;

export function isGridRecipe(recipe: SuiteRecipe): recipe is GridRecipe {
  return recipe.type === "needle" || recipe.type === "nonliteral";
}
import type { SettledProbe, SuiteAggregate } from "./suite";

export type { EffectiveLengthAggregate, ScoreMap, SettledProbe, SuiteAggregate } from "./suite";

export function aggregateSuites(recipes: SuiteRecipe[], probes: SettledProbe[]): SuiteAggregate[] {
  return recipes.map((recipe) => {
    const mine = probes.filter((p) => p.suiteIndex === recipe.index);
    const suite = suiteOf(recipe);
    return {
      index: recipe.index,
      type: recipe.type,
      tokenizer: recipe.tokenizer,
      probes: mine.length,
      scored: mine.filter((p) => p.status === "scored").length,
      unscorable: mine.filter((p) => p.status === "unscorable").length,
      failed: mine.filter((p) => p.status === "failed").length,
      truncated: mine.filter((p) => p.status === "truncated").length,
      incomplete: mine.filter((p) => p.status === "incomplete").length,
      scores: means(suite.metrics, mine),
      ...suite.aggregate(recipe, mine),
    };
  });
}

export interface HeatmapMatrix {
  context_lengths: number[];
  depth_percents: number[];
  /** Rows are depths, columns lengths; null where nothing is scored (yet). */
  scores: (number | null)[][];
  /** Scored probes per cell. */
  counts: number[][];
  /** 95 % Wilson interval per cell when its scores are all 0 or 1 (contains, the non-literal kinds); else null. */
  intervals: ({ low: number; high: number } | null)[][];
}

interface Cell {
  sum: number;
  n: number;
  binary: boolean;
}

/** A grid suite's (needle, non-literal) heatmap: each cell the mean of its scored probes that have `metric`. */
export function gridHeatmap(recipe: GridRecipe, probes: SettledProbe[], metric: string): HeatmapMatrix {
  const cells = new Map<string, Cell>();
  for (const p of probes) {
    const value = p.scores?.[metric];
    if (p.suiteIndex !== recipe.index || p.status !== "scored" || typeof value !== "number") continue;
    const key = `${p.depthPercent}:${p.contextLength}`;
    const cell = cells.get(key) ?? { sum: 0, n: 0, binary: true };
    cells.set(key, { sum: cell.sum + value, n: cell.n + 1, binary: cell.binary && (value === 0 || value === 1) });
  }
  const grid = <T,>(of: (cell: Cell | undefined) => T) => recipe.depth_percents.map((d) => recipe.context_lengths.map((l) => of(cells.get(`${d}:${l}`))));
  return {
    context_lengths: recipe.context_lengths,
    depth_percents: recipe.depth_percents,
    scores: grid((cell) => (cell ? cell.sum / cell.n : null)),
    counts: grid((cell) => cell?.n ?? 0),
    intervals: grid((cell) => (cell?.binary ? wilsonInterval(cell.sum, cell.n) : null)),
  };
}
