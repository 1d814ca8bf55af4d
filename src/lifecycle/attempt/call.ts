// Step 3 of an attempt: the one call to the endpoint, streamed where the endpoint allows it (or,
// for a loss probe, the prompt's log-probabilities).
import type { BuiltProbe } from "../../probes/suites";
import { replyCaps } from "../endpoint/bounded-body";
import { callEndpoint, endpointUrl, type CallOutcome } from "../endpoint/client";
import { DEFAULT_MAX_LOGPROB_REPLY_BYTES, NO_PROMPT_LOGPROBS, promptLogprobs } from "../endpoint/prompt-logprobs";
import { keepLogprobs } from "../store/runs";
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
  if (built.measure === "prompt_logprobs") return callForLogprobs(env, context, built, apiKey);
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

/**
 * A loss probe's call: the prompt's log-probabilities in the form the run's endpoint speaks — found
 * by the first probe that asks, then kept on the run. An endpoint with none fails every loss probe
 * with the reason the first one found, without calling again.
 */
async function callForLogprobs(env: Env, context: RunContext, built: BuiltProbe, apiKey: string | null): Promise<CallOutcome> {
  const known = context.run.logprobs;
  if (known && known.form === null) return { kind: "fail", reason: known.error, unscorable: false, latencyMs: 0 };
  if (built.prompt.api !== "completions") throw new Error("a loss probe's prompt is raw text");
  const { model, fetcher } = context;
  const target = { baseUrl: model.base_url, model: model.model, apiKey, timeoutMs: model.request_timeout_s * 1000, maxReplyBytes: replyCaps(env).maxReplyBytes, maxLogprobBytes: logprobCap(env) };
  const outcome = await promptLogprobs(known?.form ?? null, target, built.prompt.prompt, fetcher);
  if (!known && (outcome.kind === "ok" || (outcome.kind === "fail" && outcome.reason.startsWith(NO_PROMPT_LOGPROBS)))) {
    context.run.logprobs = await keepLogprobs(env.DB, context.run.id, outcome.kind === "ok" ? { form: outcome.form } : { form: null, error: outcome.reason });
  }
  if (outcome.kind === "unsupported") return { kind: "fail", reason: outcome.reason, unscorable: false, latencyMs: 0 };
  if (outcome.kind !== "ok") return outcome;
  const usage = { promptTokens: outcome.promptTokens ?? outcome.logprobs.length, completionTokens: null, cachedTokens: null };
  return { kind: "ok", text: "", finishReason: null, usage, latencyMs: outcome.latencyMs, ttftMs: null, promptLogprobs: outcome.logprobs };
}

function logprobCap(env: Env): number {
  const value = Number(env.MAX_LOGPROB_REPLY_BYTES);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_MAX_LOGPROB_REPLY_BYTES;
}
