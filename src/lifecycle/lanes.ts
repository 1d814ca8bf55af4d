// Lanes: a delivered probe, then the probes its freed credits claim, run inline while the
// invocation's budget lasts. A batch holds at most 6 messages (max_batch_size), so an invocation
// runs at most 6 lanes, and a lane waits on one call at a time: never more than the 6 connections a
// Workers invocation may have waiting for response headers.
import { retryDelaySeconds } from "./backoff";
import { processProbe } from "./attempt/attempt";
import type { ChainBudget, ProbeJob, RunContext, RunContexts, Verdict } from "./attempt/job";
import { sendProbes } from "./dispatch";
import { probeMessage } from "./messages";
import { leaseMarginMs, leaseMs } from "./run-model";
import { noteRetry } from "./store/attempts";

/**
 * Chaining bounds of one consumer invocation. A lane whose probe settled goes straight on with the
 * probe claimed by the freed credit (no queue hand-off), but one invocation stays far inside the
 * limits of a queue consumer: 1,000 D1 queries (a probe costs ~6), its subrequests and 15 min of
 * wall clock (a chained call must be able to run to its timeout before that).
 */
export const INLINE_PROBES_PER_INVOCATION = 100;
export const INLINE_WALL_BUDGET_MS = 12 * 60_000;

/** What one consumer invocation may still run inline. */
export class InlineBudget implements ChainBudget {
  private readonly started = Date.now();
  private used = 0;

  constructor(private readonly probes: number) {}

  take(context: RunContext): boolean {
    // Not for this Worker's own reference models: their calls run in this isolate, and a lane
    // chaining them keeps it so busy that other requests (a status poll) wait until it ends —
    // measured under wrangler dev: a GET stuck for the whole run. Through the queue they interleave.
    if (context.run.internalEndpoint) return false;
    const fits = Date.now() - this.started + context.model.request_timeout_s * 1000 <= INLINE_WALL_BUDGET_MS;
    if (!fits || this.used >= this.probes) return false;
    this.used++;
    return true;
  }
}

/** Our own fault (D1 hiccup, bug): retry with backoff; the DLQ consumer settles it in the end. */
async function retryAfterError(job: ProbeJob, error: unknown, env: Env, runs: RunContexts): Promise<Verdict> {
  console.error(JSON.stringify({ event: "probe.error", run_id: job.runId, idx: job.idx, error: String(error) }));
  const delaySeconds = retryDelaySeconds(Math.max(1, job.deliveries), null);
  // Record why, and hold the lease through the backoff: otherwise the sweeper re-sends the probe
  // while its retry is pending, and the duplicates push it past max_retries.
  const context = runs.known(job.runId);
  const leaseUntil = Date.now() + delaySeconds * 1000 + (context ? leaseMs(context.model, env) : leaseMarginMs(env));
  await noteRetry(env.DB, job.runId, job.idx, `attempt ${Math.max(1, job.deliveries)}: ${String(error)}`, leaseUntil).catch(() => undefined);
  return { kind: "retry", delaySeconds };
}

/** Acks or retries a delivered message; a probe run inline has no message, so a retry is a new one. */
async function settleMessage(job: ProbeJob, verdict: Verdict, env: Env): Promise<void> {
  if (verdict.kind !== "retry") {
    job.message?.ack();
    return;
  }
  if (job.message) job.message.retry({ delaySeconds: verdict.delaySeconds });
  else await env.PROBES.send(probeMessage(job.runId, job.idx), { delaySeconds: verdict.delaySeconds });
}

/** The job a lane goes on with: the one begun inline, or one claimed without a permit (if the budget allows), else none. */
async function nextJob(current: ProbeJob, verdict: Verdict, env: Env, runs: RunContexts, budget: InlineBudget): Promise<ProbeJob | undefined> {
  if (verdict.kind !== "ack") return undefined;
  if (verdict.inline) return verdict.inline;
  // Claimed without a permit (the probe settled without a call): run it here if the budget allows
  // (acquiring its permit), else hand it to the queue.
  const [claimed] = verdict.next;
  if (claimed === undefined) return undefined;
  const context = runs.known(current.runId);
  if (verdict.runActive && context && budget.take(context)) return { runId: current.runId, idx: claimed, deliveries: 0 };
  await sendProbes(env, current.runId, [claimed]).catch((error) => console.error(JSON.stringify({ event: "probe.send_error", run_id: current.runId, error: String(error) })));
  return undefined;
}

export async function runLane(first: ProbeJob, env: Env, runs: RunContexts, budget: InlineBudget): Promise<void> {
  let job: ProbeJob | undefined = first;
  while (job) {
    const current: ProbeJob = job;
    const verdict = await processProbe(current, env, runs, budget).catch((error) => retryAfterError(current, error, env, runs));
    try {
      await settleMessage(current, verdict, env);
    } catch (error) {
      // A lost re-send: the probe's lease runs out and the sweeper re-sends it.
      console.error(JSON.stringify({ event: "probe.resend_error", run_id: current.runId, idx: current.idx, error: String(error) }));
    }
    job = await nextJob(current, verdict, env, runs, budget);
  }
}
