// The CI gate of `eval --wait`: the headline score against --fail-under.
import type { Run } from "./api-types";

export interface GateVerdict {
  pass: boolean;
  message: string;
}

/** The headline score: `metric` (default the paper's) of the run's first suite, 0–100; null if not scored. */
export function headlineScore(run: Pick<Run, "suites">, metric: string): number | null {
  const value = run.suites[0]?.scores[metric];
  return typeof value === "number" ? value : null;
}

/**
 * A run that did not succeed always fails (a CI job should not pass on a cancelled or broken run);
 * with a threshold, the headline score must also be at least `failUnder`.
 */
export function gateVerdict(run: Pick<Run, "status" | "suites" | "error">, metric: string, failUnder: number | undefined): GateVerdict {
  if (run.status !== "succeeded") {
    return { pass: false, message: `FAIL: the run ended ${run.status}${run.error ? ` (${run.error})` : ""}` };
  }
  if (failUnder === undefined) return { pass: true, message: "" };
  const score = headlineScore(run, metric);
  const what = `headline ${run.suites[0]?.type ?? "suite"} ${metric}`;
  if (score === null) return { pass: false, message: `FAIL: no ${what} score to compare with --fail-under ${failUnder}` };
  return score < failUnder
    ? { pass: false, message: `FAIL: ${what} ${score.toFixed(2)} is below --fail-under ${failUnder}` }
    : { pass: true, message: `PASS: ${what} ${score.toFixed(2)} ≥ ${failUnder}` };
}
