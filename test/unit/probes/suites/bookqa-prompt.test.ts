// The cached prompt builder must give exactly what bookqa/truncate.ts's buildTruncatedBookQaPrompt
// gives, in every built-in tokenizer and for books ending in any way (the seams are where a cached
// encoding could differ from encoding the whole prompt).
import { beforeAll, describe, expect, it } from "vitest";
import { buildTruncatedBookQaPrompt, loadBuiltinBookQa, WindowTooSmallError, type BookQaExample } from "../../../../src/probes/bookqa";
import { checkQuestionFits, clearBookEncodings, fittedBookQaPrompt } from "../../../../src/probes/suites/bookqa-prompt";
import { loadTokenizer } from "../../../../src/probes/tokenizers";
import { TOKENIZER_NAMES, type Tokenizer, type TokenizerName } from "../../../../src/probes/types";

const tokenizers = new Map<TokenizerName, Tokenizer>();
beforeAll(async () => {
  for (const name of TOKENIZER_NAMES) tokenizers.set(name, await loadTokenizer(name));
});

const dataset = await loadBuiltinBookQa();
const qa = dataset.examples.find((e) => e.task === "longbook_qa_eng")!;
const mc = dataset.examples.find((e) => e.task === "longbook_choice_eng")!;
const excerpt = dataset.book.slice(0, 12_000); // ~3K tokens: the SentencePiece ports are slow

// Books whose last characters interact with the tail's "\n\nQuestion:" in different ways.
const ENDINGS = ["", "\n", "\n\n\n", "  \t", "é", "Question:"];

describe("fittedBookQaPrompt equals buildTruncatedBookQaPrompt", () => {
  it.each(TOKENIZER_NAMES)("%s: both APIs, both tasks, truncated and not, any book ending", (name) => {
    const tokenizer = tokenizers.get(name)!;
    clearBookEncodings();
    for (const ending of ENDINGS) {
      const book = { key: `excerpt${JSON.stringify(ending)}`, text: excerpt + ending };
      for (const api of ["completions", "chat"] as const) {
        for (const example of [qa, mc]) {
          for (const window of [1001, 2000, 50_000]) {
            const expected = buildTruncatedBookQaPrompt(example, api, { book: book.text }, tokenizer, window);
            expect(fittedBookQaPrompt(example, api, book, tokenizer, window), `${api} ${example.task} ${window} ${JSON.stringify(ending)}`).toEqual(expected);
          }
        }
      }
    }
  }, 120_000);

  // Its speed once cached (target < 250 ms per probe) is measured by `npm run bench`, section `bookqa_prompt`.
  it("on the whole built-in book at the paper's 128K window (cl100k_base)", () => {
    const tokenizer = tokenizers.get("cl100k_base")!;
    const book = { key: "moby", text: dataset.book };
    for (const api of ["completions", "chat"] as const) {
      const expected = buildTruncatedBookQaPrompt(qa, api, { book: book.text }, tokenizer, 128_000);
      expect(fittedBookQaPrompt(qa, api, book, tokenizer, 128_000)).toEqual(expected);
    }
  }, 60_000);
});

describe("checkQuestionFits", () => {
  const long: Pick<BookQaExample, "task" | "input" | "options"> = { task: "longbook_qa_eng", input: "word ".repeat(300), options: [] };
  it("refuses a window whose half cannot hold the question (completions) or whose whole cannot (chat)", () => {
    const tokenizer = tokenizers.get("cl100k_base")!;
    expect(() => checkQuestionFits(long, "completions", tokenizer, 600)).toThrow(WindowTooSmallError);
    expect(() => checkQuestionFits(long, "completions", tokenizer, 700)).not.toThrow();
    expect(() => checkQuestionFits(long, "chat", tokenizer, 330)).toThrow(WindowTooSmallError);
    expect(() => checkQuestionFits(long, "chat", tokenizer, 400)).not.toThrow();
  });
});
