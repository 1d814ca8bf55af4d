// Book QA prompts for live probes: the same result as bookqa/truncate.ts's
// buildTruncatedBookQaPrompt, computed from encodings cached per book.
//
// buildTruncatedBookQaPrompt encodes the whole ~200K-token prompt (chat: twice, plus the book) on
// every call: 0.2–0.6 s per probe in cl100k/o200k, 1.5–11 s in the SentencePiece and LLaMA-3 ports.
// Every question about a book shares that book, so the book is encoded once per isolate:
//   - `head + book + "\n\nQuestion:"`: every tail starts with "\n\nQuestion:" followed by a space,
//     and no tokenizer here merges across ":" + " ", so the whole prompt's ids are exactly these
//     ids followed by encode(rest of the tail) — whatever the book's last characters are;
//   - chat also needs `book` alone, as truncateChat cuts the book's own ids.
// Identical output for every built-in tokenizer is checked by test/unit/suites/bookqa-prompt.test.ts.
import {
  assembleBookQaPrompt,
  bookQaPromptParts,
  buildTruncatedBookQaPrompt,
  CHAT_TEMPLATE_OVERHEAD_TOKENS,
  middleTruncate,
  WindowTooSmallError,
  type BookQaExample,
  type BookQaPromptParts,
  type TruncatedPrompt,
} from "../bookqa";
import type { Api, Tokenizer } from "../types";

const TAIL_SEAM = "\n\nQuestion:";

// ---------------------------------------------------------------------------------------------
// Per-isolate LRU of encodings. A 1 MB book is ~300K ids, 1.2 MB as a Uint32Array.

const MAX_CACHED_ENCODINGS = 8;
const encodings = new Map<string, Uint32Array>();

function cachedEncoding(key: string, encode: () => number[]): Uint32Array {
  const hit = encodings.get(key);
  if (hit) {
    encodings.delete(key); // re-insert: Map order is the LRU order
    encodings.set(key, hit);
    return hit;
  }
  const ids = Uint32Array.from(encode());
  encodings.set(key, ids);
  while (encodings.size > MAX_CACHED_ENCODINGS) encodings.delete(encodings.keys().next().value!);
  return ids;
}

export function clearBookEncodings(): void {
  encodings.clear();
}

/** A book's text and a key that identifies that exact text (a content hash, a pinned version). */
export interface BookText {
  key: string;
  text: string;
}

type PromptExample = Pick<BookQaExample, "task" | "input" | "options">;

/** ids of `head + book + TAIL_SEAM`, cached. */
function framedBookIds(parts: BookQaPromptParts, book: BookText, tokenizer: Tokenizer): Uint32Array {
  return cachedEncoding(`${tokenizer.name}\u0000framed\u0000${parts.head}\u0000${book.key}`, () => tokenizer.encode(parts.head + book.text + TAIL_SEAM));
}

function bookIds(book: BookText, tokenizer: Tokenizer): Uint32Array {
  return cachedEncoding(`${tokenizer.name}\u0000book\u0000${book.key}`, () => tokenizer.encode(book.text));
}

function restOfTail(parts: BookQaPromptParts): string {
  if (!parts.tail.startsWith(TAIL_SEAM)) throw new Error("book QA tail must start with the question marker");
  return parts.tail.slice(TAIL_SEAM.length);
}

/** The prompt for `example` over `book`, middle-truncated to `window` tokens (as buildTruncatedBookQaPrompt). */
export function fittedBookQaPrompt(example: PromptExample, api: Api, book: BookText, tokenizer: Tokenizer, window: number): TruncatedPrompt {
  const parts = bookQaPromptParts(example, api);
  return api === "completions" ? fitCompletion(parts, book, tokenizer, window) : fitChat(parts, book, tokenizer, window);
}

/** eval_book.py: keep the first and last floor(window/2) tokens of the whole prompt. */
function fitCompletion(parts: BookQaPromptParts, book: BookText, tokenizer: Tokenizer, window: number): TruncatedPrompt {
  const framed = framedBookIds(parts, book, tokenizer);
  const rest = tokenizer.encode(restOfTail(parts));
  const total = framed.length + rest.length;
  if (total <= window) {
    return { prompt: { api: "completions", prompt: parts.head + book.text + parts.tail }, tokensBefore: total, tokensAfter: total, truncated: false };
  }
  if (window < 2) throw new WindowTooSmallError(`window ${window} < 2`);
  const half = Math.floor(window / 2);
  const fromFramed = half - rest.length; // the back half is the end of `framed`, then `rest`
  if (fromFramed < 0) throw new WindowTooSmallError(`question and options need more than ${half} tokens`);
  const kept = [...framed.subarray(0, half), ...framed.subarray(framed.length - fromFramed), ...rest];
  const text = tokenizer.decode(kept);
  if (!text.endsWith(parts.tail)) throw new WindowTooSmallError(`question and options need more than ${half} tokens`);
  if (!text.startsWith(parts.head)) throw new WindowTooSmallError(`instruction needs more than ${half} tokens`);
  return { prompt: { api: "completions", prompt: text }, tokensBefore: total, tokensAfter: kept.length, truncated: true };
}

function chatTokens(tokenizer: Tokenizer, system: string, user: string): number {
  return tokenizer.encode(system).length + tokenizer.encode(user).length + CHAT_TEMPLATE_OVERHEAD_TOKENS;
}

/** truncateChat: cut the book's own ids in the middle to what the window leaves; re-count, shrink. */
function fitChat(parts: BookQaPromptParts, book: BookText, tokenizer: Tokenizer, window: number): TruncatedPrompt {
  const system = parts.system ?? "";
  const before =
    tokenizer.encode(system).length + framedBookIds(parts, book, tokenizer).length + tokenizer.encode(restOfTail(parts)).length + CHAT_TEMPLATE_OVERHEAD_TOKENS;
  if (before <= window) {
    return { prompt: assembleBookQaPrompt(parts, book.text), tokensBefore: before, tokensAfter: before, truncated: false };
  }
  const contextIds = bookIds(book, tokenizer);
  const fixed = before - contextIds.length;
  let budget = window - fixed;
  for (let attempt = 0; attempt < 8; attempt++) {
    if (budget < 2) throw new WindowTooSmallError(`${fixed} tokens are needed besides the book`);
    const kept = tokenizer.decode(middleTruncate(Array.from(contextIds), budget));
    const after = chatTokens(tokenizer, system, parts.head + kept + parts.tail);
    if (after <= window) {
      return { prompt: assembleBookQaPrompt(parts, kept), tokensBefore: before, tokensAfter: after, truncated: true };
    }
    budget -= Math.max(2, after - window);
  }
  throw new WindowTooSmallError("could not fit the message list after repeated re-tokenisation");
}

/** No-context mode: the template with an empty book (cheap; no cache needed). */
export function noContextPrompt(example: PromptExample, api: Api, tokenizer: Tokenizer, window: number): TruncatedPrompt {
  return buildTruncatedBookQaPrompt(example, api, { noContext: true }, tokenizer, window);
}

/**
 * Throws WindowTooSmallError unless the instruction, question and options fit `window` with room
 * for some book (completions: each within floor(window/2), where eval_book.py's cut keeps them).
 */
export function checkQuestionFits(example: PromptExample, api: Api, tokenizer: Tokenizer, window: number): void {
  const parts = bookQaPromptParts(example, api);
  const head = tokenizer.encode(parts.head).length;
  const tail = tokenizer.encode(parts.tail).length;
  const half = Math.floor(window / 2);
  if (api === "completions") {
    if (tail >= half) throw new WindowTooSmallError(`the question and options take ${tail} tokens; half the window is ${half}`);
    if (head >= half) throw new WindowTooSmallError(`the instruction takes ${head} tokens; half the window is ${half}`);
    return;
  }
  const fixed = tokenizer.encode(parts.system ?? "").length + head + tail + CHAT_TEMPLATE_OVERHEAD_TOKENS;
  if (fixed + 2 > window) throw new WindowTooSmallError(`${fixed} tokens are needed besides the book; the window is ${window}`);
}
