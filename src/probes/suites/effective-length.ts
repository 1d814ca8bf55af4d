// Effective context length: how far a model's needle retrieval holds up, computed from the probes
// (never taken from the submitter), with 95 % bootstrap intervals.
//
// Definition (relative, as NoLiMa does it): the largest tested length L such that at every tested
// length ≤ L the mean `contains` score stays at or above `ratio` (default 0.85) × the model's own
// mean at the shortest length. RULER's variant uses a fixed threshold instead (85.6, LLaMA-2-7B's
// score at 4K); pass `absoluteThreshold` (0–1) for it. Null when the shortest length scores 0.
// Intervals resample probes with replacement within each length (a stratified bootstrap), with a
// fixed seed so the same probes always give the same interval.

import { mulberry32 } from "../random";

export interface LengthSample {
  contextLength: number;
  /** The probe's `contains` score, 0–1. */
  score: number;
}

export interface Interval {
  mean: number;
  low: number;
  high: number;
}

export interface EffectiveLength {
  /** Largest passing length; null when none passes. */
  length: number | null;
  low: number | null;
  high: number | null;
  /** The threshold applied, 0–1. */
  threshold: number;
  definition: "relative" | "absolute";
  resamples: number;
}

export interface EffectiveLengthOptions {
  ratio?: number;
  absoluteThreshold?: number;
  resamples?: number;
  seed?: number;
}

function groupByLength(samples: LengthSample[]): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (const s of [...samples].sort((a, b) => a.contextLength - b.contextLength)) {
    const group = groups.get(s.contextLength);
    if (group) group.push(s.score);
    else groups.set(s.contextLength, [s.score]);
  }
  return groups;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(p * (sorted.length - 1))));
  return sorted[i]!;
}

function effectiveFromMeans(lengths: number[], means: number[], options: EffectiveLengthOptions): { length: number | null; threshold: number } {
  const threshold = options.absoluteThreshold ?? (options.ratio ?? 0.85) * (means[0] ?? 0);
  if (options.absoluteThreshold === undefined && !(means[0]! > 0)) return { length: null, threshold };
  let length: number | null = null;
  for (let i = 0; i < lengths.length; i++) {
    if (means[i]! < threshold - 1e-12) break;
    length = lengths[i]!;
  }
  return { length, threshold };
}

function resampledMeans(groups: number[][], random: () => number): number[] {
  return groups.map((scores) => {
    let sum = 0;
    for (let k = 0; k < scores.length; k++) sum += scores[Math.floor(random() * scores.length)]!;
    return sum / scores.length;
  });
}

export function effectiveContextLength(samples: LengthSample[], options: EffectiveLengthOptions = {}): EffectiveLength {
  const groups = groupByLength(samples);
  const lengths = [...groups.keys()];
  const scores = [...groups.values()];
  const { length, threshold } = effectiveFromMeans(lengths, scores.map(mean), options);
  const resamples = options.resamples ?? 1000;
  const definition = options.absoluteThreshold === undefined ? "relative" : "absolute";
  if (!lengths.length) return { length: null, low: null, high: null, threshold, definition, resamples: 0 };
  const random = mulberry32(options.seed ?? 20240215);
  const found: number[] = [];
  for (let r = 0; r < resamples; r++) {
    // The relative threshold is recomputed in every resample: the base mean is uncertain too.
    found.push(effectiveFromMeans(lengths, resampledMeans(scores, random), options).length ?? 0);
  }
  found.sort((a, b) => a - b);
  const orNull = (x: number) => (x === 0 ? null : x);
  return { length, low: orNull(percentile(found, 0.025)), high: orNull(percentile(found, 0.975)), threshold, definition, resamples };
}

/** Mean per length with a 95 % bootstrap interval (0–1). */
export function lengthIntervals(samples: LengthSample[], resamples = 1000, seed = 20240215): Record<string, Interval> {
  const random = mulberry32(seed);
  const out: Record<string, Interval> = {};
  for (const [contextLength, scores] of groupByLength(samples)) {
    const boot: number[] = [];
    for (let r = 0; r < resamples; r++) boot.push(resampledMeans([scores], random)[0]!);
    boot.sort((a, b) => a - b);
    out[String(contextLength)] = { mean: mean(scores), low: percentile(boot, 0.025), high: percentile(boot, 0.975) };
  }
  return out;
}

export interface EffectiveLengthGap {
  /** a's effective length minus b's, in tokens; null when a passes no length. */
  length: number | null;
  low: number | null;
  high: number | null;
  definition: "relative" | "absolute";
  resamples: number;
}

/**
 * How much longer a's effective length is than b's (the non-literal suite's "literal gap"): b
 * passing no length counts as 0. The interval resamples both sample sets in every round, so it
 * carries the uncertainty of each effective length and of their base means.
 */
export function effectiveLengthGap(a: LengthSample[], b: LengthSample[], options: EffectiveLengthOptions = {}): EffectiveLengthGap {
  const definition = options.absoluteThreshold === undefined ? "relative" : "absolute";
  const [groupsA, groupsB] = [groupByLength(a), groupByLength(b)];
  const lengthOf = (groups: Map<number, number[]>, means: number[]) => effectiveFromMeans([...groups.keys()], means, options).length;
  const base = lengthOf(groupsA, [...groupsA.values()].map(mean));
  if (base === null || !groupsB.size) return { length: null, low: null, high: null, definition, resamples: 0 };
  const length = base - (lengthOf(groupsB, [...groupsB.values()].map(mean)) ?? 0);
  const resamples = options.resamples ?? 1000;
  const random = mulberry32(options.seed ?? 20240215);
  const found: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const fromA = lengthOf(groupsA, resampledMeans([...groupsA.values()], random)) ?? 0;
    found.push(fromA - (lengthOf(groupsB, resampledMeans([...groupsB.values()], random)) ?? 0));
  }
  found.sort((x, y) => x - y);
  return { length, low: percentile(found, 0.025), high: percentile(found, 0.975), definition, resamples };
}
