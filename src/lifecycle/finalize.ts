// Finalize: once every probe is settled, compute the run's aggregates and close it.
// Any number of workers may try; one conditional UPDATE lets exactly one of them win.
import { aggregateSuites, type SettledProbe } from "../probes/suites/aggregate";
import type { ProbeRow } from "../db/schema";
import { regressionFor } from "./series";
import { database, getRun, listProbes, recipesOf } from "./store";
import { emitRunEventSafely } from "./webhooks/events";

export function settledProbeOf(row: ProbeRow): SettledProbe {
  return {
    suiteIndex: row.suiteIndex,
    status: row.status,
    contextLength: row.contextLength,
    depthPercent: row.depthPercent,
    scores: row.scoresJson ? (JSON.parse(row.scoresJson) as Record<string, number>) : null,
  };
}

/** Returns true for the one caller that finalized the run. */
export async function finalizeRun(env: Env, runId: string, now = Date.now()): Promise<boolean> {
  const db = database(env.DB);
  const run = await getRun(db, runId);
  if (!run || (run.status !== "queued" && run.status !== "running") || run.done < run.total) return false;
  const rows = await listProbes(db, runId);
  const results = aggregateSuites(recipesOf(run), rows.map(settledProbeOf));
  const everyProbeFailed = run.total > 0 && run.failed >= run.total;
  const status = everyProbeFailed ? "failed" : "succeeded";
  const error = everyProbeFailed ? `every probe failed; first error: ${rows.find((r) => r.error)?.error ?? "unknown"}` : null;
  const regression = status === "succeeded" ? await regressionFor(env, run, results) : null;
  const outcome = await env.DB.prepare(
    `UPDATE runs SET status = ?, results_json = ?, error = ?, regression_json = ?, finished_at = ?, last_progress_at = ?,
       finalize_count = finalize_count + 1
     WHERE id = ? AND status IN ('queued', 'running') AND done >= total`,
  )
    .bind(status, JSON.stringify(results), error, regression ? JSON.stringify(regression) : null, now, now, runId)
    .run();
  const won = outcome.meta.changes === 1;
  if (won) {
    console.log(JSON.stringify({ event: "run.finalized", run_id: runId, status, probes: run.total, failed: run.failed }));
    // Only the winner emits run.succeeded / run.failed, so the event is queued once.
    await emitRunEventSafely(env, runId);
  }
  return won;
}
