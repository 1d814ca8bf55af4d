// A reasoning model's reply split into its reasoning and its answer, so that suites score the
// answer alone (a needle named while thinking is not a needle retrieved). Servers hand reasoning
// over in one of two ways:
// - a field of its own beside the answer: `reasoning_content` (vLLM and SGLang with a reasoning
//   parser, DeepSeek's API) or `reasoning` (Ollama, OpenRouter, newer vLLM);
// - inline, in the text: `<think>…</think>` before the answer (Qwen3, DeepSeek-R1 served without a
//   parser), or only the closing `</think>` where the chat template writes the opening tag itself
//   (DeepSeek-R1's does), or Kimi K2 Thinking's `◁think▷…◁/think▷`.
// A reply that ran out of tokens inside its reasoning has no answer to score: it is `incomplete`,
// neither right nor wrong (lm-evaluation-harness #3382). Pure: no Cloudflare imports.

/** The model's `reasoning` option: absent → auto, true → always, false → never. */
export type ReasoningMode = "auto" | "always" | "never";

export function reasoningMode(option: boolean | undefined): ReasoningMode {
  return option === undefined ? "auto" : option ? "always" : "never";
}

export interface RawReply {
  /** The reply's text (choices[0].text, or message.content). */
  text: string;
  /** The server's separate reasoning (reasoning_content or reasoning), when it sent one. */
  reasoningField: string | null;
  finishReason: string | null;
}

export interface SeparatedReply {
  /** What the suite scores: the text after the reasoning, leading whitespace dropped. */
  answer: string;
  /** The reasoning (field first, then an inline block), or null when there was none. */
  reasoning: string | null;
  /** The reply ended inside its reasoning: there is no answer to score. */
  incomplete: boolean;
  /** The reply carried reasoning (a field or an inline block). */
  detected: boolean;
}

/** Reasoning delimiters that servers are known to leave in the text. */
const TAGS = [
  { open: "<think>", close: "</think>" },
  { open: "◁think▷", close: "◁/think▷" },
] as const;

interface InlineBlock {
  reasoning: string;
  answer: string;
  closed: boolean;
}

/**
 * The reasoning block a text opens with (after whitespace), closed or not; or, with no opening tag
 * before it, everything up to the first closing tag (the template opened the block). Null: none.
 */
function inlineBlock(text: string): InlineBlock | null {
  const lead = text.trimStart();
  for (const { open, close } of TAGS) {
    if (lead.startsWith(open)) {
      const body = lead.slice(open.length);
      const end = body.indexOf(close);
      if (end === -1) return { reasoning: body, answer: "", closed: false };
      return { reasoning: body.slice(0, end), answer: body.slice(end + close.length).trimStart(), closed: true };
    }
    const end = text.indexOf(close);
    if (end !== -1 && !text.slice(0, end).includes(open)) {
      return { reasoning: text.slice(0, end), answer: text.slice(end + close.length).trimStart(), closed: true };
    }
  }
  return null;
}

const nonBlank = (s: string | null | undefined): s is string => typeof s === "string" && s.trim() !== "";

function joined(parts: (string | null | undefined)[]): string | null {
  const kept = parts.filter(nonBlank).map((s) => s.trim());
  return kept.length ? kept.join("\n\n") : null;
}

/**
 * Splits a reply by `mode`. never: the text is the answer as it came (a separate field is still
 * kept as reasoning, it never was part of the answer). auto: a field, a leading block or a closing
 * tag is reasoning; the reply is incomplete when it was cut (finish_reason "length") inside an
 * unclosed block, or with reasoning and no answer. always: as auto, and an unclosed block is
 * incomplete however the reply ended, as is a reply cut by length that never closed its reasoning
 * (the template opened it, so all of it is reasoning).
 */
export function separateReasoning(reply: RawReply, mode: ReasoningMode): SeparatedReply {
  const field = nonBlank(reply.reasoningField) ? reply.reasoningField : null;
  if (mode === "never") return { answer: reply.text, reasoning: joined([field]), incomplete: false, detected: field !== null };
  const cut = reply.finishReason === "length";
  let block = inlineBlock(reply.text);
  if (!block && mode === "always" && cut && field === null && nonBlank(reply.text)) {
    block = { reasoning: reply.text, answer: "", closed: false };
  }
  const answer = block ? block.answer : reply.text;
  const reasoning = joined([field, block?.reasoning]);
  const unclosed = block !== null && !block.closed;
  const incomplete = (unclosed && (cut || mode === "always")) || (cut && reasoning !== null && answer.trim() === "");
  return { answer, reasoning, incomplete, detected: field !== null || block !== null };
}

/** Why an incomplete reply was not scored, and what to do about it. */
export function incompleteReason(reply: SeparatedReply, finishReason: string | null): string {
  const chars = reply.reasoning?.length ?? 0;
  return `the reply ended inside its reasoning (finish_reason ${finishReason ?? "none"} after ${chars} chars of reasoning): raise max_output_tokens`;
}
