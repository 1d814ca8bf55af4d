// Run aggregates from settled probes: per suite, the counts, the metric means (0–100) and the
// suite's own figures (grids per length and depth, book QA its dataset), and the needle heatmap.
import { means } from "./means";
import { suiteOf, type SuiteRecipe } from "./index";
import type { NeedleRecipe } from "./needle";
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
}

export function needleHeatmap(recipe: NeedleRecipe, probes: SettledProbe[], metric: string): HeatmapMatrix {
  const cell = new Map<string, number>();
  for (const p of probes) {
    const value = p.scores?.[metric];
    if (p.suiteIndex === recipe.index && p.status === "scored" && typeof value === "number") {
      cell.set(`${p.depthPercent}:${p.contextLength}`, value);
    }
  }
  return {
    context_lengths: recipe.context_lengths,
    depth_percents: recipe.depth_percents,
    scores: recipe.depth_percents.map((d) => recipe.context_lengths.map((l) => cell.get(`${d}:${l}`) ?? null)),
  };
}
