// Byte-level BPE by rank, as tiktoken runs it: the text is split into pre-tokens by a regex; a
// pre-token that is a token is that token; otherwise its UTF-8 bytes start as one token each and the
// adjacent pair whose concatenation has the lowest rank (leftmost among equals) is merged until no
// pair is a token (./bpe-merge.ts, n log n: a run of CJK letters is one long pre-token). Tokens are
// held as binary strings (one char per byte, 0–255) so one Map finds any byte sequence, valid UTF-8
// or not. Built from a vocabulary this takes ~8 MB of heap for LLaMA-3's 128K tokens.
import { mergePairs } from "./bpe-merge";

const utf8Encoder = new TextEncoder();
// ignoreBOM: a leading U+FEFF is text like any other (the default decoder would drop it).
const utf8Decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

/** `text`'s UTF-8 bytes as a binary string (ASCII text is its own). */
export function binaryOf(text: string): string {
  let ascii = true;
  for (let i = 0; i < text.length && ascii; i++) ascii = text.charCodeAt(i) < 0x80;
  if (ascii) return text;
  const bytes = utf8Encoder.encode(text); // a lone surrogate becomes U+FFFD's bytes
  let binary = "";
  for (let i = 0; i < bytes.length; i += 8192) binary += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return binary;
}

/** The ranks of `piece` (a binary string, every single byte a token) after merging by rank. */
export function mergeByRank(piece: string, rankOf: (bytes: string) => number | undefined): number[] {
  const bytes = Array.from({ length: piece.length }, (_, i) => rankOf(piece[i]!)!);
  return mergePairs(bytes, { priority: (_left, _right, start, end) => rankOf(piece.slice(start, end)), merged: (_left, _right, rank) => rank });
}

/** A byte-level BPE tokenizer over `tokens` (binary strings by id); ids below `mergeable` are ranks. */
export class ByteLevelBpe {
  private readonly rankOf = new Map<string, number>();

  constructor(
    private readonly tokens: readonly string[],
    mergeable: number,
    private readonly split: RegExp,
  ) {
    if (!split.global) throw new Error("the split regex needs the g flag");
    for (let id = 0; id < mergeable; id++) this.rankOf.set(tokens[id]!, id);
    for (let byte = 0; byte < 256; byte++) {
      if (!this.rankOf.has(String.fromCharCode(byte))) throw new Error(`byte ${byte} is no token`);
    }
  }

  /** Ids of `text`; special-token text is ordinary text (the split regex decides pre-tokens only). */
  encode(text: string): number[] {
    const ids: number[] = [];
    const merged = new Map<string, number[]>(); // pre-tokens merged in this call
    const rank = (bytes: string) => this.rankOf.get(bytes);
    const push = (pretoken: string) => {
      const bytes = binaryOf(pretoken);
      const whole = rank(bytes);
      if (whole !== undefined) return void ids.push(whole);
      let parts = merged.get(bytes);
      if (!parts) merged.set(bytes, (parts = mergeByRank(bytes, rank)));
      for (const id of parts) ids.push(id);
    };
    let end = 0;
    for (const match of text.matchAll(this.split)) {
      if (match.index > end) push(text.slice(end, match.index)); // text the regex skipped, as the reference does
      if (match[0].length > 0) push(match[0]);
      end = match.index + match[0].length;
    }
    if (end < text.length) push(text.slice(end));
    return ids;
  }

  /** Text of `ids` (bytes that are not UTF-8 become U+FFFD); throws RangeError for an unknown id. */
  decode(ids: readonly number[]): string {
    const parts = ids.map((id) => {
      const token = this.tokens[id];
      if (token === undefined) throw new RangeError(`token id ${id} is not in the vocabulary`);
      return token;
    });
    const bytes = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
    let offset = 0;
    for (const part of parts) for (let i = 0; i < part.length; i++) bytes[offset++] = part.charCodeAt(i);
    return utf8Decoder.decode(bytes);
  }
}
