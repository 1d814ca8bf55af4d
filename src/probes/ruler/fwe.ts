// Frequent words extraction (freq_words_extraction.py): a vocabulary of (L − 50) / 50 random 6-letter
// coded words, the top-ranked one replaced by "...", each repeated int(N · k^−α / ζ(α)) times (Zipf,
// α = 2), shuffled into one line; the answer is ranks 2–4, the three most frequent real words.
import type { Piece } from "./count";
import { lastOfShuffle, LOWER, shuffleInPlace, type Random } from "./draws";
import { fill, FWE_ARGS, splitTemplate, TEMPLATES } from "./protocol";
import { fitLayout, streamOf, type GenContext, type SampleKey, type TaskPrompt } from "./task";

/** ζ(2) = π² / 6 (scipy.special.zeta(2.0)). */
const ZETA_2 = (Math.PI * Math.PI) / 6;

function zeta(alpha: number): number {
  if (alpha === 2) return ZETA_2;
  let sum = 0;
  for (let k = 1; k < 1_000_000; k++) sum += k ** -alpha;
  return sum;
}

/**
 * A coded word as a number in base 26, drawn as randomLetters(random, LOWER, length) draws its
 * letters (first letter most significant): equal-length words sort as their codes do.
 */
function randomCode(random: Random, length: number): number {
  let code = 0;
  for (let i = 0; i < length; i++) code = code * LOWER.length + Math.floor(random() * LOWER.length);
  return code;
}

function wordOf(code: number, length: number): string {
  let word = "";
  for (let i = 0; i < length; i++, code = Math.floor(code / LOWER.length)) word = LOWER[code % LOWER.length]! + word;
  return word;
}

/**
 * The first `size` distinct codes drawn, sorted. Usually the first `size` draws are all distinct
 * (two equal in ~1 % of 128K vocabularies): then a sort is all it takes, without a set of them.
 */
function distinctCodes(random: Random, size: number, length: number): Int32Array {
  const drawn = new Int32Array(size);
  for (let i = 0; i < size; i++) drawn[i] = randomCode(random, length);
  const sorted = drawn.slice().sort();
  if (sorted.every((code, i) => i === 0 || code !== sorted[i - 1])) return sorted;
  const codes = new Set(drawn);
  while (codes.size < size) codes.add(randomCode(random, length));
  return Int32Array.from(codes).sort();
}

/** The shuffled vocabulary; `word(rank)` spells rank `rank` (0-based; rank 0 is the "..." noise). */
export interface FweVocabulary {
  size: number;
  word(rank: number): string;
}

/**
 * The vocabulary: distinct coded words, sorted, then shuffled; the top rank becomes the "..." noise.
 * Drawn, sorted and shuffled as numbers (the same draws, order and permutation as the words'), and
 * spelled on demand: at 128K only the top ~200 of its ~2,600 words ever appear.
 */
export function fweVocabulary(key: SampleKey, budget: number): FweVocabulary {
  const size = Math.floor(budget / 50);
  const length = FWE_ARGS.coded_wordlen; // 26^6 < 2^31: codes fit an Int32Array
  const random = streamOf(key, "vocabulary");
  const order = shuffleInPlace(distinctCodes(random, size, length), streamOf(key, "vocabulary-order"));
  const words: string[] = [];
  return { size, word: (rank) => (words[rank] ??= rank === 0 ? "..." : wordOf(order[rank]!, length)) };
}

const weights = new Map<string, Float64Array>();

/** k^−α for ranks 1 … vocabSize (memoized: every size of a probe's search asks again). */
function zipfWeights(vocabSize: number, alpha: number): Float64Array {
  const key = `${vocabSize}:${alpha}`;
  let w = weights.get(key);
  if (!w) {
    w = Float64Array.from({ length: vocabSize }, (_, i) => (i + 1) ** -alpha);
    if (weights.size > 64) weights.clear();
    weights.set(key, w);
  }
  return w;
}

/**
 * How often each rank appears among `numWords` words, int(N · k^−α / ζ(α)), up to the last rank that
 * appears at all (the counts only fall with the rank; every later one is 0).
 */
export function zipfCounts(vocabSize: number, numWords: number, alpha: number = FWE_ARGS.alpha): number[] {
  const [w, z] = [zipfWeights(vocabSize, alpha), zeta(alpha)];
  const counts: number[] = [];
  for (let i = 0; i < w.length; i++) {
    const count = Math.trunc((numWords * w[i]!) / z);
    if (count === 0) break;
    counts.push(count);
  }
  return counts;
}

/** The words before shuffling: each rank its zipf count of times, in rank order. */
function repeatedWords(counts: readonly number[]): Int32Array {
  const words = new Int32Array(counts.reduce((a, b) => a + b, 0));
  let at = 0;
  counts.forEach((count, i) => {
    words.fill(i, at, at + count);
    at += count;
  });
  return words;
}

/** The rank the shuffle puts last, from the unshuffled list's counts without building it. */
function lastRank(counts: readonly number[], random: () => number): number {
  const total = counts.reduce((a, b) => a + b, 0);
  let at = lastOfShuffle(total, random);
  for (let i = 0; i < counts.length; i++) {
    if (at < counts[i]!) return i;
    at -= counts[i]!;
  }
  throw new Error("no words");
}

/** Ranks below this have their pairs of words joined ahead (rank k is ∝ k^−2: ~96 % of the words). */
const PAIRED_RANKS = 16;

/**
 * The spaced words of ranks words[1…] as one string, appended two at a time from a table of the
 * frequent ranks' pairs: half the appends of one word at a time (a rope of ~65K nodes), ~25 % faster.
 */
function joinSpaced(words: Int32Array, table: readonly string[]): string {
  const paired = Math.min(PAIRED_RANKS, table.length);
  const pairs = Array.from({ length: paired * paired }, (_, i) => table[Math.floor(i / paired)]! + table[i % paired]!);
  let line = "";
  let i = 1;
  for (; i + 1 < words.length; i += 2) {
    const [a, b] = [words[i]!, words[i + 1]!];
    line += a < paired && b < paired ? pairs[a * paired + b]! : table[a]! + table[b]!;
  }
  if (i < words.length) line += table[words[i]!]!;
  return line;
}

const answersOf = (vocab: FweVocabulary) => [1, 2, 3].map((rank) => vocab.word(rank));

/** The expected answers alone: vocabulary ranks 2–4. */
export function fweAnswers(key: SampleKey, budget: number): string[] {
  return answersOf(fweVocabulary(key, budget));
}

/**
 * Each rank's " word" tokens, memoized; the ranks a haystack of the budget shows counted in two
 * batches (./count.ts countMany). Rank k appears int(N·k^−2/ζ(2)) times, so only k ≤ √(N/ζ(2))
 * appear: ~200 of ~2,600 at 128K. N is guessed from the first ranks' tokens (rank 1, "...", is 61 %
 * of the words); a rank past the guess is still counted, alone, when met.
 */
function rankTokens(ctx: GenContext, vocab: FweVocabulary, spacedOf: (rank: number) => string): (rank: number) => number {
  const spacedRange = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, i) => spacedOf(from + i));
  const first = Math.min(vocab.size, 64);
  ctx.counter.countMany(spacedRange(0, first));
  const memo: number[] = [];
  const tokensOf = (rank: number) => (memo[rank] ??= ctx.counter.count(spacedOf(rank)));
  let sample = 0;
  for (let rank = 1; rank < first; rank++) sample += tokensOf(rank);
  const perWord = (1 / ZETA_2) * tokensOf(0) + (1 - 1 / ZETA_2) * (sample / Math.max(1, first - 1));
  const words = ctx.budget / Math.max(perWord, 1e-9);
  ctx.counter.countMany(spacedRange(first, Math.min(vocab.size, Math.ceil(Math.sqrt((1.1 * words) / ZETA_2)) + 4)));
  return tokensOf;
}

export function generateFwe(ctx: GenContext): TaskPrompt {
  const vocab = fweVocabulary(ctx.key, ctx.protocolBudget); // RULER's (L − 50) / 50: the protocol's, not the fit's
  const spaced: string[] = [];
  const spacedOf = (rank: number) => (spaced[rank] ??= " " + vocab.word(rank));
  const { head, tail } = splitTemplate(TEMPLATES.freq_words_extraction.template + TEMPLATES.freq_words_extraction.answer_prefix);
  const [h, t] = [fill(head, { query: "" }), fill(tail, { query: "" })];
  if (!h.endsWith(" ") || h.endsWith("  ")) throw new Error("fwe: the template's head must end with one space");
  const tokensOf = rankTokens(ctx, vocab, spacedOf);
  const order = (n: number) => streamOf(ctx.key, "order", n);
  // The head ends in ". ", so the first word counts as " word" like every other (each starts at a
  // hard cut, ./count.ts), in any order; only the last word, joined to the tail, is counted in place,
  // and the shuffle's last word takes one draw: each size's count is exact and O(ranks that appear).
  const opening = ctx.counter.total([h.slice(0, -1)]);
  const countAt = (n: number) => {
    const counts = zipfCounts(vocab.size, n);
    const last = lastRank(counts, order(n));
    const all = counts.reduce((sum, count, i) => sum + count * tokensOf(i), 0);
    return opening + all - tokensOf(last) + ctx.counter.total([spacedOf(last), t]);
  };
  const piecesAt = (n: number): Piece[] => {
    const counts = zipfCounts(vocab.size, n);
    const words = shuffleInPlace(repeatedWords(counts), order(n));
    // One string appended to (V8 keeps it as a rope until it is read), rather than ~40K pieces for
    // the prompt to join: measured twice as fast as either an array of pieces or Array.join.
    const table = Array.from({ length: counts.length }, (_, rank) => spacedOf(rank)); // dense: ~2× faster than the memo in the loop
    return [h, words.length ? vocab.word(words[0]!) + joinSpaced(words, table) : "", t];
  };
  const frame = ctx.counter.total([h, t]);
  const perWord = 0.61 * tokensOf(0) + 0.39 * tokensOf(1);
  const fitted = fitLayout(ctx, { piecesAt, countAt, budget: ctx.budget, guess: { start: (ctx.budget - frame) / perWord, slope: perWord, min: 10 } });
  return { pieces: piecesAt(fitted.size), tokens: fitted.tokens, answers: answersOf(vocab), query: "", size: fitted.size };
}
