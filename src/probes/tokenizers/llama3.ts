// LLaMA-3's tokenizer: byte-level BPE by rank (./byte-bpe.ts) over the vocabulary generated from
// llama3-tokenizer-js (./data/llama3-vocab.ts, rebuilt by src/cli/generate/llama3-vocab.ts, which
// also checks that the package's merge list is exactly rank order). The package itself, built,
// held ~24 MB (a Map of 280K merge keys made by string concatenation, and the decoded vocabulary)
// and peaked ~80 MB above that while building; this holds ~8 MB. It is a dev dependency now, the
// oracle test/unit/probes/tokenizers/llama3-bpe.test.ts compares ids with.
import type { Tokenizer } from "../types";
import { ByteLevelBpe } from "./byte-bpe";
import { LLAMA3_MERGEABLE, LLAMA3_TOKEN_COUNT, LLAMA3_VOCAB_BASE64 } from "./data/llama3-vocab";

/**
 * LLaMA-3's pre-tokenizer pattern (tokenizer.json's Split, as llama3-tokenizer-js runs it: `(?i:…)`,
 * which JavaScript lacks, spelled out). It is tiktoken's original cl100k_base pattern; gpt-tokenizer's
 * cl100k regex is a later variant (`\s+$|\s*[\r\n]|…`), so it is not reused. JavaScript's \s includes
 * U+FEFF, unlike Python's and Rust's; the oracle shares that.
 */
export const LLAMA3_SPLIT = /'(?:[sS]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+/gu;

/** Tokens by id as binary strings, unpacked from the generated module. */
function llama3Tokens(): string[] {
  const packed = atob(LLAMA3_VOCAB_BASE64);
  const tokens: string[] = [];
  for (let offset = 0; offset < packed.length; ) {
    const length = packed.charCodeAt(offset);
    tokens.push(packed.slice(offset + 1, offset + 1 + length));
    offset += 1 + length;
  }
  if (tokens.length !== LLAMA3_TOKEN_COUNT) throw new Error(`llama3 vocabulary: ${tokens.length} tokens, expected ${LLAMA3_TOKEN_COUNT}`);
  return tokens;
}

/** A new LLaMA-3 encoder (~0.1 s); ids 128000+ (special tokens) are decoded but never produced. */
export function buildLlama3(): ByteLevelBpe {
  return new ByteLevelBpe(llama3Tokens(), LLAMA3_MERGEABLE, LLAMA3_SPLIT);
}

/**
 * No BOS/EOS; "<|begin_of_text|>"-like text is ordinary characters (our contract: no specials).
 * `encoder` returns the current instance (./residency.ts: it may have been released and rebuilt).
 */
export function wrapLlama3(encoder: () => ByteLevelBpe): Tokenizer {
  return {
    name: "llama3",
    encode: (text) => encoder().encode(text),
    decode: (ids) => encoder().decode(ids),
  };
}
