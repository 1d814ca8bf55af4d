import { encode as cl100kEncode, decode as cl100kDecode } from "gpt-tokenizer/encoding/cl100k_base";
import { describe, expect, it } from "vitest";
import { loadBuiltinBookQa } from "../../../../src/probes/bookqa/builtin";
import { bookQaPromptParts, buildBookQaPrompt } from "../../../../src/probes/bookqa/prompt";
import {
  buildTruncatedBookQaPrompt,
  CHAT_TEMPLATE_OVERHEAD_TOKENS,
  evidenceInPrompt,
  middleTruncate,
  WindowTooSmallError,
} from "../../../../src/probes/bookqa/truncate";
import type { BookQaExample } from "../../../../src/probes/bookqa/types";
import type { BuiltPrompt, Tokenizer } from "../../../../src/probes/types";

/** One token per UTF-16 code unit: makes every cut position predictable. */
const charTokenizer: Tokenizer = {
  name: "cl100k_base",
  encode: (text) => Array.from({ length: text.length }, (_, i) => text.charCodeAt(i)),
  decode: (ids) => ids.map((id) => String.fromCharCode(id)).join(""),
};

/** Whitespace runs and words as tokens, with a growing vocabulary (re-tokenisation can merge at seams). */
function wordTokenizer(): Tokenizer {
  const ids = new Map<string, number>();
  const pieces: string[] = [];
  return {
    name: "cl100k_base",
    encode: (text) =>
      (text.match(/\s+|\S+/g) ?? []).map((piece) => {
        if (!ids.has(piece)) {
          ids.set(piece, pieces.length);
          pieces.push(piece);
        }
        return ids.get(piece)!;
      }),
    decode: (list) => list.map((id) => pieces[id]!).join(""),
  };
}

/** cl100k_base with special-token text ("<|im_start|>") encoded as ordinary text. */
const cl100k: Tokenizer = {
  name: "cl100k_base",
  encode: (text) => cl100kEncode(text, { disallowedSpecial: new Set() }),
  decode: (ids) => cl100kDecode(ids),
};

const QA: BookQaExample = {
  id: "t-qa", task: "longbook_qa_eng", input: "What is at the end?", answer: ["END"], options: [], evidence: "", chapter: 1,
};
const MC: BookQaExample = {
  id: "t-mc", task: "longbook_choice_eng", input: "What is at the end?", answer: ["END", "C"],
  options: ["BEGIN", "MIDDLE", "END", "nothing"], evidence: "", chapter: 1,
};
const BOOK = `BEGIN ${"lorem ipsum dolor ".repeat(400)}MIDDLE ${"sit amet ".repeat(400)}END`;

function text(prompt: BuiltPrompt): string {
  return prompt.api === "completions" ? prompt.prompt : prompt.messages.map((m) => m.content).join("\n");
}

describe("middleTruncate (eval_book.py truncate_input)", () => {
  const items = Array.from({ length: 10 }, (_, i) => i + 1);

  it("keeps short inputs and cuts long ones to first and last floor(window/2)", () => {
    expect(middleTruncate(items, 10)).toEqual(items);
    expect(middleTruncate(items, 11)).toEqual(items);
    expect(middleTruncate(items, 4)).toEqual([1, 2, 9, 10]);
    expect(middleTruncate(items, 5)).toEqual([1, 2, 9, 10]); // odd window keeps window - 1
    expect(middleTruncate(items, 2)).toEqual([1, 10]);
  });

  it("rejects windows below 2 (Python's [-0:] would silently keep everything)", () => {
    expect(() => middleTruncate(items, 1)).toThrow(WindowTooSmallError);
    expect(() => middleTruncate(items, 4.5)).toThrow(WindowTooSmallError);
  });
});

describe("completions: whole-prompt middle truncation", () => {
  it("leaves a prompt that fits unchanged", () => {
    const result = buildTruncatedBookQaPrompt(QA, "completions", { book: BOOK }, charTokenizer, 100_000);
    expect(result.truncated).toBe(false);
    expect(result.prompt).toEqual(buildBookQaPrompt(QA, "completions", { book: BOOK }));
    expect(result.tokensAfter).toBe(result.tokensBefore);
  });

  it("keeps exactly the first and last window/2 tokens of the full prompt", () => {
    const full = text(buildBookQaPrompt(QA, "completions", { book: BOOK }));
    const result = buildTruncatedBookQaPrompt(QA, "completions", { book: BOOK }, charTokenizer, 600);
    expect(result).toMatchObject({ truncated: true, tokensBefore: full.length, tokensAfter: 600 });
    expect(text(result.prompt)).toBe(full.slice(0, 300) + full.slice(-300));
    expect(text(result.prompt)).toContain("BEGIN");
    expect(text(result.prompt)).not.toContain("MIDDLE");
    expect(text(result.prompt).endsWith("Question: What is at the end?\n\nAnswer:")).toBe(true);
    expect(buildTruncatedBookQaPrompt(QA, "completions", { book: BOOK }, charTokenizer, 601).tokensAfter).toBe(600);
  });

  it("keeps the question and all options for multiple choice (word tokenizer)", () => {
    const tokenizer = wordTokenizer();
    const result = buildTruncatedBookQaPrompt(MC, "completions", { book: BOOK }, tokenizer, 200);
    const out = text(result.prompt);
    expect(result.tokensAfter).toBe(200);
    expect(out.endsWith(bookQaPromptParts(MC, "completions").tail)).toBe(true);
    expect(out.startsWith("<|im_start|>Read the book and answer the question.")).toBe(true);
    expect(out).toContain("A. BEGIN\nB. MIDDLE\nC. END\nD. nothing\n\nAnswer:");
  });

  it("refuses a window whose half cannot hold the question and options", () => {
    expect(() => buildTruncatedBookQaPrompt(MC, "completions", { book: BOOK }, charTokenizer, 300)).toThrow(WindowTooSmallError);
  });

  it("no-context prompts are never truncated at sensible windows", () => {
    const result = buildTruncatedBookQaPrompt(MC, "completions", { noContext: true }, charTokenizer, 1000);
    expect(result.truncated).toBe(false);
  });
});

describe("chat: the book inside the user message is cut so the whole message list fits", () => {
  it("cuts only the book, by the budget left after system, instruction, question and template overhead", () => {
    const window = 900;
    const parts = bookQaPromptParts(MC, "chat");
    const fixed = parts.system!.length + parts.head.length + parts.tail.length + CHAT_TEMPLATE_OVERHEAD_TOKENS;
    const budget = window - fixed;
    const result = buildTruncatedBookQaPrompt(MC, "chat", { book: BOOK }, charTokenizer, window);
    expect(result.truncated).toBe(true);
    expect(result.tokensBefore).toBe(fixed + BOOK.length);
    expect(result.tokensAfter).toBe(fixed + 2 * Math.floor(budget / 2));
    expect(result.tokensAfter).toBeLessThanOrEqual(window);
    const half = Math.floor(budget / 2);
    expect(result.prompt).toEqual({
      api: "chat",
      messages: [
        { role: "system", content: "You are a helpful assistant" },
        { role: "user", content: parts.head + BOOK.slice(0, half) + BOOK.slice(BOOK.length - half) + parts.tail },
      ],
    });
  });

  it("fits with a tokenizer whose seams re-tokenise differently", () => {
    const result = buildTruncatedBookQaPrompt(QA, "chat", { book: BOOK }, wordTokenizer(), 300);
    expect(result.tokensAfter).toBeLessThanOrEqual(300);
    expect(text(result.prompt).endsWith("Question: What is at the end?\n\nBe very concise.")).toBe(true);
  });

  it("leaves a fitting message list alone and refuses a window smaller than the fixed part", () => {
    expect(buildTruncatedBookQaPrompt(QA, "chat", { book: "short book" }, charTokenizer, 10_000).truncated).toBe(false);
    expect(() => buildTruncatedBookQaPrompt(MC, "chat", { book: BOOK }, charTokenizer, 200)).toThrow(WindowTooSmallError);
  });
});

const builtin = await loadBuiltinBookQa();

describe("with the real cl100k_base tokenizer on the built-in book", () => {
  const { book, examples } = builtin;
  const early = examples.find((e) => e.chapter === 1)!;
  const middle = examples.find((e) => e.chapter === 71)!;
  const late = examples.find((e) => e.chapter === 135 && e.task === "longbook_choice_eng")!;

  it("encodes special-token text as plain text and round-trips", () => {
    const ids = cl100k.encode("<|im_start|>Read");
    expect(ids.length).toBeGreaterThan(2);
    expect(cl100k.decode(ids)).toBe("<|im_start|>Read");
  });

  it("completions at the paper's 128,000 tokens keep 64K head + 64K tail, question and options", () => {
    const result = buildTruncatedBookQaPrompt(late, "completions", { book }, cl100k, 128_000);
    expect(result.tokensBefore).toBeGreaterThan(250_000);
    expect(result.tokensAfter).toBe(128_000);
    const prompt = text(result.prompt);
    expect(prompt.endsWith(bookQaPromptParts(late, "completions").tail)).toBe(true);
    expect(Math.abs(cl100k.encode(prompt).length - 128_000)).toBeLessThanOrEqual(4);
    expect(evidenceInPrompt(result.prompt, early.evidence)).toBe(true);
    expect(evidenceInPrompt(result.prompt, late.evidence)).toBe(true);
    expect(evidenceInPrompt(result.prompt, middle.evidence)).toBe(false); // the middle is dropped
  });

  it("chat at InfiniteBench's 127,000 tokens fits the whole message list", () => {
    const result = buildTruncatedBookQaPrompt(middle, "chat", { book }, cl100k, 127_000);
    expect(result.truncated).toBe(true);
    expect(result.tokensAfter).toBeLessThanOrEqual(127_000);
    expect(result.tokensAfter).toBeGreaterThan(126_900);
    expect(result.prompt.api === "chat" && result.prompt.messages[0]!.content).toBe("You are a helpful assistant");
    expect(text(result.prompt).endsWith(bookQaPromptParts(middle, "chat").tail)).toBe(true);
  });

  it("small windows still keep instruction, question and options for both APIs", () => {
    const shortBook = book.slice(0, 200_000);
    for (const example of examples.filter((_, i) => i % 10 === 0)) {
      for (const api of ["completions", "chat"] as const) {
        const result = buildTruncatedBookQaPrompt(example, api, { book: shortBook }, cl100k, 4096);
        const parts = bookQaPromptParts(example, api);
        expect(result.tokensAfter).toBeLessThanOrEqual(4096);
        expect(text(result.prompt).endsWith(parts.tail)).toBe(true);
        expect(text(result.prompt)).toContain(parts.head);
      }
    }
  });
});
