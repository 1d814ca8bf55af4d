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

function isSurrogatePairAt(text: string, i: number): boolean {
  const lead = text.charCodeAt(i);
  const trail = text.charCodeAt(i + 1);
  return lead >= 0xd800 && lead <= 0xdbff && trail >= 0xdc00 && trail <= 0xdfff;
}

/** The ranks of `piece` (a binary string, every single byte a token) after merging by rank. */
export function mergeByRank(piece: string, rankOf: (bytes: string) => number | undefined): number[] {
  const bytes = Array.from({ length: piece.length }, (_, i) => rankOf(piece[i]!)!);
  return mergePairs(bytes, { priority: (_left, _right, start, end) => rankOf(piece.slice(start, end)), merged: (_left, _right, rank) => rank });
}

/** A byte-level BPE tokenizer over `tokens` (binary strings by id); ids below `mergeable` are ranks. */
export class ByteLevelBpe {
  private readonly rankOf = new Map<string, number>();
  /** `split` anchored where it starts (test() makes no match array; matchAll's were ~75 MB per book). */
  private readonly anchored: RegExp;

  constructor(
    private readonly tokens: readonly string[],
    mergeable: number,
    private readonly split: RegExp,
  ) {
    if (!split.global) throw new Error("the split regex needs the g flag");
    this.anchored = new RegExp(split.source, split.flags.replace("g", "") + "y");
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
    this.eachPretoken(text, push);
    return ids;
  }

  /**
   * Calls `visit` with the pre-tokens of `text` as matchAll(split) yields them, plus the text it
   * skips; a match at the end of the previous one (nearly always) is found by the anchored regex.
   */
  private eachPretoken(text: string, visit: (pretoken: string) => void): void {
    const { anchored, split } = this;
    let end = 0; // text visited so far
    let from = 0; // where matchAll would search next (past an empty match, one character further)
    while (from <= text.length) {
      let start: number;
      anchored.lastIndex = from;
      if (from === end && anchored.test(text)) start = from;
      else {
        split.lastIndex = from;
        const match = split.exec(text);
        if (!match) break;
        start = match.index;
        anchored.lastIndex = start + match[0].length;
      }
      const stop = anchored.lastIndex;
      if (start > end) visit(text.slice(end, start)); // text the regex skipped, as the reference does
      if (stop > start) visit(text.slice(start, stop));
      end = stop;
      from = stop > start ? stop : stop + (split.unicode && isSurrogatePairAt(text, stop) ? 2 : 1);
    }
    if (end < text.length) visit(text.slice(end));
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
