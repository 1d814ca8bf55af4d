import { encode } from "gpt-tokenizer/encoding/cl100k_base";
import { describe, expect, it } from "vitest";
import { countTextTokens, decodeTokens, encodeTokens, firstTokens, lastTokens } from "../../../src/reference/tokens";
import { corpusText } from "./haystack";

describe("cl100k token helpers", () => {
  it("encodes special-token strings as ordinary text instead of throwing", () => {
    const text = "<|im_start|>user hi<|im_end|><|endoftext|>";
    expect(() => encode(text)).toThrow(); // gpt-tokenizer's default
    const ids = encodeTokens(text);
    expect(ids).not.toContain(100264); // <|im_start|> as a special token
    expect(decodeTokens(ids)).toBe(text);
    expect(countTextTokens(text)).toBe(ids.length);
  });

  it("a character split at the end of one decode does not leak into the next", () => {
    const whale = encodeTokens("🐋");
    expect(whale.length).toBeGreaterThan(1);
    expect(decodeTokens(whale.slice(0, -1))).toBe("\uFFFD");
    expect(decodeTokens(encodeTokens("hello"))).toBe("hello");
    expect(decodeTokens(whale.slice(-1))).toBe("\uFFFD");
  });

  it("firstTokens keeps a prefix of at most `limit` tokens", () => {
    expect(firstTokens("short", 10)).toEqual({ text: "short", truncated: false });
    const cut = firstTokens("one two three four five six", 3);
    expect(cut).toEqual({ text: "one two three", truncated: true });
  });

  it("lastTokens equals the tail of a full tokenization, while tokenizing only a slice", () => {
    const text = corpusText("mobyDick", 120_000);
    const full = encodeTokens(text);
    for (const limit of [1, 100, 4096]) {
      expect(lastTokens(text, limit)).toBe(decodeTokens(full.slice(-limit)));
    }
  });

  it("lastTokens widens its slice when tokens span many characters (runs of spaces)", () => {
    const text = `word${" ".repeat(30)}`.repeat(3000); // ~17 chars per token, beyond the 8 first guessed
    const full = encodeTokens(text);
    expect(full.length / text.length).toBeLessThan(1 / 8);
    expect(lastTokens(text, 1000)).toBe(decodeTokens(full.slice(-1000)));
  });

  it("lastTokens returns short texts unchanged", () => {
    expect(lastTokens("just a few words", 4096)).toBe("just a few words");
  });
});
