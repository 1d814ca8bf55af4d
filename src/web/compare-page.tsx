// /compare?runs=A,B[,C…] (or runs=A&runs=B, as a form of ticked checkboxes sends it): the runs'
// heatmaps side by side on the one score scale, each run's difference heatmap against the first,
// the per-length curves overlaid, and the suite scores and effective lengths with deltas, all read
// through the same domain call as GET /v1/compare.
import { Hono } from "hono";
import type { FC } from "hono/jsx";
import { DomainError } from "../common/errors";
import type { Comparison, CompareGrid } from "../contract/compare";
import type { ProbeRow } from "../db/schema";
import type { AppEnv } from "../http/app-env";
import { compareRuns, type ComparisonResult } from "../lifecycle/compare";
import { storedModel } from "../lifecycle/run-model";
import { listProbes } from "../lifecycle/store/probes";
import { SUITES } from "../probes/suites";
import { EffectiveLengthTable, LengthTable, SuiteTable, type RunLabel } from "./compare-tables";
import { DifferenceHeatmapSvg, DifferenceLegend } from "./difference-heatmap";
import { formatK } from "./format";
import { heatCells, HeatmapSvg, meanHeatCells, type HeatCell } from "./heatmap";
import { HeatmapLegend } from "./heatmap-table";
import { Layout } from "./layout";
import { OverlayChart } from "./overlay-chart";

export const comparePages = new Hono<AppEnv>();

const LETTERS = "ABCDEF";
const TWO_COLUMNS = "display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,30rem),1fr));gap:1rem 1.5rem";

comparePages.get("/compare", async (c) => {
  const asked = (c.req.queries("runs") ?? []).join(",");
  let result: ComparisonResult;
  try {
    result = await compareRuns(c.env, c.get("principal"), asked, c.req.query("metric"));
  } catch (error) {
    if (!(error instanceof DomainError) || (error.kind !== "invalid" && error.kind !== "not-found")) throw error;
    return c.html(<CompareRefused message={error.message} />, error.kind === "invalid" ? 422 : 404);
  }
  const grid = result.grid;
  const probes = grid ? await Promise.all(result.rows.map(async (r, i) => (await listProbes(c.env.DB, r.id)).filter((p) => p.suiteIndex === grid[i]!.index))) : [];
  const training = result.rows.map((r) => storedModel(r).training_context_length ?? undefined);
  return c.html(<ComparePage comparison={result.comparison} probes={probes} training={training} />);
});

const CompareRefused: FC<{ message: string }> = ({ message }) => (
  <Layout title="Cannot compare">
    <h1>Cannot compare these runs</h1>
    <p class="error">{message}</p>
    <p>
      Name 2 to 6 runs you may see: <code>/compare?runs=A,B</code>. From a <a href="/">leaderboard</a> or series page, tick the checkpoints and press Compare.
    </p>
  </Layout>
);

function labelsOf(comparison: Comparison): RunLabel[] {
  return comparison.runs.map((r, i) => ({ letter: LETTERS[i]!, name: r.step !== null ? `${r.model_name} (step ${r.step})` : r.model_name }));
}

const cellsOf = (grid: CompareGrid, probes: ProbeRow[]): Map<string, HeatCell> => (grid.suite_type === "needle" ? heatCells(probes, grid.metric) : meanHeatCells(probes, grid.metric));

const RunsList: FC<{ comparison: Comparison; labels: RunLabel[] }> = ({ comparison, labels }) => (
  <ol class="compared-runs" style="list-style:none;padding:0">
    {comparison.runs.map((r, i) => (
      <li data-run-id={r.run_id}>
        <strong>{labels[i]!.letter}</strong> <a href={`/runs/${r.run_id}`}>{labels[i]!.name}</a> <span class="muted">· {r.status}{r.series ? ` · series ${r.series}` : ""}{i === 0 ? " · the base every other run is compared with" : ""}</span>
        {r.series ? (
          <>
            {" "}
            · <a href={`/series/${encodeURIComponent(r.series)}`}>series page</a>
          </>
        ) : null}
      </li>
    ))}
  </ol>
);

const GridNote: FC<{ grid: CompareGrid; labels: RunLabel[] }> = ({ grid, labels }) => {
  const left = grid.not_shared.map((n, i) => ({ ...n, label: labels[i]! })).filter((n) => n.context_lengths.length || n.depth_percents.length);
  return (
    <p id="grid-note">
      Compared on the {grid.context_lengths.length} lengths × {grid.depth_percents.length} depths every run tested ({grid.suite_type} suite, <code>{grid.metric}</code> metric).
      {left.length
        ? ` Not shared, so left out: ${left
            .map((n) => `${n.label.letter}: ${[...n.context_lengths.map(formatK), ...n.depth_percents.map((d) => `depth ${d} %`)].join(", ")}`)
            .join("; ")}.`
        : " Every run tested the same grid."}
    </p>
  );
};

const MetricSwitch: FC<{ comparison: Comparison; grid: CompareGrid }> = ({ comparison, grid }) => (
  <nav class="switch" aria-label="Compared metric">
    <span class="muted">Metric:</span>
    {SUITES[grid.suite_type].metrics.map((m) => (
      <a href={`/compare?runs=${comparison.runs.map((r) => encodeURIComponent(r.run_id)).join(",")}&metric=${m}`} aria-current={m === grid.metric ? "true" : undefined}>
        {m}
      </a>
    ))}
  </nav>
);

const GridSections: FC<{ comparison: Comparison; grid: CompareGrid; probes: ProbeRow[][]; training: (number | undefined)[]; labels: RunLabel[] }> = ({ comparison, grid, probes, training, labels }) => {
  const cells = grid.heatmaps.map((h, i) => cellsOf(grid, probes[i] ?? []));
  const common = { lengths: grid.context_lengths, depths: grid.depth_percents };
  return (
    <>
      <MetricSwitch comparison={comparison} grid={grid} />
      <GridNote grid={grid} labels={labels} />
      <h2>Heatmaps side by side</h2>
      <div style={TWO_COLUMNS}>
        {grid.heatmaps.map((h, i) => (
          <figure data-run-id={h.run_id}>
            <HeatmapSvg data={{ runId: h.run_id, suiteIndex: h.suite, metric: grid.metric, ...common, cells: cells[i]!, trainingLength: training[i], variant: `run${i}`, title: `${labels[i]!.letter}: ${labels[i]!.name}` }} />
            <figcaption>
              <strong>{labels[i]!.letter}</strong> · {labels[i]!.name}
            </figcaption>
          </figure>
        ))}
      </div>
      <HeatmapLegend />
      <h2>Differences</h2>
      <p class="muted">{comparison.noise.cells}</p>
      {grid.differences.map((d, k) => {
        const [a, b] = [labels[0]!, labels[k + 1]!];
        return (
          <section data-run-id={d.run_id} aria-label={`${b.letter} − ${a.letter}`}>
            <h3>
              {b.letter} − {a.letter}: {b.name} against {a.name}
            </h3>
            <div style={TWO_COLUMNS}>
              <figure>
                <DifferenceHeatmapSvg map={{ id: `difference-${k + 1}`, title: `${b.letter} − ${a.letter}`, runId: d.run_id, ...common, cells: d.cells, byLength: d.by_length, probesOfB: cells[k + 1]! }} />
                <DifferenceLegend />
              </figure>
              <LengthTable id={`length-differences-${k + 1}`} a={a} b={b} rows={d.by_length} />
            </div>
          </section>
        );
      })}
      <h2>Per-length curves</h2>
      <OverlayChart
        id="compare-by-length"
        title={`Mean ${grid.metric} score by context length, every run`}
        desc={grid.heatmaps.map((h, i) => `${labels[i]!.letter}: ${h.by_length.map((y, j) => `${formatK(grid.context_lengths[j]!)} ${y === null ? "—" : (100 * y).toFixed(1)}`).join(", ")}`).join("; ")}
        xTitle="Context length (tokens, log scale)"
        xScale="log2"
        width={720}
        series={grid.heatmaps.map((h, i) => ({
          name: `${labels[i]!.letter} · ${labels[i]!.name}`,
          points: grid.context_lengths.map((l, j) => ({ x: l, label: formatK(l), y: h.by_length[j] === null ? null : 100 * h.by_length[j]!, href: `/runs/${h.run_id}` })),
        }))}
      />
    </>
  );
};

export const ComparePage: FC<{ comparison: Comparison; probes: ProbeRow[][]; training: (number | undefined)[] }> = ({ comparison, probes, training }) => {
  const labels = labelsOf(comparison);
  return (
    <Layout title={`Compare ${labels.map((l) => l.letter).join(", ")}`}>
      <p class="muted">
        <a href="/">Leaderboard</a> › compare
      </p>
      <h1>Compare {comparison.runs.length} runs</h1>
      <RunsList comparison={comparison} labels={labels} />
      {comparison.grid ? (
        <GridSections comparison={comparison} grid={comparison.grid} probes={probes} training={training} labels={labels} />
      ) : (
        <p id="grid-note">These runs share no needle or non-literal suite: there is no heatmap to compare.</p>
      )}
      {comparison.effective_lengths.length ? (
        <>
          <h2>Effective lengths</h2>
          <EffectiveLengthTable comparison={comparison} labels={labels} />
        </>
      ) : null}
      <h2>Suites</h2>
      <p class="muted">{comparison.noise.suites}</p>
      <SuiteTable comparison={comparison} labels={labels} />
      <p>
        <a href={`/v1/compare?runs=${comparison.runs.map((r) => encodeURIComponent(r.run_id)).join(",")}${comparison.grid ? `&metric=${comparison.grid.metric}` : ""}`}>This comparison as JSON</a>
      </p>
    </Layout>
  );
};
