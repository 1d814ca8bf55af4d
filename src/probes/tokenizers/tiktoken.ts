// Adapter for gpt-tokenizer's byte-level BPE encodings (cl100k_base, o200k_base).
import type { Tokenizer, TokenizerName } from "../types";

/** The part of a gpt-tokenizer encoding module (`gpt-tokenizer/encoding/<name>`) we use. */
export interface GptEncodingModule {
  encode(text: string, options?: { disallowedSpecial?: Set<string> }): number[];
  decode(ids: Iterable<number>): string;
}

// gpt-tokenizer throws on special-token text such as "<|im_start|>" or "<|endoftext|>" by default.
// An empty disallowed set (and no allowed set) makes it encode that text as ordinary characters,
// which is what the paper's prompt needs: "<|im_start|>" is plain text there.
const SPECIAL_TOKEN_TEXT_IS_PLAIN = { disallowedSpecial: new Set<string>() };

/**
 * gpt-tokenizer 4.0.0 decodes through one module-wide TextDecoder in streaming mode and never
 * flushes it: bytes of a character split at the end of one decode() call are held back and leak
 * into the next call. `sharedDecoder` is that TextDecoder (exported by
 * gpt-tokenizer/BytePairEncodingCore); we flush it before (dropping anything another caller left)
 * and after each call, so a split character at the end becomes U+FFFD as in tiktoken.
 * Left as is: inside one call, a split character followed by a token the library keeps as a string
 * is emitted after that token. Only malformed id sequences (a character cut in the middle of the
 * list) can trigger it.
 * `encoding` returns the current instance (see ./residency.ts: it may have been released and rebuilt).
 */
export function wrapGptEncoding(name: TokenizerName, encoding: () => GptEncodingModule, sharedDecoder: TextDecoder): Tokenizer {
  return {
    name,
    encode: (text) => encoding().encode(text, SPECIAL_TOKEN_TEXT_IS_PLAIN),
    decode(ids) {
      sharedDecoder.decode();
      return encoding().decode(ids) + sharedDecoder.decode();
    },
  };
}
