// Series: the checkpoints of one training run, evaluated step after step (the paper's Figure 3 —
// needle accuracy over 100M … 10B training tokens — as a product feature). A run that scores worse
// than the previous step of its series by more than a margin is flagged as a regression.
import type { RunRow } from "../db/schema";
import { envNumber } from "../config";
import type { Regression } from "../contract/run";
import type { Series, SeriesPoint } from "../contract/series";
import { notFound } from "../common/errors";
import type { SuiteAggregate } from "../probes/suites/suite";
import { iso } from "../common/time";
import { previousSeriesRun, seriesRuns } from "./store/runs";

/** The metrics a series is compared on, as suite.metric. */
export const TREND_METRICS = ["needle.paper", "needle.contains", "bookqa.infinitebench", "bookqa.paper_recall", "nonliteral.nonliteral", "nonliteral.literal", "mmlu.micro", "ruler.ruler"] as const;

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

/** Context length → Loss@L (nats, over all domains) of the first loss suite; {} without one. */
export function lossAt(results: SuiteAggregate[]): Record<string, number> {
  const figures = results.find((s) => s.type === "loss")?.loss;
  return figures ? Object.fromEntries(Object.entries(figures.loss_at).map(([length, cell]) => [length, cell.loss])) : {};
}

interface Trend {
  scores: Record<string, number>;
  loss: Record<string, number>;
}

/**
 * Score drops (points, positive = worse) beyond `margin`, and Loss@L rises (nats, positive = worse,
 * reported as `loss@<L>`) beyond `lossMargin`, flag a regression.
 */
export function compareWithPrevious(current: Trend, previous: Trend, margin: number, lossMargin: number) {
  const drops: Record<string, number> = {};
  let flagged = false;
  for (const [key, value] of Object.entries(current.scores)) {
    if (!(key in previous.scores)) continue;
    drops[key] = Math.round((previous.scores[key]! - value) * 100) / 100;
    flagged ||= drops[key] > margin;
  }
  for (const [length, loss] of Object.entries(current.loss)) {
    if (!(length in previous.loss)) continue;
    const rise = Math.round((loss - previous.loss[length]!) * 10_000) / 10_000;
    drops[`loss@${length}`] = rise;
    flagged ||= rise > lossMargin;
  }
  return { drops, flagged };
}

const trendOf = (results: SuiteAggregate[]): Trend => ({ scores: trendScores(results), loss: lossAt(results) });

/** Compares a finishing run with the previous succeeded step of its series; null without one. */
export async function regressionFor(env: Env, run: RunRow, results: SuiteAggregate[]): Promise<Regression | null> {
  const previous = await previousSeriesRun(env.DB, run);
  if (!previous) return null;
  const margin = envNumber(env.REGRESSION_MARGIN, 5);
  const lossMargin = envNumber(env.LOSS_REGRESSION_MARGIN, 0.05);
  const comparison = compareWithPrevious(trendOf(results), trendOf(previous.results ?? []), margin, lossMargin);
  return { ...comparison, previous_run_id: previous.id, previous_step: previous.step, margin, loss_margin: lossMargin };
}

/** Public succeeded runs of a series in step (or training-token) order, as trend points. */
export async function seriesPoints(env: Env, name: string): Promise<SeriesPoint[]> {
  return (await seriesRuns(env.DB, name)).map((run) => {
    const suites = run.results ?? [];
    const nonliteral = suites.find((s) => s.type === "nonliteral")?.nonliteral;
    const effective = suites.find((s) => s.type === "needle")?.effective_context_length;
    return {
      run_id: run.id,
      model_name: run.modelName,
      step: run.step,
      tokens_trained: run.tokensTrained,
      finished_at: iso(run.finishedAt),
      scores: trendScores(suites),
      effective_context_length: effective?.length ?? null,
      effective_context_length_interval: effective ? { low: effective.low, high: effective.high } : null,
      nonliteral_effective_context_length: nonliteral?.pooled?.effective_context_length.relative.length ?? null,
      literal_gap: nonliteral?.literal_gap?.relative.length ?? null,
      ruler_effective_context_length: suites.find((s) => s.type === "ruler")?.ruler?.effective_context_length.ruler.length ?? null,
      loss_at: lossAt(suites),
      regression: run.regression?.flagged ?? false,
      regression_detail: run.regression ?? null,
    };
  });
}

/** The trend metrics some point of the series has. */
export function seriesMetrics(points: SeriesPoint[]): string[] {
  return TREND_METRICS.filter((metric) => points.some((p) => metric in p.scores));
}

/** A series' trend: its metrics and points; not found while it has no public finished run. */
export async function seriesTrend(env: Env, name: string): Promise<Series> {
  const points = await seriesPoints(env, name);
  if (!points.length) throw notFound(`no public finished runs in series ${name}`);
  return { name, metrics: seriesMetrics(points), points };
}
