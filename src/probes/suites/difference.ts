// Is a difference between two runs more than probe-level noise? Tests and intervals for the
// difference of two groups of probe scores (two runs' probes at one heatmap cell, one length, or a
// whole suite), unpaired: the groups may come from different grids or tokenizers.
//
// - Tests (cells and lengths): scores that are all 0 or 1 (contains, the non-literal kinds) get
//   Fisher's exact test; graded scores (paper word recall, ROUGE) an exact permutation test of the
//   difference in means (Monte Carlo beyond MAX_EXACT_SPLITS arrangements). Both are two-sided and
//   honest for a handful of probes: a cell of one probe per run can never be told from noise.
// - Intervals (suite means): Wilson for 0/1 scores, Newcombe's hybrid score interval for their
//   difference; a seeded percentile bootstrap for graded scores.
import { mulberry32 } from "../random";
import { wilsonInterval } from "./proportion";

export const NOISE_ALPHA = 0.05;
export const MAX_EXACT_SPLITS = 20_000;
const MONTE_CARLO_ROUNDS = 10_000;
const BOOTSTRAP_ROUNDS = 2_000;
const SEED = 20240215;

export const isBinary = (values: readonly number[]) => values.every((v) => v === 0 || v === 1);
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: readonly number[]) => sum(xs) / xs.length;

const logFactorials: number[] = [0];
function logFactorial(n: number): number {
  for (let k = logFactorials.length; k <= n; k++) logFactorials.push(logFactorials[k - 1]! + Math.log(k));
  return logFactorials[n]!;
}
const logChoose = (n: number, k: number) => logFactorial(n) - logFactorial(k) - logFactorial(n - k);

/** Two-sided Fisher exact test of `successesA`/`nA` against `successesB`/`nB`: the p-value. */
export function fisherExact(successesA: number, nA: number, successesB: number, nB: number): number {
  const total = nA + nB;
  const successes = successesA + successesB;
  const logP = (x: number) => logChoose(successes, x) + logChoose(total - successes, nA - x) - logChoose(total, nA);
  const observed = logP(successesA);
  let p = 0;
  for (let x = Math.max(0, successes - nB); x <= Math.min(successes, nA); x++) {
    const l = logP(x);
    if (l <= observed + 1e-7) p += Math.exp(l); // tables no more likely than the one observed
  }
  return Math.min(1, p);
}

/** Sums of every `size`-subset of `values` (size ≤ values.length), for an exact permutation test. */
function subsetSums(values: readonly number[], size: number, visit: (s: number) => void, from = 0, taken = 0, partial = 0): void {
  if (taken === size) return visit(partial);
  for (let i = from; i <= values.length - (size - taken); i++) subsetSums(values, size, visit, i + 1, taken + 1, partial + values[i]!);
}

/**
 * Two-sided permutation test of mean(b) − mean(a): the share of the ways to split the pooled scores
 * into groups of these sizes whose |difference| is at least the observed one. Exact up to
 * MAX_EXACT_SPLITS splits, else Monte Carlo with a fixed seed ((hits + 1) / (rounds + 1)).
 */
export function permutationTest(a: readonly number[], b: readonly number[]): number {
  const pooled = [...a, ...b];
  const total = sum(pooled);
  const diffOf = (sumA: number) => Math.abs((total - sumA) / b.length - sumA / a.length);
  const observed = diffOf(sum(a)) - 1e-12;
  if (Math.exp(logChoose(pooled.length, a.length)) <= MAX_EXACT_SPLITS) {
    let [hits, splits] = [0, 0];
    subsetSums(pooled, a.length, (s) => {
      splits++;
      if (diffOf(s) >= observed) hits++;
    });
    return hits / splits;
  }
  const random = mulberry32(SEED);
  let hits = 0;
  for (let r = 0; r < MONTE_CARLO_ROUNDS; r++) {
    // A partial Fisher–Yates shuffle: the first a.length places are a random group A.
    let sumA = 0;
    for (let i = 0; i < a.length; i++) {
      const j = i + Math.floor(random() * (pooled.length - i));
      [pooled[i], pooled[j]] = [pooled[j]!, pooled[i]!];
      sumA += pooled[i]!;
    }
    if (diffOf(sumA) >= observed) hits++;
  }
  return (hits + 1) / (MONTE_CARLO_ROUNDS + 1);
}

export type NoiseTest = "fisher" | "permutation";

/** p-value of b against a (Fisher's for 0/1 scores, else permutation); null when a group is empty. */
export function differenceTest(a: readonly number[], b: readonly number[]): { p: number; test: NoiseTest } | null {
  if (!a.length || !b.length) return null;
  if (isBinary(a) && isBinary(b)) return { p: fisherExact(sum(a), a.length, sum(b), b.length), test: "fisher" };
  return { p: permutationTest(a, b), test: "permutation" };
}

/** Benjamini–Hochberg adjusted p-values (q-values), in the input's order; nulls stay null and are not counted. */
export function benjaminiHochberg(pValues: readonly (number | null)[]): (number | null)[] {
  const ranked = pValues.flatMap((p, i) => (p === null ? [] : [{ p, i }])).sort((x, y) => y.p - x.p);
  const out: (number | null)[] = pValues.map(() => null);
  let running = 1;
  ranked.forEach(({ p, i }, k) => {
    running = Math.min(running, (p * ranked.length) / (ranked.length - k));
    out[i] = running;
  });
  return out;
}

export interface ValueInterval {
  value: number;
  low: number;
  high: number;
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))]!;
}

function resampledMean(values: readonly number[], random: () => number): number {
  let s = 0;
  for (let k = 0; k < values.length; k++) s += values[Math.floor(random() * values.length)]!;
  return s / values.length;
}

/** The mean with a 95 % interval: Wilson for 0/1 scores, else a seeded percentile bootstrap. */
export function meanInterval(values: readonly number[]): ValueInterval | null {
  if (!values.length) return null;
  if (isBinary(values)) return { value: mean(values), ...wilsonInterval(sum(values), values.length) };
  const random = mulberry32(SEED);
  const boot = Array.from({ length: BOOTSTRAP_ROUNDS }, () => resampledMean(values, random)).sort((x, y) => x - y);
  return { value: mean(values), low: percentile(boot, 0.025), high: percentile(boot, 0.975) };
}

/**
 * mean(b) − mean(a) with a 95 % interval: Newcombe's hybrid score interval (his method 10, from
 * both Wilson intervals) for 0/1 scores, else a bootstrap resampling each group on its own.
 */
export function differenceInterval(a: readonly number[], b: readonly number[]): ValueInterval | null {
  if (!a.length || !b.length) return null;
  const value = mean(b) - mean(a);
  if (isBinary(a) && isBinary(b)) {
    const [pa, pb] = [mean(a), mean(b)];
    const [wa, wb] = [wilsonInterval(sum(a), a.length), wilsonInterval(sum(b), b.length)];
    return { value, low: value - Math.hypot(pb - wb.low, wa.high - pa), high: value + Math.hypot(wb.high - pb, pa - wa.low) };
  }
  const random = mulberry32(SEED);
  const boot = Array.from({ length: BOOTSTRAP_ROUNDS }, () => resampledMean(b, random) - resampledMean(a, random)).sort((x, y) => x - y);
  return { value, low: percentile(boot, 0.025), high: percentile(boot, 0.975) };
}
