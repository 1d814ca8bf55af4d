// The non-literal suite's prompt: our own wording (NoLiMa's shape: a book excerpt, then a question
// whose answer is a character, allowing inference). Filled by concatenation, never String.replace,
// so "$&"-like text in a haystack cannot be misread as a replacement pattern.
import type { Api, BuiltPrompt, Tokenizer } from "../types";

export const SYSTEM_PROMPT = "You are a careful reader. You answer questions about a book excerpt with the name of one of its characters.";

export const INSTRUCTION =
  "Answer the question using only the book excerpt above. The answer is the name of a character; finding it may take an inference " +
  "from what the excerpt states together with common knowledge. Reply with the name only.";

/** A name, a short phrase at most: generous for "The answer is …" replies, short of a chain of thought. */
export const MAX_TOKENS = 64;

/** Tokens kept free at the end of each context length for the template, the question and the answer (as the needle suite keeps). */
export const BUFFER_TOKENS = 200;

function userText(context: string, question: string): string {
  return "<book>\n" + context + "\n</book>\n\n" + INSTRUCTION + "\nQuestion: " + question;
}

export function nonliteralPrompt(api: Api, context: string, question: string): BuiltPrompt {
  if (api === "chat") {
    return {
      api,
      messages: [
        { role: "system", content: SYSTEM_PROMPT },
        { role: "user", content: userText(context, question) },
      ],
    };
  }
  return { api, prompt: userText(context, question) + "\nAnswer:" };
}

const templateMemo = new WeakMap<Tokenizer, Map<string, number>>();

/**
 * Tokens of the prompt around an empty context, counted as the needle suite counts (completions:
 * the whole prompt; chat: the message contents). Exact to the few tokens BPE may merge at the seams.
 */
export function templateTokens(tokenizer: Tokenizer, api: Api, question: string): number {
  let memo = templateMemo.get(tokenizer);
  if (!memo) templateMemo.set(tokenizer, (memo = new Map()));
  const key = `${api}\u0000${question}`;
  let count = memo.get(key);
  if (count === undefined) {
    const prompt = nonliteralPrompt(api, "", question);
    const texts = prompt.api === "chat" ? prompt.messages.map((m) => m.content) : [prompt.prompt];
    count = texts.reduce((sum, text) => sum + tokenizer.encode(text).length, 0);
    memo.set(key, count);
  }
  return count;
}
