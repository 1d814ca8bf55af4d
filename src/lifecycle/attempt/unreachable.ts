// Failing fast when the endpoint never answers: a run whose probes have only ever met network
// errors (refused, DNS, TLS, dropped connections; not timeouts or HTTP errors) stops once one probe
// has tried UNREACHABLE_AFTER_ATTEMPTS times and UNREACHABLE_AFTER_MS have passed since submission,
// instead of backing off for minutes; its error names the URL and what went wrong.
import type { CallOutcome } from "../endpoint/client";
import { forgetRunAtLimiter } from "../limiter/limiter";
import { abandonUnreachableRun } from "../store/runs";
import { emitRunEventSafely } from "../webhooks/events";
import { ACK, type RunContext, type Verdict } from "./job";
import type { Permit } from "./permit";

export const UNREACHABLE_AFTER_ATTEMPTS = 3;
/** Long enough for a server that is still starting to come up; short of "minutes". */
export const UNREACHABLE_AFTER_MS = 20_000;

export async function abandonIfUnreachable(env: Env, context: RunContext, permit: Permit, attempt: number, outcome: CallOutcome, now = Date.now()): Promise<Verdict | null> {
  if (outcome.kind !== "retry" || !outcome.unreachable) return null;
  if (attempt < UNREACHABLE_AFTER_ATTEMPTS || now - context.run.createdAt < UNREACHABLE_AFTER_MS) return null;
  const seconds = Math.round((now - context.run.createdAt) / 1000);
  const error = `the endpoint never answered: ${outcome.reason} (${attempt} attempts over ${seconds} s, no probe got a reply); the run stopped without sending the rest`;
  if (!(await abandonUnreachableRun(env.DB, context.run.id, error, now))) return null;
  await permit.release({ kind: "unused" });
  console.log(JSON.stringify({ event: "run.unreachable", run_id: context.run.id, attempts: attempt, reason: outcome.reason }));
  await emitRunEventSafely(env, context.run.id);
  await forgetRunAtLimiter(env, context.run);
  return ACK;
}
