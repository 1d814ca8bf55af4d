// The charts of a series page: each trend metric, the effective length with its interval band, the
// retention pair, the literal gap and Loss@L — over steps or training tokens, every point linking to
// its run, regressions flagged on the metric that dropped.
import type { FC } from "hono/jsx";
import type { SeriesPoint } from "../contract/series";
import { formatK, formatScore } from "./format";
import { OverlayChart, type OverlayPoint, type OverlaySeries } from "./overlay-chart";

export type SeriesAxis = "step" | "tokens";

export const METRIC_TITLES: Record<string, string> = {
  "needle.paper": "Needle, paper metric",
  "needle.contains": "Needle, contains",
  "bookqa.infinitebench": "Book QA, InfiniteBench",
  "bookqa.paper_recall": "Book QA, paper recall",
  "nonliteral.nonliteral": "Non-literal needles (one and two hops)",
  "nonliteral.literal": "Non-literal suite, literal control",
  "mmlu.micro": "Multiple choice (MMLU format), accuracy",
  "ruler.ruler": "RULER average",
};

/** 500000000 → "500M", 2500000000 → "2.5B"; below a million as formatK writes it. */
export function formatTokens(n: number): string {
  for (const [size, unit] of [[1e12, "T"], [1e9, "B"], [1e6, "M"]] as const) {
    if (n >= size) return `${Number((n / size).toFixed(n / size < 10 ? 1 : 0))}${unit}`;
  }
  return formatK(n);
}

/** Where a checkpoint sits on the axis, or null when it has no such position (then it is not drawn). */
export const positionOf = (p: SeriesPoint, axis: SeriesAxis) => (axis === "step" ? p.step : p.tokens_trained);
export const positionLabel = (p: SeriesPoint, axis: SeriesAxis) => {
  const at = positionOf(p, axis);
  return at === null ? "—" : axis === "step" ? String(at) : formatTokens(at);
};
export const axisTitle = (axis: SeriesAxis) => (axis === "step" ? "Training step" : "Training tokens");

/** A flagged checkpoint's reason on the chart of `key` (suite.metric or loss@L), if that drop is past its margin. */
export function regressionFlag(p: SeriesPoint, key: string): string | undefined {
  const detail = p.regression_detail;
  const drop = detail?.drops[key];
  if (!detail?.flagged || drop === undefined) return undefined;
  const loss = key.startsWith("loss@");
  const margin = loss ? (detail.loss_margin ?? 0.05) : detail.margin;
  if (drop <= margin) return undefined;
  const against = detail.previous_step !== null ? `step ${detail.previous_step}` : "the previous checkpoint";
  return `regression: ${loss ? `Loss@L up ${drop.toFixed(3)} nats` : `${drop.toFixed(1)} points lost`} against ${against} (margin ${margin})`;
}

function curve(points: SeriesPoint[], axis: SeriesAxis, y: (p: SeriesPoint) => number | null, key?: string, more?: (p: SeriesPoint) => Partial<OverlayPoint>): OverlayPoint[] {
  return points.flatMap((p) => {
    const x = positionOf(p, axis);
    return x === null ? [] : [{ x, label: positionLabel(p, axis), y: y(p), href: `/runs/${p.run_id}`, flag: key ? regressionFlag(p, key) : undefined, ...more?.(p) }];
  });
}

const describe = (series: OverlaySeries[], format: (y: number | null) => string) =>
  series.map((s) => `${s.name}: ${s.points.map((p) => `${p.label} ${format(p.y)}${p.flag ? ` (${p.flag})` : ""}`).join(", ")}`).join("; ");

const tokens = (y: number | null) => (y === null ? "—" : formatK(y));
const nats = (y: number | null) => (y === null ? "—" : y.toFixed(3));
const roundUp = (x: number, step: number) => Math.max(step, Math.ceil(x / step) * step);

export const MetricChart: FC<{ points: SeriesPoint[]; axis: SeriesAxis; metric: string }> = ({ points, axis, metric }) => {
  const series = [{ name: METRIC_TITLES[metric] ?? metric, points: curve(points, axis, (p) => p.scores[metric] ?? null, metric) }];
  return <OverlayChart id={`series-${metric.replace(".", "-")}`} title={`${METRIC_TITLES[metric] ?? metric} (0–100)`} desc={describe(series, formatScore)} xTitle={axisTitle(axis)} xScale="linear" series={series} />;
};

/** The needle effective length over the checkpoints, its 95 % interval as a band. */
export const EffectiveLengthChart: FC<{ points: SeriesPoint[]; axis: SeriesAxis }> = ({ points, axis }) => {
  if (!points.some((p) => p.effective_context_length !== null)) return null;
  const placed = curve(points, axis, (p) => p.effective_context_length, undefined, (p) => ({ low: p.effective_context_length_interval?.low ?? null, high: p.effective_context_length_interval?.high ?? null }));
  const max = roundUp(Math.max(...placed.map((p) => Math.max(p.y ?? 0, p.high ?? 0))), 1000);
  const series = [{ name: "Effective context length", points: placed, band: true }];
  return (
    <OverlayChart
      id="series-effective-length"
      title="Effective context length (tokens), with its 95 % interval"
      desc={describe(series, tokens)}
      xTitle={axisTitle(axis)}
      xScale="linear"
      series={series}
      yAxis={{ max, title: "Effective length (tokens)", format: tokens }}
    />
  );
};

/** The paper's Table 3 claim over training: needle retrieval up, short-context accuracy kept. */
export const RetentionChart: FC<{ points: SeriesPoint[]; axis: SeriesAxis }> = ({ points, axis }) => {
  if (!points.some((p) => "mmlu.micro" in p.scores) || !points.some((p) => "needle.paper" in p.scores)) return null;
  const series = (["needle.paper", "mmlu.micro"] as const).map((m) => ({ name: METRIC_TITLES[m]!, points: curve(points, axis, (p) => p.scores[m] ?? null) }));
  return <OverlayChart id="series-retention" title="Needle (paper, solid) and multiple-choice accuracy (dashed) over the series" desc={describe(series, formatScore)} xTitle={axisTitle(axis)} xScale="linear" series={series} />;
};

/** The literal gap over the checkpoints, in tokens: does the model learn to read, or only to match? */
export const GapChart: FC<{ points: SeriesPoint[]; axis: SeriesAxis }> = ({ points, axis }) => {
  if (!points.some((p) => p.literal_gap !== null)) return null;
  const series = [{ name: "Literal gap", points: curve(points, axis, (p) => p.literal_gap) }];
  const max = roundUp(Math.max(...points.map((p) => Math.max(p.literal_gap ?? 0, p.nonliteral_effective_context_length ?? 0))), 1000);
  return <OverlayChart id="series-literal-gap" title="Literal gap over the series (tokens; smaller is better)" desc={describe(series, tokens)} xTitle={axisTitle(axis)} xScale="linear" series={series} yAxis={{ max, title: "Literal gap (tokens)", format: tokens }} />;
};

/** The lengths any checkpoint has a Loss@L for, ascending. */
export const lossLengths = (points: SeriesPoint[]) => [...new Set(points.flatMap((p) => Object.keys(p.loss_at).map(Number)))].sort((a, b) => a - b);

/** Loss@L over the checkpoints, one chart per length (the paper's Figure 3): does long-context loss keep falling? */
export const LossTrendCharts: FC<{ points: SeriesPoint[]; axis: SeriesAxis }> = ({ points, axis }) => {
  const max = Math.max(1, Math.ceil(Math.max(0, ...points.flatMap((p) => Object.values(p.loss_at))) * 2) / 2);
  return (
    <>
      {lossLengths(points).map((length) => {
        const series = [{ name: `Loss@${formatK(length)}`, points: curve(points, axis, (p) => p.loss_at[String(length)] ?? null, `loss@${length}`) }];
        return (
          <OverlayChart
            id={`series-loss-${length}`}
            title={`Loss@${formatK(length)} over the series (nats; smaller is better)`}
            desc={describe(series, nats)}
            xTitle={axisTitle(axis)}
            xScale="linear"
            series={series}
            yAxis={{ max, title: "NLL (nats)", format: nats }}
          />
        );
      })}
    </>
  );
};
