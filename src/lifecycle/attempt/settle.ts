// Step 5 of an attempt: the probe settles in D1 (counted once), and the credit it frees claims the
// run's next probes in the same round trip — one of them begun for the lane to run inline when it
// holds a permit for it — or, for the last probe, the run is finalized. Also: a retry later.
import { retryDelaySeconds } from "../backoff";
import { sendProbes } from "../dispatch";
import { finalizeRun } from "../finalize";
import type { ReleaseOutcome } from "../limiter/limiter";
import { leaseMs, type StoredModel } from "../run-model";
import { noteRetry, settleProbe, type ClaimNext, type Settlement, type SettleResult } from "../store/attempts";
import type { RunContext, Verdict } from "./job";
import type { Permit } from "./permit";

/** How the freed credit claims the run's next probes. */
export function claimNext(model: StoredModel, env: Env): ClaimNext {
  return { maxInFlight: model.max_concurrency, leaseUntil: Date.now() + leaseMs(model, env) };
}

/**
 * A settled probe freed a credit: send the probes claimed with it (all but the first `keep`, which
 * the caller runs itself and gets back), or finish the run.
 */
export async function afterSettled(env: Env, runId: string, result: SettleResult, keep = 0): Promise<number[]> {
  // Claimed probes must be sent even after a duplicate settlement, or they would wait for their lease.
  const kept = result.claimed.slice(0, keep);
  const rest = result.claimed.slice(keep);
  if (rest.length) await sendProbes(env, runId, rest);
  if (result.settled && result.done >= result.total) await finalizeRun(env, runId);
  return kept;
}

/**
 * Settles the probe; with `nextPermit` (a permit the lane got for its run's next probe), that probe
 * is claimed and begun in the same transaction and handed back for the lane to run inline.
 */
export async function settleAttempt(env: Env, context: RunContext, idx: number, settlement: Settlement, nextPermit: Permit | null): Promise<Verdict> {
  const runId = context.run.id;
  const result = await settleProbe(env.DB, runId, idx, settlement, Date.now(), { ...claimNext(context.model, env), beginFirst: nextPermit !== null }).catch(async (error) => {
    await nextPermit?.release({ kind: "unused" });
    throw error;
  });
  const runActive = result.status === "queued" || result.status === "running";
  if (nextPermit && !result.begun) await nextPermit.release({ kind: "unused" }); // nothing left to claim
  const inline = nextPermit && result.begun ? { runId, idx: result.begun.idx, deliveries: 0, ready: { permit: nextPermit, begun: result.begun } } : undefined;
  const next = await afterSettled(env, runId, result, inline ? 0 : 1);
  return { kind: "ack", next, inline, runActive };
}

/** Settles a probe that made no call (it cannot be built, or its key does not open): the permit goes back unused. */
export async function settleWithoutCall(env: Env, context: RunContext, idx: number, permit: Permit, settlement: Settlement): Promise<Verdict> {
  await permit.release({ kind: "unused" });
  return settleAttempt(env, context, idx, settlement, null);
}

/** Frees the permit at once (a throttle pauses and narrows the endpoint) and retries the probe later. */
export async function retryLater(
  env: Env,
  context: RunContext,
  idx: number,
  permit: Permit,
  attempt: number,
  retry: { release: ReleaseOutcome; retryAfterS: number | null; reason: string },
): Promise<Verdict> {
  await permit.release(retry.release);
  const delaySeconds = retryDelaySeconds(attempt, retry.retryAfterS);
  await noteRetry(env.DB, context.run.id, idx, `attempt ${attempt}: ${retry.reason}`, Date.now() + delaySeconds * 1000 + leaseMs(context.model, env));
  return { kind: "retry", delaySeconds };
}
