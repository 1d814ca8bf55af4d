// OpenAI wire shapes produced by the reference server: errors, models, completions and stream chunks.
import { VOCABULARY_SIZE, type PromptScores } from "./lm";
import type { FinishReason, ReferenceModel, Usage } from "./models";
import { tokenBytes } from "./tokens";

export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

interface OpenAiErrorFields {
  type?: string;
  param?: string | null;
  code?: string | null;
}

export function openAiError(
  message: string,
  { type = "invalid_request_error", param = null, code = null }: OpenAiErrorFields = {},
): OpenAiErrorBody {
  return { error: { message, type, param, code } };
}

// Fixed so GET /models is stable across deploys (2026-01-01T00:00:00Z).
const MODELS_CREATED = 1767225600;

export function modelObject(model: ReferenceModel) {
  return {
    id: model.id,
    object: "model" as const,
    created: MODELS_CREATED,
    owned_by: "ctxprobe",
    // Extensions beyond OpenAI's model object, useful to clients choosing context lengths.
    description: model.description,
    context_window: model.context_window,
  };
}

export function modelList(models: readonly ReferenceModel[]) {
  return { object: "list" as const, data: models.map(modelObject) };
}

/** Identity shared by a response and all chunks of its stream. */
export interface ResponseMeta {
  id: string;
  created: number;
  model: string;
}

export function newResponseMeta(prefix: "cmpl" | "chatcmpl", model: string): ResponseMeta {
  return {
    id: `${prefix}-${crypto.randomUUID().replaceAll("-", "")}`,
    created: Math.floor(Date.now() / 1000),
    model,
  };
}

export interface ChoiceResult {
  text: string;
  finish_reason: FinishReason;
  /** Legacy completions log-probabilities (the echo form); null when not asked for. */
  logprobs?: CompletionLogprobs | null;
  /** vLLM's prompt_logprobs: one entry per prompt token, the first null. */
  prompt_logprobs?: PromptLogprobEntry[];
}

/** OpenAI's legacy completions `logprobs`: per token of the echoed prompt, then of the generated text. */
export interface CompletionLogprobs {
  tokens: string[];
  token_logprobs: (number | null)[];
  top_logprobs: (Record<string, number> | null)[] | null;
  text_offset: number[];
}

/** A prompt token's vLLM entry, keyed by token id: the actual token, then the `k` most likely. */
export type PromptLogprobEntry = Record<string, { logprob: number; rank: number | null; decoded_token: string }> | null;

export function textCompletion(meta: ResponseMeta, choices: readonly ChoiceResult[], usage: Usage) {
  return {
    ...meta,
    object: "text_completion" as const,
    choices: choices.map((choice, index) => ({
      index,
      text: choice.text,
      finish_reason: choice.finish_reason,
      logprobs: choice.logprobs ?? null,
      ...(choice.prompt_logprobs ? { prompt_logprobs: choice.prompt_logprobs } : {}),
    })),
    usage,
  };
}

/**
 * The echo form's `logprobs` for `text` (prompt + generated text) and its tokens `ids`, listing the
 * `k` most likely alternatives per token (top_logprobs null when k = 0). Like vLLM, each
 * top_logprobs dict also holds the actual token; tokens decoding to the same string share a key.
 */
export function echoLogprobs(text: string, ids: readonly number[], scores: PromptScores, k: number): CompletionLogprobs {
  const tokens = ids.map(tokenText);
  const topOf = (id: number, i: number): Record<string, number> => {
    const top: Record<string, number> = {};
    for (let j = 0; j < k; j++) top[tokenText(scores.topIds[i * scores.top + j]!)] ??= scores.topLogprobs[i * scores.top + j]!;
    top[tokenText(id)] ??= scores.logprobs[i]!;
    return top;
  };
  return {
    tokens,
    token_logprobs: ids.map((_, i) => (i === 0 ? null : scores.logprobs[i]!)),
    top_logprobs: k === 0 ? null : ids.map((id, i) => (i === 0 ? null : topOf(id, i))),
    text_offset: textOffsets(text, ids),
  };
}

/** vLLM's prompt_logprobs for the prompt tokens `ids`: the actual token and the `k` most likely. */
export function promptLogprobEntries(ids: readonly number[], scores: PromptScores, k: number): PromptLogprobEntry[] {
  return ids.map((id, i) => {
    if (i === 0) return null;
    const entry: NonNullable<PromptLogprobEntry> = {
      [id]: { logprob: scores.logprobs[i]!, rank: scores.ranks[i] || null, decoded_token: tokenText(id) },
    };
    let rank = 0;
    for (let j = 0; j < k; j++) {
      const at = i * scores.top + j;
      // Tied alternatives share a rank: 1 + how many are strictly more likely.
      if (j === 0 || scores.topLogprobs[at]! < scores.topLogprobs[at - 1]!) rank = j + 1;
      const other = scores.topIds[at]!;
      entry[other] ??= { logprob: scores.topLogprobs[at]!, rank, decoded_token: tokenText(other) };
    }
    return entry;
  });
}

// Per token id, filled on first use: a long prompt's reply decodes each distinct token once.
const tokenTexts = new Array<string | undefined>(VOCABULARY_SIZE);
const tokenByteLengths = new Uint8Array(VOCABULARY_SIZE);
const utf8Decoder = new TextDecoder();

/** A token decoded alone: a token holding part of a UTF-8 character shows U+FFFD for that part. */
function tokenText(id: number): string {
  return (tokenTexts[id] ??= utf8Decoder.decode(tokenBytes(id)));
}

function tokenByteLength(id: number): number {
  return tokenByteLengths[id] || (tokenByteLengths[id] = tokenBytes(id).length);
}

/**
 * Where each token starts in `text` (UTF-16 index). Tokens are byte sequences and may split a
 * character: a token's offset is the first character whose first byte lies in that token or
 * later, so text.slice(offset[i], offset[i + 1]) is the characters that begin in token i.
 */
function textOffsets(text: string, ids: readonly number[]): number[] {
  const offsets: number[] = [];
  let tokenStart = 0; // bytes
  let char = 0;
  let charStart = 0; // bytes before text[char]
  for (const id of ids) {
    while (charStart < tokenStart && char < text.length) {
      const codePoint = text.codePointAt(char)!;
      charStart += codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
      char += codePoint < 0x10000 ? 1 : 2;
    }
    offsets.push(char);
    tokenStart += tokenByteLength(id);
  }
  return offsets;
}

export function chatCompletion(meta: ResponseMeta, choice: ChoiceResult, usage: Usage) {
  return {
    ...meta,
    object: "chat.completion" as const,
    choices: [
      {
        index: 0,
        message: { role: "assistant" as const, content: choice.text, refusal: null },
        logprobs: null,
        finish_reason: choice.finish_reason,
      },
    ],
    usage,
  };
}

/** Chunks of a streamed completion: text pieces per prompt, then a chunk carrying finish_reason. */
export function textCompletionChunks(meta: ResponseMeta, choices: readonly ChoiceResult[], withUsage: boolean) {
  const chunk = (index: number, text: string, finish_reason: FinishReason | null) => ({
    ...meta,
    object: "text_completion" as const,
    choices: [{ index, text, finish_reason, logprobs: null }],
    ...(withUsage ? { usage: null } : {}),
  });
  return choices.flatMap((choice, index) => [
    ...streamPieces(choice.text).map((piece) => chunk(index, piece, null)),
    chunk(index, "", choice.finish_reason),
  ]);
}

/** Chunks of a streamed chat completion: role, content pieces, then an empty delta with finish_reason. */
export function chatCompletionChunks(meta: ResponseMeta, choice: ChoiceResult, withUsage: boolean) {
  const chunk = (delta: Record<string, string | null>, finish_reason: FinishReason | null) => ({
    ...meta,
    object: "chat.completion.chunk" as const,
    choices: [{ index: 0, delta, logprobs: null, finish_reason }],
    ...(withUsage ? { usage: null } : {}),
  });
  return [
    chunk({ role: "assistant", content: "", refusal: null }, null),
    ...streamPieces(choice.text).map((piece) => chunk({ content: piece }, null)),
    chunk({}, choice.finish_reason),
  ];
}

/** The last chunk when stream_options.include_usage is set: no choices, totals for the request. */
export function usageChunk(meta: ResponseMeta, object: "text_completion" | "chat.completion.chunk", usage: Usage) {
  return { ...meta, object, choices: [], usage };
}

/** Splits text into word-sized pieces (each with its leading whitespace) that concatenate back to it. */
export function streamPieces(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}
