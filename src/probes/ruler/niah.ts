// The eight needle-in-a-haystack tasks (niah.py): keys and values drawn per sample, the needles
// shuffled, hidden in a noise, essay or distractor-needle haystack, and 1–4 keys asked for.
import { shuffled } from "../random";
import type { Piece } from "./count";
import { randomNumber, randomUuid, sample, sampleIndexes, type Random } from "./draws";
import { essayPieces, snapToWordEnd } from "./essay";
import { DEPTHS, fill, niahNeedle, NOISE_SENTENCE, singularNiah, splitTemplate, TEMPLATES, type NeedleType, type NiahArgs } from "./protocol";
import { fitLayout, joinQueries, streamOf, type GenContext, type SampleKey, type TaskPrompt } from "./task";
import { KEY_COUNT, keyWord } from "./words";

function draw(random: Random, type: NeedleType): string {
  if (type === "numbers") return randomNumber(random);
  if (type === "uuids") return randomUuid(random);
  return keyWord(Math.floor(random() * KEY_COUNT));
}

interface Needles {
  keys: string[];
  needles: string[];
  answers: string[];
  query: string;
  singular: boolean;
}

function drawNeedles(key: SampleKey, args: NiahArgs): Needles {
  const numKeys = Math.max(args.num_needle_k, args.num_needle_q);
  const random = streamOf(key, "needles");
  const keys: string[] = [];
  const values: string[][] = [];
  const needles: string[] = [];
  while (keys.length < numKeys) {
    const drawnKey = draw(random, args.type_needle_k);
    if (keys.includes(drawnKey)) continue; // distinct keys, or a question would have two answers
    const value = Array.from({ length: args.num_needle_v }, () => draw(random, args.type_needle_v));
    keys.push(drawnKey);
    values.push(value);
    for (const v of value) needles.push(niahNeedle(args.type_needle_v, drawnKey, v));
  }
  const asked = sampleIndexes(streamOf(key, "queries"), numKeys, args.num_needle_q);
  return {
    keys,
    needles: shuffled(needles, streamOf(key, "order")),
    answers: asked.flatMap((i) => values[i]!),
    query: joinQueries(asked.map((i) => keys[i]!)),
    singular: args.num_needle_q * args.num_needle_v === 1,
  };
}

/** The template (with its answer prefix, as prepare.py joins them) around {context}, filled. */
function templateParts(args: NiahArgs, drawn: Needles): { head: string; tail: string } {
  let template = TEMPLATES.niah.template + TEMPLATES.niah.answer_prefix;
  if (drawn.singular) template = singularNiah(template);
  const typeNeedleV = drawn.singular ? args.type_needle_v.slice(0, -1) : args.type_needle_v;
  const { head, tail } = splitTemplate(template);
  const values = { type_needle_v: typeNeedleV, query: drawn.query };
  return { head: fill(head, values), tail: fill(tail, values) };
}

/**
 * niah.py: lines joined by "\n", the needles inserted before randomly chosen lines. Lines come
 * with their "\n" already (`withNewline`: the same string objects every time, so counting them
 * hits the counter's memos), the last one without.
 */
function linePieces(lines: readonly string[], needles: readonly string[], random: Random): Piece[] {
  const out: Piece[] = [...lines];
  const indexes = sampleIndexes(random, lines.length, needles.length).sort((a, b) => b - a);
  indexes.forEach((index, i) => out.splice(index, 0, needles[i]!));
  const last = out.length - 1;
  out[last] = (out[last] as string).slice(0, -1);
  return out;
}

const NOISE_LINE = NOISE_SENTENCE + "\n";

/** The "needle" haystack's distractors: needles with keys of their own, drawn as a prefix-stable stream. */
function distractorStream(ctx: GenContext, args: NiahArgs, taken: readonly string[], attempt: number): (n: number) => string[] {
  const random = streamOf(ctx.key, "distractors", attempt);
  const made: string[] = [];
  return (n) => {
    while (made.length < n) {
      const key = draw(random, args.type_needle_k);
      if (taken.includes(key)) continue; // our key space is smaller than wonderwords': never repeat a real key
      made.push(niahNeedle(args.type_needle_v, key, draw(random, args.type_needle_v)) + "\n");
    }
    return made.slice(0, n);
  };
}

/** The expected answers alone (scoring needs no haystack). */
export function niahAnswers(key: SampleKey, args: NiahArgs): string[] {
  return drawNeedles(key, args).answers;
}

/**
 * A distractor line can outweigh 1 % of a short budget (a UUID pair is ~60 LLaMA tokens, 1 % of 4K
 * is 40), so the "needle" haystack tries other seeded draws of its distractors until the prompt
 * lands within 1 % of the budget (the closest draw otherwise).
 */
const DISTRACTOR_ATTEMPTS = 16;

export function generateNiah(ctx: GenContext, args: NiahArgs): TaskPrompt {
  const drawn = drawNeedles(ctx.key, args);
  if (args.type_haystack !== "needle") return fitted(ctx, args, drawn, 0);
  let best: TaskPrompt | null = null;
  for (let attempt = 0; attempt < DISTRACTOR_ATTEMPTS; attempt++) {
    const prompt = fitted(ctx, args, drawn, attempt);
    if (!best || prompt.tokens > best.tokens) best = prompt;
    if (prompt.tokens >= 0.99 * ctx.budget) break;
  }
  return best!;
}

function fitted(ctx: GenContext, args: NiahArgs, drawn: Needles, attempt: number): TaskPrompt {
  const { head, tail } = templateParts(args, drawn);
  const frame = ctx.counter.total([head, tail]);
  let piecesAt: (size: number) => Piece[];
  let guess: { start: number; slope: number; min: number; max?: number };
  if (args.type_haystack === "essay") {
    const haystack = ctx.essay;
    if (!haystack) throw new Error("an essay task needs the essay haystack");
    const depths = sample(streamOf(ctx.key, "depths"), DEPTHS, drawn.needles.length).sort((a, b) => a - b);
    piecesAt = (size) => [head, ...essayPieces(haystack, snapToWordEnd(haystack, size), drawn.needles, depths), tail];
    const needleTokens = ctx.counter.total(drawn.needles.map((n) => " " + n));
    guess = { start: ctx.budget - frame - needleTokens, slope: 1, min: 2, max: haystack.ids.length - 1 };
  } else {
    const distractors = args.type_haystack === "needle" ? distractorStream(ctx, args, drawn.keys, attempt) : null;
    const lines = (size: number) => (distractors ? distractors(size) : new Array<string>(size).fill(NOISE_LINE));
    const needleLines = drawn.needles.map((n) => n + "\n");
    piecesAt = (size) => [head, ...linePieces(lines(size), needleLines, streamOf(ctx.key, "positions", attempt, size)), tail];
    const perLine = ctx.counter.total(lines(1));
    guess = { start: (ctx.budget - frame) / perLine - drawn.needles.length, slope: perLine, min: drawn.needles.length };
  }
  const fit = fitLayout(ctx, { piecesAt, countAt: (size) => ctx.counter.total(piecesAt(size)), budget: ctx.budget, guess });
  const size = args.type_haystack === "essay" ? snapToWordEnd(ctx.essay!, fit.size) : fit.size;
  return { pieces: piecesAt(size), tokens: fit.tokens, answers: drawn.answers, query: drawn.query, size };
}
