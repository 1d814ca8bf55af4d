// Dispatch: hand probes to the queue, never more than the run's max_concurrency in flight.
// A probe in flight holds its credit through retries; settling it releases the credit and
// claims the next probe, so the run drains at the endpoint's pace.
import { probeMessage } from "./messages";
import { leaseMs, storedModel } from "./run-model";
import { claimProbes, reclaimExpiredProbes } from "./store/attempts";
import type { RunRow } from "../db/schema";

const SEND_BATCH_MAX = 100; // Queues accept at most 100 messages per sendBatch.

export async function sendProbes(env: Env, runId: string, idxs: number[]): Promise<void> {
  for (let i = 0; i < idxs.length; i += SEND_BATCH_MAX) {
    await env.PROBES.sendBatch(idxs.slice(i, i + SEND_BATCH_MAX).map((idx) => ({ body: probeMessage(runId, idx) })));
  }
}

/** Claims free credits of the run and enqueues that many probes. Returns the dispatched idxs. */
export async function dispatchRun(env: Env, run: Pick<RunRow, "id" | "model">, now = Date.now()): Promise<number[]> {
  const model = storedModel(run);
  const idxs = await claimProbes(env.DB, run.id, model.max_concurrency, now + leaseMs(model, env), now);
  // If sending fails the probes stay claimed; their lease runs out and the sweeper re-sends them.
  await sendProbes(env, run.id, idxs);
  return idxs;
}

/** Re-sends probes whose lease expired: their message was lost (e.g. a local queue restart). */
export async function redispatchExpired(env: Env, run: Pick<RunRow, "id" | "model">, now = Date.now()): Promise<number[]> {
  const idxs = await reclaimExpiredProbes(env.DB, run.id, now + leaseMs(storedModel(run), env), now);
  await sendProbes(env, run.id, idxs);
  return idxs;
}
