import { describe, expect, it } from "vitest";
import { completeText } from "../../../src/reference/models";
import { PrefixCache } from "../../../src/reference/prefix-cache";

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

describe("simulated prefix cache", () => {
  it("serves the leading full blocks a previous prompt already brought", () => {
    const cache = new PrefixCache(1 << 20, 16);
    expect(cache.lookupAndInsert(range(0, 100))).toBe(0);
    expect(cache.lookupAndInsert(range(0, 100))).toBe(96); // 6 full blocks of 16
    expect(cache.lookupAndInsert([...range(0, 40), ...range(1000, 60)])).toBe(32); // diverges inside block 3
    expect(cache.lookupAndInsert([7, ...range(0, 99)])).toBe(0); // a different first token changes every block
  });

  it("evicts the least recently used blocks", () => {
    const cache = new PrefixCache(64, 16); // room for 4 blocks
    cache.lookupAndInsert(range(0, 64)); // A: 4 blocks
    cache.lookupAndInsert(range(500, 32)); // B: 2 blocks, evicts A's 2 oldest
    expect(cache.size).toBe(4);
    expect(cache.lookupAndInsert(range(0, 64))).toBe(0); // A's first block is gone
  });

  it("is reported by the reference models as cached_tokens", () => {
    const book = "The harbour was quiet that morning. ".repeat(200);
    const first = completeText("extractive-128k", `${book}\nQuestion: How was the harbour?\nAnswer:`);
    const second = completeText("extractive-128k", `${book}\nQuestion: What did the harbour look like?\nAnswer:`);
    expect(first.usage.prompt_tokens_details!.cached_tokens).toBeLessThan(first.usage.prompt_tokens);
    expect(second.usage.prompt_tokens_details!.cached_tokens).toBeGreaterThan(second.usage.prompt_tokens * 0.9);
  });
});
