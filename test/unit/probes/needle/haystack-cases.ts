// The fast haystack construction in one built-in tokenizer: accuracy and equality with the paper's
// straightforward procedure (its speed is measured by `npm run bench`, section `haystack_build`).
// One test file per tokenizer (haystack.<name>.test.ts) calls haystackCases, so the five run on
// separate workers and each tokenizes the corpus once.
import { beforeAll, describe, expect, it } from "vitest";
import { loadBuiltinCorpus } from "../../../../src/probes/corpora/index";
import { FINAL_CONTEXT_LENGTH_BUFFER, NEEDLE, buildNeedleHaystack, buildNeedleProbe } from "../../../../src/probes/needle/build";
import { PAPER_DEPTH_PERCENTS } from "../../../../src/probes/needle/grid";
import { naiveBuildNeedleHaystack } from "../../../../src/probes/needle/naive";
import { getHaystack, haystackText } from "../../../../src/probes/needle/haystack";
import { getTokenizer, loadTokenizer, type TokenizerName } from "../../../../src/probes/tokenizers/index";

const LENGTHS = [1000, 4256, 32000, 128000];
const DEPTHS = [0, 11, 50, 89, 100];
const corpus = await loadBuiltinCorpus("sotu");

const options = (contextLength: number, depthPercent: number) => ({
  contextLength,
  depthPercent,
  needle: NEEDLE,
  bufferTokens: FINAL_CONTEXT_LENGTH_BUFFER,
});

export function haystackCases(name: TokenizerName): void {
  beforeAll(() => loadTokenizer(name), 60_000);
  accuracyCases(name);
  naiveEqualityCases(name);
  longProbeCases(name);
}

/** The haystack decodes back to the corpus and every built probe is exactly L − 200 tokens, its needle at the paper's depth. */
function accuracyCases(name: TokenizerName): void {
  describe(`${name} haystack`, () => {
    it("decodes back to the corpus and slices like decode()", () => {
      const tokenizer = getTokenizer(name);
      const haystack = getHaystack(tokenizer, corpus);
      expect(getHaystack(tokenizer, corpus)).toBe(haystack);
      expect(haystack.charStart[haystack.ids.length]).toBe(corpus.text.length);
      for (const [start, end] of [[0, 1], [5, 900], [1234, 5678], [100_000, 100_037]] as const) {
        expect(haystackText(haystack, tokenizer, start, end)).toBe(tokenizer.decode(haystack.ids.slice(start, end)));
      }
    }, 60_000);

    it("split characters: slicing inside a multi-byte character matches decode()", () => {
      const tokenizer = getTokenizer(name);
      const text = "Plain start. Then 😀 and 日本語 and — dashes. ".repeat(20);
      const haystack = getHaystack(tokenizer, { id: "emoji", version: `emoji-${name}`, text });
      for (let start = 0; start < 40; start += 3) {
        for (const end of [start + 1, start + 2, start + 7, haystack.ids.length]) {
          expect(haystackText(haystack, tokenizer, start, end)).toBe(tokenizer.decode(haystack.ids.slice(start, end)));
        }
      }
    });

    it.each(LENGTHS)("L = %i: exact token count, needle present, depth within one sentence", (contextLength) => {
      const tokenizer = getTokenizer(name);
      const haystack = getHaystack(tokenizer, corpus);
      const target = contextLength - FINAL_CONTEXT_LENGTH_BUFFER;
      const needleTokens = tokenizer.encode(NEEDLE).length;
      const contextTokens = target - needleTokens;
      const deltas: number[] = [];
      let maxBackOff = 0;
      for (const depthPercent of DEPTHS) {
        const built = buildNeedleHaystack(tokenizer, corpus, { contextLength, depthPercent });
        expect(built.constructedTokens).toBe(target);

        // Re-tokenizing the final text: the only drift is BPE merging across the needle's seams.
        const exact = tokenizer.encode(built.text).length;
        deltas.push(exact - target);
        expect(Math.abs(exact - target)).toBeLessThanOrEqual(Math.max(2, Math.floor(target * 0.01)));
        expect(Math.abs(exact - target)).toBeLessThanOrEqual(2);

        // The needle is there once, where the builder says.
        expect(built.text.indexOf(NEEDLE)).toBe(built.needleCharIndex);
        expect(built.text.indexOf(NEEDLE, built.needleCharIndex + 1)).toBe(-1);
        const withoutNeedle = built.text.slice(0, built.needleCharIndex) + built.text.slice(built.needleCharIndex + NEEDLE.length);
        expect(withoutNeedle).toBe(haystackText(haystack, tokenizer, 0, contextTokens));

        // Depth: at the asked token position, backed off to the nearest preceding sentence end.
        const index = built.needleTokenIndex;
        if (depthPercent === 0) {
          expect(index).toBe(0);
          expect(built.text.startsWith(NEEDLE)).toBe(true);
        } else if (depthPercent === 100) {
          expect(index).toBe(contextTokens);
          expect(built.text.endsWith(NEEDLE)).toBe(true);
        } else {
          const asked = Math.trunc(contextTokens * (depthPercent / 100));
          expect(index).toBeGreaterThan(0);
          expect(index).toBeLessThanOrEqual(asked);
          expect(haystack.sentenceEnd[index - 1]).toBe(1);
          for (let k = index; k < asked; k++) expect(haystack.sentenceEnd[k]).toBe(0);
          expect(built.text.slice(0, built.needleCharIndex).trimEnd().endsWith(".")).toBe(true);
          // In characters: at most one sentence before the asked fraction of the haystack.
          const askedChar = haystack.charStart[asked]!;
          const backedOff = askedChar - built.needleCharIndex;
          expect(backedOff).toBeGreaterThanOrEqual(0);
          expect(backedOff).toBeLessThan(3000);
          maxBackOff = Math.max(maxBackOff, backedOff);
          if (contextLength >= 32000) {
            expect(Math.abs(built.needleCharIndex - askedChar) / withoutNeedle.length).toBeLessThan(0.01);
          }
        }
      }
      console.log(`${name} L=${contextLength}: exact - (L-200) per depth ${DEPTHS.join("/")}: ${deltas.join(" ")}; max back-off ${maxBackOff} chars`);
    }, 60_000);
  });

}

/** The fast build gives the naive procedure's string and needle position. */
function naiveEqualityCases(name: TokenizerName): void {
  describe(`${name} fast vs naive`, () => {
    it("fast and naive builds give the same string and needle position", () => {
      const tokenizer = getTokenizer(name);
      // The naive path's first step, encode(corpus.text), shared by the sweep: the haystack's ids are exactly that.
      const corpusIds = getHaystack(tokenizer, corpus).ids;
      // The SentencePiece ports re-encode 128K tokens in ~1 s per cell: fewer depths there.
      const depths = name === "llama2" || name === "mistral" ? [0, 11, 89, 100] : DEPTHS;
      for (const contextLength of LENGTHS) {
        for (const depthPercent of depths) {
          const fast = buildNeedleHaystack(tokenizer, corpus, { contextLength, depthPercent });
          const naive = naiveBuildNeedleHaystack(tokenizer, corpus.text, options(contextLength, depthPercent), corpusIds);
          expect(fast.needleTokenIndex).toBe(naive.needleTokenIndex);
          expect(fast.constructedTokens).toBe(naive.constructedTokens);
          expect(fast.text === naive.text).toBe(true);
        }
      }
    }, 120_000);
  });

}

function longProbeCases(name: TokenizerName): void {
  describe("128K-token probe from the cached haystack", () => {
    it(`${name}: L - 200 constructed tokens at every paper depth`, () => {
      const contextLength = 128000;
      for (const depthPercent of PAPER_DEPTH_PERCENTS) {
        const probe = buildNeedleProbe({ tokenizer: name, contextLength, depthPercent, api: "completions" }, corpus);
        expect(probe.constructedTokens).toBe(contextLength - FINAL_CONTEXT_LENGTH_BUFFER);
      }
    }, 60_000); // tokenizes the corpus first when run alone
  });
}
