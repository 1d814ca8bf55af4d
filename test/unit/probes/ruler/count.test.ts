import { beforeAll, describe, expect, it } from "vitest";
import { loadBuiltinCorpus } from "../../../../src/probes/corpora";
import { getHaystack } from "../../../../src/probes/needle/haystack";
import { piecesText, TokenCounter, type Piece } from "../../../../src/probes/ruler/count";
import { essayCorpus } from "../../../../src/probes/ruler/essay";
import { fitSize } from "../../../../src/probes/ruler/fit";
import { mulberry32 } from "../../../../src/probes/random";
import { loadTokenizer } from "../../../../src/probes/tokenizers";
import { TOKENIZER_NAMES } from "../../../../src/probes/types";

const corpus = essayCorpus({ id: "t", version: "t1", text: (await loadBuiltinCorpus("moby-dick")).text.slice(0, 60_000) });

beforeAll(async () => {
  await Promise.all(TOKENIZER_NAMES.map(loadTokenizer));
}, 60_000);

/** Random pieces of the kinds RULER prompts are made of: words, numbers, punctuation, newlines, runs of spaces, corpus slices. */
function randomPieces(random: () => number, haystack: ReturnType<typeof getHaystack>): Piece[] {
  const atoms = ["The", " grass", " is", " green.", "\n", " 1234567.", " 12.", "VAR", " ABCDE", " =", " ", "  ", "...", " ...", "'s", " wealthy-accident", "\n\n", ":", " e2e3c-4a", "Question:", " über", " 🙂", "\t"];
  const pieces: Piece[] = [];
  for (let i = 0; i < 60; i++) {
    if (random() < 0.1) {
      const start = Math.floor(random() * 2000);
      pieces.push({ haystack, start, end: start + Math.floor(random() * 300) });
    } else {
      let piece = "";
      for (let j = 0; j < 1 + Math.floor(random() * 4); j++) piece += atoms[Math.floor(random() * atoms.length)]!;
      pieces.push(piece);
    }
  }
  return pieces;
}

describe("counting a prompt from its pieces", () => {
  for (const name of TOKENIZER_NAMES) {
    it(`equals encode(text).length in ${name}, for strings and cached corpus slices`, async () => {
      const tokenizer = await loadTokenizer(name);
      const haystack = getHaystack(tokenizer, corpus);
      const counter = new TokenCounter(tokenizer);
      const random = mulberry32(7);
      for (let round = 0; round < 200; round++) {
        const pieces = randomPieces(random, haystack).map((p) => (typeof p === "string" ? p : { ...p, start: clean(haystack, p.start), end: clean(haystack, p.end) }));
        expect(counter.total(pieces)).toBe(tokenizer.encode(piecesText(pieces)).length);
      }
    }, 60_000);
  }
});

function clean(haystack: ReturnType<typeof getHaystack>, k: number): number {
  while (haystack.charStart[k]! < 0) k++;
  return k;
}

describe("fitting a haystack to its budget", () => {
  it("finds the largest size whose count fits, from a poor guess", () => {
    const countAt = (n: number) => 17 + 3 * n + (n % 5 === 0 ? 1 : 0);
    const fitted = fitSize(countAt, 1000, { start: 10, slope: 1 });
    expect(fitted.tokens).toBeLessThanOrEqual(1000);
    expect(countAt(fitted.size + 1)).toBeGreaterThan(1000);
  });

  it("refuses a budget the smallest size already exceeds", () => {
    expect(() => fitSize((n) => 500 + n, 100, { start: 5, slope: 1, min: 1 })).toThrow(/over the budget/);
  });
});

describe("counting many words in one encode", () => {
  for (const name of TOKENIZER_NAMES) {
    it(`gives each " word" the count encode gives it alone, in ${name}`, async () => {
      const tokenizer = await loadTokenizer(name);
      const counter = new TokenCounter(tokenizer);
      const random = mulberry32(11);
      const words = Array.from({ length: 300 }, () => " " + Array.from({ length: 2 + Math.floor(random() * 9) }, () => "abcdefghijklmnopqrstuvwxyz0123456789-."[Math.floor(random() * 38)]).join(""));
      counter.countMany(words);
      for (const word of words) expect(counter.count(word), word).toBe(tokenizer.encode(word).length);
    });
  }
});
