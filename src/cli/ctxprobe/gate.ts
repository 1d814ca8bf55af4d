// The CI gate of `eval --wait`: the headline score against --fail-under, the non-literal suite's
// literal gap against --max-gap, and the loss suite's Loss@L at its longest length against --max-loss.
import { NEEDLE_METRICS } from "../../probes/needle/score";
import { NONLITERAL_METRICS } from "../../probes/nonliteral/score";
import { BOOKQA_METRICS } from "../../probes/suites/bookqa";
import { MMLU_METRICS } from "../../probes/suites/mmlu";
import { RULER_METRICS } from "../../probes/suites/ruler";
import { INVALIDATING_WARNINGS } from "../../lifecycle/warnings";
import type { Run } from "./api-types";

export interface GateVerdict {
  pass: boolean;
  message: string;
}

/** What --metric may name: a metric of the first suite, or SUITE.METRIC. */
export const GATE_METRICS = [
  ...NEEDLE_METRICS,
  ...NEEDLE_METRICS.map((m) => `needle.${m}`),
  ...BOOKQA_METRICS.map((m) => `bookqa.${m}`),
  ...NONLITERAL_METRICS.map((m) => `nonliteral.${m}`),
  ...MMLU_METRICS.map((m) => `mmlu.${m}`),
  ...RULER_METRICS.map((m) => `ruler.${m}`),
];

type Scored = Pick<Run, "suites">;

/** `metric` is a metric of the first suite ("paper") or `type.metric` of the first suite of that type ("nonliteral.nonliteral"). */
export function splitMetric(metric: string): { type: string | null; name: string } {
  const dot = metric.indexOf(".");
  return dot < 0 ? { type: null, name: metric } : { type: metric.slice(0, dot), name: metric.slice(dot + 1) };
}

function suiteOf(run: Scored, type: string | null) {
  return type === null ? run.suites[0] : run.suites.find((s) => s.type === type);
}

/** The headline score, 0–100; null if not scored. */
export function headlineScore(run: Scored, metric: string): number | null {
  const { type, name } = splitMetric(metric);
  const value = suiteOf(run, type)?.scores[name];
  return typeof value === "number" ? value : null;
}

/** The first non-literal suite's literal gap in tokens (relative rule); null without one. */
export function literalGap(run: Scored): number | null {
  return run.suites.find((s) => s.type === "nonliteral")?.nonliteral?.literal_gap?.relative.length ?? null;
}

function scoreVerdict(run: Scored, metric: string, failUnder: number): GateVerdict {
  const { type, name } = splitMetric(metric);
  const what = `headline ${suiteOf(run, type)?.type ?? type ?? "suite"} ${name}`;
  const score = headlineScore(run, metric);
  if (score === null) return { pass: false, message: `FAIL: no ${what} score to compare with --fail-under ${failUnder}` };
  return score < failUnder
    ? { pass: false, message: `FAIL: ${what} ${score.toFixed(2)} is below --fail-under ${failUnder}` }
    : { pass: true, message: `PASS: ${what} ${score.toFixed(2)} ≥ ${failUnder}` };
}

/** The first loss suite's Loss@L at its longest length, in nats; null without one. */
export function longestLoss(run: Scored): { length: number; loss: number } | null {
  const figures = run.suites.find((s) => s.type === "loss")?.loss;
  const lengths = Object.keys(figures?.loss_at ?? {}).map(Number);
  if (!figures || !lengths.length) return null;
  const length = Math.max(...lengths);
  return { length, loss: figures.loss_at[String(length)]!.loss };
}

function lossVerdict(run: Scored, maxLoss: number): GateVerdict {
  const found = longestLoss(run);
  if (found === null) return { pass: false, message: `FAIL: no Loss@L to compare with --max-loss ${maxLoss} (the run needs a loss suite with scored texts)` };
  const what = `Loss@${found.length} ${found.loss.toFixed(4)} nats`;
  return found.loss > maxLoss ? { pass: false, message: `FAIL: ${what} is above --max-loss ${maxLoss}` } : { pass: true, message: `PASS: ${what} ≤ ${maxLoss}` };
}

function gapVerdict(run: Scored, maxGap: number): GateVerdict {
  const gap = literalGap(run);
  if (gap === null) return { pass: false, message: `FAIL: no literal gap to compare with --max-gap ${maxGap} (the run needs a non-literal suite with the literal kind and a non-literal one)` };
  return gap > maxGap
    ? { pass: false, message: `FAIL: literal gap ${gap} tokens is above --max-gap ${maxGap}` }
    : { pass: true, message: `PASS: literal gap ${gap} tokens ≤ ${maxGap}` };
}

/**
 * A run that did not succeed always fails (a CI job should not pass on a cancelled or broken run);
 * with a threshold, the headline score must also be at least `failUnder`, and with `maxGap` the
 * literal gap at most that many tokens, with `maxLoss` Loss@L at the longest length at most that many nats.
 */
/** The gate's thresholds beside --fail-under: literal gap (tokens), Loss@L (nats), multiple-choice accuracy (0–100). */
export interface GateLimits {
  maxGap?: number;
  maxLoss?: number;
  minMmlu?: number;
  /** The RULER average (0–100) must be at least this. */
  minRuler?: number;
  /** Gate on the scores even when the run warns that its lengths are not what they claim. */
  allowMismatch?: boolean;
}

function mmluVerdict(run: Scored, minMmlu: number): GateVerdict {
  const micro = headlineScore(run, "mmlu.micro");
  if (micro === null) return { pass: false, message: `FAIL: no multiple-choice accuracy to compare with --min-mmlu ${minMmlu} (the run needs an mmlu suite)` };
  return micro < minMmlu
    ? { pass: false, message: `FAIL: multiple-choice accuracy ${micro.toFixed(2)} is below --min-mmlu ${minMmlu}` }
    : { pass: true, message: `PASS: multiple-choice accuracy ${micro.toFixed(2)} ≥ ${minMmlu}` };
}

function rulerVerdict(run: Scored, minRuler: number): GateVerdict {
  const average = headlineScore(run, "ruler.ruler");
  if (average === null) return { pass: false, message: `FAIL: no RULER average to compare with --min-ruler ${minRuler} (the run needs a ruler suite)` };
  return average < minRuler
    ? { pass: false, message: `FAIL: RULER average ${average.toFixed(2)} is below --min-ruler ${minRuler}` }
    : { pass: true, message: `PASS: RULER average ${average.toFixed(2)} ≥ ${minRuler}` };
}

/** With a threshold, a run whose lengths are not what they claim fails the gate unless --allow-mismatch. */
function validityVerdict(run: Partial<Pick<Run, "warnings">>): GateVerdict | null {
  const invalid = (run.warnings ?? []).filter((w) => INVALIDATING_WARNINGS.includes(w.code));
  if (invalid.length === 0) return null;
  return { pass: false, message: `FAIL: the run's lengths are not what they claim (${invalid.map((w) => w.code).join(", ")}); see the warnings above, or pass --allow-mismatch` };
}

export function gateVerdict(run: Pick<Run, "status" | "suites" | "error"> & Partial<Pick<Run, "warnings">>, metric: string, failUnder: number | undefined, limits: GateLimits = {}): GateVerdict {
  const { maxGap, maxLoss, minMmlu, minRuler, allowMismatch } = limits;
  if (run.status !== "succeeded") {
    return { pass: false, message: `FAIL: the run ended ${run.status}${run.error ? ` (${run.error})` : ""}` };
  }
  const verdicts = [
    failUnder === undefined ? null : scoreVerdict(run, metric, failUnder),
    maxGap === undefined ? null : gapVerdict(run, maxGap),
    maxLoss === undefined ? null : lossVerdict(run, maxLoss),
    minMmlu === undefined ? null : mmluVerdict(run, minMmlu),
    minRuler === undefined ? null : rulerVerdict(run, minRuler),
  ].filter((v) => v !== null);
  const validity = verdicts.length > 0 && !allowMismatch ? validityVerdict(run) : null;
  if (validity) verdicts.push(validity);
  return { pass: verdicts.every((v) => v.pass), message: verdicts.map((v) => v.message).join("\n") };
}
