// Common words extraction (common_words_extraction.py): a numbered list in which 10 words appear 30
// times and the others 3 (6 and 1 below 4K), after one worked example of 40 words (10 × 10 and
// 30 × 3; below 4K 20 words, 3 × and 1 ×); the answer is the 10 common words.
import type { Piece } from "./count";
import type { Random } from "./draws";
import { fitSize } from "./fit";
import { CWE_ARGS, fill, splitTemplate, TEMPLATES } from "./protocol";
import { streamOf, type GenContext, type SampleKey, type TaskPrompt } from "./task";
import { cweWordPool } from "./words";
import { shuffled } from "../random";

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

/** A prefix-stable draw of distinct pool words: the first n of one seeded sequence. */
function wordStream(random: Random): (n: number) => string[] {
  const { words } = cweWordPool();
  const drawn: string[] = [];
  const seen = new Set<number>();
  return (n) => {
    if (n > words.length) throw new RangeError(`the cwe pool has ${words.length} words; ${n} asked`);
    while (drawn.length < n) {
      const i = Math.floor(random() * words.length);
      if (!seen.has(i)) {
        seen.add(i);
        drawn.push(words[i]!);
      }
    }
    return drawn.slice(0, n);
  };
}

// The same string objects every time ("1.", " 2.", …; " word"), so the counter's memos hit.
const labels: string[] = [];
const spaced = new Map<string, string>();
const label = (i: number) => (labels[i] ??= i === 0 ? "1." : ` ${i + 1}.`);
function spacedWord(word: string): string {
  let out = spaced.get(word);
  if (out === undefined) spaced.set(word, (out = " " + word));
  return out;
}

function numbered(words: readonly string[]): Piece[] {
  const pieces: Piece[] = new Array<Piece>(2 * words.length);
  words.forEach((word, i) => {
    pieces[2 * i] = label(i);
    pieces[2 * i + 1] = spacedWord(word);
  });
  return pieces;
}

/** get_example: the shuffled list of repeated words, and the common ones. */
function example(words: readonly string[], common: number, uncommon: number, random: Random): { list: Piece[]; answer: string[] } {
  const answer = words.slice(0, CWE_ARGS.num_cw);
  const rest = words.slice(CWE_ARGS.num_cw);
  const list: string[] = [];
  for (let r = 0; r < common; r++) list.push(...answer);
  for (let r = 0; r < uncommon; r++) list.push(...rest);
  return { list: numbered(shuffled(list, random)), answer };
}

function framed(): { head: string; tail: string } {
  const { head, tail } = splitTemplate(TEMPLATES.common_words_extraction.template + TEMPLATES.common_words_extraction.answer_prefix);
  return { head: fill(head, { query: "" }), tail: fill(tail, { query: "" }) };
}

/**
 * The task's exact count at n words without laying out its list: every label " i." and word " w"
 * after the first starts at a hard cut (./count.ts), so the middle of the list counts as the sum of
 * its pieces' own counts; only "1." (joined to the template before it) and the last word (joined to
 * the template after it) are counted in place. The last word is the shuffle's, so it is exact.
 */
function countAt(ctx: GenContext, before: readonly Piece[], head: string, tail: string, list: (n: number) => Piece[], n: number): number {
  const pieces = list(n);
  const last = pieces.length - 1;
  let middle = 0;
  for (let i = 1; i < last; i++) middle += ctx.counter.count(pieces[i] as string);
  return ctx.counter.total([...before, head, pieces[0]!]) + middle + ctx.counter.total([pieces[last]!, tail]);
}

/** The expected answers alone: the ten common words. */
export function cweAnswers(key: SampleKey): string[] {
  return wordStream(streamOf(key, "words"))(CWE_ARGS.num_cw);
}

export function generateCwe(ctx: GenContext): TaskPrompt {
  const { shot: shotShape, task } = cweShapes(ctx.key.contextLength);
  const { head, tail } = framed();
  const shotWords = wordStream(streamOf(ctx.key, "shot-words"))(shotShape.words);
  const shot = example(shotWords, shotShape.common, shotShape.uncommon, streamOf(ctx.key, "shot-order"));
  // The worked example: the template with its list, then " " + its answer numbered; "\n" before the task.
  const before: Piece[] = [head, ...shot.list, tail, " ", ...numbered(shot.answer), "\n"];
  const words = wordStream(streamOf(ctx.key, "words"));
  const list = (n: number) => example(words(n), task.common, task.uncommon, streamOf(ctx.key, "order", n)).list;
  const frame = ctx.counter.total([...before, head, tail]);
  const perItem = ctx.counter.count(` ${Math.trunc(ctx.budget / 6)}.`) + ctx.counter.count(" word");
  const perWord = task.uncommon * perItem;
  const start = CWE_ARGS.num_cw + (ctx.budget - frame - CWE_ARGS.num_cw * task.common * perItem) / perWord;
  const fitted = fitSize((n) => countAt(ctx, before, head, tail, list, n), ctx.budget, { start, slope: perWord, min: CWE_ARGS.num_cw + 1, max: cweWordPool().words.length });
  return { pieces: [...before, head, ...list(fitted.size), tail], tokens: fitted.tokens, answers: words(CWE_ARGS.num_cw), query: "", size: fitted.size };
}
