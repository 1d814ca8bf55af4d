// The run's preflight, taken before its first call (once per run: the first probe to ask in an
// isolate takes it, others of the same run wait for that answer; D1 keeps the first). It stores
// the serving fingerprint and what the truncation rule needs (the token ratio, a discovered
// window); a failed blocking check (credentials refused, model unknown) fails the run at once,
// naming the reason, before anything else is sent. An endpoint that does not answer at all is
// left to the run's own calls, which fail the run fast (./unreachable.ts).
import { blockingFailure, runPreflight } from "../preflight";
import { forgetRunAtLimiter } from "../limiter/limiter";
import { abandonUnreachableRun, keepPreflight, keepServing } from "../store/runs";
import { emitRunEventSafely } from "../webhooks/events";
import { runTarget } from "./answer-call";
import { ACK, type RunContext, type Verdict } from "./job";
import type { Permit } from "./permit";

const inFlight = new Map<string, Promise<string | null>>();

/** Takes the preflight if the run has none; returns the blocking failure's message, if any. */
async function takePreflight(env: Env, context: RunContext, apiKey: string | null): Promise<string | null> {
  const taken = await runPreflight(context.model, runTarget(env, context, apiKey), context.fetcher);
  if ("unreachable" in taken) return null;
  context.run.serving = await keepServing(env.DB, context.run.id, taken.serving);
  context.run.preflight = await keepPreflight(env.DB, context.run.id, taken.preflight);
  const blocking = blockingFailure(context.run.preflight.checks);
  return blocking ? `preflight: ${blocking.name === "auth" ? "the endpoint refused the credentials" : "the endpoint does not serve the model"}: ${blocking.detail}` : null;
}

/** Null to go on with the call; ACK when the run was failed by its preflight. */
export async function ensureRunPreflight(env: Env, context: RunContext, apiKey: string | null, permit: Permit): Promise<Verdict | null> {
  if (context.run.preflight) return null;
  let pending = inFlight.get(context.run.id);
  if (!pending) {
    pending = takePreflight(env, context, apiKey).finally(() => inFlight.delete(context.run.id));
    inFlight.set(context.run.id, pending);
  }
  const failure = await pending.catch((error: unknown) => {
    console.error(JSON.stringify({ event: "run.preflight_error", run_id: context.run.id, error: String(error) }));
    return null;
  });
  if (failure === null) return null;
  const now = Date.now();
  if (await abandonUnreachableRun(env.DB, context.run.id, failure, now)) {
    console.log(JSON.stringify({ event: "run.preflight_failed", run_id: context.run.id, error: failure }));
    await emitRunEventSafely(env, context.run.id);
    await forgetRunAtLimiter(env, context.run);
  }
  await permit.release({ kind: "unused" });
  return ACK;
}
