// The run page's RULER section, in RULER's own layout: one sentence with the RULER average and the
// effective length (RULER's 85.6 rule and our relative one, with intervals); the task × length table
// with each cell coloured by its score (bold where the length's average clears 85.6, as RULER
// underlines); the average per length and a curve per task.
import type { FC } from "hono/jsx";
import type { SuiteResult } from "../contract/run";
import type { RulerFigures } from "../probes/ruler/figures";
import type { RulerRecipe } from "../probes/suites/ruler";
import { LineChart, type CurvePoint } from "./charts";
import { scoreColor } from "./colors";
import { formatK, formatScore } from "./format";
import { LengthsHead } from "./heatmap-table";

type Cell = RulerFigures["average_by_length"][string] | undefined;
type EffectiveLength = RulerFigures["effective_context_length"]["ruler"];

/** RULER's lengths are powers of two: 4096 reads "4K", as RULER's tables print it. */
export const rulerK = (n: number) => (n >= 1024 && n % 1024 === 0 ? `${n / 1024}K` : formatK(n));
const length = (x: number | null) => (x === null ? "none" : rulerK(x));

function effectiveText(e: EffectiveLength): string {
  return `${length(e.length)} (95 % interval ${length(e.low)} – ${length(e.high)})`;
}

/** The headline in one sentence, or why there is none yet. */
export function rulerSentence(figures: RulerFigures): string {
  if (figures.average === null) return "No RULER probe has been scored yet.";
  const { ruler, relative } = figures.effective_context_length;
  return (
    `RULER average ${formatScore(figures.average)} over ${figures.tasks.length} task${figures.tasks.length === 1 ? "" : "s"}; ` +
    `effective length ${effectiveText(ruler)} by RULER's rule (every length's average ≥ 85.6, Llama-2-7B at 4K), ` +
    `${effectiveText(relative)} by the relative rule (≥ 85 % of the average at ${rulerK(figures.context_lengths[0] ?? 0)}).`
  );
}

const ScoreCell: FC<{ cell: Cell; strong?: boolean }> = ({ cell, strong }) =>
  cell ? (
    <td class="num ruler-cell" style={`background:${scoreColor(cell.mean / 100)}`} title={`${formatScore(cell.mean)} (95 % ${formatScore(cell.low)} – ${formatScore(cell.high)}, ${cell.n} probes)`}>
      {strong ? <strong>{formatScore(cell.mean)}</strong> : formatScore(cell.mean)}
    </td>
  ) : (
    <td class="num muted">–</td>
  );

const TaskTable: FC<{ figures: RulerFigures; id: string }> = ({ figures, id }) => {
  const lengths = figures.context_lengths;
  const passes = (l: number) => (figures.average_by_length[String(l)]?.mean ?? 0) >= 85.6;
  return (
    <table id={id} class="compact ruler-table">
      <caption>Score per task and length (0–100, string_match_all; qa string_match_part), {figures.samples} samples per cell; hover a cell for its 95 % interval. Bold: lengths whose average clears 85.6.</caption>
      <LengthsHead first="Task" lengths={lengths} label={rulerK} />
      <tbody>
        {figures.tasks.map((task) => (
          <tr data-task={task}>
            <th scope="row">{task}</th>
            {lengths.map((l) => (
              <ScoreCell cell={figures.by_task[task]?.by_length[String(l)]} />
            ))}
          </tr>
        ))}
        <tr class="ruler-average">
          <th scope="row">Average</th>
          {lengths.map((l) => (
            <ScoreCell cell={figures.average_by_length[String(l)]} strong={passes(l)} />
          ))}
        </tr>
      </tbody>
    </table>
  );
};

const curve = (lengths: readonly number[], at: (l: number) => number | null | undefined): CurvePoint[] => lengths.map((l) => ({ x: l, label: rulerK(l), y: at(l) ?? null }));

export const RulerSection: FC<{ recipe: RulerRecipe; suite: SuiteResult | undefined }> = ({ recipe, suite }) => {
  const headingId = `suite-${recipe.index}-heading`;
  const figures = suite?.ruler;
  return (
    <section data-suite={recipe.index} aria-labelledby={headingId} class="ruler-section">
      <h2 id={headingId}>
        RULER{" "}
        <span class="muted">
          · suite {recipe.index} · {recipe.tasks.length} tasks × {recipe.context_lengths.length} lengths × {recipe.samples} samples · {recipe.tokenizer} · essays {recipe.corpus} · seed {recipe.seed}
        </span>
      </h2>
      {figures ? <p class="ruler-headline">{rulerSentence(figures)}</p> : <p class="muted">No RULER probe has settled yet.</p>}
      {figures ? <TaskTable figures={figures} id={`suite-${recipe.index}-ruler`} /> : null}
      {figures ? (
        <div class="suite-grid ruler-curves">
          <LineChart
            id={`suite-${recipe.index}-ruler-average`}
            title="RULER average by context length"
            desc="The mean of the task means at each length; RULER's bar is 85.6."
            xTitle="Context length (tokens)"
            xScale="log2"
            points={curve(figures.context_lengths, (l) => figures.average_by_length[String(l)]?.mean)}
          />
          {figures.tasks.map((task) => (
            <LineChart
              id={`suite-${recipe.index}-ruler-${task}`}
              title={task}
              desc={`${task}: mean score by context length`}
              xTitle="Context length (tokens)"
              xScale="log2"
              width={260}
              points={curve(figures.context_lengths, (l) => figures.by_task[task]?.by_length[String(l)]?.mean)}
            />
          ))}
        </div>
      ) : null}
    </section>
  );
};
