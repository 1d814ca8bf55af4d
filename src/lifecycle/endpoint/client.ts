// Calls an OpenAI-compatible endpoint once and classifies the outcome. The transport is injected
// (global fetch, or this Worker's own reference app), so both paths run the same code.
import type { BuiltPrompt } from "../../probes/types";
import { DEFAULT_MAX_REPLY_BYTES, declaredBeyond, pumpBounded, readBoundedText, tooLargeDetail } from "./bounded-body";
import { EventStreamParser, reasoningOf, type ScanStats, type WireReasoning, type WireUsage } from "./event-stream";

export type Fetcher = (request: Request) => Promise<Response>;

export interface EndpointTarget {
  baseUrl: string;
  model: string;
  apiKey?: string | null;
  timeoutMs: number;
  /** Most bytes of a reply read (default DEFAULT_MAX_REPLY_BYTES; the Worker passes MAX_REPLY_BYTES). */
  maxReplyBytes?: number;
}

export interface CallUsage {
  promptTokens: number | null;
  completionTokens: number | null;
  /** usage.prompt_tokens_details.cached_tokens: prompt tokens served from the server's prefix cache. */
  cachedTokens: number | null;
}

const numberOrNull = (x: unknown) => (typeof x === "number" && Number.isFinite(x) ? x : null);

function usageOf(usage: WireUsage | null | undefined): CallUsage {
  return {
    promptTokens: numberOrNull(usage?.prompt_tokens),
    completionTokens: numberOrNull(usage?.completion_tokens),
    cachedTokens: numberOrNull(usage?.prompt_tokens_details?.cached_tokens),
  };
}

export type CallOutcome =
  | {
      kind: "ok";
      text: string;
      /** A reasoning model's reasoning as the server sent it apart (message or delta reasoning_content / reasoning); null when it sent none (absent on measure calls). */
      reasoning?: string | null;
      finishReason: string | null;
      usage: CallUsage;
      latencyMs: number;
      /** Time to the first token, when the reply was streamed. */
      ttftMs: number | null;
      /** True when a streamed request was refused and the call was repeated without streaming. */
      streamRefused?: boolean;
      /** Loss probes: the prompt's per-position log-probabilities as the server returned them. */
      promptLogprobs?: (number | null)[];
      /** Multiple choice by log-likelihood: the first generated token's top log-probabilities. */
      topLogprobs?: Record<string, number>;
    }
  /**
   * Worth another attempt later: 429, 408, 5xx, timeouts, network errors, garbled bodies.
   * `throttled`: the endpoint asked us to slow down (429, or 503 with Retry-After); the limiter backs off.
   */
  | { kind: "retry"; reason: string; retryAfterS: number | null; latencyMs: number; throttled?: boolean; unreachable?: boolean }
  /**
   * Will fail the same way again: other 4xx. `unscorable` when the prompt does not fit the endpoint,
   * or its reply exceeded the cap (the same prompt would bring the same reply: not retried).
   */
  | { kind: "fail"; reason: string; unscorable: boolean; latencyMs: number };

const CONTEXT_OVERFLOW = /context|too long|maximum.*(length|tokens)|exceed|token limit/i;

/** Headers of a request to a user's endpoint: JSON (or what `accept` says), `extra`, and its key as a bearer token (last, so nothing overrides it). */
export function endpointHeaders(apiKey: string | null | undefined, accept = "application/json", body = true, extra: Record<string, string> = {}): Record<string, string> {
  return { ...(body ? { "content-type": "application/json" } : {}), accept, ...extra, ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) };
}

export function endpointUrl(baseUrl: string, api: BuiltPrompt["api"]): string {
  const base = baseUrl.replace(/\/+$/, "");
  return `${base}/${api === "chat" ? "chat/completions" : "completions"}`;
}

export function requestBody(model: string, prompt: BuiltPrompt, maxTokens: number, stream = false): Record<string, unknown> {
  const common = { model, max_tokens: maxTokens, temperature: 0, ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}) };
  return prompt.api === "chat" ? { ...common, messages: prompt.messages } : { ...common, prompt: prompt.prompt };
}

/** Seconds from a Retry-After header (delta-seconds or HTTP date); null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000));
}

function errorMessageOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: string } | string; message?: string; detail?: string };
    if (typeof parsed.error === "string") return parsed.error;
    return parsed.error?.message ?? parsed.message ?? parsed.detail ?? body.slice(0, 300);
  } catch {
    return body.slice(0, 300);
  }
}

interface CompletionBody {
  choices?: Array<{ text?: string; message?: ({ content?: string | null } & WireReasoning) | null; finish_reason?: string | null }>;
  usage?: WireUsage;
}

export function classifyResponse(status: number, body: string, retryAfter: string | null, latencyMs: number): CallOutcome {
  if (status >= 200 && status < 300) {
    let parsed: CompletionBody;
    try {
      parsed = JSON.parse(body) as CompletionBody;
    } catch {
      return { kind: "retry", reason: `malformed JSON in a ${status} response`, retryAfterS: null, latencyMs };
    }
    const choice = parsed.choices?.[0];
    const reasoning = reasoningOf(choice?.message);
    // A reasoning model cut inside its reasoning may send content null beside its reasoning.
    const text = choice?.text ?? choice?.message?.content ?? (reasoning !== null ? "" : undefined);
    if (typeof text !== "string") {
      return { kind: "retry", reason: "response has no choices[0].text or choices[0].message.content", retryAfterS: null, latencyMs };
    }
    return { kind: "ok", text, reasoning, finishReason: choice?.finish_reason ?? null, usage: usageOf(parsed.usage), latencyMs, ttftMs: null };
  }
  const message = errorMessageOf(body);
  if (status === 429 || status === 408 || status >= 500) {
    const retryAfterS = parseRetryAfter(retryAfter);
    const throttled = status === 429 || (status === 503 && retryAfterS !== null);
    return { kind: "retry", reason: `HTTP ${status}: ${message}`, retryAfterS, latencyMs, ...(throttled ? { throttled } : {}) };
  }
  if (status >= 300 && status < 400) {
    // Redirects are never followed: they could lead the call (and its API key) anywhere.
    return { kind: "fail", reason: `HTTP ${status}: the endpoint redirected; redirects are not followed`, unscorable: false, latencyMs };
  }
  const overflow = (status === 400 || status === 413 || status === 422) && CONTEXT_OVERFLOW.test(message);
  return { kind: "fail", reason: `HTTP ${status}: ${message}`, unscorable: overflow, latencyMs };
}

/** A reply over the cap: unscorable at once (a retry would read the same reply again), with the reason. */
export function replyTooLarge(limit: number, read: { bytes: number; declared: boolean }, latencyMs: number): CallOutcome {
  const reason = `the endpoint's reply exceeded ${limit} bytes; ${tooLargeDetail(read, "MAX_REPLY_BYTES")}`;
  return { kind: "fail", reason, unscorable: true, latencyMs };
}

/**
 * Reads an OpenAI-style server-sent event stream: text deltas, the finish reason and the usage chunk
 * that `stream_options.include_usage` adds at the end. A stream cut before `[DONE]` is an error; one
 * longer than `maxBytes` is cancelled there and the call fails unscorable. `stats` counts the
 * parser's work (tests check it is linear).
 */
export async function readEventStream(body: ReadableStream<Uint8Array>, started: number, maxBytes = DEFAULT_MAX_REPLY_BYTES, stats?: ScanStats): Promise<CallOutcome> {
  const parser = new EventStreamParser(started, Date.now, stats);
  let end: Awaited<ReturnType<typeof pumpBounded>>;
  try {
    end = await pumpBounded(body, maxBytes, (chunk) => parser.push(chunk));
    if (end.end === "ended") parser.finish();
  } catch (error) {
    const reason = error instanceof SyntaxError ? "malformed event in the response stream" : `stream broke off: ${String(error)}`;
    return { kind: "retry", reason, retryAfterS: null, latencyMs: Date.now() - started };
  }
  if (end.end === "too_large") return replyTooLarge(maxBytes, { bytes: end.bytes, declared: false }, Date.now() - started);
  if (!parser.done) return { kind: "retry", reason: "the response stream ended before [DONE]", retryAfterS: null, latencyMs: Date.now() - started };
  const { text, reasoning, finishReason, usage, ttftMs } = parser.result();
  return { kind: "ok", text, reasoning, finishReason, usage: usageOf(usage), latencyMs: Date.now() - started, ttftMs };
}

const STREAM_REFUSED = /stream/i;

/**
 * One call. With `stream`, asks for server-sent events: headers arrive as soon as prefill ends,
 * which frees the Workers connection slot, gives time to first token and avoids proxy timeouts.
 * Servers that ignore `stream` answer JSON, which is read as usual; one that refuses it with a
 * 4xx naming "stream" is asked again without, and the outcome says so.
 */
export async function callEndpoint(
  target: EndpointTarget,
  prompt: BuiltPrompt,
  maxTokens: number,
  fetcher: Fetcher,
  options: { stream?: boolean; headers?: Record<string, string> } = {},
): Promise<CallOutcome> {
  const outcome = await callOnce(target, prompt, maxTokens, fetcher, options.stream ?? false, options.headers ?? {});
  if (options.stream && outcome.kind === "fail" && !outcome.unscorable && /HTTP 4\d\d/.test(outcome.reason) && STREAM_REFUSED.test(outcome.reason)) {
    const plain = await callOnce(target, prompt, maxTokens, fetcher, false, options.headers ?? {});
    return plain.kind === "ok" ? { ...plain, streamRefused: true } : plain;
  }
  return outcome;
}

async function callOnce(
  target: EndpointTarget,
  prompt: BuiltPrompt,
  maxTokens: number,
  fetcher: Fetcher,
  stream: boolean,
  extraHeaders: Record<string, string>,
): Promise<CallOutcome> {
  const headers = endpointHeaders(target.apiKey, stream ? "text/event-stream, application/json" : "application/json", true, extraHeaders);
  const started = Date.now();
  let answered = false;
  try {
    const request = new Request(endpointUrl(target.baseUrl, prompt.api), {
      method: "POST",
      headers,
      body: JSON.stringify(requestBody(target.model, prompt, maxTokens, stream)),
      redirect: "manual",
      signal: AbortSignal.timeout(target.timeoutMs),
    });
    const response = await untilAborted(fetcher(request), request.signal);
    answered = true;
    const limit = target.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES;
    if (response.ok && response.body && declaredBeyond(response.headers, limit) === null && (response.headers.get("content-type") ?? "").includes("text/event-stream")) {
      return await readEventStream(response.body, started, limit);
    }
    const body = await readBoundedText(response, limit);
    if (body.kind === "too_large") return replyTooLarge(limit, body, Date.now() - started);
    return classifyResponse(response.status, body.text, response.headers.get("retry-after"), Date.now() - started);
  } catch (error) {
    const failure = transportFailure(error, endpointUrl(target.baseUrl, prompt.api), target.timeoutMs, Date.now() - started);
    // The server answered and then the reply broke off: reached, so not a reason to give up on it.
    return answered && failure.unreachable ? { kind: "retry", reason: `the reply broke off: ${error instanceof Error ? error.message : String(error)}`, retryAfterS: null, latencyMs: failure.latencyMs } : failure;
  }
}

/** What a network error's message says went wrong, as far as it says: refused, DNS, TLS, or the connection dropped. */
export function networkErrorClass(message: string): string {
  if (/refused|ECONNREFUSED/i.test(message)) return "connection refused";
  if (/ENOTFOUND|EAI_AGAIN|getaddrinfo|DNS|resolve/i.test(message)) return "DNS lookup failed";
  if (/certificate|TLS|SSL|handshake/i.test(message)) return "TLS failed";
  if (/reset|lost|closed|ECONNRESET|socket hang up|EPIPE/i.test(message)) return "connection lost";
  return "network error";
}

/**
 * A call that got no HTTP answer: a timeout (retried), or a network error naming the URL and the
 * error's class, marked `unreachable` so a run whose endpoint never answers can stop early.
 */
export function transportFailure(error: unknown, url: string, timeoutMs: number, latencyMs: number): Extract<CallOutcome, { kind: "retry" }> {
  const name = error instanceof Error ? error.name : "";
  if (name === "TimeoutError" || name === "AbortError") return { kind: "retry", reason: `timed out after ${Math.round(timeoutMs / 1000)} s calling ${url}`, retryAfterS: null, latencyMs };
  const message = error instanceof Error ? error.message : String(error);
  return { kind: "retry", reason: `cannot reach ${url} (${networkErrorClass(message)}): ${message}`, retryAfterS: null, latencyMs, unreachable: true };
}

/**
 * Rejects with the signal's reason once it aborts. Global fetch does this itself, but a call routed
 * to this Worker's own app (`app.fetch`) ignores the signal: without this, a slow or hanging
 * internal handler would outlive `request_timeout_s`.
 */
export function untilAborted<T>(pending: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    pending.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
