// llama2 and mistral run the ports' merges a word at a time on our merge loop
// (src/probes/tokenizers/sentencepiece.ts); the ports' own encode is the oracle.
import { LlamaTokenizer } from "llama-tokenizer-js";
import mistralTokenizer from "mistral-tokenizer-js";
import { describe, expect, it } from "vitest";
import { BUILTIN_CORPORA, loadBuiltinCorpus } from "../../../../src/probes/corpora/index";
import { decodeSentencePiece, encodeSentencePiece, sentencePieceChunkEnds, wrapSentencePiece, type SentencePieceLibrary } from "../../../../src/probes/tokenizers/sentencepiece";
import { randomPoolStrings } from "./random-text";

// The oracle is an instance of our own: the registry empties the package's default one when it
// releases llama2, and unit files share their modules.
const llamaTokenizer = new LlamaTokenizer();

const PORTS = [
  ["llama2", llamaTokenizer],
  ["mistral", mistralTokenizer],
] as const;

/** The port on 4,096-character chunks (its whole-input encoding of a book takes GBs; chunks equal it, see index.test.ts). */
type Port = SentencePieceLibrary & { encode(text: string, bos: boolean, space: boolean): number[]; decode(ids: number[], bos: boolean, space: boolean): string };

function portInChunks(port: Port, text: string): number[] {
  const ids: number[] = [];
  let start = 0;
  for (const end of sentencePieceChunkEnds(text)) {
    ids.push(...port.encode(text.slice(start, end), false, false));
    start = end;
  }
  return ids;
}

const TRICKY = [
  "<s></s><|im_start|>[INST] Hello [/INST]",
  "日本語の文章を書きます。中华人民共和国。龘靐齉 한국어",
  "😀 🦙Ꙋ 👍🏽 🇺🇸 👨‍👩‍👧‍👦",
  "12345678901 3.14159   four\t\ttabs\n\n\n \n x \u00A0\u2028\u3000",
  "a\r\nb\r\n\r\nc it's I'LL",
  "lone \uD83D high, \uDC00 low",
  "their own ▁ mark, ▁▁ two, ▁ ▁  ▁x▁ y",
  " leading and trailing  ",
];

describe.each(PORTS)("%s word by word", (name, port) => {
  const tokenizer = wrapSentencePiece(name, () => port);

  it("has no piece with a space, and every merge makes a piece", () => {
    expect(port.vocabById.some((piece) => piece.includes(" "))).toBe(false);
    expect([...port.merges.keys()].filter((key) => !port.vocabByString.has(key.replace(" ", "")))).toEqual([]);
  });

  it.each(BUILTIN_CORPORA.map((c) => c.id))("equals the port on the whole %s corpus, and decodes back", async (id) => {
    const { text } = await loadBuiltinCorpus(id);
    const ids = tokenizer.encode(text);
    expect(ids).toEqual(portInChunks(port, text));
    expect(tokenizer.decode(ids)).toBe(text);
  }, 60_000);

  it.each(TRICKY.map((text) => [JSON.stringify(text.slice(0, 40)), text]))("equals the port on %s", (_, text) => {
    expect(encodeSentencePiece(port, text)).toEqual(port.encode(text, false, false));
  });

  it("equals the port on 2,000 random short strings of mixed scripts, spaces, ▁ and symbols", () => {
    const pools = ["abcdefghijklmnopqrstuvwxyz", "ABCXYZ", "0123456789", "    \n\t\r", ".,;:'\"!?-_()[]{}<>|/\\@#$%^&*~`", "éüñßøåçÀÉ", "日本語中文한국어のをにはがで龘", "😀🦙👍🏽🇺🇸", "\uFEFF\u00A0\u2028\u200B", "▁▁ ▁", "ΑβγДжЩ", "\uD800\uDFFF"];
    for (const text of randomPoolStrings(pools, 2000, 7)) expect(encodeSentencePiece(port, text), JSON.stringify(text)).toEqual(port.encode(text, false, false));
  });

  it("decodes as the port on every piece alone and on 2,000 random id lists (byte pieces, split characters, ▁)", () => {
    const all = port.vocabById.map((_, id) => id);
    for (const id of all) expect(decodeSentencePiece(port, [id]), `id ${id}`).toBe(port.decode([id], false, false));
    let seed = 11;
    const random = (n: number) => Math.floor(((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * n);
    const bytePieces = all.filter((id) => port.vocabById[id]!.startsWith("<0x"));
    for (let k = 0; k < 2000; k++) {
      const ids = Array.from({ length: 1 + random(30) }, () => (random(3) === 0 ? bytePieces[random(bytePieces.length)]! : random(all.length)));
      expect(decodeSentencePiece(port, ids), JSON.stringify(ids)).toBe(port.decode(ids, false, false));
    }
  });
});
