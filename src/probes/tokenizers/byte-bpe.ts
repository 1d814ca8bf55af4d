// Byte-level BPE by rank, as tiktoken runs it: the text is split into pre-tokens by a regex; a
// pre-token that is a token is that token; otherwise its UTF-8 bytes start as one token each and the
// adjacent pair whose concatenation has the lowest rank (leftmost among equals) is merged until no
// pair is a token. Tokens are held as binary strings (one char per byte, 0–255) so one Map finds
// any byte sequence, valid UTF-8 or not. Built from a vocabulary this takes ~8 MB of heap for
// LLaMA-3's 128K tokens; merging uses a heap, so a long pre-token (a run of CJK letters is one)
// costs n log n, not n².

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

/** Min-heap of numbers (rank · 2³² + position, so lower rank first, then leftmost). */
class MinHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(value: number): void {
    const items = this.items;
    let i = items.push(value) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]! <= value) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = value;
  }

  pop(): number {
    const items = this.items;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length === 0) return top;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= items.length) break;
      if (child + 1 < items.length && items[child + 1]! < items[child]!) child++;
      if (items[child]! >= last) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

const POSITION = 2 ** 32;
const NO_PAIR = -1;

/**
 * The ranks of `piece` (a binary string of 2+ bytes, every single byte a token) after merging.
 * Parts are kept as a linked list of start offsets; pairRank[start] is the rank of the pair that
 * begins there (NO_PAIR if none), so a heap entry whose rank no longer matches is stale.
 */
export function mergeByRank(piece: string, rankOf: (bytes: string) => number | undefined): number[] {
  const n = piece.length;
  const next = new Int32Array(n + 1);
  const prev = new Int32Array(n + 1);
  const token = new Int32Array(n);
  const pairRank = new Int32Array(n).fill(NO_PAIR);
  const heap = new MinHeap();
  const rate = (start: number) => {
    const end = next[next[start]!]!;
    const rank = next[start]! < n ? rankOf(piece.slice(start, end)) : undefined;
    pairRank[start] = rank ?? NO_PAIR;
    if (rank !== undefined) heap.push(rank * POSITION + start);
  };
  for (let i = 0; i <= n; i++) [next[i], prev[i]] = [i + 1, i - 1];
  for (let i = 0; i < n; i++) token[i] = rankOf(piece[i]!)!;
  for (let i = 0; i < n - 1; i++) rate(i);
  while (heap.size > 0) {
    const key = heap.pop();
    const rank = Math.floor(key / POSITION);
    const start = key - rank * POSITION;
    if (pairRank[start] !== rank) continue;
    const right = next[start]!;
    next[start] = next[right]!;
    prev[next[right]!] = start;
    pairRank[right] = NO_PAIR;
    token[start] = rank;
    rate(start);
    if (start > 0) rate(prev[start]!);
  }
  const ids: number[] = [];
  for (let start = 0; start < n; start = next[start]!) ids.push(token[start]!);
  return ids;
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
