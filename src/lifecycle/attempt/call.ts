// Step 3 of an attempt: the one call to the endpoint, streamed where the endpoint allows it.
import type { BuiltProbe } from "../../probes/suites";
import { callEndpoint, type CallOutcome } from "../endpoint/client";
import type { RunContext } from "./job";

// Endpoints that refused `stream: true`; asked without it from then on (per isolate).
const refusesStreaming = new Set<string>();

export async function callModel(context: RunContext, built: BuiltProbe, apiKey: string | null): Promise<CallOutcome> {
  const { model, fetcher } = context;
  const outcome = await callEndpoint(
    { baseUrl: model.base_url, model: model.model, apiKey, timeoutMs: model.request_timeout_s * 1000 },
    built.prompt,
    built.maxTokens,
    fetcher,
    { stream: model.stream && !refusesStreaming.has(model.base_url) },
  );
  if (outcome.kind === "ok" && outcome.streamRefused) refusesStreaming.add(model.base_url);
  return outcome;
}
