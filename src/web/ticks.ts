// Axis labels that never overlap: each label takes the room its text needs at its position, and
// labels are dropped (first and last kept) until the ones left have a gap between them. Charts
// scale as a whole (viewBox), so room is measured in the chart's own units, not screen pixels.

export interface Tick {
  /** Centre of the label along the axis. */
  at: number;
  /** Extent of the label along the axis (its width on an x axis, its height on a y axis). */
  size: number;
}

/** Average advance of a digit or capital in system-ui sans fonts, as a share of the font size (a little generous). */
const CHAR_WIDTH_EM = 0.62;
/** Free room between two labels, in the chart's units. */
export const TICK_GAP = 4;

/** Width a label's text takes at this font size (an estimate that errs wide, so thinning errs safe). */
export function textWidth(label: string, fontSize: number): number {
  return label.length * fontSize * CHAR_WIDTH_EM;
}

const overlaps = (a: Tick, b: Tick, gap: number) => Math.abs(a.at - b.at) < (a.size + b.size) / 2 + gap;

/**
 * Which ticks to label (true = keep): the first and the last always (the last alone if they collide),
 * and, left to right, every tick clear of the one kept before it and of the last.
 */
export function thinTicks(ticks: readonly Tick[], gap = TICK_GAP): boolean[] {
  const keep = ticks.map(() => false);
  if (ticks.length === 0) return keep;
  const last = ticks.length - 1;
  keep[last] = true;
  if (last === 0 || overlaps(ticks[0]!, ticks[last]!, gap)) return keep;
  keep[0] = true;
  let previous = ticks[0]!;
  for (let i = 1; i < last; i++) {
    const tick = ticks[i]!;
    if (overlaps(tick, previous, gap) || overlaps(tick, ticks[last]!, gap)) continue;
    keep[i] = true;
    previous = tick;
  }
  return keep;
}
