// Adapter for llama3-tokenizer-js (LLaMA-3 byte-level BPE).
import type { Tokenizer } from "../types";
import { encodeInChunks } from "./sentencepiece";

/** The part of llama3-tokenizer-js we use. */
export interface Llama3Library {
  encode(text: string, options: { bos: boolean; eos: boolean; specialTokenRegex?: RegExp }): number[];
  decode(ids: number[]): string;
}

// The library maps "<|begin_of_text|>"-like text to special ids by default. A regex that never
// matches turns that off, so such text is encoded as ordinary characters (our contract: no specials).
const NEVER_MATCHES = /(?!)/g;

/**
 * The library splits its whole input into pre-tokens at once (two arrays of strings as long as the
 * text), so long inputs are encoded in chunks, cut just before a space that follows a non-space
 * (sentencePieceChunkEnds). Such a cut is always a pre-token boundary: in LLaMA-3's split pattern a
 * space can only open a pre-token or sit in a whitespace-only one, never follow another character
 * inside one; and BPE works within one pre-token. So the chunked ids equal the whole input's.
 * `library` returns the current instance (./residency.ts: it may have been released and rebuilt).
 */
export function wrapLlama3(library: () => Llama3Library): Tokenizer {
  const encodeWhole = (text: string) => library().encode(text, { bos: false, eos: false, specialTokenRegex: NEVER_MATCHES });
  return {
    name: "llama3",
    encode: (text) => encodeInChunks(text, encodeWhole),
    decode: (ids) => library().decode([...ids]),
  };
}
