// llama3 runs on our byte-level BPE (src/probes/tokenizers/byte-bpe.ts) over a generated vocabulary;
// llama3-tokenizer-js (a dev dependency) is the oracle: with BOS/EOS off and special-token text as
// text, its ids must equal ours on every built-in corpus in full and on strings made to be awkward.
import llama3Tokenizer from "llama3-tokenizer-js";
import { describe, expect, it } from "vitest";
import { BUILTIN_CORPORA, loadBuiltinCorpus } from "../../../../src/probes/corpora/index";
import { binaryOf, mergeByRank } from "../../../../src/probes/tokenizers/byte-bpe";
import { LLAMA3_MERGEABLE, LLAMA3_TOKEN_COUNT } from "../../../../src/probes/tokenizers/data/llama3-vocab";
import { buildLlama3, wrapLlama3 } from "../../../../src/probes/tokenizers/llama3";
import { byteLevelPieceBytes } from "../../../../src/probes/tokenizers/pieces";
import { randomPoolStrings } from "./random-text";

const oracle = (text: string) => llama3Tokenizer.encode(text, { bos: false, eos: false, specialTokenRegex: /(?!)/g } as never);
const bpe = buildLlama3();
const llama3 = wrapLlama3(() => bpe);
/** What survives UTF-8: lone surrogates become U+FFFD. */
const wellFormed = (text: string) => new TextDecoder("utf-8", { fatal: false, ignoreBOM: true }).decode(new TextEncoder().encode(text));

const TRICKY = [
  "<|begin_of_text|>Hello<|eot_id|>",
  "<|start_header_id|>user<|end_header_id|>\n\n<|reserved_special_token_0|><|endoftext|><|im_start|>",
  "日本語の文章を書きます。中华人民共和国成立于一九四九年。한국어 텍스트",
  "😀 🦙Ꙋ 👍🏽 🇺🇸 👨‍👩‍👧‍👦 ᄀᄀᄀ",
  "12345678901 3.14159 1,000,000 ٣٤٥ ⅻ 0x1F",
  "    four\t\ttabs   \n\n\n   \n x \u00A0nbsp\u2028line\u3000ideographic",
  "a\r\nb\r\n\r\nc\rd\n\r",
  "it's I'LL they'Re we'VE she'd 'm o'clock ''s",
  "lone \uD83D high, \uDC00 low, \uDFFF\uD800 reversed",
  "\uFEFFusing namespace \uFEFF\uFEFF\uFEFFusings \uFEFF//x",
  "\u0000\u0001\u001F\u007F\u0080ÿ",
  " ".repeat(5000) + "end",
  "-".repeat(3000) + "=" + "9".repeat(1000),
  "的一是不了人我在有他这为之大来以个中上们到说时要就出".repeat(300),
];

describe("llama3 on our byte-level BPE", () => {
  it("holds the package's vocabulary, token for token", () => {
    const vocab = (llama3Tokenizer as unknown as { vocabById: string[] }).vocabById;
    expect(vocab.length).toBe(LLAMA3_TOKEN_COUNT);
    const ids = [0, 255, 3305, 4117, 100255, 100256, LLAMA3_MERGEABLE - 1, LLAMA3_MERGEABLE, LLAMA3_TOKEN_COUNT - 1];
    for (let id = 0; id < LLAMA3_TOKEN_COUNT; id += 997) ids.push(id);
    for (const id of ids) expect(bpe.decode([id]), `id ${id}`).toBe(new TextDecoder("utf-8", { fatal: false, ignoreBOM: true }).decode(byteLevelPieceBytes(vocab[id]!)!));
    expect(bpe.decode([128000, 2028, 128009])).toBe("<|begin_of_text|>This<|eot_id|>");
    expect(() => bpe.decode([LLAMA3_TOKEN_COUNT])).toThrow(RangeError);
  });

  it.each(BUILTIN_CORPORA.map((c) => c.id))("equals the package's ids on the whole %s corpus, and decodes back", async (id) => {
    const { text } = await loadBuiltinCorpus(id);
    const ids = llama3.encode(text);
    expect(ids.length).toBeGreaterThan(100_000);
    expect(ids).toEqual(oracle(text));
    expect(llama3.decode(ids)).toBe(text);
  }, 60_000);

  it.each(TRICKY.map((text) => [JSON.stringify(text.slice(0, 40)), text]))("equals the package on %s", (_, text) => {
    const ids = llama3.encode(text);
    expect(ids).toEqual(oracle(text));
    expect(llama3.decode(ids)).toBe(wellFormed(text));
    expect(ids.every((id) => id < LLAMA3_MERGEABLE)).toBe(true); // no special ids, ever
  });

  it("equals the package on 3,000 random short strings of mixed scripts, digits, spaces and symbols", () => {
    const pools = ["abcdefghijklmnopqrstuvwxyz", "ABCXYZ", "0123456789", "  \n\t\r", ".,;:'\"!?-_()[]{}<>|/\\@#$%^&*~`", "éüñßøåçÀÉ", "日本語中文한국어のをにはがで", "😀🦙👍🏽🇺🇸", "\uFEFF\u00A0\u2028\u200B", "ΑβγДжЩ", "\uD800\uDFFF"];
    for (const text of randomPoolStrings(pools, 3000, 12345)) expect(llama3.encode(text), JSON.stringify(text)).toEqual(oracle(text));
  });
});

describe("mergeByRank", () => {
  const vocab = ["a", "b", "c", "aa", "ab", "bc", "abc", "aaa"];
  const rankOf = (bytes: string) => (vocab.includes(bytes) ? vocab.indexOf(bytes) : undefined);

  it("merges the lowest rank first and, among equals, the leftmost", () => {
    expect(mergeByRank("aaa", (bytes) => ["a", "aa"].indexOf(bytes) + 1 || undefined)).toEqual([2, 1]); // aa|a, not a|aa
    expect(mergeByRank("aaaa", rankOf).map((id) => vocab[id])).toEqual(["aa", "aa"]); // aa|a|a, then a+a (3) before aa+a (7)
    expect(mergeByRank("abc", rankOf).map((id) => vocab[id])).toEqual(["abc"]); // ab (4) before bc (5), then ab+c
    expect(mergeByRank("cab", rankOf).map((id) => vocab[id])).toEqual(["c", "ab"]);
    expect(mergeByRank("ba", rankOf).map((id) => vocab[id])).toEqual(["b", "a"]);
  });

  it("binaryOf gives UTF-8 bytes one char each, ASCII unchanged", () => {
    expect(binaryOf("hi")).toBe("hi");
    expect([...binaryOf("é😀")].map((c) => c.charCodeAt(0))).toEqual([0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80]);
    expect(binaryOf("\uD800")).toBe("\xEF\xBF\xBD");
  });
});
