// cl100k_base token helpers for the reference models.
// Special-token strings such as "<|im_start|>" are encoded as ordinary text: prompts are user
// data, and gpt-tokenizer would otherwise throw on them (its default disallows all specials).
import { countTokens, decode, encode } from "gpt-tokenizer/encoding/cl100k_base";
import cl100kRanks from "gpt-tokenizer/bpeRanks/cl100k_base";
import { decoder as sharedDecoder } from "gpt-tokenizer/BytePairEncodingCore";

const SPECIALS_AS_TEXT = { disallowedSpecial: new Set<string>() };

export function encodeTokens(text: string): number[] {
  return encode(text, SPECIALS_AS_TEXT);
}

/**
 * gpt-tokenizer decodes through one module-wide TextDecoder in streaming mode and never flushes it:
 * bytes of a character split at the end of one call would open the next call, anywhere in the
 * isolate (another request's text). Flushed before and after, as src/probes/tokenizers/tiktoken.ts
 * does, a split character at the end becomes U+FFFD and nothing leaks.
 */
export function decodeTokens(ids: readonly number[]): string {
  sharedDecoder.decode();
  return decode(ids) + sharedDecoder.decode();
}

export function countTextTokens(text: string): number {
  return countTokens(text, SPECIALS_AS_TEXT);
}

/** Text of the first `limit` tokens of `text` (all of it when shorter). */
export function firstTokens(text: string, limit: number): { text: string; truncated: boolean } {
  const ids = encodeTokens(text);
  if (ids.length <= limit) return { text, truncated: false };
  return { text: decodeTokens(ids.slice(0, limit)), truncated: true };
}

// Leading tokens of a tail slice that are discarded: the character cut may split a pre-token chunk
// (a word, a whitespace run), but BPE never merges across cl100k pre-token chunks, so every token
// after the cut chunk equals the full-text tokenization. (Only a single chunk longer than this
// margin, e.g. thousands of spaces in a row, could still differ near the window start.)
const CUT_MARGIN_TOKENS = 64;
// cl100k averages ~4-5 chars per token in English; 8 chars/token gives a comfortable first guess.
const FIRST_GUESS_CHARS_PER_TOKEN = 8;

/**
 * Text of the last `limit` tokens of `text`, as a short-window model would see it.
 * Only a tail slice of characters is tokenized (first guess `limit * 8` chars, doubled until it
 * holds `limit + 64` tokens or covers the whole text), so long texts are not re-tokenized in full.
 */
export function lastTokens(text: string, limit: number): string {
  let sliceChars = limit * FIRST_GUESS_CHARS_PER_TOKEN;
  for (;;) {
    const start = Math.max(0, text.length - sliceChars);
    const ids = encodeTokens(text.slice(start));
    if (start === 0) return ids.length <= limit ? text : decodeTokens(ids.slice(-limit));
    if (ids.length >= limit + CUT_MARGIN_TOKENS) return decodeTokens(ids.slice(-limit));
    sliceChars *= 2;
  }
}

const utf8 = new TextEncoder();

/** The bytes of one cl100k_base token (a token may hold part of a UTF-8 character). */
export function tokenBytes(id: number): Uint8Array {
  const entry = (cl100kRanks as readonly (string | readonly number[])[])[id];
  if (entry === undefined) throw new RangeError(`no cl100k_base token ${id}`);
  return typeof entry === "string" ? utf8.encode(entry) : Uint8Array.from(entry);
}

let byteChars: string[] | null = null;

/**
 * The vocabulary string of a token as a Hugging Face byte-level BPE tokenizer shows it
 * (convert_ids_to_tokens, vLLM's `token_strs`): GPT-2's bytes_to_unicode map, "Ġ" for a space.
 */
export function byteLevelTokenString(id: number): string {
  if (!byteChars) {
    const chars: string[] = [];
    const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
    let extra = 0;
    for (let b = 0; b < 256; b++) chars[b] = String.fromCodePoint(printable(b) ? b : 256 + extra++);
    byteChars = chars;
  }
  let out = "";
  for (const b of tokenBytes(id)) out += byteChars[b]!;
  return out;
}
