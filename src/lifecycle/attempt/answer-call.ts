// A generated answer: one completion call, streamed unless the endpoint refused streaming before.
import type { BuiltProbe } from "../../probes/suites";
import { replyCaps } from "../endpoint/bounded-body";
import { callEndpoint, type CallOutcome, type EndpointTarget } from "../endpoint/client";
import type { RunContext } from "./job";

// Endpoints that refused `stream: true`; asked without it from then on (per isolate).
const refusesStreaming = new Set<string>();

/** Where and how a run's calls go: its endpoint, key, timeout and reply cap. */
export function runTarget(env: Env, context: RunContext, apiKey: string | null): EndpointTarget {
  const { model } = context;
  return { baseUrl: model.base_url, model: model.model, apiKey, timeoutMs: model.request_timeout_s * 1000, maxReplyBytes: replyCaps(env).maxReplyBytes };
}

export async function callForAnswer(env: Env, context: RunContext, built: BuiltProbe, apiKey: string | null): Promise<CallOutcome> {
  const { model, fetcher } = context;
  const outcome = await callEndpoint(
    runTarget(env, context, apiKey),
    built.prompt,
    built.maxTokens,
    fetcher,
    { stream: model.stream && !refusesStreaming.has(model.base_url) },
  );
  if (outcome.kind === "ok" && outcome.streamRefused) refusesStreaming.add(model.base_url);
  return outcome;
}
