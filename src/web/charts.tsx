// Small SVG charts: a line chart with its data table (per-length / per-depth curves) and a
// leaderboard sparkline. Every chart is role="img" with <title>/<desc>; the data is also text.
import type { FC } from "hono/jsx";
import { formatScore } from "./format";
import { textWidth, thinTicks } from "./ticks";

export interface CurvePoint {
  x: number;
  /** Axis and table label of x, e.g. "16K" or "50 %". */
  label: string;
  /** 0–100, null when nothing was scored there. */
  y: number | null;
}

export interface LineChartProps {
  id: string;
  title: string;
  desc: string;
  xTitle: string;
  points: CurvePoint[];
  /** log2 for context lengths (the usual axis of length curves), linear for depths. */
  xScale: "log2" | "linear";
  /** Optional dashed marker, e.g. the training length. */
  marker?: { x: number; label: string };
  /** The y axis when it is not a 0–100 score (e.g. a length in tokens). */
  yAxis?: YAxis;
  /** A second series on the same axes (dashed, orange), e.g. a trade-off: its label names both in the legend. */
  also?: { label: string; firstLabel: string; points: CurvePoint[] };
  /** Width in the chart's own units (default 380); x labels are thinned to fit it. */
  width?: number;
  /** What to say instead of an empty chart when no point has a value. */
  empty?: string;
}

const COLORS = ["#2450b2", "#c25a0b"];

/** One series: its lines (gaps kept) and its points. */
const SeriesMarks: FC<{ placed: { px: number; py: number | null; label: string; y: number | null }[]; color: string; dashed: boolean; format: YAxis["format"] }> = ({ placed, color, dashed, format }) => (
  <>
    {segments(placed).map((s) => (
      <polyline points={s.map((p) => `${p.px.toFixed(1)},${p.py.toFixed(1)}`).join(" ")} fill="none" stroke={color} stroke-width="2" stroke-dasharray={dashed ? "6 4" : undefined} />
    ))}
    {placed.map((p) =>
      p.py !== null ? (
        <circle cx={p.px} cy={p.py} r="3.5" fill={color}>
          <title>{`${p.label}: ${format(p.y)}`}</title>
        </circle>
      ) : null,
    )}
  </>
);

export interface YAxis {
  max: number;
  title: string;
  format: (y: number | null) => string;
}

const SCORE_AXIS: YAxis = { max: 100, title: "Score (0–100)", format: formatScore };

const W = 380;
const H = 210;
const M = { left: 40, right: 24, top: 14, bottom: 38 };
const Y_TICK_FRACTIONS = [0, 0.25, 0.5, 0.75, 1];
const TICK_FONT = 11;

/** The x axis of a chart `width` wide spanning these points: a value's position. */
export function xAxisOf(points: readonly Pick<CurvePoint, "x">[], xScale: LineChartProps["xScale"], width = W): (x: number) => number {
  const f = xScale === "log2" ? (x: number) => Math.log2(Math.max(x, 1)) : (x: number) => x;
  const xs = points.map((p) => f(p.x));
  const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
  const plotW = width - M.left - M.right;
  return (x) => M.left + (hi === lo ? plotW / 2 : ((f(x) - lo) / (hi - lo)) * plotW);
}

/** The x labels that fit without touching: first and last, and between them as many as have room. */
export function xTickLabels(points: readonly CurvePoint[], xScale: LineChartProps["xScale"], width = W): { at: number; label: string; size: number }[] {
  const px = xAxisOf(points, xScale, width);
  const ticks = points.map((p) => ({ at: px(p.x), label: p.label, size: textWidth(p.label, TICK_FONT) }));
  const keep = thinTicks(ticks);
  return ticks.filter((_, i) => keep[i]);
}

/** Splits points into runs of consecutive scored points, so gaps show as gaps. */
function segments(points: { px: number; py: number | null }[]) {
  const out: { px: number; py: number }[][] = [[]];
  for (const p of points) {
    if (p.py === null) out.push([]);
    else out.at(-1)!.push({ px: p.px, py: p.py });
  }
  return out.filter((s) => s.length > 0);
}

export const LineChart: FC<LineChartProps> = (props) => {
  if (![...props.points, ...(props.also?.points ?? [])].some((p) => p.y !== null)) {
    return (
      <figure class="chart" id={props.id}>
        <figcaption>{props.title}</figcaption>
        <p class="muted empty-state">{props.empty ?? "Nothing to draw: no point has a value yet."}</p>
      </figure>
    );
  }
  return <DrawnLineChart {...props} />;
};

const DrawnLineChart: FC<LineChartProps> = ({ id, title, desc, xTitle, points, xScale, marker, yAxis = SCORE_AXIS, also, width = W }) => {
  const plotW = width - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const px = xAxisOf(points, xScale, width);
  const py = (y: number) => M.top + plotH - (Math.min(y, yAxis.max) / yAxis.max) * plotH;
  const placed = points.map((p) => ({ ...p, px: px(p.x), py: p.y === null ? null : py(p.y) }));
  const markerX = marker && marker.x >= points[0]!.x && marker.x <= points.at(-1)!.x ? px(marker.x) : null;
  const W = width;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-labelledby={`${id}-title ${id}-desc`} id={id}>
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{desc}</desc>
        {Y_TICK_FRACTIONS.map((fraction) => (
          <g>
            <line x1={M.left} x2={W - M.right} y1={py(fraction * yAxis.max)} y2={py(fraction * yAxis.max)} stroke={fraction === 0 ? "#9aa3b2" : "#e3e6ec"} />
            <text x={M.left - 6} y={py(fraction * yAxis.max) + 4} text-anchor="end" font-size="11">
              {yAxis === SCORE_AXIS ? fraction * 100 : yAxis.format(fraction * yAxis.max)}
            </text>
          </g>
        ))}
        {markerX !== null ? (
          <g class="marker">
            <line x1={markerX} x2={markerX} y1={M.top} y2={M.top + plotH} stroke="#222" stroke-dasharray="5 4" />
            <text x={markerX + 4} y={M.top + 10} font-size="10">
              {marker!.label}
            </text>
          </g>
        ) : null}
        <SeriesMarks placed={placed} color={COLORS[0]!} dashed={false} format={yAxis.format} />
        {also ? <SeriesMarks placed={also.points.map((p) => ({ ...p, px: px(p.x), py: p.y === null ? null : py(p.y) }))} color={COLORS[1]!} dashed format={yAxis.format} /> : null}
        {xTickLabels(points, xScale, width).map((tick) => (
          <text x={tick.at.toFixed(1)} y={H - M.bottom + 16} text-anchor="middle" font-size={TICK_FONT}>
            {tick.label}
          </text>
        ))}
        <text x={M.left + plotW / 2} y={H - 4} text-anchor="middle" font-size="11" fill="#5b6475">
          {xTitle}
        </text>
      </svg>
      <details>
        <summary>Data table: {title}</summary>
        <table>
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">{xTitle}</th>
              <th scope="col" class="num">
                {also ? also.firstLabel : yAxis.title}
              </th>
              {also ? (
                <th scope="col" class="num">
                  {also.label}
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {points.map((p, i) => (
              <tr>
                <th scope="row">{p.label}</th>
                <td class="num">{yAxis.format(p.y)}</td>
                {also ? <td class="num">{yAxis.format(also.points[i]?.y ?? null)}</td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
};

/** A tiny per-length trend for a leaderboard row; its <desc> carries every value. */
export const Sparkline: FC<{ id: string; label: string; points: CurvePoint[] }> = ({ id, label, points }) => {
  const [w, h, pad] = [88, 22, 2];
  const step = points.length > 1 ? (w - 2 * pad) / (points.length - 1) : 0;
  const placed = points.map((p, i) => ({ px: pad + i * step, py: p.y === null ? null : pad + (1 - p.y / 100) * (h - 2 * pad) }));
  const values = points.map((p) => `${p.label}: ${formatScore(p.y)}`).join(", ");
  return (
    <svg class="spark" width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-labelledby={`${id}-t ${id}-d`}>
      <title id={`${id}-t`}>{label}</title>
      <desc id={`${id}-d`}>{values}</desc>
      <line x1={pad} x2={w - pad} y1={h - pad} y2={h - pad} stroke="#e3e6ec" />
      {segments(placed).map((s) =>
        s.length === 1 ? (
          <circle cx={s[0]!.px} cy={s[0]!.py} r="2" fill="#2450b2" />
        ) : (
          <polyline points={s.map((p) => `${p.px.toFixed(1)},${p.py.toFixed(1)}`).join(" ")} fill="none" stroke="#2450b2" stroke-width="1.5" />
        ),
      )}
    </svg>
  );
};
