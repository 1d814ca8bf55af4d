// The isolate's in-memory haystacks stay within HAYSTACK_MEMORY_BUDGET_BYTES, least recently used
// out first; an evicted haystack is loaded again (from the store, or tokenized without one).
import { beforeEach, describe, expect, it } from "vitest";
import {
  HAYSTACK_MEMORY_BUDGET_BYTES,
  clearLoadedHaystacks,
  haystackBytes,
  isHaystackInMemory,
  loadHaystack,
} from "../../../../src/probes/needle/boundary-cache";
import type { Haystack } from "../../../../src/probes/needle/haystack";
import type { Corpus } from "../../../../src/probes/types";

// A third of the budget per haystack: three fit, a fourth pushes the least recently used out.
const TOKENS = Math.floor(HAYSTACK_MEMORY_BUDGET_BYTES / 3 / 13) - 10;

function corpus(version: string): Corpus {
  return { id: version, version, text: "ab ".repeat(TOKENS) };
}

/** One token per "ab " (3 characters), as a tokenizer would report it. */
function haystackOf(c: Corpus): Haystack {
  const charStart = new Int32Array(TOKENS + 1).map((_, k) => 3 * k);
  const ids = Array.from({ length: TOKENS }, (_, k) => k % 1000);
  return { tokenizer: "cl100k_base", corpusVersion: c.version, text: c.text, ids, charStart, sentenceEnd: new Uint8Array(TOKENS) };
}

describe("haystacks in memory", () => {
  beforeEach(() => clearLoadedHaystacks());
  const tokenized: string[] = [];
  const load = (c: Corpus) =>
    loadHaystack({
      tokenizer: "cl100k_base",
      corpus: c,
      tokenize: () => {
        tokenized.push(c.version);
        return haystackOf(c);
      },
    });
  const inMemory = (c: Corpus) => isHaystackInMemory("cl100k_base", c.version, c.text.length);

  it("measures a haystack's arrays", () => {
    expect(haystackBytes(haystackOf(corpus("size")))).toBe(TOKENS * 8 + (TOKENS + 1) * 4 + TOKENS);
  });

  it("keeps the most recently used within the byte budget and loads an evicted one again", async () => {
    const [a, b, c, d] = ["a", "b", "c", "d"].map(corpus);
    for (const x of [a, b, c]) await load(x!);
    expect((await load(a!)).source).toBe("memory"); // a is now the most recently used; b the least
    await load(d!);
    expect([a, b, c, d].map((x) => inMemory(x!))).toEqual([true, false, true, true]);
    tokenized.length = 0;
    expect((await load(b!)).source).toBe("tokenized");
    expect(tokenized).toEqual(["b"]);
  });

  it("always keeps the newest, even when it alone is over the budget", async () => {
    const big = { ...corpus("big"), text: "ab ".repeat(TOKENS * 4) };
    const haystack = await loadHaystack({
      tokenizer: "cl100k_base",
      corpus: big,
      tokenize: () => ({ ...haystackOf(big), ids: new Array<number>(TOKENS * 4).fill(1), charStart: new Int32Array(TOKENS * 4 + 1).map((_, k) => 3 * k), sentenceEnd: new Uint8Array(TOKENS * 4) }),
    });
    expect(haystackBytes(haystack.haystack)).toBeGreaterThan(HAYSTACK_MEMORY_BUDGET_BYTES);
    expect(isHaystackInMemory("cl100k_base", "big", big.text.length)).toBe(true);
  });
});
