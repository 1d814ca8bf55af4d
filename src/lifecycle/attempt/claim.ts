// Step 1 of an attempt: a permit of the endpoint's limiter, then the attempt begun in D1. A probe
// that must wait for a permit has not begun an attempt (waiting is not an attempt).
import { leaseMs } from "../run-model";
import { beginAttempt, holdWaitingProbe } from "../store/attempts";
import { ACK, type Claimed, type ProbeJob, type RunContext, type Verdict } from "./job";
import { Permit } from "./permit";

export async function claimAttempt(env: Env, context: RunContext, job: ProbeJob): Promise<Claimed | Verdict> {
  const { run, model, limiter } = context;
  const hold = leaseMs(model, env);
  const grant = await limiter.stub.acquire({ endpoint: limiter.endpoint, runId: run.id, idx: job.idx, ceiling: model.max_concurrency, holdMs: hold });
  if (!grant.granted) {
    // The limiter re-sends the probe when a permit frees; until then the sweeper leaves it alone.
    await holdWaitingProbe(env.DB, run.id, job.idx, Math.max(Date.now(), grant.retryAt ?? 0) + hold);
    return { kind: "waiting" };
  }
  const permit = new Permit(limiter.stub, grant.permit, run.id);
  const now = Date.now();
  const begun = await beginAttempt(env.DB, run.id, job.idx, now + hold, now).catch(async (error) => {
    await permit.release({ kind: "unused" });
    throw error;
  });
  if (!begun) {
    await permit.release({ kind: "unused" });
    return ACK; // a duplicate delivery: the probe is settled already, or an attempt of it is out
  }
  return { permit, begun };
}
