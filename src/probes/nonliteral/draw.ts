// What each non-literal probe holds, drawn from the run's seed: a pure function of the recipe and
// the probe's cell, so a prompt, its score and its facts can be recomputed at any time.
//
// Pairs: each kind's pairs are put in a seeded order, and the cell (depth, repetition) takes the
// next ones in that order at every length alike, so a length's mean is never a different pair
// sample from its neighbour's (length is not confounded with pair difficulty). Character names and
// distractor depths are drawn per probe, so an answer cannot be memorised across probes.
import { seededRandom, shuffled } from "../random";
import { CHARACTER_NAMES } from "./characters";
import { NEEDLE_SET } from "./needle-set";
import { NEEDLE_KINDS, type Distractor, type NeedleKind, type NeedlePair } from "./types";

/** Distractors sit at least this many depth points away from the needle. */
export const DISTRACTOR_MIN_GAP = 20;

/** The recipe fields the draws depend on. */
export interface DrawPlan {
  seed: number;
  kinds: readonly NeedleKind[];
  /** Pairs per (kind, length, depth) cell. */
  pairs: number;
  /** Distractors per prompt: 0, 1 or 4. */
  distractors: number;
  depth_percents: readonly number[];
}

export interface DrawnCell {
  contextLength: number;
  depthPercent: number;
  /** kind index × pairs + repetition: the probe's `item`. */
  item: number;
}

export interface PlacedDistractor extends Distractor {
  depthPercent: number;
}

export interface ProbeDraw {
  kind: NeedleKind;
  pair: NeedlePair;
  character: string;
  /** The needle with the character's name in its slot. */
  needle: string;
  distractors: PlacedDistractor[];
}

const pairsByKind = new Map<NeedleKind, NeedlePair[]>(NEEDLE_KINDS.map((kind) => [kind, NEEDLE_SET.filter((p) => p.kind === kind)]));

/** How many pairs the smallest kind has: the most a cell may ask for without repeating one. */
export const MAX_PAIRS_PER_CELL = Math.min(...NEEDLE_KINDS.map((kind) => pairsByKind.get(kind)!.length));

export function pairsOfKind(kind: NeedleKind): readonly NeedlePair[] {
  return pairsByKind.get(kind)!;
}

/** The probe's kind from its item. */
export function kindOfItem(plan: Pick<DrawPlan, "kinds" | "pairs">, item: number): NeedleKind {
  const kind = plan.kinds[Math.floor(item / plan.pairs)];
  if (!kind) throw new RangeError(`item ${item} is outside this suite's ${plan.kinds.length} kinds × ${plan.pairs} pairs`);
  return kind;
}

export function drawProbe(plan: DrawPlan, cell: DrawnCell): ProbeDraw {
  const kind = kindOfItem(plan, cell.item);
  const repetition = cell.item % plan.pairs;
  const depthIndex = plan.depth_percents.indexOf(cell.depthPercent);
  if (depthIndex < 0) throw new RangeError(`depth ${cell.depthPercent} is not one of this suite's depths`);
  const order = shuffled(pairsOfKind(kind), seededRandom(plan.seed, "pairs", kind));
  const pair = order[(depthIndex * plan.pairs + repetition) % order.length]!;

  const random = seededRandom(plan.seed, "probe", cell.contextLength, cell.depthPercent, cell.item);
  const character = CHARACTER_NAMES[Math.floor(random() * CHARACTER_NAMES.length)]!;
  const chosen = shuffled(pair.distractors, random).slice(0, plan.distractors);
  const distractors = chosen.map((d) => ({ ...d, depthPercent: distractorDepth(cell.depthPercent, random) }));
  return { kind, pair, character, needle: pair.needle.replace("{CHAR}", () => character), distractors };
}

/** A whole-number depth at least DISTRACTOR_MIN_GAP points from the needle's, uniformly. */
function distractorDepth(needleDepth: number, random: () => number): number {
  const allowed: number[] = [];
  for (let depth = 0; depth <= 100; depth++) if (Math.abs(depth - needleDepth) >= DISTRACTOR_MIN_GAP) allowed.push(depth);
  return allowed[Math.floor(random() * allowed.length)]!;
}
