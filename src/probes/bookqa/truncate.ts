// Fitting a BookQA prompt into a model's context window, in that model's tokens.
//
// Completions follow eval_book.py's truncate_by_tokens exactly: encode the WHOLE prompt; if it has
// more than `window` tokens keep the first floor(window/2) and the last floor(window/2) (so an odd
// window keeps window-1), then decode. The question and options sit in the tail and survive.
// Differences from the paper, both deliberate: our tokenizers add no BOS (the paper's HF encode
// counted one BOS inside the window), and decoding a cut through a multi-byte character yields
// U+FFFD exactly as HF decode does.
//
// Chat follows the spirit of InfiniteBench's create_msgs (middle truncation) but cuts only the BOOK
// inside the user message, so the instruction, question and options are never touched, and budgets
// the whole message list: system + user + CHAT_TEMPLATE_OVERHEAD_TOKENS must fit the window.
import type { Api, BuiltPrompt, Tokenizer } from "../types";
import { assembleBookQaPrompt, bookQaContext, bookQaPromptParts, type BookQaPromptOptions, type BookQaPromptParts } from "./prompt";
import type { BookQaExample } from "./types";

/**
 * Tokens a chat template adds around two messages plus the reply header. OpenAI counts 3 per message
 * + 1 per role + 3 for the reply (= 11 for two messages); Llama-3's header/eot tokens come to ~15.
 * 16 covers both; callers that also reserve output tokens should pass window - max_tokens.
 */
export const CHAT_TEMPLATE_OVERHEAD_TOKENS = 16;

export class WindowTooSmallError extends RangeError {
  constructor(detail: string) {
    super(`context window too small for this prompt: ${detail}`);
    this.name = "WindowTooSmallError";
  }
}

/** eval_book.py's truncate_input: first and last floor(window/2) items when longer than window. */
export function middleTruncate<T>(items: readonly T[], window: number): T[] {
  if (!Number.isInteger(window) || window < 2) throw new WindowTooSmallError(`window ${window} < 2`);
  if (items.length <= window) return [...items];
  const half = Math.floor(window / 2);
  return [...items.slice(0, half), ...items.slice(items.length - half)];
}

export interface TruncatedPrompt {
  prompt: BuiltPrompt;
  /** Tokens before/after (completions: the prompt; chat: system + user + template overhead). */
  tokensBefore: number;
  tokensAfter: number;
  truncated: boolean;
}

/** Middle-truncates `head + context + tail` to `window` tokens of `tokenizer`. */
export function truncateBookQaPrompt(
  parts: BookQaPromptParts,
  context: string,
  tokenizer: Tokenizer,
  window: number,
): TruncatedPrompt {
  return parts.api === "completions"
    ? truncateCompletion(parts, context, tokenizer, window)
    : truncateChat(parts, context, tokenizer, window);
}

/** Builds the prompt for `example` and fits it into `window` tokens. */
export function buildTruncatedBookQaPrompt(
  example: Pick<BookQaExample, "task" | "input" | "options">,
  api: Api,
  options: BookQaPromptOptions,
  tokenizer: Tokenizer,
  window: number,
): TruncatedPrompt {
  return truncateBookQaPrompt(bookQaPromptParts(example, api), bookQaContext(options), tokenizer, window);
}

function truncateCompletion(parts: BookQaPromptParts, context: string, tokenizer: Tokenizer, window: number): TruncatedPrompt {
  const full = parts.head + context + parts.tail;
  const ids = tokenizer.encode(full);
  const kept = middleTruncate(ids, window);
  if (kept.length === ids.length) {
    return { prompt: { api: "completions", prompt: full }, tokensBefore: ids.length, tokensAfter: ids.length, truncated: false };
  }
  const text = tokenizer.decode(kept);
  // The cut must fall inside the book, never in the instruction or the question/options.
  if (!text.endsWith(parts.tail)) throw new WindowTooSmallError(`question and options need more than ${Math.floor(window / 2)} tokens`);
  if (!text.startsWith(parts.head)) throw new WindowTooSmallError(`instruction needs more than ${Math.floor(window / 2)} tokens`);
  return { prompt: { api: "completions", prompt: text }, tokensBefore: ids.length, tokensAfter: kept.length, truncated: true };
}

function chatTokens(tokenizer: Tokenizer, system: string, user: string): number {
  return tokenizer.encode(system).length + tokenizer.encode(user).length + CHAT_TEMPLATE_OVERHEAD_TOKENS;
}

function truncateChat(parts: BookQaPromptParts, context: string, tokenizer: Tokenizer, window: number): TruncatedPrompt {
  const system = parts.system ?? "";
  const before = chatTokens(tokenizer, system, parts.head + context + parts.tail);
  if (before <= window) {
    return { prompt: assembleBookQaPrompt(parts, context), tokensBefore: before, tokensAfter: before, truncated: false };
  }
  const contextIds = tokenizer.encode(context);
  const fixed = before - contextIds.length; // system, instruction, question, options, template
  let budget = window - fixed;
  // Re-tokenising the joined text can shift a token or two at the seams; shrink until it fits.
  for (let attempt = 0; attempt < 8; attempt++) {
    if (budget < 2) throw new WindowTooSmallError(`${fixed} tokens are needed besides the book`);
    const kept = tokenizer.decode(middleTruncate(contextIds, budget));
    const after = chatTokens(tokenizer, system, parts.head + kept + parts.tail);
    if (after <= window) {
      return { prompt: assembleBookQaPrompt(parts, kept), tokensBefore: before, tokensAfter: after, truncated: true };
    }
    budget -= Math.max(2, after - window);
  }
  throw new WindowTooSmallError("could not fit the message list after repeated re-tokenisation");
}

/** Whether `evidence` survived into the prompt (middle truncation may drop it for long books). */
export function evidenceInPrompt(prompt: BuiltPrompt, evidence: string): boolean {
  if (prompt.api === "completions") return prompt.prompt.includes(evidence);
  return prompt.messages.some((message) => message.content.includes(evidence));
}
