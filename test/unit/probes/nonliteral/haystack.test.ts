import { beforeAll, describe, expect, it } from "vitest";
import { loadBuiltinCorpus } from "../../../../src/probes/corpora";
import { NeedlePlacementError } from "../../../../src/probes/needle/haystack";
import { buildInsertedHaystack } from "../../../../src/probes/nonliteral/haystack";
import { shuffledCorpus } from "../../../../src/probes/nonliteral/shuffle";
import { getTokenizer, loadTokenizer } from "../../../../src/probes/tokenizers";

const corpus = await loadBuiltinCorpus("moby-dick");
const needle = "Yusra ate waffles every morning within sight of the Atomium.";
const distractor = "Professor Lindqvist wrote three guidebooks to Belgium without ever leaving Uppsala.";

beforeAll(async () => {
  await loadTokenizer("cl100k_base");
  await loadTokenizer("llama2");
});

describe("a haystack with several inserts", () => {
  for (const name of ["cl100k_base", "llama2"] as const) {
    it(`is token-exact in ${name}: constructed tokens = length − buffer, every insert where it was planned`, () => {
      const tokenizer = getTokenizer(name);
      for (const contextLength of [1000, 4000, 16000]) {
        const inserts = [
          { sentence: needle, depthPercent: 50 },
          { sentence: distractor, depthPercent: 10 },
          { sentence: distractor.replace("Lindqvist", "Okafor"), depthPercent: 90 },
        ];
        const built = buildInsertedHaystack(tokenizer, corpus, { contextLength, inserts, bufferTokens: 200 });
        expect(built.constructedTokens).toBe(contextLength - 200);
        // Re-encoding the text may merge a token or two at the seams, never more.
        expect(Math.abs(tokenizer.encode(built.text).length - built.constructedTokens)).toBeLessThanOrEqual(6);
        const at = inserts.map((insert) => built.text.indexOf(` ${insert.sentence}`));
        expect(at.every((i) => i > 0)).toBe(true);
        expect(at[1]!).toBeLessThan(at[0]!);
        expect(at[0]!).toBeLessThan(at[2]!);
        // Token indexes follow the same order and sit near their depths.
        const [n, d1, d2] = built.tokenIndexes as [number, number, number];
        expect(d1).toBeLessThan(n);
        expect(n).toBeLessThan(d2);
        expect(n / built.constructedTokens).toBeGreaterThan(0.35);
        expect(n / built.constructedTokens).toBeLessThan(0.55);
        // Each insert follows a sentence end of the haystack (the paper's back-off).
        for (const i of at.slice(0, 2)) expect(/[.]$/.test(built.text.slice(0, i))).toBe(true);
      }
      // The first build tokenizes all of Moby-Dick in this tokenizer: seconds, more on a busy machine.
    }, 60_000);
  }

  it("keeps the given order of two inserts at one boundary, and puts depth 100 at the very end", () => {
    const tokenizer = getTokenizer("cl100k_base");
    const built = buildInsertedHaystack(tokenizer, corpus, {
      contextLength: 2000,
      inserts: [
        { sentence: needle, depthPercent: 100 },
        { sentence: distractor, depthPercent: 100 },
      ],
      bufferTokens: 200,
    });
    expect(built.text.endsWith(` ${needle} ${distractor}`)).toBe(true);
    expect(built.tokenIndexes[0]).toBeLessThan(built.tokenIndexes[1]!);
  });

  it("refuses a length that leaves no room for the inserts, as the needle suite does", () => {
    const tokenizer = getTokenizer("cl100k_base");
    expect(() => buildInsertedHaystack(tokenizer, corpus, { contextLength: 220, inserts: [{ sentence: needle, depthPercent: 50 }], bufferTokens: 200 })).toThrow(NeedlePlacementError);
  });
});

describe("a shuffled haystack", () => {
  it("holds the corpus's sentences in a seeded order: the same for a seed, another for another seed", () => {
    const a = shuffledCorpus(corpus, 1);
    expect(shuffledCorpus(corpus, 1).text).toBe(a.text);
    expect(shuffledCorpus(corpus, 2).text).not.toBe(a.text);
    expect(a.version).not.toBe(corpus.version);
    expect(a.text.slice(0, 2000)).not.toBe(corpus.text.slice(0, 2000));
    expect(a.text.replace(/\s+/g, "").length).toBe(corpus.text.replace(/\s+/g, "").length);
  });
});
