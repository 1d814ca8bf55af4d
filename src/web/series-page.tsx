// /series/{name}: each metric over the checkpoints of a series, as line charts with data tables.
import type { FC } from "hono/jsx";
import type { SeriesPoint } from "../contract/series";
import { LineChart } from "./charts";
import { formatK, formatScore } from "./format";
import { Layout } from "./layout";

const METRIC_TITLES: Record<string, string> = {
  "needle.paper": "Needle, paper metric",
  "needle.contains": "Needle, contains",
  "bookqa.infinitebench": "Book QA, InfiniteBench",
  "bookqa.paper_recall": "Book QA, paper recall",
  "nonliteral.nonliteral": "Non-literal needles (one and two hops)",
  "nonliteral.literal": "Non-literal suite, literal control",
  "mmlu.micro": "Multiple choice (MMLU format), accuracy",
};

/** The paper's Table 3 claim over training: needle retrieval up, short-context accuracy kept — both on one chart. */
const RetentionChart: FC<{ points: SeriesPoint[] }> = ({ points }) => {
  if (!points.some((p) => "mmlu.micro" in p.scores) || !points.some((p) => "needle.paper" in p.scores)) return null;
  const curve = (metric: string) => points.map((p) => ({ x: positionOf(p), label: positionLabel(p), y: p.scores[metric] ?? null }));
  const needle = curve("needle.paper");
  const mmlu = curve("mmlu.micro");
  return (
    <LineChart
      id="series-retention"
      title="Needle (paper, solid) and multiple-choice accuracy (dashed) over the series"
      desc={needle.map((p, i) => `${p.label}: needle ${formatScore(p.y)}, multiple choice ${formatScore(mmlu[i]!.y)}`).join("; ")}
      xTitle={points.some((p) => p.step !== null) ? "Training step" : "Training tokens"}
      points={needle}
      xScale="linear"
      also={{ label: "Multiple choice (micro)", firstLabel: "Needle (paper)", points: mmlu }}
    />
  );
};

const tokens = (y: number | null) => (y === null ? "—" : formatK(y));

/** The literal gap over the checkpoints, in tokens: does the model learn to read, or only to match? */
const GapChart: FC<{ points: SeriesPoint[] }> = ({ points }) => {
  if (!points.some((p) => p.literal_gap !== null)) return null;
  const curve = points.map((p) => ({ x: positionOf(p), label: positionLabel(p), y: p.literal_gap }));
  const max = Math.max(1000, ...points.map((p) => Math.max(p.literal_gap ?? 0, p.nonliteral_effective_context_length ?? 0)));
  return (
    <LineChart
      id="series-literal-gap"
      title="Literal gap over the series (tokens; smaller is better)"
      desc={curve.map((p) => `${p.label}: ${tokens(p.y)}`).join(", ")}
      xTitle={points.some((p) => p.step !== null) ? "Training step" : "Training tokens"}
      points={curve}
      xScale="linear"
      yAxis={{ max, title: "Literal gap (tokens)", format: tokens }}
    />
  );
};

const nats = (y: number | null) => (y === null ? "—" : y.toFixed(3));

/** The lengths any checkpoint has a Loss@L for, ascending. */
const lossLengths = (points: SeriesPoint[]) => [...new Set(points.flatMap((p) => Object.keys(p.loss_at).map(Number)))].sort((a, b) => a - b);

/** Loss@L over the checkpoints, one chart per length (the paper's Figure 3): does long-context loss keep falling? */
const LossTrendCharts: FC<{ points: SeriesPoint[] }> = ({ points }) => {
  const lengths = lossLengths(points);
  const max = Math.max(1, Math.ceil(Math.max(0, ...points.flatMap((p) => Object.values(p.loss_at))) * 2) / 2);
  return (
    <>
      {lengths.map((length) => {
        const curve = points.map((p) => ({ x: positionOf(p), label: positionLabel(p), y: p.loss_at[String(length)] ?? null }));
        return (
          <LineChart
            id={`series-loss-${length}`}
            title={`Loss@${formatK(length)} over the series (nats; smaller is better)`}
            desc={curve.map((p) => `${p.label}: ${nats(p.y)}`).join(", ")}
            xTitle={points.some((p) => p.step !== null) ? "Training step" : "Training tokens"}
            points={curve}
            xScale="linear"
            yAxis={{ max, title: "NLL (nats)", format: nats }}
          />
        );
      })}
    </>
  );
};

const positionOf = (p: SeriesPoint) => p.step ?? p.tokens_trained ?? 0;
const positionLabel = (p: SeriesPoint) => (p.step !== null ? `step ${p.step}` : p.tokens_trained !== null ? `${p.tokens_trained} tokens` : "—");

const SeriesTable: FC<{ name: string; points: SeriesPoint[]; metrics: string[] }> = ({ name, points, metrics }) => (
  <table>
    <caption>Checkpoints of {name} (scores 0–100)</caption>
    <thead>
      <tr>
        <th scope="col">Checkpoint</th>
        <th scope="col">Position</th>
        {metrics.map((m) => (
          <th scope="col" class="num">
            {METRIC_TITLES[m] ?? m}
          </th>
        ))}
        <th scope="col" class="num">
          Effective length
        </th>
        <th scope="col" class="num">
          Non-literal eff. length
        </th>
        <th scope="col" class="num">
          Literal gap
        </th>
        {lossLengths(points).map((l) => (
          <th scope="col" class="num">
            Loss@{formatK(l)}
          </th>
        ))}
        <th scope="col">Regression</th>
      </tr>
    </thead>
    <tbody>
      {points.map((p) => (
        <tr>
          <th scope="row">
            <a href={`/runs/${p.run_id}`}>{p.model_name}</a>
          </th>
          <td>{positionLabel(p)}</td>
          {metrics.map((m) => (
            <td class="num">{formatScore(p.scores[m] ?? null)}</td>
          ))}
          <td class="num">{p.effective_context_length ?? "—"}</td>
          <td class="num">{tokens(p.nonliteral_effective_context_length)}</td>
          <td class="num">{tokens(p.literal_gap)}</td>
          {lossLengths(points).map((l) => (
            <td class="num">{nats(p.loss_at[String(l)] ?? null)}</td>
          ))}
          <td>{p.regression ? <strong>regression</strong> : "no"}</td>
        </tr>
      ))}
    </tbody>
  </table>
);

export const SeriesPage: FC<{ name: string; points: SeriesPoint[]; metrics: string[] }> = ({ name, points, metrics }) => (
  <Layout title={`Series ${name}`}>
    <h1>Series {name}</h1>
    <p>
      {points.length} finished checkpoint{points.length === 1 ? "" : "s"}, by {points.some((p) => p.step !== null) ? "training step" : "training tokens"}.
      A checkpoint that loses more than the regression margin against the previous one is marked <strong>regression</strong>.
    </p>
    <div class="charts">
      {metrics.map((metric) => {
        const curve = points.map((p) => ({ x: positionOf(p), label: positionLabel(p), y: p.scores[metric] ?? null }));
        return (
          <LineChart
            id={`series-${metric.replace(".", "-")}`}
            title={`${METRIC_TITLES[metric] ?? metric} over the series`}
            desc={curve.map((p) => `${p.label}: ${formatScore(p.y)}`).join(", ")}
            xTitle={points.some((p) => p.step !== null) ? "Training step" : "Training tokens"}
            points={curve}
            xScale="linear"
          />
        );
      })}
      <RetentionChart points={points} />
      <GapChart points={points} />
      <LossTrendCharts points={points} />
    </div>
    <SeriesTable name={name} points={points} metrics={metrics} />
  </Layout>
);
