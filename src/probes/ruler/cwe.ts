// Common words extraction (common_words_extraction.py): a numbered list in which 10 words appear 30
// times and the others 3 (6 and 1 below 4K), after one worked example of 40 words (10 × 10 and
// 30 × 3; below 4K 20 words, 3 × and 1 ×); the answer is the 10 common words.
import type { Piece } from "./count";
import type { TokenCounter } from "./count";
import { lastOfShuffle, shuffleInPlace, type Random } from "./draws";
import { CWE_ARGS, fill, splitTemplate, TEMPLATES } from "./protocol";
import { fitLayout, streamOf, type GenContext, type SampleKey, type TaskPrompt } from "./task";
import { cweWordPool } from "./words";

interface Shape {
  words: number;
  common: number;
  uncommon: number;
}

/** The example's and the task's repetitions, by RULER's `max_seq_length < 4096` switch. */
export function cweShapes(contextLength: number): { shot: Shape; task: Omit<Shape, "words"> } {
  return contextLength < 4096
    ? { shot: { words: 20, common: 3, uncommon: 1 }, task: { common: 6, uncommon: 1 } }
    : { shot: { words: 40, common: 10, uncommon: 3 }, task: { common: CWE_ARGS.freq_cw, uncommon: CWE_ARGS.freq_ucw } };
}

/** A prefix-stable draw of distinct pool words (their indexes): the first n of one seeded sequence. */
function wordStream(random: Random): { take(n: number): number[]; at(i: number): number } {
  const size = cweWordPool().words.length;
  const drawn: number[] = [];
  const seen = new Set<number>();
  const grow = (n: number) => {
    if (n > size) throw new RangeError(`the cwe pool has ${size} words; ${n} asked`);
    while (drawn.length < n) {
      const i = Math.floor(random() * size);
      if (!seen.has(i)) {
        seen.add(i);
        drawn.push(i);
      }
    }
  };
  return {
    take: (n) => (grow(n), drawn.slice(0, n)),
    at: (i) => (grow(i + 1), drawn[i]!),
  };
}

// The same string objects every time ("1.", " 2.", …), so the counter's memos hit.
const labels: string[] = [];
const label = (i: number) => (labels[i] ??= i === 0 ? "1." : ` ${i + 1}.`);

/** "1. w 2. w …" as pieces, from words already spaced. */
function numbered(spaced: readonly string[]): Piece[] {
  const pieces: Piece[] = new Array<Piece>(2 * spaced.length);
  for (let i = 0; i < spaced.length; i++) {
    pieces[2 * i] = label(i);
    pieces[2 * i + 1] = spaced[i]!;
  }
  return pieces;
}

/** get_example's list (spaced words): the common words `common` times each, the others `uncommon` times, before shuffling. */
function repeated(indexes: readonly number[], common: number, uncommon: number): string[] {
  const { spaced } = cweWordPool();
  const answer = indexes.slice(0, CWE_ARGS.num_cw).map((i) => spaced[i]!);
  const rest = indexes.slice(CWE_ARGS.num_cw).map((i) => spaced[i]!);
  const list: string[] = [];
  for (let r = 0; r < common; r++) list.push(...answer);
  for (let r = 0; r < uncommon; r++) list.push(...rest);
  return list;
}

/** get_example: the shuffled numbered list, and the common words (their pool indexes). */
function example(indexes: readonly number[], common: number, uncommon: number, random: Random): { list: Piece[]; answer: number[] } {
  return { list: numbered(shuffleInPlace(repeated(indexes, common, uncommon), random)), answer: indexes.slice(0, CWE_ARGS.num_cw) };
}

function framed(): { head: string; tail: string } {
  const { head, tail } = splitTemplate(TEMPLATES.common_words_extraction.template + TEMPLATES.common_words_extraction.answer_prefix);
  return { head: fill(head, { query: "" }), tail: fill(tail, { query: "" }) };
}

/** Running sums of a count over 1, 2, … items, grown on demand. */
class Prefix {
  private readonly sums = [0];
  constructor(private readonly countOf: (i: number) => number) {}
  upTo(n: number): number {
    while (this.sums.length <= n) this.sums.push(this.sums.at(-1)! + this.countOf(this.sums.length - 1));
    return this.sums[n]!;
  }
}

/** Per counter: the labels' running token sums and each pool word's tokens (both the same for every probe). */
const labelSums = new WeakMap<TokenCounter, Prefix>();
const poolTokens = new WeakMap<TokenCounter, Int32Array>();

function labelPrefix(counter: TokenCounter): Prefix {
  let prefix = labelSums.get(counter);
  if (!prefix) labelSums.set(counter, (prefix = new Prefix((i) => counter.count(label(i + 1)))));
  return prefix;
}

function wordTokensOf(counter: TokenCounter): (index: number) => number {
  const { spaced } = cweWordPool();
  let tokens = poolTokens.get(counter);
  if (!tokens || tokens.length !== spaced.length) poolTokens.set(counter, (tokens = new Int32Array(spaced.length).fill(-1)));
  const cache = tokens;
  return (index) => (cache[index]! >= 0 ? cache[index]! : (cache[index] = counter.count(spaced[index]!)));
}

/** The expected answers alone: the ten common words. */
export function cweAnswers(key: SampleKey): string[] {
  const { words } = cweWordPool();
  return wordStream(streamOf(key, "words")).take(CWE_ARGS.num_cw).map((i) => words[i]!);
}

export function generateCwe(ctx: GenContext): TaskPrompt {
  const { shot: shotShape, task } = cweShapes(ctx.key.contextLength);
  const { head, tail } = framed();
  const pool = cweWordPool();
  const shotWords = wordStream(streamOf(ctx.key, "shot-words")).take(shotShape.words);
  const shot = example(shotWords, shotShape.common, shotShape.uncommon, streamOf(ctx.key, "shot-order"));
  // The worked example: the template with its list, then " " + its answer numbered; "\n" before the task.
  const before: Piece[] = [head, ...shot.list, tail, " ", ...numbered(shot.answer.map((i) => pool.spaced[i]!)), "\n"];
  const words = wordStream(streamOf(ctx.key, "words"));
  const order = (n: number) => streamOf(ctx.key, "order", n);
  const items = (n: number) => CWE_ARGS.num_cw * task.common + (n - CWE_ARGS.num_cw) * task.uncommon;
  // Every label " i." after the first and every word " w" starts at a hard cut (./count.ts), so the
  // list counts as the sum of its pieces' own counts, in any order; only "1." (joined to the text
  // before it) and the last word (joined to the template after it) are counted in place. The last
  // word is the shuffle's, found with one draw: each size's count is exact and O(1).
  const labelTokens = labelPrefix(ctx.counter);
  const tokensOfWord = wordTokensOf(ctx.counter);
  const wordTokens = new Prefix((i) => tokensOfWord(words.at(i)));
  const opening = ctx.counter.total([...before, head, label(0)]);
  const countAt = (n: number) => {
    const m = items(n);
    const lastIndex = lastOfShuffle(m, order(n));
    const common = CWE_ARGS.num_cw * task.common;
    const lastWord = words.at(lastIndex < common ? lastIndex % CWE_ARGS.num_cw : CWE_ARGS.num_cw + ((lastIndex - common) % (n - CWE_ARGS.num_cw)));
    const last = pool.spaced[lastWord]!;
    const wordSum = task.common * wordTokens.upTo(CWE_ARGS.num_cw) + task.uncommon * (wordTokens.upTo(n) - wordTokens.upTo(CWE_ARGS.num_cw));
    return opening + labelTokens.upTo(m - 1) + wordSum - tokensOfWord(lastWord) + ctx.counter.total([last, tail]);
  };
  const list = (n: number) => example(words.take(n), task.common, task.uncommon, order(n)).list;
  const frame = ctx.counter.total([...before, head, tail]);
  const perItem = ctx.counter.count(` ${Math.trunc(ctx.budget / 6)}.`) + ctx.counter.count(" word");
  const perWord = task.uncommon * perItem;
  const start = CWE_ARGS.num_cw + (ctx.budget - frame - CWE_ARGS.num_cw * task.common * perItem) / perWord;
  ctx.counter.countMany(words.take(Math.min(pool.words.length, Math.ceil(start * 1.2))).filter((i) => poolTokens.get(ctx.counter)![i]! < 0).map((i) => pool.spaced[i]!));
  const fitted = fitLayout(ctx, {
    piecesAt: (n) => [...before, head, ...list(n), tail],
    countAt,
    budget: ctx.budget,
    guess: { start, slope: perWord, min: CWE_ARGS.num_cw + 1, max: cweWordPool().words.length },
  });
  return { pieces: [...before, head, ...list(fitted.size), tail], tokens: fitted.tokens, answers: words.take(CWE_ARGS.num_cw).map((i) => pool.words[i]!), query: "", size: fitted.size };
}
