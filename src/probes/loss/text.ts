// The loss suite's texts: for each (domain, document) a seeded start in the domain's tokens, and
// for each length L the L tokens from there — so a document's shorter texts are prefixes of its
// longer ones and Loss@L compares like with like. Token-exact: the text re-encodes to exactly L
// tokens in the run's tokenizer (a cut that would merge differently is moved, deterministically).
import { getHaystack, haystackText, type Haystack } from "../needle/haystack";
import { seededRandom } from "../random";
import type { Corpus, Tokenizer } from "../types";

/** How far (in tokens) a start or an end may move to find a cut that re-encodes exactly. */
const MAX_SHIFT = 16;

export class LossTextError extends Error {
  override name = "LossTextError";
}

/** The first token at or after `from` that starts a sentence (follows a sentence end), else `from`. */
function sentenceStartFrom(haystack: Haystack, from: number, limit: number): number {
  for (let k = Math.max(1, from); k < limit; k++) if (haystack.sentenceEnd[k - 1] === 1 && haystack.charStart[k]! >= 0) return k;
  return from;
}

/** Start token of a document: seeded, at a sentence start, leaving room for the longest length. */
export function documentStart(haystack: Haystack, plan: { seed: number; domain: string; document: number; longest: number }): number {
  const room = haystack.ids.length - plan.longest - MAX_SHIFT;
  if (room < 0) throw new LossTextError(`domain "${plan.domain}" has ${haystack.ids.length} tokens; ${plan.longest} are asked for`);
  const guess = Math.floor(seededRandom(plan.seed, "loss", plan.domain, plan.document)() * (room + 1));
  const start = sentenceStartFrom(haystack, guess, room + 1);
  return start <= room ? start : guess;
}

/** The text of exactly `length` tokens from `start` (the end moved by ≤ MAX_SHIFT tokens if a cut would not re-encode). */
export function exactText(tokenizer: Tokenizer, corpus: Corpus, start: number, length: number): string {
  const haystack = getHaystack(tokenizer, corpus);
  for (let shift = 0; shift <= MAX_SHIFT; shift++) {
    const from = Math.min(start + shift, haystack.ids.length - length);
    if (haystack.charStart[from]! < 0 || haystack.charStart[from + length]! < 0) continue;
    const text = haystackText(haystack, tokenizer, from, from + length);
    if (tokenizer.encode(text).length === length) return text;
  }
  throw new LossTextError(`no cut near token ${start} of "${corpus.id}" re-encodes to exactly ${length} ${tokenizer.name} tokens`);
}
