// One attempt of one probe, top to bottom:
//   claim  — a permit of the endpoint's limiter, then the attempt begun in D1   (./claim.ts)
//   build  — the exact prompt, rebuilt from the run's recipe, and its SHA-256  (./build.ts)
//   call   — the endpoint's URL checked again, then the endpoint, once       (./call.ts)
//   score  — the reply scored by its suite, with the token accounting          (./score.ts)
//   settle — counted once in D1; the freed credit claims the next probe       (./settle.ts)
// A retryable failure goes back to the queue with backoff instead (retryLater); the permit is
// returned exactly once on every way out.
import { openRunApiKey } from "../../accounts/secrets";
import { reservationOf } from "../limiter/limiter";
import { releaseOutcomeOf } from "./permit";
import { buildPrompt, PROBE_MAX_ATTEMPTS, type Detour } from "./build";
import { callModel, checkCallTarget } from "./call";
import { claimAttempt } from "./claim";
import { ACK, isActive, type ChainBudget, type Claimed, type ProbeJob, type RunContext, type RunContexts, type Verdict } from "./job";
import { scoreOutcome } from "./score";
import { abandonIfUnreachable } from "./unreachable";
import { ensureRunPreflight } from "./run-preflight";
import { retryLater, settleAttempt, settleWithoutCall } from "./settle";
import { leaseMs } from "../run-model";

export async function processProbe(job: ProbeJob, env: Env, runs: RunContexts, budget: ChainBudget): Promise<Verdict> {
  const context = await runs.get(job.runId);
  if (!context || !isActive(context.run)) {
    // Cancelled or finished: give back what this job holds.
    if (job.ready) await job.ready.permit.release({ kind: "unused" });
    else if (context) await releaseReservation(context, job.idx);
    return ACK;
  }
  const claimed = job.ready ?? (await claimAttempt(env, context, job));
  if ("kind" in claimed) return claimed;
  try {
    return await attempt(job, claimed, context, env, budget);
  } finally {
    await claimed.permit.release({ kind: "unused" }); // a no-op when the call already released it
  }
}

async function attempt(job: ProbeJob, { permit, begun }: Claimed, context: RunContext, env: Env, budget: ChainBudget): Promise<Verdict> {
  const attempt = Math.max(job.deliveries, begun.attempts);
  // A probe that cannot be built, or whose endpoint may not be called now, leaves before the call.
  const leave = (detour: Detour) =>
    detour.kind === "retry" ? retryLater(env, context, job.idx, permit, attempt, detour) : settleWithoutCall(env, context, job.idx, permit, detour.settlement);
  const build = await buildPrompt(env, context, begun, await openRunApiKey(env, context.run), attempt);
  if (build.kind !== "built") return leave(build);
  const refused = await checkCallTarget(context, build.built, build.promptSha256, attempt);
  if (refused) return leave(refused);

  const stopped = await ensureRunPreflight(env, context, build.apiKey, permit);
  if (stopped) return stopped;
  const outcome = await callModel(env, context, build.built, build.apiKey);
  const abandoned = await abandonIfUnreachable(env, context, permit, attempt, outcome);
  if (abandoned) return abandoned;
  if (outcome.kind === "retry" && attempt < PROBE_MAX_ATTEMPTS) return retryLater(env, context, job.idx, permit, attempt, { release: releaseOutcomeOf(outcome), retryAfterS: outcome.retryAfterS, reason: outcome.reason });
  // Free the permit before our own bookkeeping and, if this lane goes on with the run's next probe,
  // ask for that one's permit in the same call; its attempt then begins in the settling transaction.
  const { model, limiter, run } = context;
  const next = budget.take(context) ? { endpoint: limiter.endpoint, runId: run.id, ceiling: model.max_concurrency, holdMs: leaseMs(model, env) } : undefined;
  const nextPermit = await permit.release(releaseOutcomeOf(outcome), next);

  const settlement = scoreOutcome(context, begun, build.built, build.promptSha256, outcome, attempt);
  return settleAttempt(env, context, job.idx, settlement, nextPermit);
}

/**
 * This message may have been re-sent by the limiter with a permit reserved for it: give that back
 * now rather than let it block the endpoint until it lapses (releasing an unknown id is a no-op).
 */
async function releaseReservation(context: RunContext, idx: number): Promise<void> {
  await context.limiter.stub.release(reservationOf(context.run.id, idx), { kind: "unused" }).catch((error: unknown) => {
    console.error(JSON.stringify({ event: "limiter.release_error", run_id: context.run.id, error: String(error) }));
  });
}
