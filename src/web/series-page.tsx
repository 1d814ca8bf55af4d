// /series/{name}: each metric over the checkpoints of a series (x by training step, or by training
// tokens with ?x=tokens), the effective length with its interval, the regressions on the charts and
// in a list, and a table from which any two checkpoints can be compared (/compare).
import type { FC } from "hono/jsx";
import type { SeriesPoint } from "../contract/series";
import { formatK, formatScore } from "./format";
import { Layout } from "./layout";
import {
  axisTitle,
  EffectiveLengthChart,
  formatTokens,
  GapChart,
  lossLengths,
  LossTrendCharts,
  METRIC_TITLES,
  MetricChart,
  regressionFlag,
  RetentionChart,
  type SeriesAxis,
} from "./series-charts";

/** The axis asked for (?x=tokens), if the series can draw it; else steps, else tokens. */
export function seriesAxis(points: SeriesPoint[], asked: string | undefined): SeriesAxis {
  const hasTokens = points.some((p) => p.tokens_trained !== null);
  if (asked === "tokens" && hasTokens) return "tokens";
  return points.some((p) => p.step !== null) || !hasTokens ? "step" : "tokens";
}

const seriesHref = (name: string, axis: SeriesAxis) => `/series/${encodeURIComponent(name)}${axis === "tokens" ? "?x=tokens" : ""}`;
export const pairHref = (a: string, b: string) => `/compare?runs=${encodeURIComponent(a)},${encodeURIComponent(b)}`;
const tokens = (y: number | null) => (y === null ? "—" : formatK(y));
const nats = (y: number | null) => (y === null ? "—" : y.toFixed(3));
const where = (p: SeriesPoint) => (p.step !== null ? `step ${p.step}` : p.tokens_trained !== null ? `${formatTokens(p.tokens_trained)} tokens` : p.model_name);

const AxisSwitch: FC<{ name: string; axis: SeriesAxis; points: SeriesPoint[] }> = ({ name, axis, points }) => (
  <nav class="switch" aria-label="x axis">
    <span class="muted">x axis:</span>
    {(["step", "tokens"] as const).map((a) =>
      a === "tokens" && !points.some((p) => p.tokens_trained !== null) ? (
        <span class="muted">training tokens (no checkpoint reports tokens_trained)</span>
      ) : (
        <a href={seriesHref(name, a)} aria-current={a === axis ? "true" : undefined} data-axis={a}>
          {axisTitle(a).toLowerCase()}
        </a>
      ),
    )}
  </nav>
);

/** suite.metric and loss@L keys whose drop flagged this checkpoint, with their titles. */
function flaggedDrops(p: SeriesPoint): { key: string; title: string; flag: string }[] {
  return Object.keys(p.regression_detail?.drops ?? {}).flatMap((key) => {
    const flag = regressionFlag(p, key);
    const title = key.startsWith("loss@") ? `Loss@${formatK(Number(key.slice(5)))}` : (METRIC_TITLES[key] ?? key);
    return flag ? [{ key, title, flag }] : [];
  });
}

const Regressions: FC<{ points: SeriesPoint[] }> = ({ points }) => {
  const flagged = points.filter((p) => p.regression);
  return (
    <section aria-labelledby="regressions-heading">
      <h2 id="regressions-heading">Regressions</h2>
      {flagged.length ? (
        <ul id="regressions">
          {flagged.map((p) => (
            <li data-run-id={p.run_id}>
              <a href={`/runs/${p.run_id}`}>{where(p)}</a> ({p.model_name}):{" "}
              {flaggedDrops(p)
                .map((d) => `${d.title}: ${d.flag.replace(/^regression: /, "")}`)
                .join("; ")}
              {p.regression_detail ? (
                <>
                  {" "}· <a href={pairHref(p.regression_detail.previous_run_id, p.run_id)}>compare with the previous step</a>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p id="regressions">No checkpoint lost more than the margin against the one before it.</p>
      )}
    </section>
  );
};

const SeriesTable: FC<{ name: string; points: SeriesPoint[]; metrics: string[] }> = ({ name, points, metrics }) => (
  <form method="get" action="/compare" id="series-compare">
    <div class="table-scroll">
      <table>
        <caption>Checkpoints of {name} (scores 0–100); tick two or more to compare them</caption>
        <thead>
          <tr>
            <th scope="col">Compare</th>
            <th scope="col">Checkpoint</th>
            <th scope="col" class="num">Step</th>
            <th scope="col" class="num">Tokens trained</th>
            {metrics.map((m) => (
              <th scope="col" class="num">
                {METRIC_TITLES[m] ?? m}
              </th>
            ))}
            <th scope="col" class="num">Effective length</th>
            <th scope="col" class="num">Non-literal eff. length</th>
            <th scope="col" class="num">Literal gap</th>
            {lossLengths(points).map((l) => (
              <th scope="col" class="num">
                Loss@{formatK(l)}
              </th>
            ))}
            <th scope="col">Regression</th>
          </tr>
        </thead>
        <tbody>
          {points.map((p, i) => (
            <tr data-run-id={p.run_id}>
              <td>
                <input type="checkbox" name="runs" value={p.run_id} aria-label={`compare ${where(p)}`} />
              </td>
              <th scope="row">
                <a href={`/runs/${p.run_id}`}>{p.model_name}</a>
              </th>
              <td class="num">{p.step ?? "—"}</td>
              <td class="num">{p.tokens_trained === null ? "—" : formatTokens(p.tokens_trained)}</td>
              {metrics.map((m) => (
                <td class="num">{formatScore(p.scores[m] ?? null)}</td>
              ))}
              <td class="num">{tokens(p.effective_context_length)}</td>
              <td class="num">{tokens(p.nonliteral_effective_context_length)}</td>
              <td class="num">{tokens(p.literal_gap)}</td>
              {lossLengths(points).map((l) => (
                <td class="num">{nats(p.loss_at[String(l)] ?? null)}</td>
              ))}
              <td>
                {p.regression ? <strong>regression</strong> : "no"}
                {i > 0 ? (
                  <>
                    {" "}· <a href={pairHref(points[i - 1]!.run_id, p.run_id)}>vs previous</a>
                  </>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
    <p>
      <button type="submit">Compare selected</button> <span class="muted">(2 to 6 checkpoints; the first ticked in the table is the base)</span>
    </p>
  </form>
);

export const SeriesPage: FC<{ name: string; points: SeriesPoint[]; metrics: string[]; axis: SeriesAxis }> = ({ name, points, metrics, axis }) => {
  const drawn = points.filter((p) => (axis === "step" ? p.step : p.tokens_trained) !== null);
  return (
    <Layout title={`Series ${name}`}>
      <p class="muted">
        <a href="/">Leaderboard</a> › series
      </p>
      <h1>Series {name}</h1>
      <p class="lede">
        {points.length} finished checkpoint{points.length === 1 ? "" : "s"}. A checkpoint that loses more than the regression margin against the previous one is
        flagged: a red ring on the chart of what dropped, and a line under Regressions. Each point links to its run.
        {drawn.length < points.length ? ` ${points.length - drawn.length} checkpoint(s) without a ${axis === "step" ? "step" : "tokens_trained"} are left off the charts.` : ""}
      </p>
      <AxisSwitch name={name} axis={axis} points={points} />
      <Regressions points={points} />
      <h2>Trends</h2>
      <div class="series-charts" style="display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,560px),1fr));gap:0.5rem 1.5rem">
        {metrics.map((metric) => (
          <MetricChart points={points} axis={axis} metric={metric} />
        ))}
        <EffectiveLengthChart points={points} axis={axis} />
        <RetentionChart points={points} axis={axis} />
        <GapChart points={points} axis={axis} />
        <LossTrendCharts points={points} axis={axis} />
      </div>
      <h2>Checkpoints</h2>
      <SeriesTable name={name} points={points} metrics={metrics} />
    </Layout>
  );
};

