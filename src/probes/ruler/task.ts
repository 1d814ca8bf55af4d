// What a task generator is given and gives back: one sample of one task at one length.
import type { Haystack } from "../needle/haystack";
import { seededRandom } from "../random";
import type { Tokenizer } from "../types";
import { counterFor, type Piece, type TokenCounter } from "./count";
import type { Random } from "./draws";
import { fitSize, type Fitted } from "./fit";
import type { RulerTask } from "./protocol";

export interface SampleKey {
  seed: number;
  task: RulerTask;
  contextLength: number;
  sample: number;
}

export interface GenContext {
  key: SampleKey;
  tokenizer: Tokenizer;
  counter: TokenCounter;
  /**
   * Tokens of `counter` the prompt may take, answer prefix included, which every haystack is fitted
   * to: the protocol budget, except where the counter is a proxy for an endpoint's own tokenizer
   * (../ruler/endpoint-fit.ts), whose search sets it.
   */
  budget: number;
  /**
   * RULER's budget, the length minus tokens_to_generate in the model's tokens: what the protocol
   * reads where RULER reads max_seq_length (fwe's vocabulary size), never fitted to. (vt's one-shot
   * example stays 500 of the counter's tokens: with a proxy, ~500 of the endpoint's. Scaled by the
   * fit, it would move with the proxy budget, and the search relies on a larger budget never
   * building a shorter prompt.)
   */
  protocolBudget: number;
  /** Essay tasks: the whitespace-normalised corpus's cached tokenization. */
  essay?: Haystack;
  /** How a haystack is sized (default: ./fit.ts on the exact counts); the bench swaps in RULER's search. */
  fitter?: Fitter;
}

/** A haystack of some size: its prompt's pieces, its exact count, and a first guess for the search. */
export interface Layout {
  piecesAt(size: number): Piece[];
  countAt(size: number): number;
  budget: number;
  guess: { start: number; slope: number; min?: number; max?: number };
}

export type Fitter = (layout: Layout) => Fitted;

/** The largest size that fits: the context's fitter, else a secant search on exact counts. */
export function fitLayout(ctx: GenContext, layout: Layout): Fitted {
  return ctx.fitter ? ctx.fitter(layout) : fitSize(layout.countAt, layout.budget, layout.guess);
}

/** One generated sample: the whole prompt text as pieces, its exact token count and the answers. */
export interface TaskPrompt {
  pieces: Piece[];
  tokens: number;
  answers: string[];
  /** What the question asks about (keys, the variable's value), for the stored facts. */
  query: string;
  /** The haystack's size in its own unit (noise lines, corpus tokens, words, documents). */
  size: number;
}

/** A generator of its own for every (probe, purpose): the same probe always draws the same values. */
export function streamOf(key: SampleKey, ...purpose: (string | number)[]): Random {
  return seededRandom("ruler", key.seed, key.task, key.contextLength, key.sample, ...purpose);
}

/** A sample's context at the protocol budget; `fitBudget` (default: the same) is what its haystack is fitted to. */
export function genContext(key: SampleKey, tokenizer: Tokenizer, protocolBudget: number, essay?: Haystack, fitBudget = protocolBudget): GenContext {
  return { key, tokenizer, counter: counterFor(tokenizer), budget: fitBudget, protocolBudget, ...(essay ? { essay } : {}) };
}

/** RULER's list rendering of several keys: "a, b, c, and d" (one key alone as it is). */
export function joinQueries(queries: readonly string[]): string {
  return queries.length > 1 ? `${queries.slice(0, -1).join(", ")}, and ${queries.at(-1)!}` : queries[0]!;
}
