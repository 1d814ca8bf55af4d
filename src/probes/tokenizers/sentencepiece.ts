// Adapter for the SentencePiece-BPE ports llama-tokenizer-js (LLaMA-1/2) and mistral-tokenizer-js.
//
// Leading space: SentencePiece normally prepends a "dummy prefix" space ("Hello" -> "▁Hello") and
// the JS ports do so by default, together with BOS. We call them with BOS off and the dummy prefix
// off, so encode("Hello") = ["Hello"], encode(" Hello") = ["▁Hello"], and decode is the exact
// inverse (decode(encode(t)) === t). This keeps counting consistent under concatenation: the tokens
// of a + b equal tokens(a) ++ tokens(b) whenever the seam is before a space (see below), so slices of
// one big tokenization can be reassembled. A real LLaMA server adds BOS plus the dummy prefix to
// the whole prompt, so its count can exceed ours by 1 (BOS) plus at most 1 at the prompt's start.
import type { Tokenizer, TokenizerName } from "../types";
import { mergePairs, type PairTable } from "./bpe-merge";

/** The part of llama-tokenizer-js / mistral-tokenizer-js we use: their built vocabulary and merges. */
export interface SentencePieceLibrary {
  vocabById: string[];
  vocabByString: Map<string, number>;
  /** "left right" (the two pieces, a space between) → priority, lower merges first. */
  merges: Map<string, number>;
}

const SPACE_MARK = "\u2581"; // "▁", SentencePiece's visible space

/** The least chunk length sentencePieceChunkEnds cuts at by default. */
export const SENTENCEPIECE_CHUNK_CHARS = 4096;

export function hasOnlyLeadingSpaceMarks(vocab: readonly string[]): boolean {
  const markAfterOtherChar = new RegExp(`[^${SPACE_MARK}]${SPACE_MARK}`);
  return !vocab.some((piece) => markAfterOtherChar.test(piece));
}

/** Calls `visit(start, end)` for each chunk sentencePieceChunkEnds describes, without building the array. */
function forEachChunk(text: string, chunkChars: number, visit: (start: number, end: number) => void): void {
  let start = 0;
  while (text.length - start > chunkChars) {
    let cut = text.indexOf(" ", start + chunkChars);
    while (cut !== -1 && (text[cut - 1] === " " || text[cut - 1] === SPACE_MARK)) cut = text.indexOf(" ", cut + 1);
    if (cut === -1) break;
    visit(start, cut);
    start = cut;
  }
  visit(start, text.length);
}

/**
 * Cut points (exclusive ends) before a space that follows neither a space nor a "▁" (the text's own
 * "▁" is a space to the ports too), chunks at least `chunkChars` long; the last one is text.length.
 */
export function sentencePieceChunkEnds(text: string, chunkChars = SENTENCEPIECE_CHUNK_CHARS): number[] {
  const ends: number[] = [];
  forEachChunk(text, chunkChars, (_start, end) => ends.push(end));
  return ends;
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8");
const byteToken = (byte: number) => `<0x${byte.toString(16).toUpperCase().padStart(2, "0")}>`;

/**
 * A library's merges by id pair instead of by "left right" string (the ports' key: a string built
 * per candidate pair, ~30 MB of garbage per 128K-token prompt), and each piece's UTF-8 bytes as the
 * ports' decode computes them. Built once per library instance; the typed arrays live off the heap.
 */
interface SentencePieceTables {
  /** left · PAIR_BASE + right → index into priority / merged */
  pairs: Map<number, number>;
  priority: Int32Array;
  /** the merged piece's id, -1 when the concatenation is no piece */
  merged: Int32Array;
  /** piece `id`'s bytes are bytes[byteStart[id] … byteStart[id + 1]) */
  bytes: Uint8Array;
  byteStart: Int32Array;
  /** A BMP character's piece id by UTF-16 code unit: UNSEEN until looked up, NO_PIECE if it has none. */
  charIds: Int32Array;
  /** The merge rules as bpe-merge.ts asks for them. */
  table: PairTable;
}

const UNSEEN = -2;
const NO_PIECE = -1;

const PAIR_BASE = 32768; // ≥ vocabulary size, so that a pair key stays a small integer
const tables = new WeakMap<SentencePieceLibrary, SentencePieceTables>();

function pairTables(library: SentencePieceLibrary): Pick<SentencePieceTables, "pairs" | "priority" | "merged"> {
  const { vocabByString, merges } = library;
  const pairs = new Map<number, number>();
  const priority = new Int32Array(merges.size);
  const merged = new Int32Array(merges.size);
  let j = 0;
  for (const [key, rank] of merges) {
    const space = key.indexOf(" "); // no piece has a space (unit test), so this is the pair's seam
    const left = vocabByString.get(key.slice(0, space));
    const right = vocabByString.get(key.slice(space + 1));
    if (left === undefined || right === undefined) continue; // a pair no encode can meet
    pairs.set(left * PAIR_BASE + right, j);
    priority[j] = rank;
    merged[j++] = vocabByString.get(key.slice(0, space) + key.slice(space + 1)) ?? -1;
  }
  return { pairs, priority, merged };
}

/** The ports' decode of one piece: "<0x..>" is that byte (parseInt, kept mod 256 as their Uint8Array does), else its UTF-8. */
function pieceBytes(vocabById: readonly string[]): Pick<SentencePieceTables, "bytes" | "byteStart"> {
  const byteStart = new Int32Array(vocabById.length + 1);
  const encoded = vocabById.map((piece) => (piece.startsWith("<0x") && piece.endsWith(">") ? Uint8Array.of(parseInt(piece.replace(/<0x|>/g, ""), 16) & 0xff) : utf8.encode(piece)));
  encoded.forEach((b, id) => (byteStart[id + 1] = byteStart[id]! + b.length));
  const bytes = new Uint8Array(byteStart[vocabById.length]!);
  encoded.forEach((b, id) => bytes.set(b, byteStart[id]!));
  return { bytes, byteStart };
}

function tablesOf(library: SentencePieceLibrary): SentencePieceTables {
  let built = tables.get(library);
  if (!built) {
    if (library.vocabById.length > PAIR_BASE) throw new Error(`vocabulary of ${library.vocabById.length} pieces is over ${PAIR_BASE}`);
    const pairs = pairTables(library);
    const charIds = new Int32Array(0x10000).fill(UNSEEN);
    tables.set(library, (built = { ...pairs, ...pieceBytes(library.vocabById), charIds, table: mergeRules(pairs) }));
  }
  return built;
}

/** Drops the tables built for `library` (an instance being released; see ./residency.ts). */
export function forgetSentencePieceTables(library: SentencePieceLibrary): void {
  tables.delete(library);
}

function mergeRules({ pairs, priority, merged }: Pick<SentencePieceTables, "pairs" | "priority" | "merged">): PairTable {
  return {
    priority(left, right) {
      const j = pairs.get(left * PAIR_BASE + right);
      return j === undefined ? undefined : priority[j];
    },
    merged(left, right) {
      const id = merged[pairs.get(left * PAIR_BASE + right)!]!;
      if (id < 0) throw new Error(`merge of ${left} and ${right} is no piece`);
      return id;
    },
  };
}

/** The piece of one character (" " is "▁"), else NO_PIECE. */
function charPiece(library: SentencePieceLibrary, char: string): number {
  return library.vocabByString.get(char === " " ? SPACE_MARK : char) ?? NO_PIECE;
}

/** A word's ids as the ports compute them: a piece per character (else its UTF-8 byte pieces, else 0), then their merges. */
function encodeWord(library: SentencePieceLibrary, { charIds, table }: SentencePieceTables, word: string): number[] {
  const chars: number[] = [];
  for (let i = 0; i < word.length; ) {
    const unit = word.charCodeAt(i);
    const width = word.codePointAt(i)! > 0xffff ? 2 : 1; // a lone surrogate is one character, as for..of has it
    // BMP characters (the common case) by code unit from a table, instead of a string and a lookup each.
    let id = width === 1 ? charIds[unit]! : UNSEEN;
    if (id === UNSEEN) {
      id = charPiece(library, word.slice(i, i + width));
      if (width === 1) charIds[unit] = id;
    }
    if (id !== NO_PIECE) chars.push(id);
    else for (const byte of utf8.encode(word.slice(i, i + width))) chars.push(library.vocabByString.get(byteToken(byte)) ?? 0);
    i += width;
  }
  return mergePairs(chars, table);
}

/**
 * `text`'s ids, without BOS and without the dummy-prefix space. The ports run BPE over a whole
 * input at once, with an object per character and a string per candidate pair (in a Worker, tens of
 * MB of garbage per 100K tokens); we run their merges (./bpe-merge.ts) a word at a time, a word
 * ending where sentencePieceChunkEnds cuts. No vocabulary entry has "▁" after a non-"▁" character
 * (`hasOnlyLeadingSpaceMarks`, checked by wrapSentencePiece and a unit test), so no merge crosses
 * such a cut and the words' ids joined equal the port's on the whole input. Each distinct word is
 * merged once per call.
 */
export function encodeSentencePiece(library: SentencePieceLibrary, text: string): number[] {
  const built = tablesOf(library);
  const ids: number[] = [];
  const words = new Map<string, number[]>();
  forEachChunk(text, 1, (start, end) => {
    const word = text.slice(start, end);
    let wordIds = words.get(word);
    if (!wordIds) words.set(word, (wordIds = encodeWord(library, built, word)));
    for (const id of wordIds) ids.push(id);
  });
  return ids;
}

/**
 * The ports' decode(ids, false, false) without their array of one number per byte and Uint8Array
 * per token: the pieces' bytes are copied into one buffer, decoded (U+FFFD for bad UTF-8, as theirs)
 * and every "▁" becomes a space.
 */
export function decodeSentencePiece(library: SentencePieceLibrary, ids: readonly number[]): string {
  const { bytes, byteStart } = tablesOf(library);
  let total = 0;
  for (const id of ids) {
    if (!(id >= 0 && id < byteStart.length - 1)) throw new RangeError(`token id ${id} is not in the vocabulary`);
    total += byteStart[id + 1]! - byteStart[id]!;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const id of ids) for (let b = byteStart[id]!, end = byteStart[id + 1]!; b < end; b++) out[at++] = bytes[b]!;
  return utf8Decoder.decode(out).replaceAll(SPACE_MARK, " ");
}

/** `library` returns the current instance (./residency.ts: it may have been released and rebuilt). */
export function wrapSentencePiece(name: TokenizerName, library: () => SentencePieceLibrary): Tokenizer {
  if (!hasOnlyLeadingSpaceMarks(library().vocabById)) {
    throw new Error(`${name}: vocabulary has "▁" inside a piece; word-by-word encoding would not be exact`);
  }
  return {
    name,
    encode: (text) => (text.length === 0 ? [] : encodeSentencePiece(library(), text)),
    decode: (ids) => (ids.length === 0 ? "" : decodeSentencePiece(library(), ids)),
  };
}
