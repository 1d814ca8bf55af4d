// Variable tracking (variable_tracking.py): a chain "VAR A = 12345", "VAR B = VAR A ", … of four
// hops hidden in the noise haystack, after RULER's one-shot example (a ~500-token chain of 3-letter
// names), and the question: which variables hold the value? Lines are RULER's, trailing space kept.
import type { Piece } from "./count";
import { randInt, randomLetters, sampleIndexes, UPPER, type Random } from "./draws";
import { fill, NOISE_SENTENCE, splitTemplate, TEMPLATES, VT_ARGS } from "./protocol";
import { fitLayout, streamOf, type GenContext, type SampleKey, type TaskPrompt } from "./task";

/** RULER's one-shot example fits 500 tokens (its max_seq_length for the example, nothing generated). */
export const ICL_BUDGET = 500;

interface Chain {
  names: string[];
  value: string;
  lines: string[];
}

function drawChain(random: Random, letters: number, hops: number): Chain {
  const names: string[] = [];
  while (names.length < hops + 1) {
    const name = randomLetters(random, UPPER, letters);
    if (!names.includes(name)) names.push(name);
  }
  const value = String(randInt(random, 10000, 99998)); // np.random.randint(10000, 99999)
  const lines = [`VAR ${names[0]!} = ${value}`, ...names.slice(1).map((name, j) => `VAR ${name} = VAR ${names[j]!} `)];
  return { names, value, lines };
}

/** The noise lines with the chain's lines before randomly chosen ones, in chain order, joined by "\n". */
const NOISE_LINE = NOISE_SENTENCE + "\n";

function contextPieces(noises: number, chain: Chain, random: Random): Piece[] {
  const lines: Piece[] = new Array<string>(noises).fill(NOISE_LINE);
  const positions = sampleIndexes(random, noises, chain.lines.length).sort((a, b) => a - b);
  positions.forEach((position, j) => lines.splice(position + j, 0, chain.lines[j]! + "\n"));
  const last = lines.length - 1;
  lines[last] = (lines[last] as string).slice(0, -1);
  return lines;
}

function framed(chain: Chain): { head: string; tail: string } {
  const { head, tail } = splitTemplate(TEMPLATES.variable_tracking.template + TEMPLATES.variable_tracking.answer_prefix);
  const values = { query: chain.value, num_v: String(chain.names.length) };
  return { head: fill(head, values), tail: fill(tail, values) };
}

/** A chain with its noise, the largest that fits `budget` (the pieces before it counted in `before`). */
function fittedChain(ctx: GenContext, chain: Chain, budget: number, before: readonly Piece[], purpose: string): { pieces: Piece[]; tokens: number; noises: number } {
  const { head, tail } = framed(chain);
  const piecesAt = (noises: number) => [...before, head, ...contextPieces(noises, chain, streamOf(ctx.key, purpose, noises)), tail];
  const perLine = ctx.counter.total([NOISE_LINE]);
  const frame = ctx.counter.total([...before, head, tail]) + ctx.counter.total(chain.lines.map((l) => l + "\n"));
  const fitted = fitLayout(ctx, { piecesAt, countAt: (n) => ctx.counter.total(piecesAt(n)), budget, guess: { start: (budget - frame) / perLine, slope: perLine, min: chain.lines.length } });
  return { pieces: piecesAt(fitted.size), tokens: fitted.tokens, noises: fitted.size };
}

/** The expected answers alone: the five names of the task's chain. */
export function vtAnswers(key: SampleKey): string[] {
  return drawChain(streamOf(key, "chain"), 5, VT_ARGS.num_hops).names;
}

export function generateVt(ctx: GenContext): TaskPrompt {
  const { num_hops } = VT_ARGS;
  const exampleChain = drawChain(streamOf(ctx.key, "icl"), 3, num_hops);
  const example = fittedChain(ctx, exampleChain, ICL_BUDGET, [], "icl-positions");
  // RULER: example input + " " + its answers + "\n", then "\n" before the task.
  const shot: Piece[] = [...example.pieces, " " + exampleChain.names.join(" ") + "\n", "\n"];
  const chain = drawChain(streamOf(ctx.key, "chain"), 5, num_hops);
  const main = fittedChain(ctx, chain, ctx.budget, shot, "positions");
  return { pieces: main.pieces, tokens: main.tokens, answers: chain.names, query: chain.value, size: main.noises };
}
