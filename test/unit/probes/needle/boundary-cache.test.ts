// The boundary cache's binary encoding (round trip in byte-level and SentencePiece tokenizers,
// boundaries inside characters included) and its memory → store → tokenize loading.
import { beforeAll, describe, expect, it } from "vitest";
import { loadBuiltinCorpus } from "../../../../src/probes/corpora/index";
import {
  BoundaryFormatError,
  boundaryCacheKey,
  clearLoadedHaystacks,
  decodeHaystack,
  encodeHaystack,
  loadHaystack,
  type BoundaryStore,
} from "../../../../src/probes/needle/boundary-cache";
import { tokenizeHaystack, type Haystack } from "../../../../src/probes/needle/haystack";
import { getTokenizer, loadTokenizers } from "../../../../src/probes/tokenizers/index";
import type { Corpus } from "../../../../src/probes/types";

beforeAll(() => loadTokenizers(["cl100k_base", "llama2"]), 60_000);

const sotu = await loadBuiltinCorpus("sotu");
// Emoji and accents: byte-level BPE splits some of them over several tokens (charStart -1).
const emoji: Corpus = { id: "emoji", version: "emoji-1", text: "Naïve café 🙂🚀 — 東京タワー. ".repeat(200) + "The end." };

function expectSame(a: Haystack, b: Haystack) {
  expect(b.tokenizer).toBe(a.tokenizer);
  expect(b.corpusVersion).toBe(a.corpusVersion);
  expect(b.text).toBe(a.text);
  expect(b.ids).toEqual(a.ids);
  expect([...b.charStart]).toEqual([...a.charStart]);
  expect([...b.sentenceEnd]).toEqual([...a.sentenceEnd]);
}

describe("binary encoding", () => {
  it.each(["cl100k_base", "llama2"] as const)("round-trips a %s haystack", (name) => {
    const corpus = { ...sotu, text: sotu.text.slice(0, 120_000) };
    const haystack = tokenizeHaystack(getTokenizer(name), corpus);
    const bytes = encodeHaystack(haystack);
    expectSame(haystack, decodeHaystack(bytes, { tokenizer: name, corpus }));
    // Compact: ids as LEB128, boundaries as deltas, flags as bits: under 4 bytes a token.
    expect(bytes.length).toBeLessThan(4 * haystack.ids.length);
  });

  it("keeps boundaries that fall inside a character (-1)", () => {
    const haystack = tokenizeHaystack(getTokenizer("cl100k_base"), emoji);
    expect([...haystack.charStart].some((c) => c === -1)).toBe(true);
    expectSame(haystack, decodeHaystack(encodeHaystack(haystack), { tokenizer: "cl100k_base", corpus: emoji }));
  });

  it("decodes a prefix haystack against the full corpus", () => {
    const corpus = { ...sotu, text: sotu.text.slice(0, 50_000) };
    const haystack = tokenizeHaystack(getTokenizer("cl100k_base"), { ...corpus, text: corpus.text.slice(0, 20_000) });
    expectSame(haystack, decodeHaystack(encodeHaystack(haystack), { tokenizer: "cl100k_base", corpus, textLength: 20_000 }));
  });

  it("refuses damaged entries and entries of another tokenizer, corpus version or length", () => {
    const haystack = tokenizeHaystack(getTokenizer("cl100k_base"), emoji);
    const bytes = encodeHaystack(haystack);
    expect(() => decodeHaystack(bytes, { tokenizer: "llama2", corpus: emoji })).toThrow(BoundaryFormatError);
    expect(() => decodeHaystack(bytes, { tokenizer: "cl100k_base", corpus: { ...emoji, version: "other" } })).toThrow(BoundaryFormatError);
    expect(() => decodeHaystack(bytes, { tokenizer: "cl100k_base", corpus: emoji, textLength: 10 })).toThrow(BoundaryFormatError);
    expect(() => decodeHaystack(bytes.slice(0, bytes.length - 3), { tokenizer: "cl100k_base", corpus: emoji })).toThrow(BoundaryFormatError);
    const wrongMagic = bytes.slice();
    wrongMagic[0] = 0;
    expect(() => decodeHaystack(wrongMagic, { tokenizer: "cl100k_base", corpus: emoji })).toThrow(BoundaryFormatError);
  });

  it("keys entries by format version, corpus version, tokenizer and covered length", () => {
    expect(boundaryCacheKey("endpoint-0123abcd", "v1/x", 65536)).toBe("boundaries/v1/v1%2Fx/endpoint-0123abcd/65536.bin");
  });
});

describe("loadHaystack", () => {
  function mapStore(): BoundaryStore & { map: Map<string, Uint8Array> } {
    const map = new Map<string, Uint8Array>();
    return { map, get: async (key) => map.get(key) ?? null, put: async (key, bytes) => void map.set(key, bytes) };
  }

  it("tokenizes once, then reads from the store in a fresh isolate, then from memory", async () => {
    const store = mapStore();
    const corpus = { ...emoji, version: "emoji-load" };
    let tokenized = 0;
    const tokenize = () => {
      tokenized++;
      return tokenizeHaystack(getTokenizer("llama2"), corpus);
    };
    clearLoadedHaystacks();
    expect((await loadHaystack({ tokenizer: "llama2", corpus, store, tokenize })).source).toBe("tokenized");
    expect(store.map.size).toBe(1);
    clearLoadedHaystacks();
    const again = await loadHaystack({ tokenizer: "llama2", corpus, store, tokenize });
    expect(again.source).toBe("store");
    expect((await loadHaystack({ tokenizer: "llama2", corpus, store, tokenize })).source).toBe("memory");
    expect(tokenized).toBe(1);
  });

  it("re-tokenizes and overwrites a damaged entry; a failing store is not fatal", async () => {
    const store = mapStore();
    const corpus = { ...emoji, version: "emoji-damaged" };
    store.map.set(boundaryCacheKey("cl100k_base", corpus.version, corpus.text.length), Uint8Array.of(1, 2, 3));
    clearLoadedHaystacks();
    const tokenize = () => tokenizeHaystack(getTokenizer("cl100k_base"), corpus);
    expect((await loadHaystack({ tokenizer: "cl100k_base", corpus, store, tokenize })).source).toBe("tokenized");
    expect(store.map.values().next().value!.length).toBeGreaterThan(3);
    clearLoadedHaystacks();
    const broken: BoundaryStore = { get: () => Promise.reject(new Error("down")), put: () => Promise.reject(new Error("down")) };
    expect((await loadHaystack({ tokenizer: "cl100k_base", corpus, store: broken, tokenize })).source).toBe("tokenized");
  });
});
