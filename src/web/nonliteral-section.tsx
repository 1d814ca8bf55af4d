// The run page's non-literal section: the literal gap in one sentence, effective lengths per kind,
// one heatmap per kind (each cell the mean over its pairs), and means by length.
import type { FC } from "hono/jsx";
import type { SuiteResult } from "../contract/run";
import type { ProbeRow } from "../db/schema";
import type { KindFigures, NonliteralFigures } from "../probes/nonliteral/figures";
import { kindOfItem } from "../probes/nonliteral/draw";
import type { NeedleKind } from "../probes/nonliteral/types";
import type { NonliteralRecipe } from "../probes/suites/nonliteral";
import { formatK, formatScore } from "./format";
import { HeatmapSvg, meanHeatCells, servedWindowOf, type HeatmapData } from "./heatmap";
import { HeatmapLegend, HeatmapTable, LengthsHead } from "./heatmap-table";

const KIND_TITLES: Record<NeedleKind, string> = {
  literal: "Literal (the question repeats the needle's words)",
  one_hop: "One hop (no shared word; one step of inference)",
  two_hop: "Two hops (no shared word; two steps)",
};

const length = (x: number | null) => (x === null ? "none" : formatK(x));
const interval = (low: number | null, high: number | null) => `${length(low)} – ${length(high)}`;

/** The gap in one sentence, or why there is none. */
export function gapSentence(figures: NonliteralFigures): string {
  const literal = figures.by_kind.literal?.effective_context_length.relative;
  const pooled = figures.pooled?.effective_context_length.relative;
  const gap = figures.literal_gap?.relative;
  if (!literal || !pooled || !gap) return "The literal gap needs the literal kind and at least one non-literal kind in the suite.";
  if (gap.length === null) return `No length passes the literal control, so there is no literal gap to state (literal effective length: ${length(literal.length)}).`;
  return (
    `The model finds a needle by its words up to ${length(literal.length)} tokens but by inference only up to ${length(pooled.length)}: ` +
    `a literal gap of ${formatK(gap.length)} tokens (95 % interval ${interval(gap.low, gap.high)}).`
  );
}

const KindRow: FC<{ title: string; figures: KindFigures | null | undefined }> = ({ title, figures }) => {
  if (!figures) return null;
  const { relative, absolute } = figures.effective_context_length;
  return (
    <tr>
      <th scope="row">{title}</th>
      <td class="num">{formatScore(figures.scores.contains ?? null)}</td>
      <td class="num">
        {length(relative.length)} <span class="muted">({interval(relative.low, relative.high)})</span>
      </td>
      <td class="num">{length(absolute.length)}</td>
      <td class="num">{formatScore(figures.scores.distracted ?? null)}</td>
    </tr>
  );
};

const KindTable: FC<{ figures: NonliteralFigures; id: string }> = ({ figures, id }) => (
  <table id={id} class="compact">
    <caption>Per kind: mean score (0–100), effective length (relative 85 % rule, 95 % interval; absolute: mean ≥ 85) and distracted share</caption>
    <thead>
      <tr>
        <th scope="col">Kind</th>
        <th scope="col" class="num">Score</th>
        <th scope="col" class="num">Effective length</th>
        <th scope="col" class="num">Absolute</th>
        <th scope="col" class="num">Distracted</th>
      </tr>
    </thead>
    <tbody>
      {figures.kinds.map((kind) => (
        <KindRow title={KIND_TITLES[kind]} figures={figures.by_kind[kind]} />
      ))}
      <KindRow title="Non-literal (one and two hops pooled)" figures={figures.pooled} />
    </tbody>
  </table>
);

const ByLengthTable: FC<{ figures: NonliteralFigures; lengths: number[] }> = ({ figures, lengths }) => (
  <table class="compact">
    <caption>Mean score by context length and kind (0–100)</caption>
    <LengthsHead first="Kind" lengths={lengths} />
    <tbody>
      {figures.kinds.map((kind) => (
        <tr>
          <th scope="row">{kind}</th>
          {lengths.map((l) => (
            <td class="num">{formatScore(figures.by_kind[kind]?.by_length[String(l)]?.contains ?? null)}</td>
          ))}
        </tr>
      ))}
    </tbody>
  </table>
);

export const NonliteralSection: FC<{ runId: string; recipe: NonliteralRecipe; suite: SuiteResult | undefined; probes: ProbeRow[]; training?: number; servedWindow?: number }> = ({
  runId,
  recipe,
  suite,
  probes,
  training,
  servedWindow,
}) => {
  const headingId = `suite-${recipe.index}-heading`;
  const figures = suite?.nonliteral;
  const heatmap = (kind: NeedleKind): HeatmapData => ({
    runId,
    suiteIndex: recipe.index,
    metric: kind,
    lengths: recipe.context_lengths,
    depths: recipe.depth_percents,
    cells: meanHeatCells(probes.filter((p) => p.item !== null && kindOfItem(recipe, p.item) === kind), kind),
    trainingLength: training,
    servedWindow,
    variant: kind,
    title: `Non-literal heatmap, ${kind}`,
  });
  return (
    <section data-suite={recipe.index} aria-labelledby={headingId}>
      <h2 id={headingId}>
        Needles a keyword search cannot find{" "}
        <span class="muted">
          · suite {recipe.index} · corpus {recipe.corpus} ({recipe.haystack_order}) · {recipe.tokenizer} · {recipe.distractors} distractor
          {recipe.distractors === 1 ? "" : "s"} per prompt
        </span>
      </h2>
      {figures ? <p class="literal-gap">{gapSentence(figures)}</p> : null}
      {figures ? <KindTable figures={figures} id={`suite-${recipe.index}-kinds`} /> : null}
      <div class="suite-grid">
        {recipe.kinds.map((kind) => {
          const data = heatmap(kind);
          return (
            <figure class="area-map" data-kind={kind}>
              <h3>{KIND_TITLES[kind]}</h3>
              <HeatmapSvg data={data} />
              <figcaption>Mean score per cell over its {recipe.pairs} pair{recipe.pairs === 1 ? "" : "s"}; select a cell for its first probe.</figcaption>
              <HeatmapTable data={data} />
            </figure>
          );
        })}
        <aside class="panel area-panel" aria-live="polite" aria-label="Probe details">
          <h3>Probe details</h3>
          <p class="muted">Select a heatmap cell to see a probe's response, its scores and its needle.</p>
        </aside>
      </div>
      <HeatmapLegend training={training} served={servedWindowOf({ lengths: recipe.context_lengths, servedWindow }) !== null} />
      {figures ? <ByLengthTable figures={figures} lengths={recipe.context_lengths} /> : null}
    </section>
  );
};
