// Step 3 of an attempt: the one call to the endpoint — a generated answer, streamed where the
// endpoint allows it (./answer-call.ts), or a measure: a loss probe's prompt log-probabilities or a
// multiple-choice answer by log-likelihood (./call-measures.ts).
import type { BuiltProbe } from "../../probes/suites";
import { endpointUrl, type CallOutcome } from "../endpoint/client";
import { callForAnswer } from "./answer-call";
import { callForChoice, callForLogprobs } from "./call-measures";
import { PROBE_MAX_ATTEMPTS, type Detour } from "./build";
import type { RunContext } from "./job";

/**
 * The endpoint's URL, checked again right before the call (host resolved: DNS may have changed
 * since submission). Refused: the probe fails without a call; the resolver failed: retried later.
 */
export async function checkCallTarget(context: RunContext, built: BuiltProbe, promptSha256: string, attempt: number): Promise<Detour | null> {
  if (!context.guard) return null;
  const verdict = await context.guard.check(endpointUrl(context.model.base_url, built.prompt.api));
  if (verdict.ok) return null;
  if (verdict.retryable && attempt < PROBE_MAX_ATTEMPTS) return { kind: "retry", release: { kind: "unused" }, retryAfterS: null, reason: verdict.reason };
  return { kind: "settle", settlement: { status: "failed", error: `the endpoint URL is not allowed: ${verdict.reason}`, promptSha256 } };
}

export async function callModel(env: Env, context: RunContext, built: BuiltProbe, apiKey: string | null): Promise<CallOutcome> {
  if (built.measure === "prompt_logprobs") return callForLogprobs(env, context, built, apiKey);
  if (built.measure === "choice") return callForChoice(env, context, built, apiKey);
  return callForAnswer(env, context, built, apiKey);
}
