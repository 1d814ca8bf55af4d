// Registry of the reference models and their OpenAI-like completion logic (pure, no HTTP).
import type { ChatMessage } from "../probes/types";
import { splitChat, splitPrompt, type ParsedPrompt } from "./prompt";
import { readAnswer } from "./reader";
import { prefixCacheOf, type PrefixCache } from "./prefix-cache";
import { countTextTokens, decodeTokens, encodeTokens, lastTokens } from "./tokens";

export interface ReferenceModel {
  id: string;
  description: string;
  /** Longest prompt accepted, in cl100k_base tokens. */
  context_window: number;
  /**
   * How many trailing context tokens the reader sees; undefined = the whole context. Also the
   * window of the language model behind prompt log-probabilities (lm.ts).
   */
  visible_context_tokens?: number;
}

export const REFERENCE_MODELS: readonly ReferenceModel[] = [
  {
    id: "extractive-128k",
    description:
      "Non-neural reference: answers with the context sentence that best matches the question (BM25), " +
      "or the best-supported option letter for multiple choice. Reads the whole context. Completions also return " +
      "prompt log-probabilities (echo + logprobs, or vLLM's prompt_logprobs) from a non-neural cache language model " +
      "over the whole prompt: counts of the prompt's own tokens and token pairs over a Zipf background.",
    context_window: 131072,
  },
  {
    id: "extractive-4k",
    description:
      "Same reader as extractive-128k, but it only sees the last 4,096 cl100k_base tokens of the context, " +
      "like a short-window model. Longer prompts are accepted; earlier text is ignored. Its prompt log-probabilities " +
      "come from the same cache language model over only the last 4,096 tokens before each position.",
    context_window: 131072,
    visible_context_tokens: 4096,
  },
];

export function getReferenceModel(id: string): ReferenceModel | undefined {
  return REFERENCE_MODELS.find((model) => model.id === id);
}

export interface GenerationOptions {
  /** Cap on completion tokens; null/undefined = no cap (the answers are always short). */
  max_tokens?: number | null;
  /** Up to 4 stop sequences: the text is cut before the first one found. */
  stop?: string | readonly string[] | null;
}

export type FinishReason = "stop" | "length";

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** Prompt tokens served from the simulated prefix cache. */
  prompt_tokens_details?: { cached_tokens: number };
}

export interface Completion {
  text: string;
  finish_reason: FinishReason;
  usage: Usage;
}

export type ReferenceErrorCode = "model_not_found" | "context_length_exceeded";

/** A request the model refuses, with the OpenAI error code and offending parameter. */
export class ReferenceModelError extends Error {
  constructor(
    readonly code: ReferenceErrorCode,
    message: string,
    readonly param: string,
  ) {
    super(message);
    this.name = "ReferenceModelError";
  }
}

/** Completions API: prompt_tokens is the cl100k_base token count of the raw prompt. */
// `cache` is the server's prefix cache; by default the one of the plain model name.
export function completeText(modelId: string, prompt: string, options: GenerationOptions = {}, cache?: PrefixCache): Completion {
  const model = requireModel(modelId);
  const ids = encodeTokens(prompt);
  checkContextWindow(model, ids.length, "prompt");
  return withCachedTokens(generate(model, splitPrompt(prompt), ids.length, options), (cache ?? prefixCacheOf(model.id)).lookupAndInsert(ids));
}

/** Chat API: prompt_tokens follows OpenAI's chat accounting, see `chatPromptTokens`. */
export function completeChat(
  modelId: string,
  messages: readonly ChatMessage[],
  options: GenerationOptions = {},
  cache?: PrefixCache,
): Completion {
  const model = requireModel(modelId);
  const promptTokens = chatPromptTokens(messages);
  checkContextWindow(model, promptTokens, "messages");
  const cached = (cache ?? prefixCacheOf(model.id)).lookupAndInsert(chatTokenIds(messages));
  return withCachedTokens(generate(model, splitChat(messages), promptTokens, options), cached);
}

// The token stream a chat server would cache: each message's role and content, in order.
// Roles are marked with ids no text produces, so a role change always breaks the prefix.
function chatTokenIds(messages: readonly ChatMessage[]): number[] {
  const ROLE_MARK: Record<ChatMessage["role"], number> = { system: -1, user: -2, assistant: -3 };
  return messages.flatMap((message) => [ROLE_MARK[message.role], ...encodeTokens(message.content)]);
}

function withCachedTokens(completion: Completion, cachedTokens: number): Completion {
  return { ...completion, usage: { ...completion.usage, prompt_tokens_details: { cached_tokens: cachedTokens } } };
}

/**
 * OpenAI's documented estimate for chat prompts: the content tokens of every message, plus 4 per
 * message (role and ChatML separators), plus 3 that prime the assistant reply.
 */
export function chatPromptTokens(messages: readonly ChatMessage[]): number {
  return messages.reduce((sum, message) => sum + countTextTokens(message.content) + 4, 3);
}

export function modelNotFound(modelId: string): ReferenceModelError {
  return new ReferenceModelError("model_not_found", `The model \`${modelId}\` does not exist.`, "model");
}

function requireModel(modelId: string): ReferenceModel {
  const model = getReferenceModel(modelId);
  if (!model) throw modelNotFound(modelId);
  return model;
}

function checkContextWindow(model: ReferenceModel, promptTokens: number, param: "prompt" | "messages"): void {
  if (promptTokens <= model.context_window) return;
  throw new ReferenceModelError(
    "context_length_exceeded",
    `This model's maximum context length is ${model.context_window} tokens. However, your ${param} ` +
      `resulted in ${promptTokens} tokens. Please reduce the length of the ${param}.`,
    param,
  );
}

function generate(
  model: ReferenceModel,
  parsed: ParsedPrompt,
  promptTokens: number,
  options: GenerationOptions,
): Completion {
  const visible = model.visible_context_tokens;
  const context = visible === undefined ? parsed.context : lastTokens(parsed.context, visible);
  const answer = readAnswer({ ...parsed, context });
  const { text, finish_reason, completionTokens } = limitOutput(answer, options);
  return {
    text,
    finish_reason,
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    },
  };
}

/** Applies stop sequences, then max_tokens, as a decoder that emits the answer token by token would. */
function limitOutput(
  answer: string,
  { max_tokens, stop }: GenerationOptions,
): { text: string; finish_reason: FinishReason; completionTokens: number } {
  const text = cutAtStop(answer, stop);
  const ids = encodeTokens(text);
  if (max_tokens != null && ids.length > max_tokens) {
    const kept = ids.slice(0, max_tokens);
    return { text: decodeTokens(kept), finish_reason: "length", completionTokens: kept.length };
  }
  return { text, finish_reason: "stop", completionTokens: ids.length };
}

function cutAtStop(text: string, stop: GenerationOptions["stop"]): string {
  const sequences = typeof stop === "string" ? [stop] : (stop ?? []);
  let end = text.length;
  for (const sequence of sequences) {
    const at = sequence ? text.indexOf(sequence) : -1;
    if (at >= 0 && at < end) end = at;
  }
  return text.slice(0, end);
}
