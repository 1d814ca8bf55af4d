// RULER's figures from settled probes: each task's mean per length with a 95 % interval, the RULER
// average per length (the mean of the task means, as RULER's tables average its tasks) and overall,
// and the effective length by RULER's fixed threshold (85.6, Llama-2-7B's score at 4K) and by our
// relative rule (85 % of the model's own average at the shortest length). Intervals come from one
// stratified bootstrap: probes resampled within every task × length cell, a fixed seed.
import type { EffectiveLength } from "../suites/effective-length";
import { mulberry32 } from "../random";
import type { RulerCell, RulerFigures } from "./figures";
import type { RulerTask } from "./protocol";

/** RULER's bar: Llama-2-7B's average at 4K, 0–1. */
export const RULER_THRESHOLD = 0.856;
export const RELATIVE_RATIO = 0.85;
const RESAMPLES = 1000;
const SEED = 20240406;

/** A scored probe as the figures need it: task, length, score 0–1. */
export interface RulerSample {
  task: RulerTask;
  contextLength: number;
  score: number;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(p * (sorted.length - 1))))]!;
}

/** Averages per length of the task means present there (null where no task scored). */
function averages(cellMean: (key: string) => number | undefined, tasks: readonly RulerTask[], lengths: readonly number[]): (number | null)[] {
  return lengths.map((length) => {
    const means = tasks.flatMap((task) => {
      const m = cellMean(`${task}@${length}`);
      return m === undefined ? [] : [m];
    });
    return means.length ? mean(means) : null;
  });
}

function effectiveFrom(lengths: readonly number[], avgs: readonly (number | null)[], threshold: number | null): number | null {
  if (threshold === null) return null;
  let found: number | null = null;
  for (let i = 0; i < lengths.length; i++) {
    const a = avgs[i];
    if (a === null || a === undefined || a < threshold - 1e-12) break;
    found = lengths[i]!;
  }
  return found;
}

function resampledMean(scores: number[], random: () => number): number {
  let sum = 0;
  for (let k = 0; k < scores.length; k++) sum += scores[Math.floor(random() * scores.length)]!;
  return sum / scores.length;
}

export function rulerFigures(plan: { tasks: readonly RulerTask[]; context_lengths: readonly number[]; samples: number }, samples: readonly RulerSample[]): RulerFigures {
  const lengths = [...plan.context_lengths].sort((a, b) => a - b);
  const cells = new Map<string, number[]>();
  for (const s of samples) {
    const key = `${s.task}@${s.contextLength}`;
    const cell = cells.get(key);
    if (cell) cell.push(s.score);
    else cells.set(key, [s.score]);
  }
  const random = mulberry32(SEED);
  const bootCells = new Map<string, number[]>(); // cell → resampled means
  const bootAverages: (number | null)[][] = [];
  for (let r = 0; r < RESAMPLES; r++) {
    const drawn = new Map<string, number>();
    for (const [key, scores] of cells) {
      const m = resampledMean(scores, random);
      drawn.set(key, m);
      (bootCells.get(key) ?? bootCells.set(key, []).get(key)!).push(m);
    }
    bootAverages.push(averages((key) => drawn.get(key), plan.tasks, lengths));
  }
  const interval = (point: number, boot: number[], n: number): RulerCell => {
    const sorted = [...boot].sort((a, b) => a - b);
    return { mean: round2(100 * point), low: round2(100 * percentile(sorted, 0.025)), high: round2(100 * percentile(sorted, 0.975)), n };
  };

  const by_task: RulerFigures["by_task"] = {};
  for (const task of plan.tasks) {
    const by_length: Record<string, RulerCell> = {};
    for (const length of lengths) {
      const scores = cells.get(`${task}@${length}`);
      if (scores?.length) by_length[String(length)] = interval(mean(scores), bootCells.get(`${task}@${length}`)!, scores.length);
    }
    const means = Object.values(by_length).map((c) => c.mean);
    by_task[task] = { mean: means.length ? round2(mean(means)) : null, by_length };
  }

  const point = averages((key) => (cells.get(key)?.length ? mean(cells.get(key)!) : undefined), plan.tasks, lengths);
  const average_by_length: Record<string, RulerCell> = {};
  lengths.forEach((length, i) => {
    if (point[i] === null) return;
    const n = plan.tasks.reduce((sum, task) => sum + (cells.get(`${task}@${length}`)?.length ?? 0), 0);
    average_by_length[String(length)] = interval(point[i]!, bootAverages.map((b) => b[i]!), n);
  });
  const present = point.filter((x): x is number => x !== null);
  return {
    tasks: [...plan.tasks],
    context_lengths: lengths,
    samples: plan.samples,
    by_task,
    average_by_length,
    average: present.length ? round2(100 * mean(present)) : null,
    effective_context_length: {
      ruler: effectiveLength(lengths, point, bootAverages, () => RULER_THRESHOLD, "absolute"),
      relative: effectiveLength(lengths, point, bootAverages, (avgs) => (avgs[0] ? RELATIVE_RATIO * avgs[0] : null), "relative"),
    },
  };
}

function effectiveLength(
  lengths: readonly number[],
  point: readonly (number | null)[],
  boot: readonly (number | null)[][],
  thresholdOf: (avgs: readonly (number | null)[]) => number | null,
  definition: "absolute" | "relative",
): EffectiveLength {
  const threshold = thresholdOf(point);
  const found = boot.map((avgs) => effectiveFrom(lengths, avgs, thresholdOf(avgs)) ?? 0).sort((a, b) => a - b);
  const orNull = (x: number) => (x === 0 ? null : x);
  return {
    length: effectiveFrom(lengths, point, threshold),
    low: boot.length ? orNull(percentile(found, 0.025)) : null,
    high: boot.length ? orNull(percentile(found, 0.975)) : null,
    threshold: Math.round((threshold ?? 0) * 10_000) / 10_000,
    definition,
    resamples: boot.length,
  };
}
