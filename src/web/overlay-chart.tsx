// A line chart of several series on one set of axes, drawn at its natural size (never scaled up
// past its width): runs overlaid on the compare page, a metric over a series' checkpoints. Points
// may link somewhere (their run), be flagged (a regression: a red ring with its reason as tooltip),
// and carry an interval drawn as a band. The x labels are thinned like LineChart's (./ticks.ts).
import type { FC } from "hono/jsx";
import { xAxisOf, xTickLabels, type CurvePoint, type LineChartProps, type YAxis } from "./charts";
import { RUN_COLORS } from "./colors";
import { formatScore } from "./format";

export interface OverlayPoint extends CurvePoint {
  href?: string;
  /** A flagged point's reason (its tooltip); flagged points get a ring. */
  flag?: string;
  low?: number | null;
  high?: number | null;
}

export interface OverlaySeries {
  name: string;
  points: OverlayPoint[];
  /** Draw the points' low–high as a band. */
  band?: boolean;
}

export interface OverlayChartProps {
  id: string;
  title: string;
  desc: string;
  xTitle: string;
  xScale: LineChartProps["xScale"];
  series: OverlaySeries[];
  yAxis?: YAxis;
  width?: number;
}

const H = 240;
const M = { top: 14, bottom: 38 };
const DASHES = [undefined, "7 3", "2 3", "9 3 2 3", "4 2", "1 3"];
const SCORE_AXIS: YAxis = { max: 100, title: "Score (0–100)", format: formatScore };
const Y_FRACTIONS = [0, 0.25, 0.5, 0.75, 1];
const colorOf = (i: number) => RUN_COLORS[i % RUN_COLORS.length]!;

type Placed = OverlayPoint & { px: number; py: number | null };

function segments(points: Placed[]): { px: number; py: number }[][] {
  const out: { px: number; py: number }[][] = [[]];
  for (const p of points) {
    if (p.py === null) out.push([]);
    else out.at(-1)!.push({ px: p.px, py: p.py });
  }
  return out.filter((s) => s.length > 0);
}

/** The band of a series: along the highs, back along the lows (points with both only). */
function bandPath(points: OverlayPoint[], px: (x: number) => number, py: (y: number) => number): string | null {
  const known = points.filter((p) => typeof p.low === "number" && typeof p.high === "number");
  if (known.length < 2) return null;
  const there = known.map((p) => `${px(p.x).toFixed(1)},${py(p.high!).toFixed(1)}`);
  const back = [...known].reverse().map((p) => `${px(p.x).toFixed(1)},${py(p.low!).toFixed(1)}`);
  return [...there, ...back].join(" ");
}

const PointMark: FC<{ p: Placed; color: string; series: string; format: YAxis["format"] }> = ({ p, color, series, format }) => {
  if (p.py === null) return null;
  const text = `${series}, ${p.label}: ${format(p.y)}${p.flag ? ` — ${p.flag}` : ""}`;
  const mark = (
    <g class={p.flag ? "point flagged" : "point"} data-x={p.x} data-flag={p.flag}>
      <title>{text}</title>
      {p.flag ? <circle cx={p.px.toFixed(1)} cy={p.py.toFixed(1)} r="8" fill="none" stroke="#b3261e" stroke-width="2.5" /> : null}
      <circle cx={p.px.toFixed(1)} cy={p.py.toFixed(1)} r={p.flag ? 4.5 : 3.5} fill={p.flag ? "#b3261e" : color} />
    </g>
  );
  return p.href ? <a href={p.href}>{mark}</a> : mark;
};

export const OverlayChart: FC<OverlayChartProps> = ({ id, title, desc, xTitle, xScale, series, yAxis = SCORE_AXIS, width = 560 }) => {
  const all = series.flatMap((s) => s.points).sort((a, b) => a.x - b.x);
  const axis = all.filter((p, i) => i === 0 || p.x !== all[i - 1]!.x);
  if (!axis.length) return null;
  const px = xAxisOf(axis, xScale, width);
  const plotH = H - M.top - M.bottom;
  const py = (y: number) => M.top + plotH - (Math.max(0, Math.min(y, yAxis.max)) / yAxis.max) * plotH;
  const [left, right] = [40, width - 24]; // charts.tsx's margins, which xAxisOf places points within
  return (
    <figure class="chart overlay-chart" id={`${id}-figure`}>
      <h3 id={`${id}-heading`}>{title}</h3>
      <svg id={id} viewBox={`0 0 ${width} ${H}`} width={width} height={H} style="max-width:100%;height:auto" role="img" aria-labelledby={`${id}-heading ${id}-desc`}>
        <desc id={`${id}-desc`}>{desc}</desc>
        {Y_FRACTIONS.map((f) => (
          <g>
            <line x1={left} x2={right} y1={py(f * yAxis.max)} y2={py(f * yAxis.max)} stroke={f === 0 ? "#9aa3b2" : "#e3e6ec"} />
            <text x={left - 6} y={py(f * yAxis.max) + 4} text-anchor="end" font-size="11">
              {yAxis === SCORE_AXIS ? f * 100 : yAxis.format(f * yAxis.max)}
            </text>
          </g>
        ))}
        {series.map((s, i) => {
          const band = s.band ? bandPath(s.points, px, py) : null;
          return band ? <polygon class="band" points={band} fill={colorOf(i)} fill-opacity="0.15" stroke="none" /> : null;
        })}
        {series.map((s, i) => {
          const placed: Placed[] = s.points.map((p) => ({ ...p, px: px(p.x), py: p.y === null ? null : py(p.y) }));
          return (
            <g class="series" data-series={s.name}>
              {segments(placed).map((seg) => (
                <polyline points={seg.map((p) => `${p.px.toFixed(1)},${p.py.toFixed(1)}`).join(" ")} fill="none" stroke={colorOf(i)} stroke-width="2" stroke-dasharray={DASHES[i % DASHES.length]} />
              ))}
              {placed.map((p) => (
                <PointMark p={p} color={colorOf(i)} series={s.name} format={yAxis.format} />
              ))}
            </g>
          );
        })}
        {xTickLabels(axis, xScale, width).map((tick) => (
          <text x={tick.at.toFixed(1)} y={H - M.bottom + 16} text-anchor="middle" font-size="11">
            {tick.label}
          </text>
        ))}
        <text x={(left + right) / 2} y={H - 4} text-anchor="middle" font-size="11" fill="#5b6475">
          {xTitle}
        </text>
      </svg>
      {series.length > 1 || series.some((s) => s.band) ? <OverlayLegend series={series} /> : null}
      <OverlayTable title={title} xTitle={xTitle} axis={axis} series={series} yAxis={yAxis} />
    </figure>
  );
};

const OverlayLegend: FC<{ series: OverlaySeries[] }> = ({ series }) => (
  <div class="legend">
    {series.map((s, i) => (
      <span>
        <svg width="28" height="10" aria-hidden="true">
          <line x1="0" x2="28" y1="5" y2="5" stroke={colorOf(i)} stroke-width="2.5" stroke-dasharray={DASHES[i % DASHES.length]} />
        </svg>{" "}
        {s.name}
        {s.band ? " (band: 95 % interval)" : ""}
      </span>
    ))}
  </div>
);

const OverlayTable: FC<{ title: string; xTitle: string; axis: OverlayPoint[]; series: OverlaySeries[]; yAxis: YAxis }> = ({ title, xTitle, axis, series, yAxis }) => (
  <details>
    <summary>Data table: {title}</summary>
    <table>
      <caption>{title}</caption>
      <thead>
        <tr>
          <th scope="col">{xTitle}</th>
          {series.map((s) => (
            <th scope="col" class="num">
              {s.name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {axis.map((x) => (
          <tr>
            <th scope="row">{x.label}</th>
            {series.map((s) => {
              const p = s.points.find((q) => q.x === x.x);
              const interval = p && typeof p.low === "number" && typeof p.high === "number" ? ` (${yAxis.format(p.low)} – ${yAxis.format(p.high)})` : "";
              return <td class="num">{p ? `${yAxis.format(p.y)}${interval}${p.flag ? " ⚑" : ""}` : "—"}</td>;
            })}
          </tr>
        ))}
      </tbody>
    </table>
  </details>
);
