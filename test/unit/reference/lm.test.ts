import { describe, expect, it } from "vitest";
import { loadBuiltinCorpus } from "../../../src/probes/corpora";
import { backgroundDistribution, nextTokenDistribution, promptLogprobs, scorePrompt, VOCABULARY_SIZE } from "../../../src/reference/lm";
import { encodeTokens } from "../../../src/reference/tokens";

// ~118K cl100k tokens of Moby-Dick: natural text that repeats its own words.
const BOOK = encodeTokens((await loadBuiltinCorpus("moby-dick")).text.slice(0, 500_000));
const SHORT = encodeTokens("The whale, the whale! Call me Ishmael. The whale swam; the sea was calm, and the whale dove.");

/** Mean negative log-likelihood (nats) of logprobs[from, to). */
function meanNll(logprobs: Float64Array, from: number, to = logprobs.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum -= logprobs[i]!;
  return sum / (to - from);
}

function sum(values: Float64Array): number {
  return values.reduce((total, value) => total + value, 0);
}

describe("a proper distribution at every position", () => {
  it("the background sums to 1 over the 100,256 ordinary cl100k tokens, all > 0, most likely first", () => {
    const background = backgroundDistribution();
    expect(background).toHaveLength(VOCABULARY_SIZE);
    expect(Math.abs(sum(background) - 1)).toBeLessThan(1e-12);
    expect(background[VOCABULARY_SIZE - 1]).toBeGreaterThan(0);
    expect(background[0]).toBeGreaterThan(background[1000]!);
  });

  it.each([
    ["the whole context", undefined, [1, 2, 5, SHORT.length - 1]],
    ["a 4-token window", 4, [3, 4, 9, SHORT.length - 1]],
    ["a 1-token window", 1, [1, 7]],
  ])("sums to 1 over the whole vocabulary with %s, every probability > 0", (_name, window, contextLengths) => {
    for (const length of contextLengths) {
      const distribution = nextTokenDistribution(SHORT.slice(0, length), { window });
      expect(distribution).toHaveLength(VOCABULARY_SIZE);
      expect(Math.abs(sum(distribution) - 1)).toBeLessThan(1e-9);
      expect(Math.min(...distribution)).toBeGreaterThan(0);
    }
  });

  it("promptLogprobs is ln of that distribution at the actual next token; position 0 is NaN", () => {
    for (const window of [undefined, 4]) {
      const logprobs = promptLogprobs(SHORT, { window });
      expect(logprobs).toHaveLength(SHORT.length);
      expect(logprobs[0]).toBeNaN();
      for (const i of [1, 3, 8, SHORT.length - 1]) {
        const distribution = nextTokenDistribution(SHORT.slice(0, i), { window });
        expect(Math.abs(logprobs[i]! - Math.log(distribution[SHORT[i]!]!))).toBeLessThan(1e-12);
      }
    }
  });

  it("rewards repetition: a repeated pair is far likelier than a new token", () => {
    const logprobs = promptLogprobs(encodeTokens(" cat sat. cat sat. cat sat. dog"));
    expect(logprobs.at(-2)).toBeGreaterThan(Math.log(0.5)); // "." after the third " sat"
    expect(logprobs.at(-1)).toBeLessThan(Math.log(0.001)); // " dog", never seen
  });
});

describe("deterministic, exact window, fast", () => {
  it("returns the same values on every call", () => {
    const ids = BOOK.slice(0, 5000);
    expect(promptLogprobs(ids)).toEqual(promptLogprobs(ids));
    expect(promptLogprobs(ids, { window: 300 })).toEqual(promptLogprobs(ids, { window: 300 }));
  });

  it("a windowed position depends on exactly its last `window` tokens (counts leave the window correctly)", () => {
    const window = 50;
    const ids = BOOK.slice(1000, 3000);
    const windowed = promptLogprobs(ids, { window });
    const alone = ids.map((_, i) => (i < window ? windowed[i] : promptLogprobs(ids.slice(i - window, i + 1))[window]));
    expect(Array.from(windowed)).toEqual(alone);
    expect(windowed.subarray(1, window + 1)).toEqual(promptLogprobs(ids).subarray(1, window + 1));
  });

  it("rejects a bad window and ids outside the ordinary vocabulary", () => {
    expect(() => promptLogprobs(SHORT, { window: 0 })).toThrow(RangeError);
    expect(() => promptLogprobs(SHORT, { window: 2.5 })).toThrow(RangeError);
    expect(() => promptLogprobs([1, 100_257])).toThrow(RangeError);
  });

  it("scores a 128K-token prompt in well under a second", () => {
    const ids = Array.from({ length: 131_072 }, (_, i) => BOOK[i % BOOK.length]!);
    const started = performance.now();
    const logprobs = promptLogprobs(ids);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(logprobs.subarray(1).every(Number.isFinite)).toBe(true);
  });
});

describe("loss by context length on Moby-Dick", () => {
  // The same 1,000 target tokens, read after more and more of the book.
  const END = 100_000;
  const lastThousandNll = (contextTokens: number, window?: number) =>
    meanNll(promptLogprobs(BOOK.slice(END - contextTokens, END), { window }), Math.max(1, contextTokens - 1000));

  it("falls with context for the whole-prompt cache: 1K > 16K > 64K tokens", () => {
    const [k1, k16, k64] = [1000, 16_000, 64_000].map((tokens) => lastThousandNll(tokens));
    expect(k1! - k16!).toBeGreaterThan(0.5); // measured 8.27 → 7.15 → 6.78 nats
    expect(k16! - k64!).toBeGreaterThan(0.2);
  });

  it("with window 4096 falls only until the window is full: 16K and 64K give identical values", () => {
    const [k1, k16, k64] = [1000, 16_000, 64_000].map((tokens) => lastThousandNll(tokens, 4096));
    expect(k1! - k16!).toBeGreaterThan(0.5); // measured 8.27 → 7.43 = 7.43 nats
    expect(k64).toBe(k16);
    expect(k16! - lastThousandNll(64_000)).toBeGreaterThan(0.4);
  });

  it("the loss-by-position curve flattens after 4,096 tokens with the window and keeps falling without", () => {
    // Averaged over 20 stretches of 16K tokens (starts 4K apart), so no one passage decides.
    const curve = (window?: number) => {
      let early = 0;
      let late = 0;
      for (let stretch = 0; stretch < 20; stretch++) {
        const start = 16_384 + stretch * 4096;
        const logprobs = promptLogprobs(BOOK.slice(start, start + 16_384), { window });
        early += meanNll(logprobs, 4096, 8192) / 20;
        late += meanNll(logprobs, 8192, 16_384) / 20;
      }
      return { early, late };
    };
    const windowed = curve(4096);
    const whole = curve();
    expect(windowed.late).toBeGreaterThan(windowed.early - 0.05); // measured −0.014
    expect(whole.late).toBeLessThan(whole.early - 0.15); // measured −0.24
    expect(whole.late).toBeLessThan(windowed.late - 0.2);
  });
});

describe("scorePrompt: the most likely tokens and ranks", () => {
  /** The 5 most likely ids (ties: lower id first) and the 1-based rank of `actual`, by a full scan. */
  function scanTopFive(distribution: Float64Array, actual: number): { top: number[]; rank: number } {
    const top: number[] = [];
    let rank = 1;
    distribution.forEach((p, id) => {
      if (p > distribution[actual]!) rank++;
      let at = top.length;
      while (at > 0 && p > distribution[top[at - 1]!]!) at--;
      if (at < 5) top.splice(at, 0, id);
      if (top.length > 5) top.pop();
    });
    return { top, rank };
  }

  it.each([
    ["the whole context", undefined],
    ["a 64-token window", 64],
    ["a 7-token window", 7],
  ])("lists exactly the top tokens of the full distribution, with %s", (_name, window) => {
    const ids = BOOK.slice(2000, 2400);
    const scores = scorePrompt(ids, { window, top: 5 });
    expect(scores.logprobs).toEqual(promptLogprobs(ids, { window }));
    expect(scores.topIds[0]).toBe(-1);
    for (let i = 1; i < ids.length; i += 3) {
      const distribution = nextTokenDistribution(ids.slice(0, i), { window });
      const { top, rank } = scanTopFive(distribution, ids[i]!);
      expect(Array.from(scores.topIds.subarray(i * 5, i * 5 + 5))).toEqual(top);
      const logprobs = top.map((id) => Math.log(distribution[id]!));
      scores.topLogprobs.subarray(i * 5, i * 5 + 5).forEach((logprob, j) => expect(logprob).toBeCloseTo(logprobs[j]!, 12));
      expect(scores.ranks[i]).toBe(rank <= 5 ? rank : 0);
    }
  });
});
