// The needle heatmap as inline SVG, laid out like Fu et al.'s figure: rows are needle depths
// (0 % at the top), columns are haystack lengths, colour is the probe's score on a fixed 0–1 scale.
// Every cell links to its probe page, so the heatmap works without JavaScript.
import type { FC } from "hono/jsx";
import type { ProbeRow } from "../db/schema";
import { CUT_BACKGROUND, CUT_STROKE, HATCH_BACKGROUND, HATCH_STROKE, PENDING_FILL, scoreColor } from "./colors";
import { formatK, formatUnitScore } from "./format";
import { textWidth, thinTicks } from "./ticks";

export interface HeatCell {
  idx: number;
  length: number;
  depth: number;
  status: ProbeRow["status"];
  /** The chosen metric's score in 0–1 (the mean when a cell holds several probes), only for scored probes. */
  score: number | null;
  /** Probes in the cell when there are several (non-literal: pairs × kinds); the link goes to the first. */
  count?: number;
}

export interface HeatmapData {
  runId: string;
  suiteIndex: number;
  metric: string;
  lengths: number[];
  depths: number[];
  /** Cells keyed by `${depth}:${length}`. */
  cells: Map<string, HeatCell>;
  trainingLength?: number;
  /** The longest prompt the server took whole, where window discovery found one below some tested length. */
  servedWindow?: number;
  /** Tells apart several heatmaps of one suite (element ids), e.g. a non-literal kind. */
  variant?: string;
  /** What the heatmap shows, for its title (default "Needle heatmap"). */
  title?: string;
}

/** What a probe contributes to its cell (a full row, or the score columns the live stream reads). */
export type CellProbe = Pick<ProbeRow, "idx" | "contextLength" | "depthPercent" | "status" | "scores">;

/** The element id of a suite's heatmap (and of a variant, e.g. a non-literal kind). */
export const heatmapId = (suiteIndex: number, variant?: string) => `heatmap-${suiteIndex}${variant ? `-${variant}` : ""}`;

export function heatCells(probes: readonly CellProbe[], metric: string): Map<string, HeatCell> {
  const cells = new Map<string, HeatCell>();
  for (const p of probes) {
    if (p.contextLength === null || p.depthPercent === null) continue;
    const value = p.scores?.[metric];
    cells.set(`${p.depthPercent}:${p.contextLength}`, {
      idx: p.idx,
      length: p.contextLength,
      depth: p.depthPercent,
      status: p.status,
      score: p.status === "scored" && typeof value === "number" ? value : null,
    });
  }
  return cells;
}

/**
 * Cells that average the scored probes of each (depth, length) (a non-literal kind's probes: the
 * caller picks them). A cell with none scored shows its first probe's status.
 */
export function meanHeatCells(probes: readonly CellProbe[], metric: string): Map<string, HeatCell> {
  const groups = new Map<string, CellProbe[]>();
  for (const p of probes) {
    if (p.contextLength === null || p.depthPercent === null) continue;
    const key = `${p.depthPercent}:${p.contextLength}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const cells = new Map<string, HeatCell>();
  for (const [key, members] of groups) {
    const scored = members.flatMap((p) => (p.status === "scored" && typeof p.scores?.[metric] === "number" ? [p.scores[metric]] : []));
    const first = members[0]!;
    cells.set(key, {
      idx: first.idx,
      length: first.contextLength!,
      depth: first.depthPercent!,
      status: scored.length ? "scored" : first.status,
      score: scored.length ? scored.reduce((a, b) => a + b, 0) / scored.length : null,
      count: members.length,
    });
  }
  return cells;
}

const isBroken = (status: HeatCell["status"]) => status === "unscorable" || status === "failed";
/** Not the model's doing: the server cut the prompt, or a reasoning reply ran out before its answer. */
const isServerCut = (status: HeatCell["status"]) => status === "truncated" || status === "incomplete";

/** A cell's fill: its score's colour, or the pattern or grey of its status (`hatchId`: the heatmap's hatch pattern). */
export function cellFill(cell: HeatCell, hatchId: string): string {
  if (cell.score !== null) return scoreColor(cell.score);
  if (isServerCut(cell.status)) return `url(#${hatchId}-cut)`;
  return isBroken(cell.status) ? `url(#${hatchId})` : PENDING_FILL;
}

export function cellLabel(cell: HeatCell): string {
  const where = `${formatK(cell.length)} tokens, depth ${cell.depth} %`;
  const of = cell.count && cell.count > 1 ? ` (mean of ${cell.count} probes)` : "";
  return cell.score !== null ? `${where}: score ${formatUnitScore(cell.score)}${of}` : `${where}: ${cell.status}`;
}

/** A one-sentence summary for the SVG's <desc>: what a sighted reader takes in at a glance. */
function summary(data: HeatmapData): string {
  const all = [...data.cells.values()];
  const scored = all.filter((c) => c.score !== null);
  const mean = scored.length ? scored.reduce((a, c) => a + c.score!, 0) / scored.length : null;
  const low = scored.filter((c) => c.score! < 0.5);
  const lowText = low.length
    ? ` Cells below 0.5: ${low.slice(0, 12).map((c) => `${formatK(c.length)} at ${c.depth} %`).join(", ")}${low.length > 12 ? ", …" : ""}.`
    : " No cell is below 0.5.";
  return `${scored.length} of ${all.length} probes scored with the ${data.metric} metric, mean ${formatUnitScore(mean)}.${scored.length ? lowText : ""}`;
}

const W = 760;
const M = { left: 64, right: 14, top: 28, bottom: 46 };
const LABEL_FONT = 12;

/** The length labels under the columns that fit without touching, for a heatmap `width` wide. */
export function columnLabels(lengths: readonly number[], width = W): { col: number; at: number; label: string; size: number }[] {
  const cellW = (width - M.left - M.right) / lengths.length;
  const ticks = lengths.map((length, col) => ({ col, at: M.left + col * cellW + cellW / 2, label: formatK(length), size: textWidth(formatK(length), LABEL_FONT) }));
  const keep = thinTicks(ticks);
  return ticks.filter((_, i) => keep[i]);
}

/** The depth labels beside the rows that fit, one line of text each. */
function rowLabels(depths: readonly number[], cellH: number): { row: number; at: number; label: string }[] {
  const ticks = depths.map((depth, row) => ({ row, at: M.top + row * cellH + cellH / 2, label: `${depth}%`, size: LABEL_FONT }));
  const keep = thinTicks(ticks, 2);
  return ticks.filter((_, i) => keep[i]);
}

/** x of the boundary after the last length ≤ `limit` (the training length's dashed line, the served window's dotted one). */
function lineAfterX(lengths: number[], limit: number, left: number, cellW: number): number {
  return left + lengths.filter((l) => l <= limit).length * cellW;
}

/** The discovered window, where some tested length lies above it (else the line would mark nothing). */
export const servedWindowOf = (data: Pick<HeatmapData, "lengths" | "servedWindow">): number | null =>
  data.servedWindow !== undefined && data.lengths.some((length) => length > data.servedWindow!) ? data.servedWindow : null;

/** The paper's dashed line after the last length within the training length. */
const TrainingLine: FC<{ x: number; length: number; plotH: number }> = ({ x, length, plotH }) => (
  <g class="training-line" data-training-length={length}>
    <line x1={x} x2={x} y1={M.top - 6} y2={M.top + plotH + 4} stroke="#111" stroke-width="2" stroke-dasharray="6 4" />
    <text x={x} y={M.top - 10} text-anchor={x > W - 120 ? "end" : x < M.left + 120 ? "start" : "middle"} font-size="11">
      {`training length ${formatK(length)}`}
    </text>
  </g>
);

/** A dotted line after the last length the server took whole, on a white underlay (it crosses hatched cells). */
const ServedWindowLine: FC<{ x: number; window: number; plotH: number }> = ({ x, window, plotH }) => (
  <g class="served-window-line" data-served-window={window}>
    <line x1={x} x2={x} y1={M.top} y2={M.top + plotH} stroke="#fff" stroke-width="5" />
    <line x1={x} x2={x} y1={M.top} y2={M.top + plotH} stroke="#7c2d12" stroke-width="2" stroke-dasharray="3 3" />
    <text x={x + 6} y={M.top + 14} font-size="11" fill="#7c2d12" stroke="#fff" stroke-width="3" paint-order="stroke">
      {`server takes ≤ ${formatK(window)}`}
    </text>
  </g>
);

export const HeatmapSvg: FC<{ data: HeatmapData }> = ({ data }) => {
  const { lengths, depths } = data;
  const id = heatmapId(data.suiteIndex, data.variant);
  const hatchId = `${id}-hatch`;
  const plotW = W - M.left - M.right;
  const cellW = plotW / lengths.length;
  const cellH = Math.min(44, Math.max(12, 300 / depths.length));
  const plotH = cellH * depths.length;
  const H = M.top + plotH + M.bottom;
  const served = servedWindowOf(data);
  return (
    // role="group", not "img": its cells are links (and buttons with JS), which role="img" would hide.
    <svg id={id} class="heatmap" viewBox={`0 0 ${W} ${H}`} width="100%" role="group" aria-labelledby={`${id}-title`} aria-describedby={`${id}-desc`}>
      <title id={`${id}-title`}>{`${data.title ?? "Needle heatmap"} (${data.metric} metric): depth by context length`}</title>
      <desc id={`${id}-desc`}>{summary(data)}</desc>
      <defs>
        <pattern id={hatchId} patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">
          <rect width="6" height="6" fill={HATCH_BACKGROUND} />
          <line x1="0" y1="0" x2="0" y2="6" stroke={HATCH_STROKE} stroke-width="2" />
        </pattern>
        <pattern id={`${hatchId}-cut`} patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(-45)">
          <rect width="6" height="6" fill={CUT_BACKGROUND} />
          <line x1="0" y1="0" x2="0" y2="6" stroke={CUT_STROKE} stroke-width="2" />
        </pattern>
      </defs>
      {depths.map((depth, row) =>
        lengths.map((length, col) => {
          const cell = data.cells.get(`${depth}:${length}`);
          if (!cell) return null;
          return (
            <a href={`/runs/${data.runId}/probes/${cell.idx}`} class="cell-link">
              <title>{cellLabel(cell)}</title>
              <rect
                class="cell"
                x={(M.left + col * cellW).toFixed(2)}
                y={(M.top + row * cellH).toFixed(2)}
                width={cellW.toFixed(2)}
                height={cellH.toFixed(2)}
                fill={cellFill(cell, hatchId)}
                stroke="#fff"
                stroke-width="1"
                data-length={cell.length}
                data-depth={cell.depth}
                data-score={cell.score === null ? "" : String(cell.score)}
                data-idx={cell.idx}
                data-status={cell.status}
              />
            </a>
          );
        }),
      )}
      {rowLabels(depths, cellH).map((tick) => (
        <text x={M.left - 6} y={(tick.at + 4).toFixed(2)} text-anchor="end" font-size={LABEL_FONT}>
          {tick.label}
        </text>
      ))}
      {columnLabels(lengths).map((tick) => (
        <text x={tick.at.toFixed(2)} y={M.top + plotH + 16} text-anchor="middle" font-size={LABEL_FONT}>
          {tick.label}
        </text>
      ))}
      <text x={M.left + plotW / 2} y={H - 8} text-anchor="middle" font-size="12" fill="#5b6475">
        Context length (tokens)
      </text>
      <text transform={`translate(14 ${M.top + plotH / 2}) rotate(-90)`} text-anchor="middle" font-size="12" fill="#5b6475">
        Needle depth (%)
      </text>
      {served !== null ? <ServedWindowLine x={lineAfterX(lengths, served, M.left, cellW)} window={served} plotH={plotH} /> : null}
      {data.trainingLength ? <TrainingLine x={lineAfterX(lengths, data.trainingLength, M.left, cellW)} length={data.trainingLength} plotH={plotH} /> : null}
    </svg>
  );
};
