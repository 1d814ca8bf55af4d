// Adapter for the SentencePiece-BPE ports llama-tokenizer-js (LLaMA-1/2) and mistral-tokenizer-js.
//
// Leading space: SentencePiece normally prepends a "dummy prefix" space ("Hello" -> "▁Hello") and
// the JS ports do so by default, together with BOS. We call them with BOS off and the dummy prefix
// off, so encode("Hello") = ["Hello"], encode(" Hello") = ["▁Hello"], and decode is the exact
// inverse (decode(encode(t)) === t). This keeps counting consistent under concatenation: the tokens
// of a + b equal tokens(a) ++ tokens(b) whenever the seam is before a space (see below), so slices of
// one big tokenization can be reassembled. A real LLaMA server adds BOS plus the dummy prefix to
// the whole prompt, so its count can exceed ours by 1 (BOS) plus at most 1 at the prompt's start.
import type { Tokenizer, TokenizerName } from "../types";
import { mergePairs } from "./bpe-merge";

/** The part of llama-tokenizer-js / mistral-tokenizer-js we use: their built vocabulary and merges, and decode. */
export interface SentencePieceLibrary {
  vocabById: string[];
  vocabByString: Map<string, number>;
  /** "left right" (the two pieces, a space between) → priority, lower merges first. */
  merges: Map<string, number>;
  decode(ids: number[], addBosToken?: boolean, addPrecedingSpace?: boolean): string;
}

const SPACE_MARK = "\u2581"; // "▁", SentencePiece's visible space

/** The least chunk length sentencePieceChunkEnds cuts at by default. */
export const SENTENCEPIECE_CHUNK_CHARS = 4096;

export function hasOnlyLeadingSpaceMarks(vocab: readonly string[]): boolean {
  const markAfterOtherChar = new RegExp(`[^${SPACE_MARK}]${SPACE_MARK}`);
  return !vocab.some((piece) => markAfterOtherChar.test(piece));
}

/**
 * Cut points (exclusive ends) before a space that follows neither a space nor a "▁" (the text's own
 * "▁" is a space to the ports too), chunks at least `chunkChars` long; the last one is text.length.
 */
export function sentencePieceChunkEnds(text: string, chunkChars = SENTENCEPIECE_CHUNK_CHARS): number[] {
  const ends: number[] = [];
  let start = 0;
  while (text.length - start > chunkChars) {
    let cut = text.indexOf(" ", start + chunkChars);
    while (cut !== -1 && (text[cut - 1] === " " || text[cut - 1] === SPACE_MARK)) cut = text.indexOf(" ", cut + 1);
    if (cut === -1) break;
    ends.push(cut);
    start = cut;
  }
  ends.push(text.length);
  return ends;
}

const utf8 = new TextEncoder();
const byteToken = (byte: number) => `<0x${byte.toString(16).toUpperCase().padStart(2, "0")}>`;

/** A word's ids as the ports compute them: a piece per character (else its UTF-8 byte pieces, else 0), then their merges. */
function encodeWord(library: SentencePieceLibrary, word: string): number[] {
  const { vocabById, vocabByString, merges } = library;
  const chars: number[] = [];
  for (const char of word.replaceAll(" ", SPACE_MARK)) {
    const id = vocabByString.get(char);
    if (id !== undefined) chars.push(id);
    else for (const byte of utf8.encode(char)) chars.push(vocabByString.get(byteToken(byte)) ?? 0);
  }
  return mergePairs(chars, {
    priority: (left, right) => merges.get(vocabById[left]! + " " + vocabById[right]!),
    merged(left, right) {
      const id = vocabByString.get(vocabById[left]! + vocabById[right]!); // no piece has a space (unit test)
      if (id === undefined) throw new Error(`merge of ${left} and ${right} is no piece`);
      return id;
    },
  });
}

/**
 * `text`'s ids, without BOS and without the dummy-prefix space. The ports run BPE over a whole
 * input at once, with an object per character and a string per candidate pair (in a Worker, tens of
 * MB of garbage per 100K tokens); we run their merges (./bpe-merge.ts) a word at a time, a word
 * ending where sentencePieceChunkEnds cuts. No vocabulary entry has "▁" after a non-"▁" character
 * (`hasOnlyLeadingSpaceMarks`, checked by wrapSentencePiece and a unit test), so no merge crosses
 * such a cut and the words' ids joined equal the port's on the whole input. Each distinct word is
 * merged once per call.
 */
export function encodeSentencePiece(library: SentencePieceLibrary, text: string): number[] {
  const ids: number[] = [];
  const words = new Map<string, number[]>();
  let start = 0;
  for (const end of sentencePieceChunkEnds(text, 1)) {
    const word = text.slice(start, end);
    let wordIds = words.get(word);
    if (!wordIds) words.set(word, (wordIds = encodeWord(library, word)));
    for (const id of wordIds) ids.push(id);
    start = end;
  }
  return ids;
}

/** `library` returns the current instance (./residency.ts: it may have been released and rebuilt). */
export function wrapSentencePiece(name: TokenizerName, library: () => SentencePieceLibrary): Tokenizer {
  if (!hasOnlyLeadingSpaceMarks(library().vocabById)) {
    throw new Error(`${name}: vocabulary has "▁" inside a piece; word-by-word encoding would not be exact`);
  }
  return {
    name,
    encode: (text) => (text.length === 0 ? [] : encodeSentencePiece(library(), text)),
    decode: (ids) => (ids.length === 0 ? "" : library().decode([...ids], false, false)),
  };
}
