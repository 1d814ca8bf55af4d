// BookQA truncation with every tokenizer the service ships (src/probes/tokenizers).
import { beforeAll, describe, expect, it } from "vitest";
import { loadBuiltinBookQa } from "../../../../src/probes/bookqa/builtin";
import { bookQaPromptParts } from "../../../../src/probes/bookqa/prompt";
import { buildTruncatedBookQaPrompt, evidenceInPrompt } from "../../../../src/probes/bookqa/truncate";
import { loadTokenizers, TOKENIZER_NAMES } from "../../../../src/probes/tokenizers";
import type { Tokenizer } from "../../../../src/probes/types";

const { book, examples } = await loadBuiltinBookQa();
// A slice keeps the slow pure-JS SentencePiece ports fast; it still needs heavy truncation at 8K.
const slice = book.slice(0, 120_000);
const sample = [examples[0]!, examples.find((e) => e.task === "longbook_choice_eng")!];
let tokenizers: Tokenizer[] = [];

beforeAll(async () => {
  tokenizers = await loadTokenizers();
}, 60_000);

describe.each(TOKENIZER_NAMES.map((name) => [name]))("tokenizer %s", (name) => {
  const tokenizer = () => tokenizers.find((t) => t.name === name)!;

  it("round-trips the book text and the literal <|im_start|>", () => {
    const t = tokenizer();
    expect(t.decode(t.encode(slice))).toBe(slice);
    expect(t.decode(t.encode("<|im_start|>Read the book"))).toBe("<|im_start|>Read the book");
  });

  it("fits completions and chat prompts into 8192 tokens keeping the question and options", () => {
    const t = tokenizer();
    for (const example of sample) {
      for (const api of ["completions", "chat"] as const) {
        const result = buildTruncatedBookQaPrompt(example, api, { book: slice }, t, 8192);
        const built = result.prompt;
        const text = built.api === "completions" ? built.prompt : built.messages[1]!.content;
        const parts = bookQaPromptParts(example, api);
        expect(result.truncated).toBe(true);
        expect(result.tokensAfter).toBeLessThanOrEqual(8192);
        expect(text.startsWith(parts.head)).toBe(true);
        expect(text.endsWith(parts.tail)).toBe(true);
        if (api === "completions") expect(Math.abs(t.encode(text).length - result.tokensAfter)).toBeLessThanOrEqual(4);
        expect(evidenceInPrompt(built, examples[0]!.evidence)).toBe(true); // chapter 1 is in the head
      }
    }
  }, 60_000);
});
