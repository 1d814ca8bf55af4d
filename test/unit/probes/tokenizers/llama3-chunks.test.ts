// llama3 once encoded long inputs in chunks cut before spaces; it no longer does (our own BPE,
// src/probes/tokenizers/byte-bpe.ts), but its ids must still equal the library's own encoding of
// the whole input, whatever the text around those cuts.
import llama3Tokenizer from "llama3-tokenizer-js";
import { beforeAll, describe, expect, it } from "vitest";
import { loadBuiltinCorpus } from "../../../../src/probes/corpora/index";
import { getTokenizer, loadTokenizer } from "../../../../src/probes/tokenizers/index";
import { sentencePieceChunkEnds } from "../../../../src/probes/tokenizers/sentencepiece";

beforeAll(() => loadTokenizer("llama3"), 60_000);

const whole = (text: string) => llama3Tokenizer.encode(text, { bos: false, eos: false, specialTokenRegex: /(?!)/g } as never);

describe("llama3 chunked encoding", () => {
  it("equals the whole-input encoding of a book", async () => {
    const text = (await loadBuiltinCorpus("moby-dick")).text.slice(0, 60_000);
    expect(sentencePieceChunkEnds(text).length).toBeGreaterThan(10);
    expect(getTokenizer("llama3").encode(text)).toEqual(whole(text));
  });

  it("equals it where cuts meet digits, punctuation, newlines, contractions and runs of spaces", () => {
    const pieces = ["12345678 ", "it's ", "--- ", "\n\n  indented", "  two", "\t tab ", "日本語 ", "😀😀 ", "x.\r\n ", "'ll "];
    let text = "";
    for (let i = 0; text.length < 40_000; i++) text += pieces[i % pieces.length]! + "word".repeat(i % 7) + (i % 3 === 0 ? " " : "");
    expect(getTokenizer("llama3").encode(text)).toEqual(whole(text));
    expect(getTokenizer("llama3").decode(getTokenizer("llama3").encode(text))).toBe(text);
  });
});
