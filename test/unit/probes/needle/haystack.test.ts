// Sentence ends and the paper's placement rules; the haystack itself in every tokenizer is tested by
// haystack.<tokenizer>.test.ts (./haystack-cases.ts).
import { beforeAll, describe, expect, it } from "vitest";
import { NeedlePlacementError, isSentenceEndToken, planNeedlePlacement } from "../../../../src/probes/needle/haystack";
import { getTokenizer, loadTokenizer } from "../../../../src/probes/tokenizers/index";

beforeAll(() => Promise.all([loadTokenizer("llama2"), loadTokenizer("mistral"), loadTokenizer("cl100k_base")]), 60_000);

describe("sentence-end tokens are derived from the tokenizer", () => {
  it("reproduce the paper's hard-coded LLaMA and Mistral ids and cl100k's encode('.')", () => {
    const llama2 = getTokenizer("llama2");
    const mistral = getTokenizer("mistral");
    const cl100k = getTokenizer("cl100k_base");
    for (const id of [29889, 869]) expect(isSentenceEndToken(llama2, id)).toBe(true);
    for (const id of [842, 28723]) expect(isSentenceEndToken(mistral, id)).toBe(true);
    expect(isSentenceEndToken(cl100k, 13)).toBe(true);
    expect(cl100k.encode(".")).toEqual([13]);
    for (const text of [".\n", "...", "end", ","]) {
      for (const id of cl100k.encode(text)) expect(isSentenceEndToken(cl100k, id)).toBe(false);
    }
    const isPeriod = (tokenizer: typeof llama2) => (id: number) => isSentenceEndToken(tokenizer, id);
    // Plus id 49, the byte-fallback piece <0x2E> ("."), which the encoder never emits since "." has its own piece.
    expect(Array.from({ length: 32000 }, (_, id) => id).filter(isPeriod(llama2))).toEqual([49, 869, 29889]);
    expect(Array.from({ length: 32000 }, (_, id) => id).filter(isPeriod(mistral))).toEqual([49, 842, 28723]);
  });
});

describe("placement rules", () => {
  const everyFifth = (index: number) => index % 5 === 4;
  const plan = (depthPercent: number, extra: Partial<Parameters<typeof planNeedlePlacement>[0]> = {}) =>
    planNeedlePlacement({
      corpusTokens: 10_000,
      needleTokens: 20,
      contextLength: 1000,
      depthPercent,
      bufferTokens: 200,
      isSentenceEndAt: everyFifth,
      ...extra,
    });

  it("trims to L - 200 - needle and backs off to the previous sentence end", () => {
    expect(plan(0)).toEqual({ contextTokens: 780, insertionPoint: 0 });
    expect(plan(50)).toEqual({ contextTokens: 780, insertionPoint: 390 }); // 390 follows index 389 (a sentence end)
    expect(plan(11)).toEqual({ contextTokens: 780, insertionPoint: 85 }); // int(780 * 0.11) = 85 -> index 84 ends a sentence
    expect(plan(12)).toEqual({ contextTokens: 780, insertionPoint: 90 }); // int(93.6) = 93 -> back to 90
    expect(plan(100)).toEqual({ contextTokens: 780, insertionPoint: 780 }); // appended, no back-off
  });

  it("refuses instead of silently landing a depth > 0 at the start, or running out of corpus", () => {
    expect(() => plan(50, { isSentenceEndAt: () => false })).toThrow(NeedlePlacementError);
    expect(plan(0, { isSentenceEndAt: () => false }).insertionPoint).toBe(0);
    expect(() => plan(50, { corpusTokens: 700 })).toThrow(/too few/);
    expect(() => plan(50, { contextLength: 210 })).toThrow(/no room/);
  });
});
