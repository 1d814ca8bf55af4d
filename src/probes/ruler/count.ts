// Exact token counts of a prompt assembled from pieces, without encoding the prompt.
//
// RULER sizes each haystack by binary search, re-tokenizing the whole prompt at every step. We count
// instead: a prompt is a list of pieces (short strings, and slices of a corpus whose tokenization is
// cached: ../needle/haystack.ts), and it splits at *hard cuts* — positions before a space that follows
// a non-space character. No token of any of our tokenizers spans such a cut (tiktoken-style
// pre-tokenizers start a new pre-token at " " after a non-space; the SentencePiece ports have no piece
// with "▁" after another character, see ../tokenizers/sentencepiece.ts), so the tokens of the whole
// text are the tokens of its chunks between cuts, each counted once (memoized: RULER's haystacks
// repeat the same few words) — and inside a corpus slice, between two cuts, simply its token count.
// test/unit/probes/ruler/count.test.ts checks the rule against encode() in all five tokenizers.
import type { Haystack } from "../needle/haystack";
import type { Tokenizer } from "../types";

/** Tokens [start, end) of a cached corpus tokenization; both ends on whole characters (charStart ≥ 0). */
export interface CorpusSlice {
  haystack: Haystack;
  start: number;
  end: number;
}

export type Piece = string | CorpusSlice;

/**
 * Entries per memo before it starts afresh: ~100K short strings are a few MB, within a Worker
 * isolate's budget (a distractor-needle haystack adds ~15K fresh ones per 128K prompt).
 */
const MEMO_LIMIT = 100_000;
/** What countMany batches: one leading space, then printable ASCII without spaces. */
const BATCHABLE = /^ [!-~]+$/;

function isSpaceChar(ch: string | undefined): boolean {
  if (ch === undefined || ch === "") return true; // the start of the text: no cut there
  const code = ch.charCodeAt(0);
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return /\s/.test(ch);
}

export function sliceText(slice: CorpusSlice): string {
  const { charStart, text } = slice.haystack;
  return text.slice(charStart[slice.start], charStart[slice.end]);
}

/** Where a string piece's own hard cuts are (those at index ≥ 1; index 0 depends on what precedes it). */
interface PieceCuts {
  /** Text before the first own cut (the whole piece when it has none). */
  head: string;
  /** Tokens between the first and last own cut. */
  inner: number;
  /** Text from the last own cut; null when the piece has no own cut. */
  tail: string | null;
}

export class TokenCounter {
  private readonly memo = new Map<string, number>();
  private readonly cuts = new Map<string, PieceCuts>();
  constructor(readonly tokenizer: Tokenizer) {}

  /** Tokens of a short text, memoized. */
  count(text: string): number {
    if (text === "") return 0;
    let n = this.memo.get(text);
    if (n === undefined) {
      if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
      n = this.tokenizer.encode(text).length;
      this.memo.set(text, n);
    }
    return n;
  }

  /**
   * Counts many short texts of the form " word" (ASCII, one leading space, no other whitespace) in
   * one encode: joined after a non-space they are separated by hard cuts, so every token of the
   * joined text lies in one of them; each token's own text says which. A tokenizer call per word
   * costs more than the word (RULER draws thousands of fresh words per prompt). Falls back to
   * counting one by one if the tokens do not spell the text.
   */
  countMany(texts: readonly string[]): void {
    const missing = [...new Set(texts)].filter((t) => !this.memo.has(t) && BATCHABLE.test(t));
    if (missing.length < 8) return;
    const joined = "x" + missing.join("");
    let at = 0;
    let text = -1; // index into missing; -1 is the leading "x"
    let end = 1;
    const counts = new Array<number>(missing.length).fill(0);
    for (const id of this.tokenizer.encode(joined)) {
      while (at >= end && text + 1 < missing.length) end += missing[++text]!.length;
      if (text >= 0) counts[text]! += 1;
      at += this.pieceOf(id).length;
      if (at > end) return; // a token across two texts: not the case this relies on, so count lazily instead
    }
    if (at !== joined.length || counts.some((c) => c === 0)) return; // not spelled exactly: count lazily instead
    if (this.memo.size + missing.length >= MEMO_LIMIT) this.memo.clear();
    missing.forEach((t, i) => this.memo.set(t, counts[i]!));
  }

  private readonly pieces = new Map<number, string>();
  private pieceOf(id: number): string {
    let piece = this.pieces.get(id);
    if (piece === undefined) this.pieces.set(id, (piece = this.tokenizer.decode([id])));
    return piece;
  }

  private cutsOf(piece: string): PieceCuts {
    let cuts = this.cuts.get(piece);
    if (!cuts) {
      const at: number[] = [];
      for (let i = piece.indexOf(" ", 1); i !== -1; i = piece.indexOf(" ", i + 1)) if (!isSpaceChar(piece[i - 1])) at.push(i);
      let inner = 0;
      for (let j = 1; j < at.length; j++) inner += this.count(piece.slice(at[j - 1], at[j]));
      cuts = at.length ? { head: piece.slice(0, at[0]), inner, tail: piece.slice(at.at(-1)) } : { head: piece, inner: 0, tail: null };
      if (this.cuts.size >= MEMO_LIMIT) this.cuts.clear();
      this.cuts.set(piece, cuts);
    }
    return cuts;
  }

  /** Exact tokens of the pieces joined, as encode(join(pieces)).length would give. */
  total(pieces: readonly Piece[]): number {
    let total = 0;
    let pending = "";
    let prev = "";
    for (const piece of pieces) {
      if (typeof piece === "string") {
        if (piece === "") continue;
        if (piece.charCodeAt(0) === 32 && !isSpaceChar(prev)) {
          total += this.count(pending);
          pending = "";
        }
        const { head, inner, tail } = this.cutsOf(piece);
        if (tail === null) {
          pending = pending === "" ? head : pending + head;
        } else {
          total += this.count(pending === "" ? head : pending + head) + inner;
          pending = tail;
        }
        prev = piece[piece.length - 1]!;
        continue;
      }
      const { first, last } = sliceCuts(piece, prev);
      const { charStart, text } = piece.haystack;
      if (first === -1) {
        pending += sliceText(piece);
      } else {
        total += this.count(pending + text.slice(charStart[piece.start], charStart[first])) + (last - first);
        pending = text.slice(charStart[last], charStart[piece.end]);
      }
      if (piece.end > piece.start) prev = text[charStart[piece.end]! - 1]!;
    }
    return total + this.count(pending);
  }
}

/** The first and last hard cut at a token boundary inside a slice (-1 when there is none). */
function sliceCuts(slice: CorpusSlice, prev: string): { first: number; last: number } {
  const { charStart, text } = slice.haystack;
  const isCut = (k: number) => {
    const at = charStart[k]!;
    return at >= 0 && text[at] === " " && !isSpaceChar(k === slice.start ? prev : text[at - 1]);
  };
  let first = -1;
  for (let k = slice.start; k < slice.end; k++) {
    if (isCut(k)) {
      first = k;
      break;
    }
  }
  if (first === -1) return { first, last: -1 };
  let last = first;
  for (let k = slice.end - 1; k > first; k--) {
    if (isCut(k)) {
      last = k;
      break;
    }
  }
  return { first, last };
}

const counters = new WeakMap<Tokenizer, TokenCounter>();

/** The isolate's counter for a tokenizer (its memo outlives a probe: haystacks repeat their words). */
export function counterFor(tokenizer: Tokenizer): TokenCounter {
  let counter = counters.get(tokenizer);
  if (!counter) counters.set(tokenizer, (counter = new TokenCounter(tokenizer)));
  return counter;
}

export function piecesText(pieces: readonly Piece[]): string {
  let out = "";
  for (const piece of pieces) out += typeof piece === "string" ? piece : sliceText(piece);
  return out;
}
