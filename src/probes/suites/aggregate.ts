// Run aggregates from settled probes: per-suite metric means on a 0–100 scale, per length and
// per depth for grids. Unscorable and failed probes are counted but never averaged in.
import type { ProbeScores } from "../types";
import { effectiveContextLength, lengthIntervals, type EffectiveLength, type Interval } from "./effective-length";
import { suiteOf, type SuiteRecipe } from "./index";

export interface SettledProbe {
  suiteIndex: number;
  status: "pending" | "scored" | "unscorable" | "failed" | "cancelled";
  contextLength: number | null;
  depthPercent: number | null;
  scores: ProbeScores | null;
}

export type ScoreMap = Record<string, number | null>;

export interface SuiteAggregate {
  index: number;
  type: string;
  /** Needle: effective context length on `contains`, with its 95 % bootstrap interval. */
  effective_context_length?: EffectiveLengthAggregate;
  /** Needle: `contains` mean per length (0–1) with a 95 % bootstrap interval. */
  by_length_ci?: Record<string, Interval>;
  corpus?: string;
  tokenizer: string;
  context_lengths?: number[];
  depth_percents?: number[];
  probes: number;
  scored: number;
  unscorable: number;
  failed: number;
  scores: ScoreMap;
  by_length?: Record<string, ScoreMap>;
  by_depth?: Record<string, ScoreMap>;
  dataset?: string;
  dataset_revision?: string;
  task?: string;
  window?: number;
  no_context?: boolean;
  /** Book QA: question ids in probe order (a probe's item indexes this list). */
  question_ids?: string[];
}

const round2 = (x: number) => Math.round(x * 100) / 100;

function means(metrics: readonly string[], probes: SettledProbe[]): ScoreMap {
  const out: ScoreMap = {};
  for (const metric of metrics) {
    const values = probes.flatMap((p) => (p.status === "scored" && typeof p.scores?.[metric] === "number" ? [p.scores[metric]] : []));
    out[metric] = values.length ? round2((100 * values.reduce((a, b) => a + b, 0)) / values.length) : null;
  }
  return out;
}

function groupMeans(metrics: readonly string[], probes: SettledProbe[], key: (p: SettledProbe) => number | null, order: number[]) {
  const out: Record<string, ScoreMap> = {};
  for (const value of order) out[String(value)] = means(metrics, probes.filter((p) => key(p) === value));
  return out;
}

export function aggregateSuites(recipes: SuiteRecipe[], probes: SettledProbe[]): SuiteAggregate[] {
  return recipes.map((recipe) => {
    const mine = probes.filter((p) => p.suiteIndex === recipe.index);
    const metrics = suiteOf(recipe).metrics;
    const base: SuiteAggregate = {
      index: recipe.index,
      type: recipe.type,
      tokenizer: recipe.tokenizer,
      probes: mine.length,
      scored: mine.filter((p) => p.status === "scored").length,
      unscorable: mine.filter((p) => p.status === "unscorable").length,
      failed: mine.filter((p) => p.status === "failed").length,
      scores: means(metrics, mine),
    };
    if (recipe.type === "needle") {
      const samples = mine.flatMap((p) =>
        p.status === "scored" && p.contextLength !== null && typeof p.scores?.contains === "number" ? [{ contextLength: p.contextLength, score: p.scores.contains }] : [],
      );
      const effective = effectiveContextLength(samples);
      const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
      return {
        ...base,
        effective_context_length: { ...effective, threshold: round4(effective.threshold), metric: "contains" },
        by_length_ci: Object.fromEntries(
          Object.entries(lengthIntervals(samples)).map(([length, ci]) => [length, { mean: round4(ci.mean), low: round4(ci.low), high: round4(ci.high) }]),
        ),
        corpus: recipe.corpus,
        context_lengths: recipe.context_lengths,
        depth_percents: recipe.depth_percents,
        by_length: groupMeans(metrics, mine, (p) => p.contextLength, recipe.context_lengths),
        by_depth: groupMeans(metrics, mine, (p) => p.depthPercent, recipe.depth_percents),
      };
    }
    if (recipe.type === "bookqa") {
      return {
        ...base,
        dataset: recipe.dataset,
        dataset_revision: recipe.dataset_revision,
        task: recipe.task,
        window: recipe.window,
        no_context: recipe.no_context,
        question_ids: recipe.questions.map((q) => q.id),
      };
    }
    return base;
  });
}

export type EffectiveLengthAggregate = EffectiveLength & { metric: "contains" };

export interface HeatmapMatrix {
  context_lengths: number[];
  depth_percents: number[];
  /** Rows are depths, columns lengths; null where nothing is scored (yet). */
  scores: (number | null)[][];
}

export function needleHeatmap(recipe: Extract<SuiteRecipe, { type: "needle" }>, probes: SettledProbe[], metric: string): HeatmapMatrix {
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
