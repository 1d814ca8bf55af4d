// Frequent words extraction (freq_words_extraction.py): a vocabulary of (L − 50) / 50 random 6-letter
// coded words, the top-ranked one replaced by "...", each repeated int(N · k^−α / ζ(α)) times (Zipf,
// α = 2), shuffled into one line; the answer is ranks 2–4, the three most frequent real words.
import type { Piece } from "./count";
import { lastOfShuffle, LOWER, randomLetters, shuffle, shuffleInPlace } from "./draws";
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

/** The vocabulary: distinct coded words, sorted, then shuffled; rank 1 becomes the "..." noise. */
export function fweVocabulary(key: SampleKey, budget: number): string[] {
  const size = Math.floor(budget / 50);
  const random = streamOf(key, "vocabulary");
  const words = new Set<string>();
  while (words.size < size) words.add(randomLetters(random, LOWER, FWE_ARGS.coded_wordlen));
  const vocab = shuffle([...words].sort(), streamOf(key, "vocabulary-order"));
  vocab[0] = "...";
  return vocab;
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

/** How often each rank appears among `numWords` words: int(N · k^−α / ζ(α)). */
export function zipfCounts(vocabSize: number, numWords: number, alpha: number = FWE_ARGS.alpha): number[] {
  const [w, z] = [zipfWeights(vocabSize, alpha), zeta(alpha)];
  return Array.from(w, (x) => Math.trunc((numWords * x) / z));
}

/** The words before shuffling: each rank its zipf count of times, in rank order. */
function repeatedWords(vocabSize: number, numWords: number): Int32Array {
  const counts = zipfCounts(vocabSize, numWords);
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

/** The expected answers alone: vocabulary ranks 2–4. */
export function fweAnswers(key: SampleKey, budget: number): string[] {
  return fweVocabulary(key, budget).slice(1, 4);
}

export function generateFwe(ctx: GenContext): TaskPrompt {
  const vocab = fweVocabulary(ctx.key, ctx.protocolBudget); // RULER's (L − 50) / 50: the protocol's, not the fit's
  const spaced = vocab.map((w) => " " + w);
  const { head, tail } = splitTemplate(TEMPLATES.freq_words_extraction.template + TEMPLATES.freq_words_extraction.answer_prefix);
  const [h, t] = [fill(head, { query: "" }), fill(tail, { query: "" })];
  if (!h.endsWith(" ") || h.endsWith("  ")) throw new Error("fwe: the template's head must end with one space");
  // Rank k appears int(N·k^−2/ζ(2)) times: at 128K only the top ~200 ranks appear at all, so only
  // their words are ever counted (the rest of the vocabulary, drawn as RULER draws it, is never seen).
  const seenRanks = Math.min(vocab.length, Math.ceil(Math.sqrt((2 * ctx.budget) / ZETA_2)) + 8);
  ctx.counter.countMany(spaced.slice(0, seenRanks));
  const tokenMemo: number[] = [];
  const tokensOf = (rank: number) => (tokenMemo[rank] ??= ctx.counter.count(spaced[rank]!));
  const order = (n: number) => streamOf(ctx.key, "order", n);
  // The head ends in ". ", so the first word counts as " word" like every other (each starts at a
  // hard cut, ./count.ts), in any order; only the last word, joined to the tail, is counted in place,
  // and the shuffle's last word takes one draw: each size's count is exact and O(vocabulary).
  const opening = ctx.counter.total([h.slice(0, -1)]);
  const countAt = (n: number) => {
    const counts = zipfCounts(vocab.length, n);
    const last = lastRank(counts, order(n));
    const all = counts.reduce((sum, count, i) => (count === 0 ? sum : sum + count * tokensOf(i)), 0);
    return opening + all - tokensOf(last) + ctx.counter.total([spaced[last]!, t]);
  };
  const piecesAt = (n: number): Piece[] => {
    const words = shuffleInPlace(repeatedWords(vocab.length, n), order(n));
    const pieces = new Array<Piece>(words.length + 2);
    pieces[0] = h;
    for (let i = 0; i < words.length; i++) pieces[i + 1] = i === 0 ? vocab[words[i]!]! : spaced[words[i]!]!;
    pieces[words.length + 1] = t;
    return pieces;
  };
  const frame = ctx.counter.total([h, t]);
  const perWord = 0.61 * tokensOf(0) + 0.39 * tokensOf(1);
  const fitted = fitLayout(ctx, { piecesAt, countAt, budget: ctx.budget, guess: { start: (ctx.budget - frame) / perWord, slope: perWord, min: 10 } });
  return { pieces: piecesAt(fitted.size), tokens: fitted.tokens, answers: vocab.slice(1, 4), query: "", size: fitted.size };
}
