// The run's serving fingerprint, taken before its first call (once per run: the first probe to
// ask in an isolate does it, others of the same run wait for that answer; D1 keeps the first).
import { runTarget } from "./answer-call";
import { fingerprintEndpoint } from "../endpoint/fingerprint";
import { keepServing } from "../store/runs";
import type { RunContext } from "./job";

const inFlight = new Map<string, Promise<void>>();

export async function ensureServingFingerprint(env: Env, context: RunContext, apiKey: string | null): Promise<void> {
  if (context.run.serving) return;
  let pending = inFlight.get(context.run.id);
  if (!pending) {
    pending = fingerprintEndpoint(runTarget(env, context, apiKey), context.fetcher)
      .then(async (found) => {
        context.run.serving = await keepServing(env.DB, context.run.id, found);
      })
      .finally(() => inFlight.delete(context.run.id));
    inFlight.set(context.run.id, pending);
  }
  await pending.catch((error: unknown) => console.error(JSON.stringify({ event: "serving.fingerprint_error", run_id: context.run.id, error: String(error) })));
}
