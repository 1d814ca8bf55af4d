// The first generated token's top log-probabilities, for multiple choice by log-likelihood: one
// call with max_tokens 1 asking for the top 5 (the OpenAI completions limit) — `logprobs: 5` on
// completions, `logprobs: true, top_logprobs: 5` on chat — read from the reply's first position.
import type { BuiltPrompt } from "../../probes/types";
import { readBoundedText } from "./bounded-body";
import { classifyResponse, endpointHeaders, endpointUrl, replyTooLarge, requestBody, transportFailure, untilAborted, type CallOutcome, type CallUsage, type EndpointTarget, type Fetcher } from "./client";

export const TOP_LOGPROBS = 5;

export type TopLogprobOutcome =
  | { kind: "ok"; top: Record<string, number>; text: string; finishReason: string | null; usage: CallUsage; latencyMs: number }
  /** The endpoint answered without top log-probabilities, or refused the parameter: score by generation instead. */
  | { kind: "unsupported"; reason: string }
  | Exclude<CallOutcome, { kind: "ok" }>;

interface Reply {
  choices?: {
    text?: string;
    message?: { content?: string | null };
    finish_reason?: string | null;
    logprobs?: { top_logprobs?: (Record<string, number> | null)[]; content?: { top_logprobs?: { token: string; logprob: number }[] }[] } | null;
  }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

function topOf(reply: Reply): Record<string, number> | null {
  const logprobs = reply.choices?.[0]?.logprobs;
  const completions = logprobs?.top_logprobs?.[0];
  if (completions && typeof completions === "object") return completions;
  const chat = logprobs?.content?.[0]?.top_logprobs;
  return Array.isArray(chat) ? Object.fromEntries(chat.map((t) => [t.token, t.logprob])) : null;
}

export async function callTopLogprobs(target: EndpointTarget, prompt: BuiltPrompt, fetcher: Fetcher): Promise<TopLogprobOutcome> {
  const body = { ...requestBody(target.model, prompt, 1), ...(prompt.api === "chat" ? { logprobs: true, top_logprobs: TOP_LOGPROBS } : { logprobs: TOP_LOGPROBS }) };
  const headers = endpointHeaders(target.apiKey);
  const started = Date.now();
  try {
    const request = new Request(endpointUrl(target.baseUrl, prompt.api), { method: "POST", headers, body: JSON.stringify(body), redirect: "manual", signal: AbortSignal.timeout(target.timeoutMs) });
    const response = await untilAborted(fetcher(request), request.signal);
    const limit = target.maxReplyBytes ?? 1024 * 1024;
    const read = await readBoundedText(response, limit);
    if (read.kind === "too_large") return replyTooLarge(limit, read, Date.now() - started) as TopLogprobOutcome;
    const outcome = classifyResponse(response.status, read.text, response.headers.get("retry-after"), Date.now() - started);
    if (outcome.kind === "fail" && !outcome.unscorable && response.status !== 401 && response.status !== 403) return { kind: "unsupported", reason: outcome.reason };
    if (outcome.kind !== "ok") return outcome;
    const top = topOf(JSON.parse(read.text) as Reply);
    if (!top) return { kind: "unsupported", reason: "the reply has no top log-probabilities" };
    return { kind: "ok", top, text: outcome.text, finishReason: outcome.finishReason, usage: outcome.usage, latencyMs: outcome.latencyMs };
  } catch (error) {
    return transportFailure(error, endpointUrl(target.baseUrl, prompt.api), target.timeoutMs, Date.now() - started);
  }
}
