// The paper's prompts, verbatim (paper protocol §1.2, FranxYao/Long-Context-Data-Engineering
// eval/needle/needle_in_haystack.py). Filled by concatenation, never String.replace, so "$&"-like
// text in a haystack cannot be misread as a replacement pattern.
import type { ChatMessage } from "../types";

/** Base / completions models. "<|im_start|>" is plain text here, and there is a space after "\n". */
export const COMPLETIONS_TEMPLATE =
  "<|im_start|> This is a very long story book: <book> {context} </book>.\n Based on the content of the book, Question: {question}\nAnswer:";

const [COMPLETIONS_BEFORE_CONTEXT, COMPLETIONS_AFTER_CONTEXT] = COMPLETIONS_TEMPLATE.split("{context}") as [string, string];
const [COMPLETIONS_BEFORE_QUESTION, COMPLETIONS_AFTER_QUESTION] = COMPLETIONS_AFTER_CONTEXT.split("{question}") as [string, string];

export function completionsPrompt(context: string, question: string): string {
  return COMPLETIONS_BEFORE_CONTEXT + context + COMPLETIONS_BEFORE_QUESTION + question + COMPLETIONS_AFTER_QUESTION;
}

export const CHAT_SYSTEM_PROMPT =
  "You are a helpful AI bot that answers questions for a user. Keep your response short and direct";

/** Appended to the question; the last two sentences are the paper authors' addition to upstream. */
export const CHAT_QUESTION_SUFFIX =
  " Don't give information outside the document or repeat your findings. The document definitely contains the answer, and I'm 100% sure. So try your best to find it.";

/** The paper's OpenAI message list: system, context, question, and an empty assistant turn. */
export function chatMessages(context: string, question: string): ChatMessage[] {
  return [
    { role: "system", content: CHAT_SYSTEM_PROMPT },
    { role: "user", content: context },
    { role: "user", content: question + CHAT_QUESTION_SUFFIX },
    { role: "assistant", content: "" },
  ];
}
