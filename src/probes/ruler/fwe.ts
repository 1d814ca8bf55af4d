// Frequent words extraction (freq_words_extraction.py): a vocabulary of (L − 50) / 50 random 6-letter
// coded words, the top-ranked one replaced by "...", each repeated int(N · k^−α / ζ(α)) times (Zipf,
// α = 2), shuffled into one line; the answer is ranks 2–4, the three most frequent real words.
import { shuffled } from "../random";
import type { Piece } from "./count";
import { LOWER, randomLetters } from "./draws";
import { fitSize } from "./fit";
import { fill, FWE_ARGS, splitTemplate, TEMPLATES } from "./protocol";
import { streamOf, type GenContext, type SampleKey, type TaskPrompt } from "./task";

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
  const vocab = shuffled([...words].sort(), streamOf(key, "vocabulary-order"));
  vocab[0] = "...";
  return vocab;
}

/** How often each rank appears among `numWords` words. */
export function zipfCounts(vocabSize: number, numWords: number, alpha: number = FWE_ARGS.alpha): number[] {
  const z = zeta(alpha);
  return Array.from({ length: vocabSize }, (_, i) => Math.trunc((numWords * (i + 1) ** -alpha) / z));
}

function shuffledWords(vocabSize: number, numWords: number, ctx: GenContext): number[] {
  const words: number[] = [];
  zipfCounts(vocabSize, numWords).forEach((count, i) => {
    for (let r = 0; r < count; r++) words.push(i);
  });
  return shuffled(words, streamOf(ctx.key, "order", numWords));
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
  const spacedTokens = spaced.map((w) => ctx.counter.count(w));
  // Every word after the first starts at a hard cut (./count.ts): the middle counts as the sum of its
  // words; the first (joined to the template's head) and the last (to its tail) are counted in place.
  const countAt = (n: number) => {
    const order = shuffledWords(vocab.length, n, ctx);
    const [first, last] = [order[0]!, order.at(-1)!];
    const all = zipfCounts(vocab.length, n).reduce((sum, count, i) => sum + count * spacedTokens[i]!, 0);
    return ctx.counter.total([h, vocab[first]!]) + all - spacedTokens[first]! - spacedTokens[last]! + ctx.counter.total([spaced[last]!, t]);
  };
  const frame = ctx.counter.total([h, t]);
  const perWord = 0.61 * spacedTokens[0]! + 0.39 * spacedTokens[1]!;
  const fitted = fitSize(countAt, ctx.budget, { start: (ctx.budget - frame) / perWord, slope: perWord, min: 10 });
  const order = shuffledWords(vocab.length, fitted.size, ctx);
  const pieces: Piece[] = [h, ...order.map((w, i) => (i === 0 ? vocab[w]! : spaced[w]!)), t];
  return { pieces, tokens: fitted.tokens, answers: vocab.slice(1, 4), query: "", size: fitted.size };
}
