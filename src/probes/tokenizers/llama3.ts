// Adapter for llama3-tokenizer-js (LLaMA-3 byte-level BPE).
import type { Tokenizer } from "../types";

/** The part of llama3-tokenizer-js we use. */
export interface Llama3Library {
  encode(text: string, options: { bos: boolean; eos: boolean; specialTokenRegex?: RegExp }): number[];
  decode(ids: number[]): string;
}

// The library maps "<|begin_of_text|>"-like text to special ids by default. A regex that never
// matches turns that off, so such text is encoded as ordinary characters (our contract: no specials).
const NEVER_MATCHES = /(?!)/g;

/** `library` returns the current instance (./residency.ts: it may have been released and rebuilt). */
export function wrapLlama3(library: () => Llama3Library): Tokenizer {
  return {
    name: "llama3",
    encode: (text) => library().encode(text, { bos: false, eos: false, specialTokenRegex: NEVER_MATCHES }),
    decode: (ids) => library().decode([...ids]),
  };
}
