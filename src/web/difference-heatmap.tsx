// The difference heatmap of a comparison: B − A per cell on a diverging scale (red worse, blue
// better), laid out like the run heatmap (depths down, lengths across), with a strip above for each
// length's pooled difference. Differences beyond probe-level noise carry a black ring; every cell
// links to B's probe there and says both scores, the test and its p in its tooltip.
import type { FC } from "hono/jsx";
import type { DifferenceCell, LengthDifference } from "../contract/compare";
import { DIVERGING_GRADIENT, differenceColor, PENDING_FILL } from "./colors";
import { formatK, formatUnitScore } from "./format";
import type { HeatCell } from "./heatmap";

export interface DifferenceMap {
  id: string;
  /** "B − A" with the runs' names. */
  title: string;
  runId: string;
  lengths: number[];
  depths: number[];
  cells: DifferenceCell[][];
  byLength: LengthDifference[];
  /** B's cells, for the links to its probes. */
  probesOfB: Map<string, HeatCell>;
}

const W = 760;
const M = { left: 64, right: 14, top: 48, bottom: 46 };
const STRIP = 16;

const signed = (d: number | null) => (d === null ? "—" : `${d > 0 ? "+" : d < 0 ? "−" : "±"}${formatUnitScore(Math.abs(d))}`);
const pText = (p: number | null) => (p === null ? "—" : p < 0.001 ? p.toExponential(0) : p.toFixed(3));

export function differenceLabel(d: DifferenceCell | LengthDifference, where: string): string {
  if (d.difference === null) return `${where}: not comparable (A ${formatUnitScore(d.a)}, B ${formatUnitScore(d.b)})`;
  const verdict = d.beyond_noise ? "beyond noise" : "within noise";
  return `${where}: A ${formatUnitScore(d.a)} (${d.n_a}), B ${formatUnitScore(d.b)} (${d.n_b}), B − A ${signed(d.difference)}; ${d.test} p ${pText(d.p_value)}, q ${pText(d.q_value)}: ${verdict}`;
}

const fillOf = (d: { difference: number | null }) => (d.difference === null ? PENDING_FILL : differenceColor(d.difference));

export const DifferenceHeatmapSvg: FC<{ map: DifferenceMap }> = ({ map }) => {
  const { lengths, depths } = map;
  const plotW = W - M.left - M.right;
  const cellW = plotW / lengths.length;
  const cellH = Math.min(44, Math.max(12, 300 / depths.length));
  const plotH = cellH * depths.length;
  const H = M.top + plotH + M.bottom;
  const ring = Math.max(3, Math.min(cellW, cellH) / 4);
  const everyX = Math.ceil(lengths.length / 14);
  const everyY = Math.ceil(depths.length / 12);
  const marked = map.cells.flat().filter((c) => c.beyond_noise).length;
  return (
    <svg id={map.id} class="difference-heatmap" viewBox={`0 0 ${W} ${H}`} width="100%" role="group" aria-labelledby={`${map.id}-title`} aria-describedby={`${map.id}-desc`}>
      <title id={`${map.id}-title`}>{`Difference heatmap, ${map.title}: depth by context length`}</title>
      <desc id={`${map.id}-desc`}>{`${marked} of ${map.cells.flat().length} cells and ${map.byLength.filter((l) => l.beyond_noise).length} of ${map.byLength.length} lengths differ beyond probe-level noise.`}</desc>
      <text x={M.left - 6} y={M.top - STRIP / 2 - 8 + 4} text-anchor="end" font-size="11">
        all depths
      </text>
      {map.byLength.map((l, col) => (
        <g class="length-difference" data-length={l.context_length} data-difference={l.difference ?? ""} data-beyond-noise={String(l.beyond_noise)}>
          <title>{differenceLabel(l, `${formatK(l.context_length)} tokens, all depths`)}</title>
          <rect x={(M.left + col * cellW).toFixed(2)} y={M.top - STRIP - 8} width={cellW.toFixed(2)} height={STRIP} fill={fillOf(l)} stroke="#fff" />
          {l.beyond_noise ? <circle class="noise-mark" cx={(M.left + col * cellW + cellW / 2).toFixed(2)} cy={M.top - STRIP / 2 - 8} r="4" fill="none" stroke="#111" stroke-width="2" /> : null}
        </g>
      ))}
      {map.cells.map((row, r) =>
        row.map((cell, col) => {
          const probe = map.probesOfB.get(`${cell.depth_percent}:${cell.context_length}`);
          const [x, y] = [M.left + col * cellW, M.top + r * cellH];
          const body = (
            <g class="difference-cell" data-length={cell.context_length} data-depth={cell.depth_percent} data-difference={cell.difference ?? ""} data-beyond-noise={String(cell.beyond_noise)}>
              <title>{differenceLabel(cell, `${formatK(cell.context_length)} tokens, depth ${cell.depth_percent} %`)}</title>
              <rect x={x.toFixed(2)} y={y.toFixed(2)} width={cellW.toFixed(2)} height={cellH.toFixed(2)} fill={fillOf(cell)} stroke="#fff" stroke-width="1" />
              {cell.beyond_noise ? <circle class="noise-mark" cx={(x + cellW / 2).toFixed(2)} cy={(y + cellH / 2).toFixed(2)} r={ring.toFixed(1)} fill="none" stroke="#111" stroke-width="2" /> : null}
            </g>
          );
          return probe ? <a href={`/runs/${map.runId}/probes/${probe.idx}`}>{body}</a> : body;
        }),
      )}
      {depths.map((depth, row) =>
        row % everyY === 0 || row === depths.length - 1 ? (
          <text x={M.left - 6} y={M.top + row * cellH + cellH / 2 + 4} text-anchor="end" font-size="12">
            {`${depth}%`}
          </text>
        ) : null,
      )}
      {lengths.map((length, col) =>
        col % everyX === 0 || col === lengths.length - 1 ? (
          <text x={M.left + col * cellW + cellW / 2} y={M.top + plotH + 16} text-anchor="middle" font-size="12">
            {formatK(length)}
          </text>
        ) : null,
      )}
      <text x={M.left + plotW / 2} y={H - 8} text-anchor="middle" font-size="12" fill="#5b6475">
        Context length (tokens)
      </text>
      <text transform={`translate(14 ${M.top + plotH / 2}) rotate(-90)`} text-anchor="middle" font-size="12" fill="#5b6475">
        Needle depth (%)
      </text>
    </svg>
  );
};

export const DifferenceLegend: FC = () => (
  <div class="legend" aria-hidden="true">
    <span>
      −1 (worse)
      <span class="scale" style={`background:${DIVERGING_GRADIENT}`} />
      +1 (better)
    </span>
    <span>
      <svg width="14" height="14">
        <circle cx="7" cy="7" r="5" fill="none" stroke="#111" stroke-width="2" />
      </svg>{" "}
      beyond probe-level noise
    </span>
    <span>
      <span class="swatch pending" />
      not comparable (a side has no score)
    </span>
  </div>
);
