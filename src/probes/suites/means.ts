// Metric means of settled probes on a 0–100 scale. Unscorable and failed probes are counted
// elsewhere but never averaged in.
import type { ScoreMap, SettledProbe } from "./suite";

const round2 = (x: number) => Math.round(x * 100) / 100;

export function means(metrics: readonly string[], probes: SettledProbe[]): ScoreMap {
  const out: ScoreMap = {};
  for (const metric of metrics) {
    const values = probes.flatMap((p) => (p.status === "scored" && typeof p.scores?.[metric] === "number" ? [p.scores[metric]] : []));
    out[metric] = values.length ? round2((100 * values.reduce((a, b) => a + b, 0)) / values.length) : null;
  }
  return out;
}

/** Means per value of `key` (a grid axis), in `order`. */
export function groupMeans(metrics: readonly string[], probes: SettledProbe[], key: (p: SettledProbe) => number | null, order: number[]): Record<string, ScoreMap> {
  const out: Record<string, ScoreMap> = {};
  for (const value of order) out[String(value)] = means(metrics, probes.filter((p) => key(p) === value));
  return out;
}
