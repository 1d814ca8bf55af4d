// Frequent words extraction (freq_words_extraction.py): a vocabulary of (L − 50) / 50 random 6-letter
// coded words, the top-ranked one replaced by "...", each repeated int(N · k^−α / ζ(α)) times (Zipf,
// α = 2), shuffled into one line; the answer is ranks 2–4, the three most frequent real words.
import type { Piece } from "./count";
import { lastOfShuffle, LOWER, randomLetters, shuffle } from "./draws";
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

/** How often each rank appears among `numWords` words. */
export function zipfCounts(vocabSize: number, numWords: number, alpha: number = FWE_ARGS.alpha): number[] {
  const z = zeta(alpha);
  return Array.from({ length: vocabSize }, (_, i) => Math.trunc((numWords * (i + 1) ** -alpha) / z));
}

/** The words in the order they are written: each rank its zipf count of times, shuffled. */
function repeatedWords(vocabSize: number, numWords: number): number[] {
  const words: number[] = [];
  zipfCounts(vocabSize, numWords).forEach((count, i) => {
    for (let r = 0; r < count; r++) words.push(i);
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
  const vocab = fweVocabulary(ctx.key, ctx.budget);
  const spaced = vocab.map((w) => " " + w);
  const { head, tail } = splitTemplate(TEMPLATES.freq_words_extraction.template + TEMPLATES.freq_words_extraction.answer_prefix);
  const [h, t] = [fill(head, { query: "" }), fill(tail, { query: "" })];
  if (!h.endsWith(" ") || h.endsWith("  ")) throw new Error("fwe: the template's head must end with one space");
  const spacedTokens = spaced.map((w) => ctx.counter.count(w));
  const order = (n: number) => streamOf(ctx.key, "order", n);
  // The head ends in ". ", so the first word counts as " word" like every other (each starts at a
  // hard cut, ./count.ts), in any order; only the last word, joined to the tail, is counted in place,
  // and the shuffle's last word takes one draw: each size's count is exact and O(vocabulary).
  const opening = ctx.counter.total([h.slice(0, -1)]);
  const countAt = (n: number) => {
    const counts = zipfCounts(vocab.length, n);
    const last = lastRank(counts, order(n));
    const all = counts.reduce((sum, count, i) => sum + count * spacedTokens[i]!, 0);
    return opening + all - spacedTokens[last]! + ctx.counter.total([spaced[last]!, t]);
  };
  const piecesAt = (n: number): Piece[] => [h, ...shuffle(repeatedWords(vocab.length, n), order(n)).map((w, i) => (i === 0 ? vocab[w]! : spaced[w]!)), t];
  const frame = ctx.counter.total([h, t]);
  const perWord = 0.61 * spacedTokens[0]! + 0.39 * spacedTokens[1]!;
  const fitted = fitLayout(ctx, { piecesAt, countAt, budget: ctx.budget, guess: { start: (ctx.budget - frame) / perWord, slope: perWord, min: 10 } });
  return { pieces: piecesAt(fitted.size), tokens: fitted.tokens, answers: vocab.slice(1, 4), query: "", size: fitted.size };
}
