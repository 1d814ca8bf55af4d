// Haystacks: a corpus tokenized once per (corpus version, tokenizer), plus the paper's trimming
// and needle-placement rules (paper protocol §1.3), shared by the fast and the naive builders.
import type { Corpus, Tokenizer, TokenizerName } from "../types";

/** A local tokenizer's name, or `endpoint-<fingerprint>` for an endpoint's own tokenizer. */
export type HaystackTokenizer = TokenizerName | `endpoint-${string}`;

export interface Haystack {
  readonly tokenizer: HaystackTokenizer;
  readonly corpusVersion: string;
  /** The corpus text; equal to decode(ids). */
  readonly text: string;
  readonly ids: readonly number[];
  /**
   * charStart[k] is where token k starts in `text` (charStart[ids.length] = text.length), or -1
   * when that token boundary falls inside a character (byte-level BPE can split a UTF-8 sequence).
   * With it the text of any token range is known without decoding.
   */
  readonly charStart: Int32Array;
  /** 1 where ids[k] is a sentence-end token (see isSentenceEndToken). */
  readonly sentenceEnd: Uint8Array;
}

// ---- sentence-end tokens ----

const sentenceEndMemo = new WeakMap<Tokenizer, Map<number, boolean>>();

/**
 * A token ends a sentence when its text is a lone "." after optional whitespace ("." or " .").
 * Derived from the tokenizer, never hard-coded: for LLaMA-2 this yields exactly the paper's
 * [29889, 869] and for Mistral its [842, 28723]; for cl100k_base it adds " ." to the paper's
 * encode(".") = [13]. Tokens such as ".\n" (cl100k) or "..." do not count, as in the paper.
 */
export function isSentenceEndToken(tokenizer: Tokenizer, id: number): boolean {
  let memo = sentenceEndMemo.get(tokenizer);
  if (!memo) sentenceEndMemo.set(tokenizer, (memo = new Map()));
  let result = memo.get(id);
  if (result === undefined) {
    result = /^\s*\.$/.test(tokenizer.decode([id]));
    memo.set(id, result);
  }
  return result;
}

// ---- tokenizing a corpus once ----

const MAX_TOKENS_PER_CHARACTER = 8; // a UTF-8 character spans at most 4 byte tokens; leave slack

/** Tokenizes `corpus` and records where every token starts in the text. Slow; use getHaystack. */
export function tokenizeHaystack(tokenizer: Tokenizer, corpus: Corpus): Haystack {
  const text = corpus.text;
  const ids = tokenizer.encode(text);
  const charStart = new Int32Array(ids.length + 1);
  const sentenceEnd = new Uint8Array(ids.length);
  const pieces = new Map<number, string>(); // decode memo: a corpus repeats few distinct ids

  let offset = 0;
  let k = 0;
  while (k < ids.length) {
    // One token usually decodes to exactly the next characters of the text. When it holds part
    // of a character, grow the group until the group decodes to whole characters.
    let size = 1;
    let piece = decodeOne(tokenizer, pieces, ids[k]!);
    while (!text.startsWith(piece, offset)) {
      size += 1;
      if (size > MAX_TOKENS_PER_CHARACTER || k + size > ids.length) {
        throw new Error(`${tokenizer.name}: tokens do not decode back to corpus "${corpus.id}" at character ${offset}`);
      }
      piece = tokenizer.decode(ids.slice(k, k + size));
    }
    charStart[k] = offset;
    for (let j = 1; j < size; j++) charStart[k + j] = -1;
    for (let j = 0; j < size; j++) sentenceEnd[k + j] = isSentenceEndToken(tokenizer, ids[k + j]!) ? 1 : 0;
    offset += piece.length;
    k += size;
  }
  if (offset !== text.length) {
    throw new Error(`${tokenizer.name}: tokens cover ${offset} of ${text.length} characters of corpus "${corpus.id}"`);
  }
  charStart[ids.length] = offset;
  return { tokenizer: tokenizer.name, corpusVersion: corpus.version, text, ids, charStart, sentenceEnd };
}

function decodeOne(tokenizer: Tokenizer, memo: Map<number, string>, id: number): string {
  let piece = memo.get(id);
  if (piece === undefined) memo.set(id, (piece = tokenizer.decode([id])));
  return piece;
}

const haystacks = new Map<string, Haystack>(); // per isolate

/** The haystack for (corpus.version, tokenizer), tokenized on first use and cached. */
export function getHaystack(tokenizer: Tokenizer, corpus: Corpus): Haystack {
  const key = `${tokenizer.name}\u0000${corpus.version}`;
  let haystack = haystacks.get(key);
  if (!haystack) {
    haystack = tokenizeHaystack(tokenizer, corpus);
    haystacks.set(key, haystack);
  }
  return haystack;
}

/** Puts a haystack loaded elsewhere (e.g. from the boundary cache) where getHaystack finds it. */
export function rememberHaystack(haystack: Haystack): void {
  haystacks.set(`${haystack.tokenizer}\u0000${haystack.corpusVersion}`, haystack);
}

export function isHaystackCached(tokenizer: TokenizerName, corpusVersion: string): boolean {
  return haystacks.has(`${tokenizer}\u0000${corpusVersion}`);
}

export function clearHaystackCache(): void {
  haystacks.clear();
}

/** decode(ids[start:end]) without decoding: a slice of the text, decoding only split characters. */
export function haystackText(haystack: Haystack, tokenizer: Tokenizer, start: number, end: number): string {
  if (start >= end) return "";
  const { charStart, ids, text } = haystack;
  let cleanStart = start;
  while (cleanStart < end && charStart[cleanStart]! < 0) cleanStart++;
  let cleanEnd = end;
  while (cleanEnd > cleanStart && charStart[cleanEnd]! < 0) cleanEnd--;
  if (cleanStart >= cleanEnd) return tokenizer.decode(ids.slice(start, end));
  // Decoding splits at character boundaries gives the same text as decoding the whole range.
  const head = cleanStart > start ? tokenizer.decode(ids.slice(start, cleanStart)) : "";
  const tail = end > cleanEnd ? tokenizer.decode(ids.slice(cleanEnd, end)) : "";
  return head + text.slice(charStart[cleanStart], charStart[cleanEnd]) + tail;
}

// ---- the paper's trimming and placement ----

export class NeedlePlacementError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NeedlePlacementError";
  }
}

export interface NeedlePlacement {
  /** Haystack tokens kept (a prefix of the corpus tokens). */
  contextTokens: number;
  /** Index in the kept tokens before which the needle goes (= contextTokens for depth 100). */
  insertionPoint: number;
}

/**
 * The paper's insert_needle on token counts:
 *  ctx = corpus[:L]; L' = L - buffer; if len(ctx) + len(needle) > L': ctx = ctx[:L' - len(needle)];
 *  depth 100: needle appended at the very end (no back-off, as in the paper);
 *  otherwise: ip = int(len(ctx) * (depth / 100)), moved back until the token before it ends a
 *  sentence. Unlike the paper we refuse, instead of silently degrading, when the corpus is too
 *  short to fill L' or when a depth > 0 would back off all the way to the start.
 */
export function planNeedlePlacement(args: {
  corpusTokens: number;
  needleTokens: number;
  contextLength: number;
  depthPercent: number;
  bufferTokens: number;
  isSentenceEndAt: (index: number) => boolean;
}): NeedlePlacement {
  const { corpusTokens, needleTokens, contextLength, depthPercent, bufferTokens, isSentenceEndAt } = args;
  if (!Number.isInteger(contextLength) || contextLength < 1) throw new RangeError(`bad context length ${contextLength}`);
  if (!(depthPercent >= 0 && depthPercent <= 100)) throw new RangeError(`depth percent must be in [0, 100], got ${depthPercent}`);
  const budget = contextLength - bufferTokens;
  if (budget - needleTokens < 1) {
    throw new NeedlePlacementError(`context length ${contextLength} leaves no room for the needle after the ${bufferTokens}-token buffer`);
  }

  let contextTokens = Math.min(corpusTokens, contextLength);
  if (contextTokens + needleTokens > budget) contextTokens = budget - needleTokens;
  if (contextTokens + needleTokens < budget) {
    throw new NeedlePlacementError(
      `corpus has ${corpusTokens} tokens, too few for context length ${contextLength} (needs ${budget - needleTokens})`,
    );
  }

  if (depthPercent === 100) return { contextTokens, insertionPoint: contextTokens };
  // Same float expression as the paper's int(len(tokens_context) * (depth_percent / 100)).
  let insertionPoint = Math.trunc(contextTokens * (depthPercent / 100));
  while (insertionPoint > 0 && !isSentenceEndAt(insertionPoint - 1)) insertionPoint--;
  if (depthPercent > 0 && insertionPoint === 0) {
    throw new NeedlePlacementError(
      `depth ${depthPercent}% at context length ${contextLength} has no sentence end before it; the needle would land at the start`,
    );
  }
  return { contextTokens, insertionPoint };
}
