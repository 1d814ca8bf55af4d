// The run page's needle section: the heatmap with its probe details panel, the per-length and
// per-depth curves, the effective context length and the suite scores — or, where nothing is
// scored, what happened instead.
import type { FC } from "hono/jsx";
import type { SuiteResult } from "../contract/run";
import type { ProbeRow } from "../db/schema";
import type { NeedleRecipe } from "../probes/suites/needle";
import { LineChart, type CurvePoint } from "./charts";
import { formatK, formatScore } from "./format";
import { heatCells, HeatmapSvg, servedWindowOf, type HeatmapData } from "./heatmap";
import { HeatmapLegend, HeatmapTable } from "./heatmap-table";
import { noScoresText } from "./run-state";
import { ScoreTable } from "./score-table";

/** The run's state, for what a section says when it has nothing scored. */
export interface RunState {
  status: string;
  error: string | null;
}

function curve(groups: SuiteResult["by_length"], metric: string, label: (x: number) => string): CurvePoint[] {
  return Object.entries(groups ?? {})
    .map(([key, scores]) => ({ x: Number(key), label: label(Number(key)), y: scores[metric] ?? null }))
    .sort((a, b) => a.x - b.x);
}

/** The effective length in a sentence; nothing when no probe is scored (the empty state says why). */
export const EffectiveLength: FC<{ suite: SuiteResult }> = ({ suite }) => {
  const effective = suite.effective_context_length;
  if (!effective || suite.scored === 0) return null;
  const k = (x: number) => `${formatK(x)} tokens`;
  const rule = effective.definition === "absolute" ? "a fixed bar" : "85 % of the shortest length's";
  if (effective.length === null) {
    const shortest = suite.context_lengths?.[0];
    return (
      <p class="effective-length">
        <strong>Effective context length: none.</strong> The mean <em>contains</em> score is 0 even at the shortest tested length
        {shortest ? ` (${k(shortest)})` : ""}, so no length passes; computed from the probes.
      </p>
    );
  }
  const interval = effective.low !== null && effective.high !== null ? ` (95 % interval ${k(effective.low)} – ${k(effective.high)})` : "";
  return (
    <p class="effective-length">
      <strong>Effective context length: {k(effective.length)}</strong>
      {interval}: every tested length up to it keeps a mean <em>contains</em> score of at least {formatScore(100 * effective.threshold)} ({rule}),
      computed from the probes.
    </p>
  );
};

const SuiteScores: FC<{ suite: SuiteResult; id: string }> = ({ suite, id }) => (
  <ScoreTable
    id={id}
    class="suite-scores compact"
    caption={`Suite scores: means over ${suite.scored} scored probes (of ${suite.probes}; ${suite.unscorable} unscorable, ${suite.failed} failed${suite.truncated ? `, ${suite.truncated} truncated` : ""}${suite.incomplete ? `, ${suite.incomplete} incomplete` : ""}), 0–100`}
    scores={suite.scores}
    format={formatScore}
  />
);

const Curves: FC<{ recipe: NeedleRecipe; suite: SuiteResult; metric: string; training?: number }> = ({ recipe, suite, metric, training }) => {
  const byLength = curve(suite.by_length, metric, formatK);
  const byDepth = curve(suite.by_depth, metric, (d) => `${d}%`);
  return (
    <div class="curves">
      <LineChart
        id={`suite-${recipe.index}-by-length`}
        title={`Mean ${metric} score by context length`}
        desc={byLength.map((p) => `${p.label}: ${formatScore(p.y)}`).join(", ")}
        xTitle="Context length (tokens, log scale)"
        points={byLength}
        xScale="log2"
        marker={training ? { x: training, label: `trained ${formatK(training)}` } : undefined}
      />
      <LineChart
        id={`suite-${recipe.index}-by-depth`}
        title={`Mean ${metric} score by needle depth`}
        desc={byDepth.map((p) => `${p.label}: ${formatScore(p.y)}`).join(", ")}
        xTitle="Needle depth (%)"
        points={byDepth}
        xScale="linear"
      />
    </div>
  );
};

export interface NeedleSectionProps {
  runId: string;
  recipe: NeedleRecipe;
  suite: SuiteResult | undefined;
  probes: ProbeRow[];
  metric: string;
  training?: number;
  /** The longest prompt the server took whole (window discovery), drawn where tested lengths pass it. */
  servedWindow?: number;
  state: RunState;
}

export const NeedleSection: FC<NeedleSectionProps> = ({ runId, recipe, suite, probes, metric, training, servedWindow, state }) => {
  const data: HeatmapData = {
    runId,
    suiteIndex: recipe.index,
    metric,
    lengths: recipe.context_lengths,
    depths: recipe.depth_percents,
    cells: heatCells(probes, metric),
    trainingLength: training,
    servedWindow,
  };
  const headingId = `suite-${recipe.index}-heading`;
  return (
    <section data-suite={recipe.index} aria-labelledby={headingId}>
      <h2 id={headingId}>
        Needle in a haystack <span class="muted">· suite {recipe.index} · corpus {recipe.corpus} · {recipe.tokenizer}</span>
      </h2>
      <div class="suite-grid">
        <figure class="area-map">
          <HeatmapSvg data={data} />
          <figcaption>
            Score per probe ({metric} metric) from 0 (red) to 1 (green); rows are needle depths, columns haystack lengths.
            Select a cell for its response and prompt.
          </figcaption>
          <HeatmapLegend training={training} served={servedWindowOf(data) !== null} />
          <HeatmapTable data={data} />
        </figure>
        <aside class="panel area-panel" aria-live="polite" aria-label="Probe details">
          <h3>Probe details</h3>
          <p class="muted">Select a heatmap cell to see the model's response, its scores and an excerpt of the prompt.</p>
        </aside>
        {suite ? (
          <div class="area-more" data-suite-summary={recipe.index}>
            <h3>Curves ({metric} metric)</h3>
            {suite.scored > 0 ? (
              <Curves recipe={recipe} suite={suite} metric={metric} training={training} />
            ) : (
              <p class="muted empty-state">{noScoresText({ ...state, counts: suite })}</p>
            )}
            <EffectiveLength suite={suite} />
            <SuiteScores suite={suite} id={`suite-${recipe.index}-scores`} />
          </div>
        ) : null}
      </div>
    </section>
  );
};
