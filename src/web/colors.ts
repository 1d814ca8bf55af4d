// The heatmap colour scale of Fu et al. 2024 (their visualize.py): red → yellow → green over a
// fixed [0, 1] domain, so heatmaps of different models are comparable at a glance.

type Rgb = readonly [number, number, number];

/** Score → colour stops, interpolated linearly in RGB between neighbours. */
export const SCALE_STOPS: readonly { at: number; hex: string }[] = [
  { at: 0, hex: "#F0496E" },
  { at: 0.5, hex: "#EBB839" },
  { at: 1, hex: "#0CD79F" },
];

/** Cells that were not scored (still pending, or cancelled). */
export const PENDING_FILL = "#e6e6e6";
/** Drawn under the hatching of unscorable and failed cells. */
export const HATCH_BACKGROUND = "#d4d4d4";
export const HATCH_STROKE = "#8a8a8a";
/** The other hatch: truncated and incomplete cells (the server's or the budget's doing, not a wrong answer). */
export const CUT_BACKGROUND = "#fff6e5";
export const CUT_STROKE = "#c77700";

const rgbOf = (hex: string): Rgb => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as unknown as Rgb;
const hexOf = (rgb: Rgb): string => "#" + rgb.map((c) => Math.round(c).toString(16).padStart(2, "0")).join("");

/** The colour of a score in [0, 1] as `#rrggbb`; out-of-range scores are clamped. */
export function scoreColor(score: number): string {
  if (Number.isNaN(score)) throw new RangeError("score is NaN");
  const s = Math.min(1, Math.max(0, score));
  for (let i = 1; i < SCALE_STOPS.length; i++) {
    const lo = SCALE_STOPS[i - 1]!;
    const hi = SCALE_STOPS[i]!;
    if (s <= hi.at) {
      const t = (s - lo.at) / (hi.at - lo.at);
      const [a, b] = [rgbOf(lo.hex), rgbOf(hi.hex)];
      return hexOf([0, 1, 2].map((k) => a[k]! + (b[k]! - a[k]!) * t) as unknown as Rgb);
    }
  }
  return SCALE_STOPS.at(-1)!.hex.toLowerCase();
}

/** CSS gradient of the same scale, for the legend. */
export const SCALE_GRADIENT = `linear-gradient(to right, ${SCALE_STOPS.map((s) => `${s.hex} ${s.at * 100}%`).join(", ")})`;

/**
 * Differences between runs (B − A, −1 to 1) on a diverging scale: red where B is worse, blue where
 * it is better, near-white where they agree (ColorBrewer's RdBu, readable with red–green colour
 * blindness, unlike the score scale's ends).
 */
export const DIVERGING_STOPS: readonly { at: number; hex: string }[] = [
  { at: -1, hex: "#B2182B" },
  { at: -0.5, hex: "#EF8A62" },
  { at: 0, hex: "#F7F7F7" },
  { at: 0.5, hex: "#67A9CF" },
  { at: 1, hex: "#2166AC" },
];

/** The colour of a difference in [−1, 1] as `#rrggbb`; out-of-range values are clamped. */
export function differenceColor(difference: number): string {
  if (Number.isNaN(difference)) throw new RangeError("difference is NaN");
  const d = Math.min(1, Math.max(-1, difference));
  const i = Math.max(1, DIVERGING_STOPS.findIndex((s) => d <= s.at));
  const [lo, hi] = [DIVERGING_STOPS[i - 1]!, DIVERGING_STOPS[i]!];
  const t = (d - lo.at) / (hi.at - lo.at);
  const [a, b] = [rgbOf(lo.hex), rgbOf(hi.hex)];
  return hexOf([0, 1, 2].map((k) => a[k]! + (b[k]! - a[k]!) * t) as unknown as Rgb);
}

/** CSS gradient of the diverging scale, for the legend. */
export const DIVERGING_GRADIENT = `linear-gradient(to right, ${DIVERGING_STOPS.map((s) => `${s.hex} ${((s.at + 1) / 2) * 100}%`).join(", ")})`;

/** Lines of up to six runs on one chart: Okabe & Ito's palette, told apart with colour blindness too. */
export const RUN_COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"] as const;
