// OpenAI wire shapes produced by the reference server: errors, models, completions and stream chunks.
import type { FinishReason, ReferenceModel, Usage } from "./models";

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
}

export function textCompletion(meta: ResponseMeta, choices: readonly ChoiceResult[], usage: Usage) {
  return {
    ...meta,
    object: "text_completion" as const,
    choices: choices.map((choice, index) => ({
      index,
      text: choice.text,
      finish_reason: choice.finish_reason,
      logprobs: null,
    })),
    usage,
  };
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
