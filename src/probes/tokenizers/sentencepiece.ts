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

/** The part of llama-tokenizer-js / mistral-tokenizer-js we use. */
export interface SentencePieceLibrary {
  vocabById: string[];
  encode(text: string, addBosToken?: boolean, addPrecedingSpace?: boolean): number[];
  decode(ids: number[], addBosToken?: boolean, addPrecedingSpace?: boolean): string;
}

const SPACE_MARK = "\u2581"; // "▁", SentencePiece's visible space

/**
 * Both ports run BPE over the whole input with one object per character (memory grows with the
 * input, ~100 B/char). Long inputs are therefore encoded in chunks, cut just before a space that
 * follows a non-space. No vocabulary entry has "▁" after a non-"▁" character (checked by
 * `hasOnlyLeadingSpaceMarks`, and by a unit test), so no merge can cross such a cut and the chunked
 * result is identical to encoding the whole input at once.
 */
export const SENTENCEPIECE_CHUNK_CHARS = 4096;

export function hasOnlyLeadingSpaceMarks(vocab: readonly string[]): boolean {
  const markAfterOtherChar = new RegExp(`[^${SPACE_MARK}]${SPACE_MARK}`);
  return !vocab.some((piece) => markAfterOtherChar.test(piece));
}

/** Cut points (exclusive ends) for chunked encoding; the last one is text.length. */
export function sentencePieceChunkEnds(text: string, chunkChars = SENTENCEPIECE_CHUNK_CHARS): number[] {
  const ends: number[] = [];
  let start = 0;
  while (text.length - start > chunkChars) {
    let cut = text.indexOf(" ", start + chunkChars);
    while (cut !== -1 && text[cut - 1] === " ") cut = text.indexOf(" ", cut + 1);
    if (cut === -1) break;
    ends.push(cut);
    start = cut;
  }
  ends.push(text.length);
  return ends;
}

/** `text`'s ids, encoded a chunk at a time (cut where the tokenizer cuts anyway: sentencePieceChunkEnds). */
export function encodeInChunks(text: string, encodeWhole: (chunk: string) => number[]): number[] {
  if (text.length <= SENTENCEPIECE_CHUNK_CHARS) return encodeWhole(text);
  const ids: number[] = [];
  let start = 0;
  for (const end of sentencePieceChunkEnds(text)) {
    for (const id of encodeWhole(text.slice(start, end))) ids.push(id);
    start = end;
  }
  return ids;
}

/** `library` returns the current instance (./residency.ts: it may have been released and rebuilt). */
export function wrapSentencePiece(name: TokenizerName, library: () => SentencePieceLibrary): Tokenizer {
  if (!hasOnlyLeadingSpaceMarks(library().vocabById)) {
    throw new Error(`${name}: vocabulary has "▁" inside a piece; chunked encoding would not be exact`);
  }
  const encodeWhole = (text: string) => (text.length === 0 ? [] : library().encode(text, false, false));
  return {
    name,
    encode: (text) => encodeInChunks(text, encodeWhole),
    decode: (ids) => (ids.length === 0 ? "" : library().decode([...ids], false, false)),
  };
}
