// OpenAI-compatible HTTP API of the reference models, mounted at /reference/v1.
//
//   GET  /models, /models/:id    model list / model object
//   POST /completions            text_completion (prompt: string or string[]; stream supported;
//                                prompt log-probabilities via echo + logprobs or prompt_logprobs)
//   POST /chat/completions       chat.completion (stream supported)
//
// Test knob: header `x-reference-latency-ms: N` (or query `?latency_ms=N`) waits N ms (capped at
// 60000) before answering, so benchmarks can simulate a fixed-latency endpoint.
// Fault injection: a model name with a suffix, e.g. `extractive-128k+faults=0.3` (see faults.ts).
import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { streamSSE } from "hono/streaming";
import type { z } from "zod";
import { corruptEventStreamResponse, corruptJsonResponse, drawFault, earlyFaultResponse, FaultSpecError, parseFaultModel, type FaultModel } from "./faults";
import { LATENCY_HEADER, LATENCY_QUERY, parseLatencyMs, sleep } from "./latency";
import {
  completeChat,
  completeText,
  getReferenceModel,
  modelNotFound,
  REFERENCE_MODELS,
  ReferenceModelError,
  type Completion,
  type Usage,
} from "./models";
import { promptLogprobs, scorePrompt, type PromptScores } from "./lm";
import {
  chatCompletion,
  chatCompletionChunks,
  echoLogprobs,
  modelList,
  modelObject,
  newResponseMeta,
  openAiError,
  promptLogprobEntries,
  textCompletion,
  textCompletionChunks,
  usageChunk,
  type ChoiceResult,
  type CompletionLogprobs,
} from "./openai";
import { chatCompletionRequest, completionRequest, describeIssue, toChatMessages, type CompletionRequest } from "./schemas";
import { encodeTokens } from "./tokens";
import { prefixCacheOf, type PrefixCache } from "./prefix-cache";

/** Thrown inside handlers to answer with an OpenAI-style error body. */
class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

export const referenceRoutes = new Hono();

referenceRoutes.get("/models", (c) => c.json(modelList(REFERENCE_MODELS)));

referenceRoutes.get("/models/:id", (c) => {
  const id = c.req.param("id");
  const model = getReferenceModel(faultModelOf(id).base);
  if (!model) throw toHttpError(modelNotFound(id));
  return c.json(modelObject({ ...model, id }));
});

referenceRoutes.post("/completions", async (c) => {
  const body = await readBody(c, completionRequest);
  const model = faultModelOf(body.model);
  await simulateLatency(c, model);
  const prompts = typeof body.prompt === "string" ? [body.prompt] : body.prompt;
  const fault = await injectFault(c, model, prompts.join("\u0000"));
  if (fault instanceof Response) return fault;
  const options = { max_tokens: body.max_tokens, stop: body.stop };
  const cache = serverCacheOf(body.model, model);
  const results = prompts.map((prompt) => runModel(() => completeText(model.base, prompt, options, cache)));
  const meta = newResponseMeta("cmpl", body.model);
  const usage = sumUsage(results);
  if (!body.stream) {
    const window = getReferenceModel(model.base)?.visible_context_tokens;
    const choices = results.map((result, i) => withPromptScores(result, prompts[i]!, body, window));
    return jsonAnswer(c, textCompletion(meta, choices, usage), fault);
  }
  const withUsage = body.stream_options?.include_usage === true;
  const chunks = textCompletionChunks(meta, results, withUsage);
  return streamChunks(c, withUsage ? [...chunks, usageChunk(meta, "text_completion", usage)] : chunks, fault);
});

referenceRoutes.post("/chat/completions", async (c) => {
  const body = await readBody(c, chatCompletionRequest);
  const model = faultModelOf(body.model);
  await simulateLatency(c, model);
  const messages = toChatMessages(body.messages);
  const fault = await injectFault(c, model, JSON.stringify(messages));
  if (fault instanceof Response) return fault;
  const options = { max_tokens: body.max_completion_tokens ?? body.max_tokens, stop: body.stop };
  const result = runModel(() => completeChat(model.base, messages, options, serverCacheOf(body.model, model)));
  const meta = newResponseMeta("chatcmpl", body.model);
  if (!body.stream) return jsonAnswer(c, chatCompletion(meta, result, result.usage), fault);
  const withUsage = body.stream_options?.include_usage === true;
  const chunks = chatCompletionChunks(meta, result, withUsage);
  return streamChunks(c, withUsage ? [...chunks, usageChunk(meta, "chat.completion.chunk", result.usage)] : chunks, fault);
});

// Registered last: any other path or method under the mount point gets OpenAI's "Invalid URL" 404
// (so routes the parent app adds under the same prefix after mounting would be shadowed).
referenceRoutes.all("*", (c) => {
  throw new HttpError(404, `Invalid URL (${c.req.method} ${new URL(c.req.url).pathname})`);
});

referenceRoutes.onError((error, c) => {
  if (error instanceof HttpError) {
    return c.json(openAiError(error.message, { param: error.param, code: error.code }), error.status);
  }
  console.error("reference model server error", error);
  const message = "The server had an error while processing your request.";
  return c.json(openAiError(message, { type: "server_error" }), 500);
});

export default referenceRoutes;

async function readBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  let json: unknown;
  try {
    json = await c.req.json();
  } catch {
    throw new HttpError(400, "We could not parse the JSON body of your request. Send a valid JSON object.");
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const { message, param } = describeIssue(parsed.error);
    throw new HttpError(400, message, param);
  }
  return parsed.data;
}

function runModel(run: () => Completion): Completion {
  try {
    return run();
  } catch (error) {
    throw error instanceof ReferenceModelError ? toHttpError(error) : error;
  }
}

/**
 * A choice with what `echo`, `logprobs` and `prompt_logprobs` ask for, scored by the model's
 * language model (lm.ts; the 4k model's context is its last `window` tokens). The generated
 * tokens follow the prompt's in the echo form and are scored by the same model.
 */
function withPromptScores(result: Completion, prompt: string, body: CompletionRequest, window: number | undefined): ChoiceResult {
  const echo = body.echo === true;
  const logprobsTop = body.logprobs ?? null;
  const promptTop = body.prompt_logprobs ?? null;
  const choice: ChoiceResult = { ...result, text: echo ? prompt + result.text : result.text };
  if (logprobsTop === null && promptTop === null) return choice;
  const promptIds = encodeTokens(prompt);
  const ids = logprobsTop !== null ? [...promptIds, ...encodeTokens(result.text)] : promptIds;
  // prompt_logprobs reports ranks, so it lists at least the most likely token.
  const top = Math.max(logprobsTop ?? 0, promptTop === null ? 0 : Math.max(promptTop, 1));
  const scores = top > 0 ? scorePrompt(ids, { window, top }) : plainScores(promptLogprobs(ids, { window }));
  if (logprobsTop !== null) {
    const all = echoLogprobs(prompt + result.text, ids, scores, logprobsTop);
    // Without echo, OpenAI's legacy `logprobs` covers the generated tokens only.
    choice.logprobs = echo ? all : generatedPart(all, promptIds.length, prompt.length);
  }
  if (promptTop !== null) choice.prompt_logprobs = promptLogprobEntries(promptIds, scores, promptTop);
  return choice;
}

function generatedPart(all: CompletionLogprobs, promptTokens: number, promptChars: number): CompletionLogprobs {
  return {
    tokens: all.tokens.slice(promptTokens),
    token_logprobs: all.token_logprobs.slice(promptTokens),
    top_logprobs: all.top_logprobs?.slice(promptTokens) ?? null,
    text_offset: all.text_offset.slice(promptTokens).map((offset) => offset - promptChars),
  };
}

function plainScores(logprobs: Float64Array): PromptScores {
  const none = { topIds: new Int32Array(0), topLogprobs: new Float64Array(0) };
  return { logprobs, top: 0, ...none, ranks: new Int32Array(logprobs.length) };
}

function toHttpError(error: ReferenceModelError): HttpError {
  const status = error.code === "model_not_found" ? 404 : 400;
  return new HttpError(status, error.message, error.param, error.code);
}

function sumUsage(results: readonly Completion[]): Usage {
  const usage: Usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, prompt_tokens_details: { cached_tokens: 0 } };
  for (const { usage: one } of results) {
    usage.prompt_tokens += one.prompt_tokens;
    usage.completion_tokens += one.completion_tokens;
    usage.total_tokens += one.total_tokens;
    usage.prompt_tokens_details!.cached_tokens += one.prompt_tokens_details?.cached_tokens ?? 0;
  }
  return usage;
}

/** Waits as asked by the latency header (or query parameter), plus a fault model's `latency=`. */
async function simulateLatency(c: Context, model: FaultModel): Promise<void> {
  const ms = parseLatencyMs(c.req.header(LATENCY_HEADER) ?? c.req.query(LATENCY_QUERY));
  if (ms === undefined) {
    const message = `Invalid value for '${LATENCY_HEADER}': expected a number of milliseconds ≥ 0.`;
    throw new HttpError(400, message, LATENCY_HEADER);
  }
  await sleep(ms + (model.plan?.latencyMs ?? 0));
}

function faultModelOf(name: string): FaultModel {
  try {
    return parseFaultModel(name);
  } catch (error) {
    if (error instanceof FaultSpecError) throw new HttpError(400, `Invalid value for 'model': ${error.message}.`, "model");
    throw error;
  }
}

/** The prefix cache of the server a model name stands for (`+cache=N` sizes it). */
function serverCacheOf(name: string, model: FaultModel): PrefixCache | undefined {
  if (!getReferenceModel(model.base)) return undefined; // refused with a 404 by the model itself
  return prefixCacheOf(name, model.plan?.cacheTokens ?? undefined);
}

type BodyFault = "malformed" | "truncated" | null;

/** Draws this call's fault: a finished error response, or how to corrupt the model's answer. */
async function injectFault(c: Context, model: FaultModel, promptKey: string): Promise<Response | BodyFault> {
  if (!model.plan) return null;
  // An unknown base model is refused before any fault, as a real server would.
  if (!getReferenceModel(model.base)) throw toHttpError(modelNotFound(model.base));
  const fault = drawFault(model.plan, promptKey);
  if (!fault) return null;
  const early = await earlyFaultResponse(fault, model.plan, c.req.raw.signal);
  if (early) return early;
  return fault.kind === "malformed" || fault.kind === "truncated" ? fault.kind : null;
}

function jsonAnswer(c: Context, payload: object, fault: BodyFault): Response {
  return fault ? corruptJsonResponse(payload, fault) : c.json(payload);
}

/**
 * Server-sent events: one `data: {chunk}` event per chunk, then `data: [DONE]`. The answer is
 * computed before the stream opens, so every error is still a plain JSON error response.
 */
function streamChunks(c: Context, chunks: readonly object[], fault: BodyFault = null): Response {
  if (fault) return corruptEventStreamResponse(chunks, fault);
  return streamSSE(c, async (stream) => {
    for (const chunk of chunks) await stream.writeSSE({ data: JSON.stringify(chunk) });
    await stream.writeSSE({ data: "[DONE]" });
  });
}
