// What of a (possibly 500 KB) prompt a reader needs to see: the needle in its surroundings, and
// the end of the prompt, where the question is asked. The inline script mirrors this logic.

/** The start of the needle sentence; the question ("What is the best thing…") does not match it. */
export const NEEDLE_START = "The best thing to do in San Francisco";

export interface PromptExcerpt {
  /** Text around the needle split so the needle sentence can be highlighted; null when absent. */
  needle: { before: string; sentence: string; after: string; offset: number } | null;
  tail: string;
  totalChars: number;
}

export const CONTEXT_CHARS = 100; // either side of the ~95-character needle: ~300 characters in all
export const TAIL_CHARS = 200;

/** The excerpt around `needle` (default the paper's needle; a non-literal probe's is in its facts). */
export function promptExcerpt(text: string, needle: string = NEEDLE_START): PromptExcerpt {
  const start = text.indexOf(needle);
  const tail = text.slice(-TAIL_CHARS);
  if (start < 0) return { needle: null, tail, totalChars: text.length };
  const stop = text.indexOf(".", start);
  const end = stop < 0 ? start + needle.length : stop + 1;
  return {
    needle: {
      before: text.slice(Math.max(0, start - CONTEXT_CHARS), start),
      sentence: text.slice(start, end),
      after: text.slice(end, end + CONTEXT_CHARS),
      offset: start,
    },
    tail,
    totalChars: text.length,
  };
}

/** The text a prompt resource stands for: the raw prompt, or the chat messages one after another. */
export function promptText(prompt: { prompt?: string; messages?: { role: string; content: string }[] }): string {
  return prompt.prompt ?? (prompt.messages ?? []).map((m) => `[${m.role}]\n${m.content}`).join("\n\n");
}
