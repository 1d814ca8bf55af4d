// Terminal rendering shared by the CLI tools: progress bars and text heatmaps.

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "--";
  const s = Math.max(0, Math.round(seconds));
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

export interface ProgressState {
  label: string;
  done: number;
  total: number;
  failed: number;
  status: string;
  startedAt: number;
  /** Pending probes waiting for a retry, and the latest reason (the endpoint's error). */
  retrying?: number;
  lastError?: string | null;
}

/** One line: label, bar, done/total, rate and ETA from the average pace so far. */
export function progressLine(p: ProgressState, now = Date.now(), width = 28): string {
  const fraction = p.total ? p.done / p.total : 1;
  const filled = Math.round(fraction * width);
  const elapsed = (now - p.startedAt) / 1000;
  const rate = elapsed > 0 ? p.done / elapsed : 0;
  const eta = p.done >= p.total ? 0 : rate > 0 ? (p.total - p.done) / rate : Number.POSITIVE_INFINITY;
  const failed = p.failed ? `  ${p.failed} failed` : "";
  const retrying = p.retrying ? `  retrying ${p.retrying}${p.lastError ? `: ${p.lastError.length > 100 ? `${p.lastError.slice(0, 99)}…` : p.lastError}` : ""}` : "";
  return `${p.label.padEnd(18)} [${"█".repeat(filled)}${"░".repeat(width - filled)}] ${String(p.done).padStart(4)}/${p.total}  ${rate.toFixed(1)} probes/s  ETA ${formatDuration(eta)}  ${p.status}${failed}${retrying}`;
}

const SHADES = [" ", "░", "▒", "▓", "█"];

function shade(score: number | null): string {
  if (score === null) return "·";
  return SHADES[Math.min(SHADES.length - 1, Math.round(score * (SHADES.length - 1)))]!;
}

/**
 * The legend line: the metric and where each shade begins (a score rounds to the nearest of the
 * shades' 0, 0.25 … 1, so a shade starts half a step below its own value).
 */
export function shadeLegend(metric?: string): string {
  const steps = SHADES.length - 1;
  const scale = SHADES.map((s, i) => (i === 0 ? `'${s}'` : `${((i - 0.5) / steps).toFixed(3)} ≤ ${s}`)).join(" < ");
  return `${metric ? `${metric} score` : "score"} (0–1): ${scale}   · not scored`;
}

export const kTokens = (n: number) => (n >= 1000 ? `${Math.round(n / 1000)}K` : String(n));

/** Rows are depths, columns lengths; each cell is a shade from blank (0) to full (1), · = not scored; the last line names the metric and the shades' thresholds. */
export function textHeatmap(map: { context_lengths: number[]; depth_percents: number[]; scores: (number | null)[][]; metric?: string }): string {
  // Wide cells with a K-token label under each column when they fit; one character per cell otherwise.
  const cellWidth = map.context_lengths.length > 20 ? 1 : Math.max(3, ...map.context_lengths.map((l) => kTokens(l).length));
  const lines = map.depth_percents.map((depth, row) => {
    const cells = map.context_lengths.map((_, col) => shade(map.scores[row]?.[col] ?? null).repeat(cellWidth)).join(cellWidth > 1 ? " " : "");
    return `${String(depth).padStart(4)}% │${cells}│`;
  });
  const axis =
    cellWidth > 1
      ? "       " + map.context_lengths.map((l) => kTokens(l).padStart(cellWidth)).join(" ")
      : `       ${kTokens(map.context_lengths[0] ?? 0)} … ${kTokens(map.context_lengths.at(-1) ?? 0)} tokens`;
  return [`depth  context length →`, ...lines, axis, `       ${shadeLegend(map.metric)}`].join("\n");
}
