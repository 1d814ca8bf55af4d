// Intervals for a proportion of 0/1 scores: Wilson's score interval, which stays inside [0, 1] and
// is honest for the handful of probes a heatmap cell holds (the normal approximation is not).

const Z_95 = 1.959964;

/** 95 % Wilson score interval of `successes` out of `n` (n > 0), rounded to 4 decimals. */
export function wilsonInterval(successes: number, n: number): { low: number; high: number } {
  const p = successes / n;
  const z2 = Z_95 * Z_95;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z_95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  const round = (x: number) => Math.round(Math.min(1, Math.max(0, x)) * 10_000) / 10_000;
  return { low: round(centre - half), high: round(centre + half) };
}
