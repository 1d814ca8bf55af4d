// Finalize: once every probe is settled, compute the run's aggregates and close it.
// Any number of workers may try; one conditional UPDATE lets exactly one of them win.
import { aggregateSuites } from "../probes/suites/aggregate";
import { regressionFor } from "./series";
import { listProbes } from "./store/probes";
import { closeRun, getRun } from "./store/runs";
import { emitRunEventSafely } from "./webhooks/events";

/** Returns true for the one caller that finalized the run. */
export async function finalizeRun(env: Env, runId: string, now = Date.now()): Promise<boolean> {
  const run = await getRun(env.DB, runId);
  if (!run || (run.status !== "queued" && run.status !== "running") || run.done < run.total) return false;
  const rows = await listProbes(env.DB, runId);
  const results = aggregateSuites(run.suites, rows);
  const everyProbeFailed = run.total > 0 && run.failed >= run.total;
  const status = everyProbeFailed ? "failed" : "succeeded";
  const error = everyProbeFailed ? `every probe failed; first error: ${rows.find((r) => r.error)?.error ?? "unknown"}` : failedSuites(results, rows);
  const regression = status === "succeeded" ? await regressionFor(env, run, results) : null;
  const won = await closeRun(env.DB, runId, { status, results, error, regression }, now);
  if (won) {
    console.log(JSON.stringify({ event: "run.finalized", run_id: runId, status, probes: run.total, failed: run.failed }));
    // Only the winner emits run.succeeded / run.failed, so the event is queued once.
    await emitRunEventSafely(env, runId);
  }
  return won;
}

/** A run that succeeded with a suite none of whose probes did (e.g. an endpoint without prompt log-probabilities) says so. */
function failedSuites(results: ReturnType<typeof aggregateSuites>, rows: Awaited<ReturnType<typeof listProbes>>): string | null {
  const failed = results.filter((s) => s.probes > 0 && s.failed === s.probes);
  if (!failed.length) return null;
  return failed
    .map((s) => `suite ${s.index} (${s.type}) failed: ${rows.find((r) => r.suiteIndex === s.index && r.error)?.error ?? "unknown"}`)
    .join("; ");
}
