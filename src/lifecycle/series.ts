// Series: the checkpoints of one training run, evaluated step after step (the paper's Figure 3 —
// needle accuracy over 100M … 10B training tokens — as a product feature). A run that scores worse
// than the previous step of its series by more than a margin is flagged as a regression.
import type { RunRow } from "../db/schema";
import { envNumber } from "../config";
import type { SuiteAggregate } from "../probes/suites/aggregate";

/** The metrics a series is compared on, as suite.metric. */
export const TREND_METRICS = ["needle.paper", "needle.contains", "bookqa.infinitebench", "bookqa.paper_recall"] as const;

export interface Regression {
  flagged: boolean;
  previous_run_id: string;
  previous_step: number | null;
  margin: number;
  drops: Record<string, number>;
}

/** suite.metric → score of the first suite of each type. */
export function trendScores(results: SuiteAggregate[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of TREND_METRICS) {
    const [type, metric] = key.split(".") as [string, string];
    const value = results.find((s) => s.type === type)?.scores[metric];
    if (typeof value === "number") out[key] = value;
  }
  return out;
}

export function compareWithPrevious(current: Record<string, number>, previous: Record<string, number>, margin: number) {
  const drops: Record<string, number> = {};
  for (const [key, value] of Object.entries(current)) {
    if (key in previous) drops[key] = Math.round((previous[key]! - value) * 100) / 100;
  }
  return { drops, flagged: Object.values(drops).some((drop) => drop > margin) };
}

/** Position of a run in its series: the step, else the training tokens. */
const positionOf = (run: Pick<RunRow, "step" | "tokensTrained">) => run.step ?? run.tokensTrained;

/** Compares a finishing run with the previous succeeded step of its series; null without one. */
export async function regressionFor(env: Env, run: RunRow, results: SuiteAggregate[]): Promise<Regression | null> {
  const position = positionOf(run);
  if (!run.series || position === null) return null;
  const column = run.step !== null ? "step" : "tokens_trained";
  const previous = await env.DB.prepare(
    // Only the same account's runs: another account's (possibly private) run is never compared or named.
    `SELECT id, step, results_json FROM runs WHERE series = ? AND account_id IS ? AND status = 'succeeded' AND ${column} < ? AND id != ?
     ORDER BY ${column} DESC, finished_at DESC LIMIT 1`,
  )
    .bind(run.series, run.accountId, position, run.id)
    .first<{ id: string; step: number | null; results_json: string }>();
  if (!previous) return null;
  const margin = envNumber(env.REGRESSION_MARGIN, 5);
  const comparison = compareWithPrevious(trendScores(results), trendScores(JSON.parse(previous.results_json) as SuiteAggregate[]), margin);
  return { ...comparison, previous_run_id: previous.id, previous_step: previous.step, margin };
}

export interface SeriesPoint {
  run_id: string;
  model_name: string;
  step: number | null;
  tokens_trained: number | null;
  finished_at: string | null;
  scores: Record<string, number>;
  effective_context_length: number | null;
  regression: boolean;
}

/** Public succeeded runs of a series in step (or training-token) order, as trend points. */
export async function seriesPoints(env: Env, name: string): Promise<SeriesPoint[]> {
  const { results } = await env.DB.prepare(
    `SELECT id, model_name, step, tokens_trained, finished_at, results_json, regression_json FROM runs
     WHERE series = ? AND public = 1 AND status = 'succeeded'
     ORDER BY coalesce(step, tokens_trained), finished_at LIMIT 1000`,
  )
    .bind(name)
    .all<{ id: string; model_name: string; step: number | null; tokens_trained: number | null; finished_at: number | null; results_json: string; regression_json: string | null }>();
  return results.map((row) => {
    const suites = JSON.parse(row.results_json) as SuiteAggregate[];
    return {
      run_id: row.id,
      model_name: row.model_name,
      step: row.step,
      tokens_trained: row.tokens_trained,
      finished_at: row.finished_at === null ? null : new Date(row.finished_at).toISOString(),
      scores: trendScores(suites),
      effective_context_length: suites.find((s) => s.type === "needle")?.effective_context_length?.length ?? null,
      regression: row.regression_json ? (JSON.parse(row.regression_json) as Regression).flagged : false,
    };
  });
}

/** The trend metrics some point of the series has. */
export function seriesMetrics(points: SeriesPoint[]): string[] {
  return TREND_METRICS.filter((metric) => points.some((p) => metric in p.scores));
}
