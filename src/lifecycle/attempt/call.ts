// Step 3 of an attempt: the one call to the endpoint, streamed where the endpoint allows it.
import type { BuiltProbe } from "../../probes/suites";
import { replyCaps } from "../endpoint/bounded-body";
import { callEndpoint, endpointUrl, type CallOutcome } from "../endpoint/client";
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

// Endpoints that refused `stream: true`; asked without it from then on (per isolate).
const refusesStreaming = new Set<string>();

export async function callModel(env: Env, context: RunContext, built: BuiltProbe, apiKey: string | null): Promise<CallOutcome> {
  const { model, fetcher } = context;
  const outcome = await callEndpoint(
    { baseUrl: model.base_url, model: model.model, apiKey, timeoutMs: model.request_timeout_s * 1000, maxReplyBytes: replyCaps(env).maxReplyBytes },
    built.prompt,
    built.maxTokens,
    fetcher,
    { stream: model.stream && !refusesStreaming.has(model.base_url) },
  );
  if (outcome.kind === "ok" && outcome.streamRefused) refusesStreaming.add(model.base_url);
  return outcome;
}
