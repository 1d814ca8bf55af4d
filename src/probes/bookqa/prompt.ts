// BookQA prompt templates, verbatim:
// - completions: the paper repo's `llama_templates` (eval/book/prompt.py), used for every model there;
//   "<|im_start|>" is literal text, not a special token.
// - chat: InfiniteBench's `gpt4_templates` (src/prompt.py) with its create_msgs() system message
//   "You are a helpful assistant" (no trailing period) and a single user message.
// Python's str.format is plain substitution, so prompts are assembled by concatenation (a book
// containing "$&" or "{x}" must come through untouched).
import type { Api, BuiltPrompt } from "../types";
import type { BookQaExample, BookQaTask } from "./types";

export const CHAT_SYSTEM_MESSAGE = "You are a helpful assistant";

/** Paper: DATA_NAME_TO_MAX_NEW_TOKENS is 40 for both book tasks. */
export const COMPLETION_MAX_TOKENS = 40;

/**
 * InfiniteBench's GPT-4 runs set no max_tokens, which an HTTP service cannot leave open. Our choice:
 * 40 for multiple choice (the paper's value; the answer is one letter) and 100 for short answers
 * ("Be very concise" answers average ~5 tokens, 100 leaves room for one full sentence).
 */
export const CHAT_MAX_TOKENS: Readonly<Record<BookQaTask, number>> = {
  longbook_qa_eng: 100,
  longbook_choice_eng: 40,
};

export function bookQaMaxTokens(task: BookQaTask, api: Api): number {
  return api === "completions" ? COMPLETION_MAX_TOKENS : CHAT_MAX_TOKENS[task];
}

/** A prompt split around the book: the full text (or user message) is `head + context + tail`. */
export interface BookQaPromptParts {
  api: Api;
  /** Chat only. */
  system?: string;
  head: string;
  tail: string;
}

type PromptExample = Pick<BookQaExample, "task" | "input" | "options">;

export function bookQaPromptParts(example: PromptExample, api: Api): BookQaPromptParts {
  const question = example.input;
  const chat = api === "chat";
  const system = chat ? { system: CHAT_SYSTEM_MESSAGE } : {};
  const start = chat ? "" : "<|im_start|>";
  if (example.task === "longbook_qa_eng") {
    const tail = `\n\nQuestion: ${question}\n\n${chat ? "Be very concise." : "Answer:"}`;
    return { api, ...system, head: `${start}Read the book below and answer a question.\n\n`, tail };
  }
  const [a, b, c, d] = fourOptions(example.options);
  const instruction = chat
    ? "Only one of the following options is correct, tell me the answer using one single letter (A, B, C, or D). Don't say anything else."
    : "Only one of the following options is correct, tell me the answer using one single letter (A, B, C, or D).";
  const lettered = `A. ${a}\nB. ${b}\nC. ${c}\nD. ${d}`;
  const tail = `\n\nQuestion: ${question}\n\n${instruction}\n${lettered}${chat ? "" : "\n\nAnswer:"}`;
  return { api, ...system, head: `${start}Read the book and answer the question.\n\n`, tail };
}

function fourOptions(options: readonly string[]): [string, string, string, string] {
  if (options.length !== 4) throw new Error(`multiple choice needs exactly 4 options, got ${options.length}`);
  return [options[0]!, options[1]!, options[2]!, options[3]!];
}

/** Fills the template with `context` (already truncated, if it had to be). */
export function assembleBookQaPrompt(parts: BookQaPromptParts, context: string): BuiltPrompt {
  const text = parts.head + context + parts.tail;
  if (parts.api === "completions") return { api: "completions", prompt: text };
  return {
    api: "chat",
    messages: [
      { role: "system", content: parts.system ?? CHAT_SYSTEM_MESSAGE },
      { role: "user", content: text },
    ],
  };
}

export interface BookQaPromptOptions {
  /** The book text; required unless `noContext`. */
  book?: string;
  /**
   * No-context control: the template is filled with an EMPTY book, nothing else changes. The
   * prompt then reads "…answer a question.\n\n\n\nQuestion: …" (four newlines where the book was).
   * Scores above chance here measure what the model answers from memory or guessing.
   */
  noContext?: boolean;
}

export function bookQaContext(options: BookQaPromptOptions): string {
  if (options.noContext) return "";
  if (options.book === undefined) throw new Error("buildBookQaPrompt: give `book` or set `noContext`");
  return options.book;
}

/** The untruncated prompt. Use truncate.ts to fit it into a context window. */
export function buildBookQaPrompt(example: PromptExample, api: Api, options: BookQaPromptOptions): BuiltPrompt {
  return assembleBookQaPrompt(bookQaPromptParts(example, api), bookQaContext(options));
}
